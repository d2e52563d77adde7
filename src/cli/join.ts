import { createSocket } from 'node:dgram';
import { createWriteStream } from 'node:fs';
import type { Command } from 'commander';
import { tuneIn, type TunedIn } from '../client/tune-in.ts';
import { parseAddress } from '../net/address.ts';
import { payloadOf, type DataPacket } from '../session/data-header.ts';
import { announcementRef } from './announcement-ref.ts';
import { intFlag } from './options.ts';

interface JoinFlags {
  announcement?: string;
  url?: string;
  channel?: number;
  out?: string;
  udp?: string;
  count?: number;
  interface?: string;
  multicastWait: number;
  multicast: boolean;
}

/** `scattercast join FRONTEND SESSION`: receives a channel through the cluster and writes its payloads out. */
export function addJoin(program: Command): void {
  program
    .command('join')
    .description('receive a session channel through a cluster frontend and write its payloads to stdout, a file or a UDP port')
    .argument('<frontend>', 'the cluster frontend, host:port or http://host:port')
    .argument('<session>', 'the session name, scast://creator/name')
    .option('--announcement <file>', "the session's XML announcement")
    .option('--url <url>', "where the frontend fetches the session's announcement")
    .option('--channel <id>', 'the channel to receive (default: the first)', intFlag('--channel', 0, 65535))
    .option('--out <file>', 'append payloads to this file (default: stdout)')
    .option('--udp <host:port>', 'send each payload as one datagram here instead (for a player)')
    .option('--count <n>', 'stop after this many packets', intFlag('--count', 1))
    .option('--interface <ipv4>', 'join multicast groups on this interface')
    .option('--multicast-wait <ms>', 'wait this long for multicast before asking for unicast (default 2000)', intFlag('--multicast-wait', 0, 60_000), 2000)
    .option('--no-multicast', 'receive over unicast only')
    .action(async (frontend: string, session: string, flags: JoinFlags) => {
      const write = sink(flags);
      let got = 0;
      let client: TunedIn | undefined;
      const onPacket = (p: DataPacket): void => {
        if (flags.count !== undefined && got >= flags.count) return;
        write(payloadOf(p));
        if (++got === flags.count) client?.close();
      };
      client = await tuneIn(frontend, session, announcementRef(flags), onPacket, {
        ...(flags.channel !== undefined && { channel: flags.channel }),
        interface: flags.interface,
        multicastWaitMs: flags.multicastWait,
        multicast: flags.multicast,
        onAttach: (answer, via) => {
          const ch = answer.channels.find((c) => c.id === (flags.channel ?? answer.channels[0]?.id));
          const how = via === 'multicast' ? `multicast group ${ch?.multicast?.group}:${ch?.multicast?.port}` : 'unicast';
          process.stderr.write(`scattercast: receiving ${answer.session} channel ${ch?.id} from SCX ${answer.scx} over ${how}\n`);
        },
      });
      if (flags.count !== undefined && got >= flags.count) client.close();
      const stop = (): void => client.close();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      const why = await client.closed;
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      process.stderr.write(`scattercast: received ${got} packet(s); ${why}\n`);
      await write.end();
    });
}

/** Where payloads go: a UDP port, a file or stdout. */
function sink(flags: JoinFlags): ((payload: Uint8Array) => void) & { end: () => Promise<void> } {
  if (flags.udp) {
    const { host, port } = parseAddress(flags.udp);
    const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    return Object.assign((payload: Uint8Array) => socket.send(payload, port, host), {
      end: () => new Promise<void>((resolve) => socket.close(() => resolve())),
    });
  }
  const out = flags.out ? createWriteStream(flags.out, { flags: 'a' }) : process.stdout;
  return Object.assign((payload: Uint8Array) => void out.write(payload), {
    end: () => new Promise<void>((resolve) => (out === process.stdout ? resolve() : out.end(() => resolve()))),
  });
}
