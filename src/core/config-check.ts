import { ErrorCode, ScError } from './errors.ts';

/** What a config value must be: a JSON type, an object of known (optional) keys, or a list of `[element]`. */
export type Schema = 'string' | 'number' | 'boolean' | { readonly [key: string]: Schema } | readonly [Schema];

/** The TypeScript type of a value that passed `checkConfig(value, schema)`: every key optional. */
export type Checked<S> = S extends 'string'
  ? string
  : S extends 'number'
    ? number
    : S extends 'boolean'
      ? boolean
      : S extends readonly [infer E]
        ? Array<Checked<E>>
        : { readonly [K in keyof S]?: Checked<S[K]> };

/** A config refused at load; `path` names the value at fault (`gossamer.hysteresis`, `sessions[0].record`; '' for the whole). */
export class ConfigError extends ScError {
  readonly path: string;

  constructor(code: string, path: string, message: string) {
    super(code, message);
    this.name = 'ConfigError';
    this.path = path;
  }
}

/** The schema of a defaults object: each of its keys, of its default's type; a key added later is checked too. */
export function schemaOf<T extends { readonly [K in keyof T]: string | number | boolean }>(defaults: T): { readonly [K in keyof T]: TypeName<T[K]> } {
  return Object.fromEntries(Object.entries(defaults).map(([key, value]) => [key, typeof value])) as { [K in keyof T]: TypeName<T[K]> };
}

type TypeName<V> = V extends string ? 'string' : V extends number ? 'number' : 'boolean';

/**
 * Checks `value` against `schema` at every depth (absent keys are fine, ranges are the caller's); throws a
 * ConfigError naming the path: ERR_CONFIG_UNKNOWN_KEY for a key the schema lacks, ERR_CONFIG_TYPE for a wrong type.
 */
export function checkConfig<S extends Schema>(value: unknown, schema: S, path = ''): asserts value is Checked<S> {
  check(value, schema, path);
}

function check(value: unknown, schema: Schema, path: string): void {
  if (typeof schema === 'string') {
    if (typeof value !== schema) wrongType(path, `a ${schema}`, value);
  } else if (isList(schema)) {
    if (!Array.isArray(value)) wrongType(path, 'a list', value);
    value.forEach((item, i) => check(item, schema[0], `${path}[${i}]`));
  } else {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) wrongType(path, 'an object', value);
    for (const [key, item] of Object.entries(value)) {
      const at = path === '' ? key : `${path}.${key}`;
      if (!Object.hasOwn(schema, key)) {
        throw new ConfigError(ErrorCode.CONFIG_UNKNOWN_KEY, at, `unknown config key ${at} (known here: ${Object.keys(schema).join(', ')})`);
      }
      if (item !== undefined) check(item, schema[key] as Schema, at);
    }
  }
}

function isList(schema: Schema): schema is readonly [Schema] {
  return Array.isArray(schema);
}

function wrongType(path: string, wanted: string, value: unknown): never {
  const got = value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'an object' : `a ${typeof value}`;
  throw new ConfigError(ErrorCode.CONFIG_TYPE, path, `config ${path === '' ? 'file' : `key ${path}`} must be ${wanted}, not ${got}`);
}
