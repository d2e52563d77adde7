/** An error with a stable code that callers match on (`err.code`), never on the message. */
export class ScError extends Error {
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.name = 'ScError';
    this.code = code;
  }
}

/** Stable error codes. */
export const ErrorCode = {
  CONFIG_INVALID: 'ERR_CONFIG_INVALID',
  USAGE: 'ERR_USAGE',
  TOPOLOGY_INVALID: 'ERR_TOPOLOGY_INVALID',
  TOPOLOGY_READ: 'ERR_TOPOLOGY_READ',
  MESSAGE_MALFORMED: 'ERR_MESSAGE_MALFORMED',
  MESSAGE_TOO_LARGE: 'ERR_MESSAGE_TOO_LARGE',
  MESSAGE_VERSION: 'ERR_MESSAGE_VERSION',
  SIM_RUNAWAY: 'ERR_SIM_RUNAWAY',
  MODULE_INVALID: 'ERR_MODULE_INVALID',
  TRANSPORT_UNSUPPORTED: 'ERR_TRANSPORT_UNSUPPORTED',
  LISTEN_FAILED: 'ERR_LISTEN_FAILED',
  SESSION_NAME_INVALID: 'ERR_SESSION_NAME_INVALID',
  ANNOUNCEMENT_INVALID: 'ERR_ANNOUNCEMENT_INVALID',
  ANNOUNCEMENT_TOO_LARGE: 'ERR_ANNOUNCEMENT_TOO_LARGE',
} as const;
