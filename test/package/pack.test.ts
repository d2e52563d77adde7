/**
 * The package as another program gets it: `npm pack` (which builds dist/ through `prepack`), the tarball installed
 * into a scratch folder, then the entry points of the `exports` map imported from plain JavaScript and checked from
 * TypeScript, and the installed `scattercast` command run. No tsx is installed there: dist/ must stand alone.
 *
 * The scratch folder's lock file pins the tarball and the project's own locked dependency versions (those not dev),
 * so `npm ci` needs no registry metadata and takes the tarballs from npm's cache, filled by the project's own
 * `npm ci`; only when one is missing there does it fetch it from the registry (`--prefer-offline`).
 */

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'sc-pack-'));
const app = join(tmp, 'app');

interface Packed {
  readonly filename: string;
  readonly integrity: string;
  readonly files: ReadonlyArray<{ readonly path: string }>;
}

interface LockEntry {
  readonly dev?: boolean;
}

/** Runs `command args` in `cwd`; fails the test with its output unless it exits with 0. */
function run(command: string, args: readonly string[], cwd: string, timeoutMs: number): string {
  const started = Date.now();
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
  const what = `${command} ${args.join(' ')} (in ${cwd}, ${Date.now() - started} ms)`;
  assert.equal(r.error, undefined, `${what}: ${r.error?.message}`);
  assert.equal(r.status, 0, `${what} exited with ${r.status ?? r.signal}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

let packed: Packed;
/** How long packing and installing took, and how the install got its tarballs: told as the first test's diagnostics. */
const notes: string[] = [];

before(
  () => {
    let started = Date.now();
    const out = run('npm', ['pack', '--json', '--pack-destination', tmp], ROOT, 300_000);
    notes.push(`npm pack (building dist/ first) took ${Date.now() - started} ms`);
    // npm's JSON comes last on stdout, after anything the build scripts printed there.
    packed = (JSON.parse(out.slice(out.search(/^\[/m))) as Packed[])[0] as Packed;

    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;
    const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
    const spec = `file:../${packed.filename}`;
    const packages: Record<string, unknown> = {
      '': { name: 'app', dependencies: { scattercast: spec } },
      'node_modules/scattercast': {
        version: pkg.version,
        resolved: spec,
        integrity: packed.integrity,
        license: pkg.license,
        dependencies: pkg.dependencies,
        bin: pkg.bin,
        engines: pkg.engines,
      },
    };
    for (const [path, entry] of Object.entries(lock.packages)) if (path !== '' && !entry.dev) packages[path] = entry;
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module', dependencies: { scattercast: spec } }));
    writeFileSync(join(app, 'package-lock.json'), JSON.stringify({ name: 'app', lockfileVersion: 3, requires: true, packages }));
    const ci = ['ci', '--no-audit', '--no-fund', '--ignore-scripts'];
    started = Date.now();
    const offline = spawnSync('npm', [...ci, '--offline'], { cwd: app, encoding: 'utf8', timeout: 120_000 });
    if (offline.status !== 0) run('npm', [...ci, '--prefer-offline'], app, 240_000);
    notes.push(`npm ci in the scratch folder took ${Date.now() - started} ms, ${offline.status === 0 ? 'offline' : 'some tarballs from the registry'}`);
  },
  { timeout: 600_000 },
);

after(() => rmSync(tmp, { recursive: true, force: true }));

describe('the npm package', () => {
  it('holds the build, the dashboard page and the topologies, and no sources or tests', (t) => {
    for (const note of notes) t.diagnostic(note);
    const paths = packed.files.map((f) => f.path);
    for (const p of ['package.json', 'README.md', 'dist/cli/bin.js', 'dist/dashboard/page/index.html', 'dist/dashboard/page/dashboard.css', 'dist/sim/experiments/pool-worker.js', 'topologies/Geant2012.graphml']) {
      assert.ok(paths.includes(p), `${p} is missing from the package`);
    }
    for (const entry of ['index', 'client', 'node', 'sim', 'service-module']) {
      assert.ok(paths.includes(`dist/exports/${entry}.js`) && paths.includes(`dist/exports/${entry}.d.ts`), `entry point ${entry}`);
    }
    const stray = paths.filter((p) => /^(src|test|scripts|bin|docs|node_modules)\//.test(p) || (p.endsWith('.ts') && !p.endsWith('.d.ts')));
    assert.deepEqual(stray, []);
    assert.equal(existsSync(join(app, 'node_modules/tsx')), false, 'tsx is for development only');
  });

  it('serves each entry point of the exports map to plain JavaScript, and runs the simulator pool from dist', () => {
    writeFileSync(
      join(app, 'use.mjs'),
      `import { tuneIn, joinSession, attachSender, askFrontend, parseAnnouncement } from 'scattercast/client';
       import { runNode, nodeConfig } from 'scattercast/node';
       import { runScenario, runJobs, transitStub, DEFAULT_SCENARIO } from 'scattercast/sim';
       import { ServiceRegistry, LOCAL_LINK, forwardTcp, reliable } from 'scattercast/service-module';
       import * as everything from 'scattercast';
       const registry = new ServiceRegistry();
       registry.register(forwardTcp);
       registry.register(reliable);
       let deep;
       try { await import('scattercast/dist/exports/client.js'); deep = 'allowed'; } catch (err) { deep = err.code; }
       const tiny = { ...DEFAULT_SCENARIO, routers: 100, scx: 6, maxTimeS: 60, stableWindowS: 20 };
       const pooled = await runJobs([{ id: 'a', options: tiny }], { workers: 1 });
       console.log(JSON.stringify({
         functions: [tuneIn, joinSession, attachSender, askFrontend, parseAnnouncement, runNode, nodeConfig, runScenario, runJobs, transitStub]
           .every((f) => typeof f === 'function'),
         sameTuneIn: everything.tuneIn === tuneIn && everything.runNode === runNode && everything.LOCAL_LINK === LOCAL_LINK,
         deep,
         pooled: pooled.map((r) => r.result.scx),
       }));`,
    );
    const out = JSON.parse(run(process.execPath, ['use.mjs'], app, 60_000)) as Record<string, unknown>;
    assert.deepEqual(out, { functions: true, sameTuneIn: true, deep: 'ERR_PACKAGE_PATH_NOT_EXPORTED', pooled: [6] });
  });

  it('gives TypeScript the types of the entry points', () => {
    writeFileSync(
      join(app, 'use.ts'),
      `import { tuneIn, payloadOf, type TunedIn } from 'scattercast/client';
       import type { RunningNode } from 'scattercast/node';
       import type { ServiceModuleFactory } from 'scattercast/service-module';
       import { DEFAULT_SCENARIO, runScenario } from 'scattercast/sim';
       const mine: ServiceModuleFactory = { names: ['mine'], dataTransport: 'tcp', description: 'mine', create: () => ({ onData: () => undefined }) };
       const tuned: Promise<TunedIn> = tuneIn('127.0.0.1:8080', 'scast://example.org/radio', { url: 'https://example.org/radio.xml' }, (p) => payloadOf(p).length);
       const ratio: number = runScenario({ ...DEFAULT_SCENARIO, scx: 5 }).costRatio;
       // @ts-expect-error the frontend is a string: the types are there, not \`any\`
       void tuneIn(8080, 'scast://example.org/radio', { url: 'x' }, () => undefined);
       export type { RunningNode };
       export { mine, tuned, ratio };
      `,
    );
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          target: 'ES2022',
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          typeRoots: [join(ROOT, 'node_modules/@types')],
          types: ['node'],
        },
        files: ['use.ts'],
      }),
    );
    run(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', '.'], app, 120_000);
  });

  it('installs the scattercast command, which runs without tsx', () => {
    const bin = join(app, 'node_modules/.bin/scattercast');
    assert.match(run(bin, ['--help'], app, 30_000), /Usage: scattercast/);
    const result = JSON.parse(run(bin, ['sim', 'run', '--scx', '20', '--json'], app, 60_000)) as { scx: number; unreached: number };
    assert.equal(result.scx, 20);
    assert.equal(result.unreached, 0);
  });
});
