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
  CONFIG_UNKNOWN_KEY: 'ERR_CONFIG_UNKNOWN_KEY',
  CONFIG_TYPE: 'ERR_CONFIG_TYPE',
  NODE_ADDRESS_INVALID: 'ERR_NODE_ADDRESS_INVALID',
  USAGE: 'ERR_USAGE',
  TOPOLOGY_INVALID: 'ERR_TOPOLOGY_INVALID',
  TOPOLOGY_READ: 'ERR_TOPOLOGY_READ',
  MESSAGE_MALFORMED: 'ERR_MESSAGE_MALFORMED',
  MESSAGE_TOO_LARGE: 'ERR_MESSAGE_TOO_LARGE',
  SIM_RUNAWAY: 'ERR_SIM_RUNAWAY',
  MODULE_INVALID: 'ERR_MODULE_INVALID',
  TRANSPORT_UNSUPPORTED: 'ERR_TRANSPORT_UNSUPPORTED',
  LISTEN_FAILED: 'ERR_LISTEN_FAILED',
  FRONTEND_UNREACHABLE: 'ERR_FRONTEND_UNREACHABLE',
  ATTACH_FAILED: 'ERR_ATTACH_FAILED',
  SESSION_NAME_INVALID: 'ERR_SESSION_NAME_INVALID',
  ANNOUNCEMENT_INVALID: 'ERR_ANNOUNCEMENT_INVALID',
  ANNOUNCEMENT_TOO_LARGE: 'ERR_ANNOUNCEMENT_TOO_LARGE',
  URL_INVALID: 'ERR_URL_INVALID',
  URL_FORBIDDEN: 'ERR_URL_FORBIDDEN',
  RENDEZVOUS_FORBIDDEN: 'ERR_RENDEZVOUS_FORBIDDEN',
  FETCH_FAILED: 'ERR_FETCH_FAILED',
  FETCH_TIMEOUT: 'ERR_FETCH_TIMEOUT',
  REQUEST_INVALID: 'ERR_REQUEST_INVALID',
  REQUEST_TOO_LARGE: 'ERR_REQUEST_TOO_LARGE',
  UNSUPPORTED_MEDIA_TYPE: 'ERR_UNSUPPORTED_MEDIA_TYPE',
  SESSION_MISMATCH: 'ERR_SESSION_MISMATCH',
  NOT_FOUND: 'ERR_NOT_FOUND',
  METHOD_NOT_ALLOWED: 'ERR_METHOD_NOT_ALLOWED',
  INTERNAL: 'ERR_INTERNAL',
  CLUSTER_UNAVAILABLE: 'ERR_CLUSTER_UNAVAILABLE',
  LIMIT_SESSIONS: 'ERR_LIMIT_SESSIONS',
  LIMIT_LIVE_CLIENTS: 'ERR_LIMIT_LIVE_CLIENTS',
  /** A player refused by a radio mount that has its maximum of listeners (MusiCast, maxListeners). */
  LIMIT_LISTENERS: 'ERR_LIMIT_LISTENERS',
  UNAUTHORIZED: 'ERR_UNAUTHORIZED',
  TRUST_INVALID: 'ERR_TRUST_INVALID',
  TRUST_NO_CREDENTIAL: 'ERR_TRUST_NO_CREDENTIAL',
  /** A signed announcement whose CREATOR does not verify, or whose name is not bound to its key (docs/security.md). */
  ANNOUNCEMENT_SIGNATURE: 'ERR_ANNOUNCEMENT_SIGNATURE',
  /** A send attach without a credential, to a session that needs one. */
  SOURCE_NO_CREDENTIAL: 'ERR_SOURCE_NO_CREDENTIAL',
  /** A send attach whose credential is neither a token the session's creator signed nor the session's secret. */
  SOURCE_CREDENTIAL_INVALID: 'ERR_SOURCE_CREDENTIAL_INVALID',
  /** A source token the creator signed for another session. */
  SOURCE_TOKEN_SESSION: 'ERR_SOURCE_TOKEN_SESSION',
  /** A source token past its expiry. */
  SOURCE_TOKEN_EXPIRED: 'ERR_SOURCE_TOKEN_EXPIRED',
  /** A send attach to an unsigned session at a secure node that has no secret for it. */
  SOURCE_UNSIGNED_SESSION: 'ERR_SOURCE_UNSIGNED_SESSION',
  /** A bulk file whose signed manifest would need more parts than a manifest may have (MAX_MANIFEST_PARTS). */
  FILE_TOO_LARGE: 'ERR_FILE_TOO_LARGE',
  /** A radio ingest request whose head is malformed: its request line, a header line, or a header a source needs (400). */
  INGEST_HEAD: 'ERR_INGEST_HEAD',
  /** A radio ingest request whose head runs past the port's headBytes (431). */
  INGEST_HEAD_SIZE: 'ERR_INGEST_HEAD_SIZE',
  /** A connection to the radio port that did not send its request head within headTimeoutMs (closed without an answer). */
  INGEST_HEAD_TIMEOUT: 'ERR_INGEST_HEAD_TIMEOUT',
  /** A radio source or metadata update without the mount's Basic credentials (401). */
  INGEST_AUTH: 'ERR_INGEST_AUTH',
  /** A radio source for a mount the station does not have (404). */
  INGEST_NO_MOUNT: 'ERR_INGEST_NO_MOUNT',
  /** A second radio source for a mount that has a live one (409). */
  INGEST_BUSY: 'ERR_INGEST_BUSY',
  /** A radio source whose Content-Type is not MP3 (415). */
  INGEST_TYPE: 'ERR_INGEST_TYPE',
  /** A radio source past the port's maxSources (503). */
  INGEST_SOURCES: 'ERR_INGEST_SOURCES',
  /** A connection to the radio port past its maxConnections or maxPendingHeads (closed at accept). */
  INGEST_CONNECTIONS: 'ERR_INGEST_CONNECTIONS',
  /** A metadata update for a mount without a live source, or without mode=updinfo and a song (400, as Icecast). */
  INGEST_METADATA: 'ERR_INGEST_METADATA',
  /** A transcoder's child process (`ffmpeg`) could not be started: not installed, not executable, out of processes. */
  TRANSCODER_SPAWN: 'ERR_TRANSCODER_SPAWN',
  /** Whiteboard image bytes the small-device transcoder cannot read (not an image, truncated, unsupported type). */
  WB_IMAGE_INVALID: 'ERR_WB_IMAGE_INVALID',
  /** A whiteboard image over its byte limit or whose pixels exceed the transcoder's input limit (decompression bomb). */
  WB_IMAGE_TOO_LARGE: 'ERR_WB_IMAGE_TOO_LARGE',
  /** A whiteboard image transcode refused because the transcoder's queue is full. */
  WB_IMAGE_BUSY: 'ERR_WB_IMAGE_BUSY',
  /** A whiteboard image transcode that ran past its time limit. */
  WB_IMAGE_TIMEOUT: 'ERR_WB_IMAGE_TIMEOUT',
  /** A whiteboard deck file that is not valid JSON, or too large. */
  WB_DECK_SYNTAX: 'ERR_WB_DECK_SYNTAX',
  /** A whiteboard deck file that parses but breaks a rule (the message names the path, `slides[2].objects[0].body.x`). */
  WB_DECK_INVALID: 'ERR_WB_DECK_INVALID',
  /** A whiteboard deck file that cannot be read (missing, unreadable, far too large). */
  WB_DECK_READ: 'ERR_WB_DECK_READ',
  /** A whiteboard client whose first message is not a valid hello (closed). */
  WB_HELLO: 'ERR_WB_HELLO',
  /** A whiteboard client message that is not JSON, not a known message, or malformed (closed). */
  WB_MESSAGE: 'ERR_WB_MESSAGE',
  /** A whiteboard client message larger than its role may send (closed). */
  WB_MESSAGE_SIZE: 'ERR_WB_MESSAGE_SIZE',
  /** A whiteboard presenter whose credential the session's source admission refused (closed). */
  WB_CREDENTIAL: 'ERR_WB_CREDENTIAL',
  /** A whiteboard viewer refused because the node has whiteboard.maxViewers already (closed). */
  WB_VIEWERS: 'ERR_WB_VIEWERS',
  /** A whiteboard session this node does not serve. */
  WB_SESSION: 'ERR_WB_SESSION',
  /** A presenter's edit from a viewer (closed). */
  WB_NOT_PRESENTER: 'ERR_WB_NOT_PRESENTER',
  /** A whiteboard object body that breaks the kind's rules (a presenter's edit is refused; an ADU is dropped). */
  WB_BODY: 'ERR_WB_BODY',
  /** A whiteboard object version at or below the one held (a presenter's edit is refused; an ADU is dropped). */
  WB_VERSION: 'ERR_WB_VERSION',
  /** A whiteboard object that would take the presentation past whiteboard.maxDeckBytes or its object count. */
  WB_DECK_FULL: 'ERR_WB_DECK_FULL',
  /** An image's bytes missing, unannounced (a binary frame without an image object before it) or too large (closed). */
  WB_IMAGE_FRAME: 'ERR_WB_IMAGE_FRAME',
  /** An ADU from the network that is not a whiteboard ADU of this presentation (dropped, counted). */
  WB_ADU: 'ERR_WB_ADU',
  /** A whiteboard client cut for not reading what it was sent. */
  WB_SLOW: 'ERR_WB_SLOW',
  /** A presenter replaced by another one that said hello later (closed). */
  WB_REPLACED: 'ERR_WB_REPLACED',
} as const;
