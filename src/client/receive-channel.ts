/**
 * Receiving a channel the way the paper's clients do (3.4): local multicast first, unicast if nothing is heard on
 * the group within a short wait (no multicast here, or a firewall drops it).
 */

import { createSocket } from 'node:dgram';
import type { JoinAnswer } from '../api/join-answer.ts';
import { decodeDataPacket, type DataPacket } from '../session/data-header.ts';
import { attachChannel } from './channel-client.ts';

/** Options of a reception. */
export interface ReceiveOptions {
  /** IPv4 address of the interface to join the group on (default: the system's choice). */
  readonly interface?: string;
  /** How long to wait for a first packet on the group before falling back to unicast, ms (default 2000). */
  readonly multicastWaitMs?: number;
  /** Try multicast at all (default true). */
  readonly multicast?: boolean;
}

/** A running reception. */
export interface Reception {
  readonly via: 'multicast' | 'unicast';
  close(): void;
  /** Resolves when the reception has ended, with why. */
  readonly closed: Promise<string>;
}

/** Receives `channel`, calling `onPacket` for each packet; resolves once it knows how it receives. */
export async function receiveChannel(
  answer: JoinAnswer,
  channel: number,
  onPacket: (packet: DataPacket) => void,
  options: ReceiveOptions = {},
): Promise<Reception> {
  const group = answer.channels.find((c) => c.id === channel)?.multicast;
  if (group && options.multicast !== false) {
    const heard = await tryMulticast(answer, channel, group, onPacket, options);
    if (heard) return heard;
  }
  const a = attachChannel(answer, channel, 'receive', onPacket);
  return { via: 'unicast', close: () => a.close(), closed: a.closed };
}

async function tryMulticast(
  answer: JoinAnswer,
  channel: number,
  g: { group: string; port: number },
  onPacket: (packet: DataPacket) => void,
  options: ReceiveOptions,
): Promise<Reception | undefined> {
  const socket = createSocket({ type: 'udp4', reuseAddr: true });
  let resolveClosed: (why: string) => void = () => undefined;
  const closed = new Promise<string>((r) => (resolveClosed = r));
  let first: () => void = () => undefined;
  const heard = new Promise<boolean>((resolve) => (first = () => resolve(true)));
  socket.on('message', (msg) => {
    const d = decodeDataPacket(msg);
    if (!d.ok || d.value.header.channel !== channel || Buffer.from(d.value.header.sessionId).toString('hex') !== answer.id) return;
    first();
    onPacket(d.value);
  });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(g.port, () => resolve());
    });
    socket.addMembership(g.group, options.interface);
  } catch {
    socket.close();
    return undefined;
  }
  socket.on('error', () => undefined);
  const wait = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), options.multicastWaitMs ?? 2000));
  if (!(await Promise.race([heard, wait]))) {
    socket.close();
    return undefined;
  }
  let open = true;
  return {
    via: 'multicast',
    close: () => {
      if (!open) return;
      open = false;
      socket.close();
      resolveClosed('ended');
    },
    closed,
  };
}
