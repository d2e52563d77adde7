import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ErrorCode } from '../../../src/core/errors.ts';
import { isConnected } from '../../../src/sim/topology/graph.ts';
import { haversineKm, loadGraphMlFile, parseGraphMl } from '../../../src/sim/topology/graphml.ts';
import { graphMlAttacks } from '../../support/hostile-xml.ts';

const TOPOLOGIES = fileURLToPath(new URL('../../../topologies/', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'sc-graphml-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const KEYS =
  '<key attr.name="label" attr.type="string" for="graph" id="g0"/>' +
  '<key attr.name="Latitude" attr.type="double" for="node" id="la"/>' +
  '<key attr.name="Longitude" attr.type="double" for="node" id="lo"/>' +
  '<key attr.name="label" attr.type="string" for="node" id="lb"/>';

function node(id: string, lat?: number, lon?: number, label?: string): string {
  const data = [
    lat === undefined ? '' : `<data key="la">${lat}</data>`,
    lon === undefined ? '' : `<data key="lo">${lon}</data>`,
    label === undefined ? '' : `<data key="lb">${label}</data>`,
  ].join('');
  return `<node id="${id}">${data}</node>`;
}

function doc(body: string, keys = KEYS): string {
  return `<?xml version="1.0" encoding="utf-8"?><graphml xmlns="http://graphml.graphdrawing.org/xmlns">${keys}<graph edgedefault="undirected"><data key="g0">Net</data>${body}</graph></graphml>`;
}

describe('Topology Zoo files', () => {
  const expected = [
    { file: 'Colt', nodes: 146, links: 164, maxMs: 10 },
    { file: 'Cogentco', nodes: 180, links: 210, maxMs: 40 },
    { file: 'Geant2012', nodes: 37, links: 58, maxMs: 25 },
  ];
  for (const { file, nodes, links, maxMs } of expected) {
    it(`loads ${file} (largest component of the nodes with coordinates)`, () => {
      const g = loadGraphMlFile(join(TOPOLOGIES, `${file}.graphml`));
      assert.equal(g.name, file);
      assert.equal(g.nodeCount, nodes);
      assert.equal(g.linkCount, links);
      assert.ok(isConnected(g));
      assert.equal(g.labels?.length, nodes);
      assert.ok(g.labels!.every((l) => l.length > 0));
      for (const ms of g.linkLatencyMs) assert.ok(ms >= 0.1 && ms < maxMs, `latency ${ms}`);
    });
  }
});

describe('parseGraphMl', () => {
  it('uses great-circle distance at 200 km/ms plus 0.1 ms per hop by default', () => {
    const g = parseGraphMl(doc(node('a', 0, 0, 'A') + node('b', 0, 1, 'B') + '<edge source="a" target="b"/>'), 'two');
    const km = (6371 * Math.PI) / 180;
    assert.ok(Math.abs(haversineKm(0, 0, 0, 1) - km) < 1e-9);
    assert.ok(Math.abs(g.linkLatencyMs[0]! - (km / 200 + 0.1)) < 1e-12);
    assert.deepEqual(g.labels, ['A', 'B']);
    const h = parseGraphMl(doc(node('a', 0, 0) + node('b', 0, 1) + '<edge source="a" target="b"/>'), 'two', {
      perHopMs: 0,
      kmPerMs: 100,
    });
    assert.ok(Math.abs(h.linkLatencyMs[0]! - km / 100) < 1e-12);
    assert.deepEqual(h.labels, ['a', 'b']); // no label: the node id
  });

  it('drops nodes without coordinates, self loops and duplicate edges, and keeps the largest component', () => {
    const body =
      node('a', 50, 0, 'A &amp; Co') +
      node('x', undefined, undefined, 'NoCoords') +
      node('b', 51, 0, 'B') +
      node('c', 52, 1, 'C') +
      node('d', 10, 10, 'D') +
      node('e', 11, 10, 'E') +
      '<edge source="a" target="b"/><edge source="b" target="a"/><edge source="b" target="c"/>' +
      '<edge source="a" target="a"/><edge source="x" target="a"/><edge source="d" target="e"/>';
    const g = parseGraphMl(doc(body), 'mixed');
    assert.equal(g.nodeCount, 3);
    assert.equal(g.linkCount, 2);
    assert.deepEqual(g.labels, ['A & Co', 'B', 'C']);
  });

  it('finds keys by attr.name whatever their ids', () => {
    const keys =
      '<key attr.name="Longitude" for="node" id="k7"/><key attr.name="Latitude" for="node" id="k3"/>' +
      '<key attr.name="label" for="node" id="zz"/>';
    const body =
      '<node id="1"><data key="k3">48.85</data><data key="k7">2.35</data><data key="zz">Paris</data></node>' +
      '<node id="2"><data key="k3">51.51</data><data key="k7">-0.13</data><data key="zz">London</data></node>' +
      '<edge source="1" target="2"/>';
    const g = parseGraphMl(doc(body, keys), 'pl');
    assert.deepEqual(g.labels, ['Paris', 'London']);
    assert.ok(Math.abs(g.linkLatencyMs[0]! - (344 / 200 + 0.1)) < 0.02); // Paris-London ~344 km
  });

  // Each with the reason it is refused for: the guard that refuses it, not a wall-clock bound, shows where the work
  // stops (the times are in scripts/bench-parse.ts).
  const rejects: Array<[string, string, RegExp]> = [
    ['malformed XML', '<graphml><graph><node id="a"></graph></graphml>', /malformed XML at line 1/],
    ['empty input', '', /malformed XML/],
    ['not XML', '{"nodes": []}', /malformed XML/],
    [
      'an entity bomb',
      '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;">' +
        '<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">]><graphml>&lol2;</graphml>',
      /DOCTYPE declarations are not accepted/,
    ],
    ['an external entity', '<!DOCTYPE g [<!ENTITY x SYSTEM "file:///etc/passwd">]><graphml>&x;</graphml>', /DOCTYPE declarations are not accepted/],
    ['no coordinates', doc('<node id="a"/><node id="b"/><edge source="a" target="b"/>', '<key attr.name="label" for="node" id="lb"/>'), /no Latitude\/Longitude node attributes declared/],
    ['coordinates on no node', doc('<node id="a"/><node id="b"/><edge source="a" target="b"/>'), /no node has valid Latitude\/Longitude/],
    ['no link between located nodes', doc(node('a', 1, 1) + node('b', 2, 2)), /no two linked nodes with coordinates/],
    ['an edge to an undeclared node', doc(node('a', 1, 1) + node('b', 2, 2) + '<edge source="a" target="q"/>'), /edge a-q refers to an undeclared node/],
    ['duplicate node ids', doc(node('a', 1, 1) + node('a', 2, 2)), /duplicate node id "a"/],
    ['a non-GraphML root', '<svg><g/></svg>', /not a GraphML document/],
    ...graphMlAttacks().map((a): [string, string, RegExp] => [a.what, a.text, a.reason]),
    ['prototype-polluting names', '<graphml><__proto__><graph/></__proto__></graphml>', /Invalid name: "__proto__"/],
  ];
  for (const [what, xml, reason] of rejects) {
    it(`rejects ${what} with TOPOLOGY_INVALID and a one-line message`, () => {
      assert.throws(
        () => parseGraphMl(xml, 'bad'),
        (err: Error & { code?: string }) =>
          err.code === ErrorCode.TOPOLOGY_INVALID && err.message.startsWith('bad: ') && !err.message.includes('\n') && reason.test(err.message),
      );
    });
  }

  it('rejects input over 20 MB without parsing it', () => {
    const huge = '<graphml>' + ' '.repeat(21 * 1024 * 1024) + '</graphml>';
    assert.throws(() => parseGraphMl(huge, 'huge'), { code: ErrorCode.TOPOLOGY_INVALID, message: /20 MB/ });
  });

  it('rejects bad latency options with CONFIG_INVALID', () => {
    const xml = doc(node('a', 0, 0) + node('b', 0, 1) + '<edge source="a" target="b"/>');
    assert.throws(() => parseGraphMl(xml, 'x', { kmPerMs: 0 }), { code: ErrorCode.CONFIG_INVALID });
    assert.throws(() => parseGraphMl(xml, 'x', { perHopMs: -1 }), { code: ErrorCode.CONFIG_INVALID });
  });
});

describe('loadGraphMlFile', () => {
  it('names the underlay after the file', () => {
    const path = join(scratch, 'Tiny.Net.graphml');
    writeFileSync(path, doc(node('a', 0, 0) + node('b', 0, 1) + '<edge source="a" target="b"/>'));
    assert.equal(loadGraphMlFile(path).name, 'Tiny.Net');
  });

  it('rejects a missing file with TOPOLOGY_READ naming the path', () => {
    const path = join(scratch, 'nope.graphml');
    assert.throws(() => loadGraphMlFile(path), (err: Error & { code?: string }) => {
      return err.code === ErrorCode.TOPOLOGY_READ && err.message.includes(path);
    });
  });

  it('rejects a directory with TOPOLOGY_READ', () => {
    assert.throws(() => loadGraphMlFile(scratch), { code: ErrorCode.TOPOLOGY_READ });
  });

  it('rejects a hostile file with TOPOLOGY_INVALID', () => {
    const path = join(scratch, 'bomb.graphml');
    writeFileSync(path, '<?xml version="1.0"?><!DOCTYPE g [<!ENTITY a "aaaaaaaaaa">]><graphml>&a;</graphml>');
    assert.throws(() => loadGraphMlFile(path), { code: ErrorCode.TOPOLOGY_INVALID });
  });
});
