import { createReadStream } from 'node:fs';
import { Option, type Command } from 'commander';
import { ErrorCode, ScError } from '../core/errors.ts';
import { askFrontend } from '../client/frontend-client.ts';
import { attachSender } from '../client/staying-sender.ts';
import { announcementRef } from './announcement-ref.ts';
import { intFlag } from './options.ts';
import { untilStopped } from './signals.ts';

interface SendFlags {
  announcement?: string;
  url?: string;
  channel: number;
  in?: string;
  chunk: number;
  rate?: number;
  token?: string;
}

/** `scattercast send FRONTEND SESSION --channel N`: injects stdin (or a file) as a source, in chunks. */
export function addSend(program: Command): void {
  program
    .command('send')
    .description('send data into a session channel as a source, through a cluster frontend (reads stdin by default)')
    .argument('<frontend>', 'the cluster frontend, host:port or http://host:port')
    .argument('<session>', 'the session name, scast://creator/name')
    .requiredOption('--channel <id>', 'the channel to send on', intFlag('--channel', 0, 65535))
    .option('--announcement <file>', "the session's XML announcement")
    .option('--url <url>', "where the frontend fetches the session's announcement")
    .option('--in <file>', 'read this file instead of stdin')
    .option('--chunk <bytes>', 'payload bytes per packet', intFlag('--chunk', 1, 60_000), 1024)
    .option('--rate <packets/s>', 'pace the packets at this rate (default: as fast as the SCX takes them)', intFlag('--rate', 1, 1_000_000))
    .addOption(new Option('--token <token>', "the source token from the session's creator (scattercast creator token), or the session's secret").env('SCATTERCAST_SOURCE_TOKEN'))
    .action(async (frontend: string, session: string, flags: SendFlags) => {
      // Before any start-up work: Ctrl-C or SIGTERM from here on stops sending and detaches cleanly, once attached.
      const stopped = untilStopped();
      const ref = announcementRef(flags);
      const answer = await askFrontend(frontend, session, ref);
      if (!answer.channels.some((c) => c.id === flags.channel)) {
        throw new ScError(ErrorCode.USAGE, `the session has no channel ${flags.channel} (its channels: ${answer.channels.map((c) => c.id).join(', ')})`);
      }
      const sender = await attachSender(frontend, session, ref, flags.channel, {
        answer,
        ...(flags.token !== undefined && { credential: flags.token }),
        onAttach: (a) => process.stderr.write(`scattercast: sending to ${a.session} channel ${flags.channel} through SCX ${a.scx}\n`),
      });
      const input = flags.in ? createReadStream(flags.in) : process.stdin;
      let stoppedBy: string | undefined;
      void stopped.then((signal) => {
        stoppedBy = signal;
        input.destroy();
        sender.close();
      });
      let sent = 0;
      const started = performance.now();
      /** Sends payloads, paced at --rate if given, waiting for the connection when it is full or re-attaching. */
      const send = async (payloads: Buffer[]): Promise<void> => {
        for (let k = 0; k < payloads.length; ) {
          if (stoppedBy !== undefined) {
            sent += k;
            return;
          }
          // How many of these payloads are due by now: all, or as many as the rate allows since the start.
          const due = flags.rate === undefined ? payloads.length : Math.floor(((performance.now() - started) * flags.rate) / 1000) - sent;
          const batch = payloads.slice(k, Math.max(k, Math.min(payloads.length, due)));
          if (batch.length === 0) {
            await new Promise((r) => setTimeout(r, 5));
            continue;
          }
          await sender.send(batch);
          k += batch.length;
        }
        sent += payloads.length;
      };
      let pending: Buffer = Buffer.alloc(0);
      try {
        for await (const chunk of input as AsyncIterable<Buffer>) {
          pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
          const payloads: Buffer[] = [];
          while (pending.length >= flags.chunk) {
            payloads.push(pending.subarray(0, flags.chunk));
            pending = pending.subarray(flags.chunk);
          }
          await send(payloads);
          if (stoppedBy !== undefined) break;
        }
      } catch (err) {
        // Destroying the input on a signal ends the read with a premature close: that is the stop, not an error.
        if (stoppedBy === undefined) throw err;
      }
      if (pending.length > 0 && stoppedBy === undefined) await send([pending]);
      sender.close();
      const how = stoppedBy === undefined ? '' : ` (stopped by ${stoppedBy})`;
      process.stderr.write(`scattercast: sent ${sent} packet(s) to ${answer.session} channel ${flags.channel} via SCX ${sender.scx}${how}\n`);
    });
}
