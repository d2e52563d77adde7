/**
 * Receiving several channels of one session at once, as `scattercast join` does: one ask of the frontend, one
 * tuned-in client per channel, an optional packet budget per channel, and one place that says why each ended.
 */

import { ErrorCode, ScError } from '../core/errors.ts';
import type { JoinAnswer } from '../api/join-answer.ts';
import type { DataPacket } from '../session/data-header.ts';
import { askFrontend, type AnnouncementRef } from './frontend-client.ts';
import { tuneIn, type TunedIn, type TuneInOptions } from './tune-in.ts';

/** Options of a joined session. */
export interface JoinSessionOptions extends Omit<TuneInOptions, 'channel' | 'answer' | 'onAttach'> {
  /** The channels to receive (default: every channel of the session). */
  readonly channels?: readonly number[];
  /** Stop each channel after this many packets (default: never). */
  readonly count?: number;
  /** Told each time a channel is (re)attached. */
  readonly onAttach?: (channel: number, answer: JoinAnswer, via: TunedIn['via']) => void;
}

/** A joined session: its channels, in the order they were asked for. */
export interface JoinedSession {
  readonly answer: JoinAnswer;
  readonly channels: readonly number[];
  /** Packets received per channel, in the order of `channels`. */
  readonly received: readonly number[];
  close(): void;
  /** Resolves when every channel has ended, with why, in the order of `channels`. */
  readonly closed: Promise<string[]>;
}

/** The channels to receive: those asked for (each must exist), else every channel the session offers. */
export function pickChannels(answer: JoinAnswer, asked: readonly number[] = []): number[] {
  const offered = answer.channels.map((c) => c.id);
  const missing = asked.find((id) => !offered.includes(id));
  if (missing !== undefined) throw new ScError(ErrorCode.USAGE, `the session has no channel ${missing} (its channels: ${offered.join(', ')})`);
  return asked.length > 0 ? [...new Set(asked)] : offered;
}

/**
 * Joins `name` through `frontend` and receives its channels: `onPacket(index, packet)` gets each packet with the
 * index of its channel in `channels`. `answer` skips the first ask when the caller already has one.
 */
export async function joinSession(
  frontend: string,
  name: string,
  ref: AnnouncementRef,
  onPacket: (index: number, packet: DataPacket) => void,
  options: JoinSessionOptions & { readonly answer?: JoinAnswer } = {},
): Promise<JoinedSession> {
  const answer = options.answer ?? (await askFrontend(frontend, name, ref));
  const channels = pickChannels(answer, options.channels);
  const received = channels.map(() => 0);
  const full = (i: number): boolean => options.count !== undefined && (received[i] as number) >= options.count;
  const clients = await Promise.all(
    channels.map(async (channel, i) => {
      let client: TunedIn | undefined;
      const counted = (p: DataPacket): void => {
        if (full(i)) return;
        received[i]!++;
        onPacket(i, p);
        if (full(i)) client?.close();
      };
      client = await tuneIn(frontend, name, ref, counted, {
        ...options,
        answer,
        channel,
        onAttach: (a, via) => options.onAttach?.(channel, a, via),
      });
      if (full(i)) client.close();
      return client;
    }),
  );
  return {
    answer,
    channels,
    received,
    close: () => clients.forEach((c) => c.close()),
    closed: Promise.all(clients.map((c) => c.closed)),
  };
}
