import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MountListeners } from '../../../../src/apps/musicast/listen/mount-listeners.ts';
import { statusJson, type StatusMount } from '../../../../src/apps/musicast/listen/status-json.ts';
import { INFO } from './icy-client.ts';

const START = Date.UTC(2026, 11, 7, 17, 23, 55);

const live: StatusMount = { info: INFO, listeners: 3, peak: 5, title: 'Artist - Title One', streamStartMs: START + 60_000 };
const jazz: StatusMount = { info: { mount: '/jazz', name: 'Jazz', bitrateKbps: 64 }, listeners: 0, peak: 0, title: '', streamStartMs: START };
const server = { serverStartMs: START, admin: 'ops@example.org', location: 'Berkeley' };

const liveSource = {
  bitrate: 128,
  genre: 'Jazz',
  listener_peak: 5,
  listeners: 3,
  listenurl: 'http://radio.example:8000/live',
  server_description: 'A test',
  server_name: 'Test Station',
  server_type: 'audio/mpeg',
  server_url: 'http://example.org/',
  stream_start: 'Mon, 07 Dec 2026 17:24:55 +0000',
  stream_start_iso8601: '2026-12-07T17:24:55+0000',
  title: 'Artist - Title One',
};

const head = {
  admin: 'ops@example.org',
  host: 'radio.example',
  location: 'Berkeley',
  server_id: 'MusiCast (Scattercast)',
  server_start: 'Mon, 07 Dec 2026 17:23:55 +0000',
  server_start_iso8601: '2026-12-07T17:23:55+0000',
};

describe("statusJson: Icecast 2.4's /status-json.xsl", () => {
  it('one mount: source is one object', () => {
    assert.deepEqual(statusJson('radio.example:8000', [live], server), { icestats: { ...head, source: liveSource } });
  });

  it("several mounts: source is a list, with Icecast's defaults for what a mount does not say", () => {
    assert.deepEqual(statusJson('radio.example:8000', [live, jazz], server), {
      icestats: {
        ...head,
        source: [
          liveSource,
          {
            bitrate: 64,
            genre: 'various',
            listener_peak: 0,
            listeners: 0,
            listenurl: 'http://radio.example:8000/jazz',
            server_description: 'Unspecified description',
            server_name: 'Jazz',
            server_type: 'audio/mpeg',
            server_url: '',
            stream_start: 'Mon, 07 Dec 2026 17:23:55 +0000',
            stream_start_iso8601: '2026-12-07T17:23:55+0000',
            title: '',
          },
        ],
      },
    });
  });

  it('no mounts: no source key, as Icecast; defaults for admin and location', () => {
    const page = statusJson('127.0.0.1:8000', [], { serverStartMs: START }) as { icestats: Record<string, unknown> };
    assert.deepEqual(page, { icestats: { ...head, admin: 'icemaster@localhost', host: '127.0.0.1', location: 'Earth' } });
  });

  it('takes a MountListeners as it is', () => {
    const hub = new MountListeners(INFO, {}, () => START);
    hub.setTitle('Now');
    const page = statusJson('h:1', [hub], server) as { icestats: { source: Record<string, unknown> } };
    assert.equal(page.icestats.source.title, 'Now');
    assert.equal(page.icestats.source.stream_start_iso8601, '2026-12-07T17:23:55+0000');
    assert.equal(page.icestats.source.listenurl, 'http://h:1/live');
    assert.equal(JSON.parse(JSON.stringify(page)).icestats.source.listeners, 0);
  });
});
