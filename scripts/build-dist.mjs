// `npm run build`, also run by `prepare` (so `npm ci` and `npm install` build) and `prepack`: compiles src/ to
// dist/ (JavaScript and .d.ts, per tsconfig.build.json) from a clean folder, so no output of a deleted source
// lingers, and copies the pages (plain .html, .js and .css, served as they are: the dashboard's and the
// whiteboard's, with the .d.ts of a page module the servers import too) beside the compiled servers that serve
// them. npm runs `prepare` right after `prepack` on `npm pack` and `npm publish`: that second build would redo the
// first, so it is skipped.
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

if (process.env.npm_lifecycle_event === 'prepare' && ['pack', 'publish'].includes(process.env.npm_command ?? '')) {
  console.error(`dist/ was built by prepack just now; not again on ${process.env.npm_command}`);
  process.exit(0);
}

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
rmSync(dist, { recursive: true, force: true });

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const r = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
if (r.status !== 0) process.exit(r.status ?? 1);

for (const folder of ['dashboard/page', 'apps/whiteboard/page']) {
  const page = join(root, 'src', folder);
  const pageOut = join(dist, folder);
  mkdirSync(pageOut, { recursive: true });
  for (const f of readdirSync(page)) if (/\.(html|js|css|d\.ts)$/.test(f)) copyFileSync(join(page, f), join(pageOut, f));
}
chmodSync(join(dist, 'cli/bin.js'), 0o755);
