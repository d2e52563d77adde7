import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PROFILES } from '../../src/gossamer/profiles.ts';
import { DEFAULT_SCENARIO, runScenario, type ScenarioOptions } from '../../src/sim/scenario.ts';

const small: ScenarioOptions = { ...DEFAULT_SCENARIO, routers: 200, scx: 20, maxTimeS: 600, stableWindowS: 60 };

/** A result without its wall-clock time, the one field that may differ between identical runs. */
function virtual(r: ReturnType<typeof runScenario>): Omit<ReturnType<typeof runScenario>, 'wallMs'> {
  const { wallMs: _wall, ...rest } = r;
  return rest;
}

describe('simulated sessions', () => {
  it('the same seed gives an identical result; another seed does not', () => {
    const a = runScenario({ ...small, seed: 11 });
    const b = runScenario({ ...small, seed: 11 });
    const c = runScenario({ ...small, seed: 12 });
    assert.deepEqual(virtual(a), virtual(b));
    assert.notDeepEqual(virtual(a), virtual(c));
  });

  it('measures a transit-stub session sanely', () => {
    const r = runScenario({ ...small, seed: 5, sources: 2 });
    assert.equal(r.scx, 20);
    assert.equal(r.routers, 200);
    assert.deepEqual(r.degree, [3, 4]);
    assert.equal(r.costRatioPerSource.length, 2);
    assert.ok(r.costRatio >= 1 && r.costRatio < 4, `cost ratio ${r.costRatio}`);
    assert.equal(r.unreached, 0);
    assert.ok(r.stable && r.stableAtS < r.endAtS);
    assert.ok(r.discovery90AtS !== null && r.discoveryAllAtS !== null && r.discovery90AtS <= r.discoveryAllAtS);
    assert.ok(r.maxLinkCopies >= 1 && r.maxLinkCopies <= r.unicastMaxLinkCopies);
    assert.ok(r.unicastMaxLinkCopies <= 19);
    assert.ok(r.controlBytesPerScxPerS > 0 && r.events > 0);
    assert.equal(r.malformed, 0);
  });

  it('runs on a real map (GraphML) and on Waxman graphs', () => {
    const colt = runScenario({ ...small, topology: 'topologies/Colt.graphml', seed: 2 });
    assert.equal(colt.topology, 'Colt');
    assert.equal(colt.unreached, 0);
    const wax = runScenario({ ...small, topology: 'waxman', seed: 2 });
    assert.equal(wax.unreached, 0);
    assert.ok(wax.costRatio >= 1);
  });

  it('converges despite 5% control-message loss', () => {
    const r = runScenario({ ...small, seed: 3, loss: 0.05 });
    assert.equal(r.unreached, 0);
    assert.ok(r.discoveryAllAtS !== null);
  });

  it('records a time series when asked', () => {
    const r = runScenario({ ...small, seed: 4, sampleEveryS: 10 });
    assert.ok(r.series && r.series.length >= 5);
    const last = r.series.at(-1);
    assert.equal(last?.discoveredAllShare, 1);
    assert.ok(r.linkCopiesHistogram && r.linkCopiesHistogram.gossamer.length > 1);
  });

  it('measures when 90% of the edge changes were made, and how a longer run stood at an earlier cap, only when asked', () => {
    const paper = { ...small, seed: 4, config: PROFILES.paper };
    const plain = runScenario(paper);
    assert.equal(plain.edgeChanges90AtS, undefined);
    assert.equal(plain.snapshot, undefined);
    const capped = runScenario({ ...paper, maxTimeS: 60 });
    const long = runScenario({ ...paper, settleMetrics: true, snapshotAtS: 60 });
    assert.deepEqual(virtual({ ...long, edgeChanges90AtS: undefined, snapshot: undefined }), virtual({ ...plain, edgeChanges90AtS: undefined, snapshot: undefined }), 'the extra measures change nothing else');
    assert.ok(long.edgeChanges90AtS !== undefined && long.edgeChanges90AtS > 0 && long.edgeChanges90AtS <= long.stableAtS);
    const at = long.snapshot;
    assert.ok(at !== undefined);
    assert.equal(at.atS, 60);
    assert.equal(at.stable, capped.stable);
    assert.equal(at.stableAtS, capped.stableAtS);
    assert.equal(at.edgeChangesPerNode, capped.edgeChangesPerNode);
    assert.ok(Math.abs(at.costRatio - capped.costRatio) < 0.02, `${at.costRatio} vs ${capped.costRatio}`);
    assert.ok(at.edgeChanges90AtS <= at.stableAtS);
  });

  it('can end a run once every SCX knows 90% of the others', () => {
    const r = runScenario({ ...small, seed: 4, config: { ...PROFILES.paper, discoveryBound: 2, discoveryBoundLearning: 2 }, endOn: 'discovery90' });
    assert.ok(r.discovery90AtS !== null);
    assert.equal(r.endAtS, r.discovery90AtS);
  });

  it('refuses a session that does not fit the topology', () => {
    assert.throws(() => runScenario({ ...small, topology: 'topologies/Geant2012.graphml', scx: 100 }), { code: 'ERR_USAGE' });
  });
});
