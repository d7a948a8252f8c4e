/**
 * Loading a spec: YAML with positions, the JSON Schema, then the checks a
 * schema cannot express (unique suite names, module and package present),
 * and defaults resolved per suite so later stages see one plain shape.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { benchPatternError } from './bench-pattern.ts';
import {
  compileSchema,
  displayPath,
  locate,
  parseYaml,
  readYamlFile,
  schemaProblems,
  ValidationError,
  type ParsedYaml,
  type Problem,
} from './validate.ts';

export type { HostSelector } from '../fleet/selection.ts';
export type { PinSpec } from '../host/pinning.ts';
import type { HostSelector } from '../fleet/selection.ts';
import type { PinSpec } from '../host/pinning.ts';
import { fromPackageRoot } from '../package-root.ts';

/** Run parameters that the spec sets at the top and a suite may override. */
export interface RunParams {
  benchtime: string;
  count: number;
  benchmem: boolean;
  cpu?: number[];
  pin?: PinSpec;
  timeoutMs: number;
  env: Record<string, string>;
}

export interface SuiteSpec extends RunParams {
  name: string;
  /** Package directory relative to the module, e.g. ./memtable */
  package: string;
  /** Absolute module directory. */
  moduleDir: string;
  bench: string;
  ldflags?: string;
}

export interface Spec {
  path: string;
  text: string;
  name: string;
  description?: string;
  hosts: HostSelector;
  interleave: boolean;
  suites: SuiteSpec[];
}

export const SPEC_SCHEMA_PATH = fromPackageRoot('benchmarks/spec.schema.json');

const DEFAULTS = { benchtime: '1s', count: 1, benchmem: true, timeout: '10m' } as const;

type RawParams = {
  benchtime?: string;
  count?: number;
  benchmem?: boolean;
  cpu?: number[];
  pin?: PinSpec;
  timeout?: string;
  env?: Record<string, string>;
};
type RawSuite = RawParams & { name: string; package: string; module?: string; bench?: string; ldflags?: string };
type RawSpec = RawParams & {
  name: string;
  description?: string;
  hosts?: HostSelector;
  interleave?: boolean;
  suites: RawSuite[];
};

let validator: ReturnType<typeof compileSchema> | undefined;

export function loadSpec(path: string): Spec {
  return parseSpec(readYamlFile(path, 'spec'), path);
}

export function parseSpec(text: string, path: string): Spec {
  const parsed = parseYaml(text, path);
  validator ??= compileSchema(JSON.parse(readFileSync(SPEC_SCHEMA_PATH, 'utf8')) as object);
  const problems = schemaProblems(validator, parsed);
  if (problems.length > 0) throw new ValidationError(problems);
  const raw = parsed.value as RawSpec;
  problems.push(...semanticProblems(raw, parsed));
  if (problems.length > 0) throw new ValidationError(problems);

  const specDir = dirname(resolve(path));
  const top = raw;
  return {
    path,
    text,
    name: raw.name,
    description: raw.description,
    hosts: raw.hosts ?? 'local',
    interleave: raw.interleave ?? true,
    suites: raw.suites.map((s) => ({
      name: s.name,
      package: s.package,
      moduleDir: resolve(specDir, s.module ?? '.'),
      bench: s.bench ?? '.',
      ldflags: s.ldflags,
      benchtime: s.benchtime ?? top.benchtime ?? DEFAULTS.benchtime,
      count: s.count ?? top.count ?? DEFAULTS.count,
      benchmem: s.benchmem ?? top.benchmem ?? DEFAULTS.benchmem,
      cpu: s.cpu ?? top.cpu,
      pin: s.pin ?? top.pin,
      timeoutMs: parseDuration(s.timeout ?? top.timeout ?? DEFAULTS.timeout),
      env: { ...(top.env ?? {}), ...(s.env ?? {}) },
    })),
  };
}

function semanticProblems(raw: RawSpec, parsed: ParsedYaml): Problem[] {
  const problems: Problem[] = [];
  const at = (segs: (string | number)[], message: string) => {
    const pos = locate(parsed, segs);
    problems.push({ file: parsed.file, ...pos, path: displayPath(segs), message });
  };
  const specDir = dirname(resolve(parsed.file));
  const names = new Map<string, number>();
  raw.suites.forEach((s, i) => {
    const first = names.get(s.name);
    if (first !== undefined) at(['suites', i, 'name'], `duplicate suite name "${s.name}" (also suites[${first}]); give each suite a unique name`);
    else names.set(s.name, i);
    if (s.bench !== undefined) {
      const wrong = /[\n\r\0]/.test(s.bench) ? 'the bench pattern must be one line' : benchPatternError(s.bench);
      if (wrong) at(['suites', i, 'bench'], wrong);
    }
    const moduleDir = resolve(specDir, s.module ?? '.');
    if (!existsSync(join(moduleDir, 'go.mod'))) {
      at(['suites', i, s.module !== undefined ? 'module' : 'package'], `no go.mod in ${relative(process.cwd(), moduleDir) || '.'}; set "module" to the Go module's directory, relative to the spec file`);
      return;
    }
    const pkgDir = resolve(moduleDir, s.package);
    const inModule = relative(moduleDir, pkgDir);
    if (inModule === '..' || inModule.startsWith(`..${sep}`) || isAbsolute(inModule)) {
      at(['suites', i, 'package'], `package ${s.package} is outside module ${relative(process.cwd(), moduleDir) || '.'}; a package is a directory inside its module, e.g. ./sub; to use another module set "module"`);
    } else if (!existsSync(pkgDir) || !statSync(pkgDir).isDirectory()) {
      at(['suites', i, 'package'], `package directory ${s.package} does not exist in module ${relative(process.cwd(), moduleDir) || '.'}`);
    }
  });
  for (const [segs, cpu] of [[[], raw.cpu], ...raw.suites.map((s, i) => [['suites', i], s.cpu] as const)] as const) {
    if (cpu && new Set(cpu).size !== cpu.length) at([...segs, 'cpu'], 'cpu values must be distinct');
  }
  return problems;
}

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Go-style duration ("1m30s", "250ms") in milliseconds. */
export function parseDuration(d: string): number {
  let ms = 0;
  const re = /([0-9]+(?:\.[0-9]+)?)(ns|us|µs|ms|s|m|h)/g;
  let m: RegExpExecArray | null;
  let consumed = 0;
  while ((m = re.exec(d))) {
    ms += Number(m[1]) * UNIT_MS[m[2]!]!;
    consumed += m[0].length;
  }
  if (consumed !== d.length || consumed === 0) throw new Error(`invalid duration ${JSON.stringify(d)}`);
  return ms;
}
