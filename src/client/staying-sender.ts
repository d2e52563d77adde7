/**
 * A source that stays attached: when its SCX goes away (the node died and the cluster moved the session), it
 * asks the frontend again and goes on sending through the new SCX. Payloads written while the old connection
 * was failing are lost, as on any best-effort hop; the new SCX becomes the source and numbers afresh. A sender the
 * SCX refused (its credential, docs/security.md) does not ask again: its next send throws the refusal's code.
 */

import { ErrorCode, ScError } from '../core/errors.ts';
import type { JoinAnswer } from '../api/join-answer.ts';
import { askAgain } from './ask-again.ts';
import { attachChannel, type ChannelAttachment } from './channel-client.ts';
import { askFrontend, type AnnouncementRef } from './frontend-client.ts';

/** Options of a staying sender. */
export interface SenderOptions {
  /** The frontend's answer already in hand: the first ask is skipped. */
  readonly answer?: JoinAnswer;
  /** How long to keep asking the frontend after the SCX went away, ms (default 30000). */
  readonly retryForMs?: number;
  /** Told each time the sender is (re)attached. */
  readonly onAttach?: (answer: JoinAnswer) => void;
  /** The source token the session's creator issued, or the session's secret (default: none). */
  readonly credential?: string;
  /** Gets the control bytes the channel's service module sends this sender (opens the client control path). */
  readonly onControl?: (data: Uint8Array) => void;
}

/** A staying sender. */
export interface StayingSender {
  /** The SCX the sender is attached to now. */
  readonly scx: string;
  /**
   * Sends payloads, re-attaching first if the SCX went away and waiting while the connection is full; ScError(ERR_ATTACH_FAILED)
   * once no SCX took it back within the retry window, ScError(ERR_SOURCE_...) once an SCX refused its credential.
   */
  send(payloads: readonly Uint8Array[]): Promise<void>;
  /** Closes the attachment once what was sent has gone out. */
  close(): void;
}

/** Attaches to `channel` of `name` through `frontend` as a source. */
export async function attachSender(frontend: string, name: string, ref: AnnouncementRef, channel: number, options: SenderOptions = {}): Promise<StayingSender> {
  let answer = options.answer ?? (await askFrontend(frontend, name, ref));
  let link: ChannelAttachment;
  let gone: string | undefined;
  let closing = false;
  const attach = (): void => {
    const a = attachChannel(answer, channel, 'send', undefined, options.credential, options.onControl);
    link = a;
    gone = undefined;
    void a.closed.then((why) => {
      if (link === a && !closing) gone = why;
    });
    options.onAttach?.(answer);
  };
  const reattach = async (): Promise<void> => {
    const since = Date.now();
    const retryForMs = options.retryForMs ?? 30_000;
    const again = await askAgain(
      async () => {
        answer = await askFrontend(frontend, name, ref);
        attach();
      },
      () => Date.now() - since > retryForMs,
      gone as string,
    );
    if (!again.done) throw new ScError(ErrorCode.ATTACH_FAILED, `the SCX ${answer.scx} went away and no SCX took the sender back within ${retryForMs / 1000} s: ${again.last}`);
  };
  attach();
  return {
    get scx() {
      return answer.scx;
    },
    async send(payloads) {
      if (link.refusal !== undefined) throw new ScError(link.refusal, `the SCX ${answer.scx} refused this client as a source`);
      if (gone !== undefined) await reattach();
      link.send(payloads);
      if (!link.writable) await Promise.race([new Promise<void>((resolve) => link.onDrain(resolve)), link.closed]);
    },
    close() {
      closing = true;
      link.close();
    },
  };
}
