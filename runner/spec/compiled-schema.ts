/**
 * JSON Schema validators compiled once and kept: ajv's generated code is
 * cached (keyed by the schema, ajv's version and its options) beside the
 * build cache, so a command that validates a spec and an inventory neither
 * loads ajv nor compiles a schema on later runs. A cache that cannot be
 * read or written only costs the compile.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Ajv as AjvClass, Options, ValidateFunction } from 'ajv';

const require = createRequire(import.meta.url);
const OPTIONS: Options = { allErrors: true, verbose: true, strict: false };

function cacheDir(): string {
  const base = process.env.METALBENCH_CACHE || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'metalbench');
  return join(base, 'schemas');
}

export function compileSchemaCached(schema: object): ValidateFunction {
  const ajvVersion = (require('ajv/package.json') as { version: string }).version;
  const key = createHash('sha256').update(JSON.stringify([ajvVersion, OPTIONS, schema])).digest('hex');
  const file = join(cacheDir(), `${key}.cjs`);
  try {
    return load(readFileSync(file, 'utf8'));
  } catch {
    // not cached yet, or unreadable: compile
  }
  const { Ajv, default: DefaultAjv } = require('ajv') as { Ajv?: typeof AjvClass; default: typeof AjvClass };
  const AjvCtor = Ajv ?? DefaultAjv;
  const ajv = new AjvCtor({ ...OPTIONS, code: { source: true } });
  const validate = ajv.compile(schema);
  try {
    const standaloneCode = (require('ajv/dist/standalone') as { default: (a: AjvClass, v: ValidateFunction) => string }).default;
    const code = standaloneCode(ajv, validate);
    mkdirSync(cacheDir(), { recursive: true });
    const tmp = `${file}.tmp-${process.pid}`;
    writeFileSync(tmp, code);
    renameSync(tmp, file);
  } catch {
    // An uncachable schema (or a read-only cache) is compiled every time.
  }
  return validate;
}

/** The generated module (CommonJS: `module.exports = validate`), evaluated with ajv's runtime helpers at hand. */
function load(code: string): ValidateFunction {
  const mod: { exports: unknown } = { exports: {} };
  new Function('require', 'module', 'exports', code)(require, mod, mod.exports);
  const v = mod.exports as ValidateFunction & { default?: ValidateFunction };
  const fn = v.default ?? v;
  if (typeof fn !== 'function') throw new Error('cached validator is not a function');
  return fn;
}
