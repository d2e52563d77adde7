import { createSocket } from 'node:dgram';
import { createWriteStream } from 'node:fs';
import { Option, type Command } from 'commander';
import { askFrontend } from '../client/frontend-client.ts';
import { joinSession, pickChannels } from '../client/join-session.ts';
import { ErrorCode, ScError } from '../core/errors.ts';
import { formatAddress, parseAddress } from '../net/address.ts';
import { payloadOf } from '../session/data-header.ts';
import { announcementRef } from './announcement-ref.ts';
import { intFlag } from './options.ts';
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
    .option('--out <file>', 'append payloads to this file; with several channels, to FILE.ch<id> each (default: stdout, one channel only)')
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
