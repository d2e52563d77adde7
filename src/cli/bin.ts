#!/usr/bin/env node
// The `scattercast` command: built to dist/cli/bin.js, the package's `bin`. From the sources: node --import tsx src/cli/bin.ts
import { holdSignals } from './signals.ts';

// A SIGINT or SIGTERM that comes while the program loads is held (see signals.ts), so hold before loading it.
holdSignals();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));
