import { createSocket } from 'node:dgram';
import { createWriteStream, statSync } from 'node:fs';
import { Option, type Command } from 'commander';
import type { JoinAnswer } from '../api/join-answer.ts';
import { receiveFile } from '../client/file-receiver.ts';
import { askFrontend, type AnnouncementRef } from '../client/frontend-client.ts';
import { joinSession, pickChannels } from '../client/join-session.ts';
import { ErrorCode, ScError } from '../core/errors.ts';
import { formatAddress, parseAddress } from '../net/address.ts';
import { payloadOf } from '../session/data-header.ts';
import { parseSessionName } from '../session/name.ts';
import { announcementRef } from './announcement-ref.ts';
import { intFlag } from './options.ts';
import { Progress } from './progress.ts';
import { untilStopped } from './signals.ts';

interface JoinFlags {
  announcement?: string;
  url?: string;
  channel: number[];
  out?: string;
  udp?: string;
  count?: number;
  interface?: string;
  multicastWait: number;
  multicast: boolean;
  signer?: string;
}

/** Where one channel's payloads go, and how to close it. */
type Sink = ((payload: Uint8Array) => void) & { readonly to: string; end: () => Promise<void> };

/** `scattercast join FRONTEND SESSION`: receives the session's channels through the cluster and writes their payloads out. */
export function addJoin(program: Command): void {
  const channelFlag = intFlag('--channel', 0, 65535);
  program
    .command('join')
    .description("receive a session's channels through a cluster frontend and write their payloads to stdout, files or UDP ports")
    .argument('<frontend>', 'the cluster frontend, host:port or http://host:port')
    .argument('<session>', 'the session name, scast://creator/name')
    .option('--announcement <file>', "the session's XML announcement")
    .option('--url <url>', "where the frontend fetches the session's announcement")
    .addOption(
      new Option('--channel <id>', 'a channel to receive (repeatable)').argParser((v: string, prev: number[]) => [...prev, channelFlag(v)]).default([], 'every channel of the session'),
    )
    .option('--out <file>', 'append payloads to this file; with several channels, to FILE.ch<id> each (default: stdout, one channel only); on a bulk channel, the folder the file is written to')
    .option('--signer <key>', "on a bulk channel: trust manifests signed by this raw Ed25519 public key, base64url (default: the key the session name is bound to)")
    .option('--udp <host:port>', 'send each payload as one datagram here instead (for a player); several channels take consecutive ports')
    .option('--count <n>', 'stop after this many packets per channel', intFlag('--count', 1))
    .option('--interface <ipv4>', 'join multicast groups on this interface')
    .option('--multicast-wait <ms>', 'wait this long for multicast before asking for unicast', intFlag('--multicast-wait', 0, 60_000), 2000)
    .option('--no-multicast', 'receive over unicast only')
    .action(async (frontend: string, session: string, flags: JoinFlags) => {
      // Before any start-up work: Ctrl-C or SIGTERM from here on closes the channels cleanly, once joined.
      const stopped = untilStopped();
      const ref = announcementRef(flags);
      const answer = await askFrontend(frontend, session, ref);
      const channels = pickChannels(answer, flags.channel);
      const bulk = channels.filter((id) => answer.channels.find((c) => c.id === id)?.transport === 'bulk');
      if (bulk.length > 0) return receiveWholeFile(frontend, session, ref, answer, channels, flags, stopped);
      checkSinks(flags, channels.length);
      const sinks = channels.map((id, i) => sink(flags, id, i, channels.length));
      const joined = await joinSession(frontend, session, ref, (i, p) => (sinks[i] as Sink)(payloadOf(p)), {
        answer,
        channels,
        count: flags.count,
        interface: flags.interface,
        multicastWaitMs: flags.multicastWait,
        multicast: flags.multicast,
        onAttach: (channel, a, via) => {
          const g = a.channels.find((c) => c.id === channel)?.multicast;
          const how = via === 'multicast' ? `multicast group ${g?.group}:${g?.port}` : 'unicast';
          const to = (sinks[channels.indexOf(channel)] as Sink).to;
          process.stderr.write(`scattercast: receiving ${a.session} channel ${channel} from SCX ${a.scx} over ${how}, writing to ${to}\n`);
        },
      });
      void stopped.then(() => joined.close());
      const why = await joined.closed;
      channels.forEach((id, i) => process.stderr.write(`scattercast: channel ${id}: received ${joined.received[i]} packet(s); ${why[i]}\n`));
      await Promise.all(sinks.map((s) => s.end()));
    });
}

