/**
 * The multicast edge with a real player, across network namespaces: a sender namespace sends a real MP3 (ffmpeg's
 * own 128 kbit/s tone) as RTP/MPA at real-time pace through an RtpMulticastEdge to the mount's group; in a receiver
 * namespace, ffmpeg given the mount's SDP (the receiver's view: the group, the sender's address) decodes 3 s of it
 * with no error output and exit 0.
 */

import assert from 'node:assert/strict';
import { execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { channelGroup } from '../../../../src/daemon/local-multicast.ts';
import { sessionId } from '../../../../src/session/name.ts';
import { mountSdp } from '../../../../src/apps/musicast/edge/sdp.ts';
import { createLan, type Lan } from '../../../support/netns.ts';
import { needs } from '../../../support/prerequisite.ts';

const SENDER = 0;
const RECEIVER = 1;
const PORT = 5004;
/** The channel of a mount's session that carries its stream (station-mount.ts's STREAM_CHANNEL). */
const STREAM_CHANNEL = 0;

/** Runs `child` to its end; resolves with its exit code and what it wrote. */
function outcome(child: ChildProcess, ms: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout?.removeAllListeners('data').on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.removeAllListeners('data').on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), ms);
  return new Promise((resolve) => {
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

needs({ netns: true, commands: ['ffmpeg'] }).describe('multicast edge: ffmpeg plays the mount from its SDP across namespaces', { timeout: 60_000 }, () => {
  let lan: Lan;
  let dir: string;
  const group = channelGroup(sessionId('scast://station/live'), STREAM_CHANNEL);

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'sc-mcast-edge-'));
    execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=6',
      '-c:a', 'libmp3lame', '-b:a', '128k', '-f', 'mp3', join(dir, 'tone.mp3')]);
    lan = createLan(2);
    // The receiver joins the group on the interface its route names: the LAN (the namespace has no default route).
    lan.exec(RECEIVER, ['ip', 'route', 'add', '224.0.0.0/4', 'dev', 'eth0']);
  });

  after(() => {
    lan?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('ffmpeg decodes 3 s from the SDP, silently, exit 0', async () => {
    const sdp = join(dir, 'live.sdp');
    writeFileSync(sdp, mountSdp({ group, port: PORT, ttl: 1, sourceAddress: lan.ip(SENDER), sessionName: 'Test Station', title: 'A tone' }));
    const player = outcome(lan.spawn(RECEIVER, ['ffmpeg', '-v', 'error', '-protocol_whitelist', 'file,udp,rtp', '-i', sdp, '-t', '3', '-f', 'null', '-'], undefined), 20_000);
    const deadline = performance.now() + 5000;
    while (!lan.exec(RECEIVER, ['ip', 'maddr', 'show', 'dev', 'eth0']).includes(group)) {
      assert.ok(performance.now() < deadline, `the player did not join ${group}`);
      await sleep(50);
    }
    const sender = outcome(lan.spawn(SENDER, ['node', '--import', 'tsx', 'test/apps/musicast/edge/rtp-sender.ts', lan.ip(SENDER), group, String(PORT), join(dir, 'tone.mp3')], undefined), 20_000);
    const played = await player;
    const sent = await sender;
    assert.equal(played.stderr, '', 'ffmpeg printed errors');
    assert.equal(played.code, 0);
    assert.equal(sent.code, 0, sent.stderr);
    const counters = JSON.parse(sent.stdout) as { frames: number; packets: number; dropped: number; sendErrors: number };
    assert.ok(counters.frames >= 225, `${counters.frames} frames in 6 s`);
    assert.equal(counters.packets, counters.frames, 'one packet per frame: 128 kbit/s frames fit a packet');
    assert.equal(counters.dropped, 0);
    assert.equal(counters.sendErrors, 0);
  });
});
