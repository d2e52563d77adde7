/**
 * A client that stays tuned in: it asks the frontend, receives (multicast first, else unicast), and when its SCX
 * goes away (the node died and the cluster moved the session) it asks the frontend again until it is served
 * anew or `retryForMs` has passed.
 */

import type { JoinAnswer } from '../api/join-answer.ts';
import type { DataPacket } from '../session/data-header.ts';
import { askAgain } from './ask-again.ts';
import { askFrontend, type AnnouncementRef } from './frontend-client.ts';
import { receiveChannel, type ReceiveOptions, type Reception } from './receive-channel.ts';

/** Options of a tuned-in client. */
export interface TuneInOptions extends ReceiveOptions {
  /** The channel to receive (default: the session's first). */
  readonly channel?: number;
  /** How long to keep asking the frontend after the SCX went away, ms (default 30000). */
  readonly retryForMs?: number;
  /** The frontend's answer already in hand: the first ask is skipped. */
  readonly answer?: JoinAnswer;
  /** Told each time the client is (re)attached, with the frontend's answer and how it receives. */
  readonly onAttach?: (answer: JoinAnswer, via: Reception['via']) => void;
}

/** A tuned-in client. */
export interface TunedIn {
  /** The frontend's latest answer and how the client receives now. */
  readonly answer: JoinAnswer;
  readonly via: Reception['via'];
  readonly channel: number;
  close(): void;
  /** Resolves when the client stopped, with why. */
  readonly closed: Promise<string>;
}

/** Tunes in to `name` through `frontend`; the first ask's errors are thrown, later ones retried. */
export async function tuneIn(frontend: string, name: string, ref: AnnouncementRef, onPacket: (p: DataPacket) => void, options: TuneInOptions = {}): Promise<TunedIn> {
  let answer = options.answer ?? (await askFrontend(frontend, name, ref));
  const channel = options.channel ?? (answer.channels[0]?.id as number);
  // Losses since the last packet: the retry window runs from the first, so an SCX that accepts and then drops the
  // client at once cannot keep it asking for ever.
  let lossesSince: number | undefined;
  const counted = (p: DataPacket): void => {
    lossesSince = undefined;
    onPacket(p);
  };
  let reception = await receiveChannel(answer, channel, counted, options);
  options.onAttach?.(answer, reception.via);
  let closing = false;
  let end: (why: string) => void = () => undefined;
  const closed = new Promise<string>((r) => (end = r));
  const follow = async (): Promise<void> => {
    for (;;) {
      const why = await reception.closed;
      if (closing) return end(why);
      const since = (lossesSince ??= Date.now());
      const again = await askAgain(
        async () => {
          answer = await askFrontend(frontend, name, ref);
          reception = await receiveChannel(answer, channel, counted, options);
          options.onAttach?.(answer, reception.via);
        },
        () => closing || Date.now() - since > (options.retryForMs ?? 30_000),
        why,
      );
      if (closing) return end('ended');
      if (!again.done) return end(`the SCX went away (${why}) and the session could not be received again: ${again.last}`);
    }
  };
  void follow();
  return {
    get answer() {
      return answer;
    },
    get via() {
      return reception.via;
    },
    channel,
    close() {
      closing = true;
      reception.close();
    },
    closed,
  };
}
