#!/usr/bin/env node
// Development launcher: runs the `scattercast` command from the TypeScript sources through tsx (a devDependency), so
// that tests and `npm start` never run a stale build. The installed command is dist/cli/bin.js (package.json `bin`),
// built by `npm run build`.
// Signals first: a SIGINT or SIGTERM that comes while tsx and the program load is held, not fatal (src/cli/signals.ts).
const held = [];
const hold = (signal) => void held.push(signal);
process.on('SIGINT', hold).on('SIGTERM', hold);
const release = () => void process.off('SIGINT', hold).off('SIGTERM', hold);

const { register } = await import('tsx/esm/api');
register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2), { held, release });
