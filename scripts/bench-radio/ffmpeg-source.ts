/**
 * The source of the side-by-side runs: ffmpeg encoding a 440 Hz tone to 128 kbit/s MP3 in real time (`-re`) and
 * pushing it to the server's mount with the Icecast protocol, exactly as a station would. Ready once ffmpeg reports
 * (`-progress`) that it has written a second of audio to the server, which it only does after the server took the PUT.
 */

import { spawnTracked, stopChild } from '../bench-dataplane/procs.ts';
import type { Endpoint } from './fleet.ts';
import { SOURCE_PASSWORD, SOURCE_USER } from './server.ts';

/** A pushing source. */
export interface Source {
  /** Stops it (by PID). */
  stop(): Promise<void>;
}

/** The ffmpeg command line pushing to `ingest`. */
export function ffmpegSourceArgs(ingest: Endpoint): string[] {
  return [
    '-hide_banner', '-nostats', '-v', 'error', '-progress', 'pipe:1',
    '-re', '-f', 'lavfi', '-i', 'sine=frequency=440',
    '-c:a', 'libmp3lame', '-b:a', '128k', '-f', 'mp3',
    `icecast://${SOURCE_USER}:${SOURCE_PASSWORD}@${ingest.host}:${ingest.port}${ingest.mount}`,
  ];
}

/** Starts ffmpeg; resolves once it has pushed 1 s of audio (bounded to `timeoutMs`), rejects with its stderr if it exits. */
export async function startFfmpegSource(ingest: Endpoint, timeoutMs = 15_000): Promise<Source> {
  const child = spawnTracked('ffmpeg', ffmpegSourceArgs(ingest), { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (s: string) => {
    stderr = (stderr + s).slice(-2000);
  });
  const stop = (): Promise<void> => stopChild(child, 2000);
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => done(new Error(`ffmpeg source: not streaming after ${timeoutMs} ms\n${stderr}`)), timeoutMs);
      const onExit = (code: number | null): void => done(new Error(`ffmpeg source exited (status ${code})\n${stderr}`));
      function done(err?: Error): void {
        clearTimeout(timer);
        child.off('exit', onExit);
        child.stdout?.removeAllListeners('data');
        child.stdout?.resume();
        if (err) reject(err);
        else resolve();
      }
      child.once('exit', onExit);
      child.stdout?.setEncoding('utf8').on('data', (s: string) => {
        const us = /out_time_us=(\d+)/.exec(s);
        if (us && Number(us[1]) >= 1_000_000) done();
      });
    });
  } catch (err) {
    await stop();
    throw err;
  }
  return { stop };
}
