/** A child's stderr as log lines: split across chunks, cut to a bound, rate-limited. */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LogLevel } from '../../../../src/daemon/log.ts';
import { MAX_LINE_CHARS, StderrLines } from '../../../../src/apps/musicast/transcode/stderr-lines.ts';

type Line = { level: LogLevel; msg: string; fields: Record<string, unknown> | undefined };

function capture(): { lines: Line[]; stderr: StderrLines } {
  const lines: Line[] = [];
  const stderr = new StderrLines((level, msg, fields) => lines.push({ level, msg, fields }), 'ffmpeg transcoder', { bitrateKbps: 64 });
  return { lines, stderr };
}

describe('stderr lines', () => {
  it('logs each line once it is complete, joined across chunks, with the fields', () => {
    const { lines, stderr } = capture();
    stderr.push(Buffer.from('[mp3 @ 0x1] Header mis'));
    assert.equal(lines.length, 0);
    stderr.push(Buffer.from('sing\r\n\nError while decoding\nlast wi'));
    assert.deepEqual(lines.map((l) => l.fields?.line), ['[mp3 @ 0x1] Header missing', 'Error while decoding']);
    stderr.flush();
    assert.equal(lines[2]?.fields?.line, 'last wi');
    assert.deepEqual(lines[0], { level: 'warn', msg: 'ffmpeg transcoder said', fields: { bitrateKbps: 64, line: '[mp3 @ 0x1] Header missing' } });
  });

  it('cuts a line to MAX_LINE_CHARS however many chunks it spans', () => {
    const { lines, stderr } = capture();
    for (let i = 0; i < 10; i++) stderr.push(Buffer.alloc(300, 'x'));
    stderr.push(Buffer.from('\n'));
    assert.equal(lines.length, 1);
    assert.equal((lines[0]?.fields?.line as string).length, MAX_LINE_CHARS);
  });

  it('logs at most 5 lines of a flood in a window', () => {
    const { lines, stderr } = capture();
    stderr.push(Buffer.from('an error line\n'.repeat(100)));
    assert.equal(lines.length, 5);
  });
});
