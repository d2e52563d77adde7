/** A benchmark's command line: `parseArgs` with `--help`, and the usage on a bad option. */

import { parseArgs, type ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

/** The options of `argv`; prints `usage` and exits 0 on `--help`, prints the error and `usage` and exits 2 on a bad option. */
export function benchOptions<const T extends Options>(name: string, usage: string, argv: string[], options: T): ReturnType<typeof parseArgs<{ args: string[]; options: T }>>['values'] {
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', default: false } } }));
  } catch (err) {
    process.stderr.write(`${name}: ${(err as Error).message}\n${usage}`);
    process.exit(2);
  }
  if (values.help === true) {
    process.stdout.write(usage);
    process.exit(0);
  }
  delete values.help;
  return values as ReturnType<typeof parseArgs<{ args: string[]; options: T }>>['values'];
}