/** Refuses outputs that cannot take `count` channels, before any is opened. */
function checkSinks(flags: JoinFlags, count: number): void {
  if (flags.udp) {
    const { port } = parseAddress(flags.udp);
    if (port + count - 1 > 65535) throw new ScError(ErrorCode.USAGE, `--udp ${flags.udp}: ${count} channels need ports up to ${port + count - 1}`);
  } else if (!flags.out && count > 1) {
    throw new ScError(ErrorCode.USAGE, `the session has ${count} channels and stdout takes one: pick one with --channel, or use --out or --udp`);
  }
}

/** Where the payloads of channel `id` (the `index`-th of `count`) go: a UDP port, a file or stdout. */
function sink(flags: JoinFlags, id: number, index: number, count: number): Sink {
  if (flags.udp) {
    const { host, port } = parseAddress(flags.udp);
    const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    return Object.assign((payload: Uint8Array) => socket.send(payload, port + index, host), {
      to: `udp ${formatAddress({ host, port: port + index })}`,
      end: () => new Promise<void>((resolve) => socket.close(() => resolve())),
    });
  }
  const path = flags.out && count > 1 ? `${flags.out}.ch${id}` : flags.out;
  const out = path ? createWriteStream(path, { flags: 'a' }) : process.stdout;
  return Object.assign((payload: Uint8Array) => void out.write(payload), {
    to: path ?? 'stdout',
    end: () => new Promise<void>((resolve) => (out === process.stdout ? resolve() : out.end(() => resolve()))),
  });
}

/** `join --out DIR` on a bulk channel: receives its file into DIR with a progress bar; done once its SHA-256 matched. */
async function receiveWholeFile(frontend: string, session: string, ref: AnnouncementRef, answer: JoinAnswer, channels: number[], flags: JoinFlags, stopped: Promise<string>): Promise<void> {
  const [channel] = channels;
  if (channels.length !== 1 || channel === undefined) throw new ScError(ErrorCode.USAGE, 'a bulk channel is received alone: pick it with --channel');
  if (flags.out === undefined || !statSync(flags.out, { throwIfNoEntry: false })?.isDirectory()) throw new ScError(ErrorCode.USAGE, 'a bulk channel needs --out DIR, an existing folder');
  const trustedKey = flags.signer === undefined ? undefined : Buffer.from(flags.signer, 'base64url');
  if (trustedKey && trustedKey.length !== 32) throw new ScError(ErrorCode.USAGE, '--signer: a raw Ed25519 public key is 32 bytes, base64url');
  const progress = new Progress('receiving');
  const started = performance.now();
  const r = receiveFile(answer, channel, parseSessionName(session), flags.out, {
    ...(trustedKey && { trustedKey }),
    reattach: () => askFrontend(frontend, session, ref),
    onManifest: (m) => process.stderr.write(`scattercast: receiving ${m.name} (${m.size} bytes) from ${answer.session} channel ${channel} through SCX ${answer.scx}\n`),
    onProgress: (have, total) => progress.update(have, total, `${have}/${total} chunks`),
  });
  void stopped.then(() => r.close());
  const f = await r.done.finally(() => progress.done());
  const s = (performance.now() - started) / 1000;
  process.stderr.write(`scattercast: wrote ${f.path} (${f.size} bytes, sha256 ${f.sha256}) in ${s.toFixed(1)} s; ${r.counts.repairs} chunk(s) repaired\n`);
}
