import { createReadStream, readFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { ErrorCode, ScError } from '../core/errors.ts';
import { askFrontend } from '../client/frontend-client.ts';
import type { JoinAnswer } from '../api/join-answer.ts';
import { buildManifest } from '../client/file-manifest.ts';
import { sendFile } from '../client/file-sender.ts';
import { DATA_HEADER_ESTIMATE, RateFollower } from '../client/rate-follower.ts';
import { attachSender } from '../client/staying-sender.ts';
import { ed25519PrivateKey } from '../trust/credential.ts';
import { announcementRef } from './announcement-ref.ts';
import { intFlag } from './options.ts';
import { Progress } from './progress.ts';
import { untilStopped } from './signals.ts';

interface SendFlags {
  announcement?: string;
  url?: string;
  channel: number;
  in?: string;
  chunk: number;
  rate?: number | 'auto';
  maxRate?: number;
  token?: string;
  file?: string;
  key?: string;
  linger: number;
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
    .option('--rate <packets/s|auto>', 'pace the packets at this rate; auto: as fast as the SCX takes them, slowed to its congestion notices (default: as fast as the SCX takes them)', rateFlag)
    .option('--max-rate <packets/s>', 'with --rate auto: never faster than this, even with no congestion notice (default: as fast as the SCX takes them)', intFlag('--max-rate', 1, 1_000_000))
    .option('--file <file>', 'send this file whole on a bulk channel: a signed manifest, then its chunks (needs --key)')
    .option('--key <file>', "the session creator's key (scattercast creator key), which signs the --file manifest")
    .option('--linger <s>', 'with --file: stay attached this long once the SCX took every chunk, keeping the tree up and answering repairs', intFlag('--linger', 0, 86_400), 30)
    .addOption(new Option('--token <token>', "the source token from the session's creator (scattercast creator token), or the session's secret").env('SCATTERCAST_SOURCE_TOKEN'))
    .action(async (frontend: string, session: string, flags: SendFlags) => {
      // Before any start-up work: Ctrl-C or SIGTERM from here on stops sending and detaches cleanly, once attached.
      const stopped = untilStopped();
      const ref = announcementRef(flags);
      const answer = await askFrontend(frontend, session, ref);
      if (!answer.channels.some((c) => c.id === flags.channel)) {
        throw new ScError(ErrorCode.USAGE, `the session has no channel ${flags.channel} (its channels: ${answer.channels.map((c) => c.id).join(', ')})`);
      }
      if (flags.file !== undefined) return sendWholeFile(answer, flags, flags.file, stopped);
      // --rate auto: the pushback module at the SCX sends congestion notices on the client control path.
      if (flags.maxRate !== undefined && flags.rate !== 'auto') throw new ScError(ErrorCode.USAGE, '--max-rate goes with --rate auto (a fixed --rate is its own ceiling)');
      const follower = flags.rate === 'auto' ? new RateFollower(flags.chunk + DATA_HEADER_ESTIMATE, flags.maxRate) : undefined;
      const sender = await attachSender(frontend, session, ref, flags.channel, {
        answer,
        ...(flags.token !== undefined && { credential: flags.token }),
        ...(follower && { onControl: (data: Uint8Array) => void follower.onControl(data) }),
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
          // How many of these payloads are due by now: all, as many as the rate allows since the start, or the notices' credit.
          const rate = flags.rate;
          const due =
            rate === 'auto' ? k + (follower as RateFollower).allowance(performance.now()) : rate === undefined ? payloads.length : Math.floor(((performance.now() - started) * rate) / 1000) - sent;
          const batch = payloads.slice(k, Math.max(k, Math.min(payloads.length, due)));
          if (batch.length === 0) {
            await new Promise((r) => setTimeout(r, follower ? Math.max(1, follower.waitMs()) : 5));
            continue;
          }
          follower?.took(batch.length);
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

/**
 * `send --file`: the file's signed manifest and chunks on a bulk channel, with a progress bar; once the SCX took every
 * chunk, stays attached `--linger` seconds (receivers still repairing need the route to the source) and detaches.
 */
async function sendWholeFile(answer: JoinAnswer, flags: SendFlags, path: string, stopped: Promise<string>): Promise<void> {
  const ch = answer.channels.find((c) => c.id === flags.channel);
  if (ch?.transport !== 'bulk') throw new ScError(ErrorCode.USAGE, `--file needs a bulk channel; channel ${flags.channel} is ${ch?.transport}`);
  if (flags.key === undefined) throw new ScError(ErrorCode.USAGE, "--file needs --key: the session creator's key signs the manifest");
  let pem: string;
  try {
    pem = readFileSync(flags.key, 'utf8');
  } catch (err) {
    throw new ScError(ErrorCode.USAGE, `cannot read the key ${flags.key}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const manifest = await buildManifest(path, ed25519PrivateKey(pem, `creator key ${flags.key}`));
  const progress = new Progress('sending');
  const started = performance.now();
  const sender = await sendFile(answer, flags.channel, path, manifest, {
    ...(flags.token !== undefined && { credential: flags.token }),
    onProgress: (done, total) => progress.update(done, total, `${done}/${total} chunks`),
  });
  process.stderr.write(`scattercast: sending ${path} to ${answer.session} channel ${flags.channel} through SCX ${answer.scx}\n`);
  const stop = stopped.then((signal) => ` (stopped by ${signal})`);
  const how = await Promise.race([sender.sent.then(() => ''), stop, sender.closed.then((why) => { throw new ScError(ErrorCode.ATTACH_FAILED, `the SCX ended the attachment: ${why}`); })]);
  progress.done();
  const s = (performance.now() - started) / 1000;
  process.stderr.write(`scattercast: sent ${path} (file id ${Buffer.from(manifest.fileId).toString('hex').slice(0, 16)}) in ${s.toFixed(1)} s${how}\n`);
  if (how === '' && flags.linger > 0) {
    process.stderr.write(`scattercast: staying attached ${flags.linger} s for repairs\n`);
    await Promise.race([new Promise((r) => setTimeout(r, flags.linger * 1000)), stop, sender.closed]);
  }
  sender.close();
  process.stderr.write(`scattercast: ${sender.resent} chunk(s) re-sent on request\n`);
}

/** Parses `--rate`: packets/s, or `auto` (follow the SCX's congestion notices). */
function rateFlag(value: string): number | 'auto' {
  return value.trim() === 'auto' ? 'auto' : intFlag('--rate', 1, 1_000_000)(value);
}
