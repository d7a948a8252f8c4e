/**
 * The command line of `metalbench compare` and `metalbench calibrate`, read
 * into one plain shape. Every problem is a UsageError naming the flag and
 * what is allowed; nothing has been run when one is thrown.
 */
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { parseLockWait } from '../run/lock-wait.ts';
import { parseProfileKinds, type ProfileKind } from '../profile/kinds.ts';

// The CLI's usage error: the dispatcher prints it with a pointer to the usage and exits 2.
import { UsageError } from '../cli/options.ts';
export { UsageError };

export type FailOn = 'regression' | 'inconclusive' | 'never';
export type Side = 'base' | 'head';

/** What one side carries beyond its commit. */
export interface SideOverrides {
  /** A toolchain name for GOTOOLCHAIN, e.g. go1.25.5. */
  go?: string;
  /** Environment of the build and of the benchmark process (GOAMD64, GOGC …). */
  env: Record<string, string>;
  gcflags?: string;
  /** Absolute path of a PGO profile. */
  pgo?: string;
}

export interface PairedArgs {
  mode: 'paired';
  spec: string;
  base: string;
  /** A ref, or "." for the working tree as it is. */
  head: string;
  repo?: string;
  rounds?: number;
  confirmRounds?: number;
  /** Practical threshold as a fraction (1 % → 0.01). */
  threshold: number;
  confirm: boolean;
  failOn: FailOn;
  markdown?: string;
  json?: string;
  lockWaitMs?: number;
  seed?: string;
  floorSessions: number;
  overrides: Record<Side, SideOverrides>;
  /** Set by `calibrate`: both sides are one commit, so uncommitted changes do not matter. */
  calibrate?: boolean;
  /** Profiles of each confirmed regression, base and head (absent: the default kinds; empty: none). */
  profile?: ProfileKind[];
  siteUrl?: string;
  siteConfig?: string;
}

export interface ResumeArgs {
  mode: 'resume';
  runId: number;
  failOn: FailOn;
  markdown?: string;
  json?: string;
  lockWaitMs?: number;
  floorSessions: number;
  /** Where the site is published (ends in "/"): the outputs link to the session's page there. */
  siteUrl?: string;
  /** A site configuration whose base_url is that address (default: ./site.yaml when it exists). */
  siteConfig?: string;
}

export interface UnpairedArgs {
  mode: 'unpaired';
  /** Two files, or two stored runs. */
  files?: [string, string];
  runs?: [number, number];
  markdown?: string;
  json?: string;
}

export type CompareArgs = (PairedArgs | ResumeArgs | UnpairedArgs) & { db: string; inventory?: string };

const SIDE_FLAGS = {
  'base-go': { type: 'string' },
  'head-go': { type: 'string' },
  'base-env': { type: 'string', multiple: true },
  'head-env': { type: 'string', multiple: true },
  'base-gcflags': { type: 'string' },
  'head-gcflags': { type: 'string' },
  'base-pgo': { type: 'string' },
  'head-pgo': { type: 'string' },
} as const;

const OPTIONS = {
  base: { type: 'string' },
  head: { type: 'string' },
  repo: { type: 'string' },
  rounds: { type: 'string' },
  'confirm-rounds': { type: 'string' },
  threshold: { type: 'string' },
  'no-confirm': { type: 'boolean', default: false },
  'fail-on': { type: 'string' },
  markdown: { type: 'string' },
  json: { type: 'string' },
  'lock-wait': { type: 'string' },
  seed: { type: 'string' },
  'floor-sessions': { type: 'string' },
  profile: { type: 'string' },
  'site-url': { type: 'string' },
  'site-config': { type: 'string' },
  resume: { type: 'string' },
  'base-run': { type: 'string' },
  'head-run': { type: 'string' },
  db: { type: 'string' },
  inventory: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
  ...SIDE_FLAGS,
} as const;

export function parseCompareArgs(argv: string[], defaultDb: string, cwd = process.cwd()): CompareArgs | 'help' {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const v = parsed.values;
  const pos = parsed.positionals;
  if (v.help) return 'help';
  const common = { db: v.db ?? defaultDb, ...(v.inventory !== undefined ? { inventory: v.inventory } : {}) };
  const outputs = { ...(v.markdown !== undefined ? { markdown: v.markdown } : {}), ...(v.json !== undefined ? { json: v.json } : {}) };
  const site = siteOptions(v['site-url'], v['site-config'], cwd);
  const failOn = parseFailOn(v['fail-on']);
  const floorSessions = v['floor-sessions'] !== undefined ? positiveInt('--floor-sessions', v['floor-sessions'], 1) : 20;
  const lockWaitMs = v['lock-wait'] !== undefined ? lockWait(v['lock-wait']) : undefined;
  const sideFlagsUsed = Object.keys(SIDE_FLAGS).filter((k) => v[k as keyof typeof SIDE_FLAGS] !== undefined);

  if (v.profile !== undefined && (v.resume !== undefined || v['base-run'] !== undefined || pos.length === 2)) {
    throw new UsageError('--profile belongs to a paired comparison (SPEC --base REF --head REF); a resumed one keeps its own');
  }
  const unpaired = v['base-run'] !== undefined || v['head-run'] !== undefined || (pos.length === 2 && v.base === undefined && v.head === undefined);
  if (unpaired && (site.siteUrl !== undefined || site.siteConfig !== undefined)) {
    throw new UsageError(`--${site.siteUrl !== undefined ? 'site-url' : 'site-config'} needs a paired comparison: an unpaired one is not stored as a session and has no page`);
  }
  if (v['base-run'] !== undefined || v['head-run'] !== undefined) {
    if (v['base-run'] === undefined || v['head-run'] === undefined) throw new UsageError('--base-run and --head-run go together');
    if (pos.length > 0 || v.base !== undefined || v.head !== undefined) throw new UsageError('--base-run/--head-run compare stored runs; give no spec, file or --base/--head with them');
    return { mode: 'unpaired', runs: [runId('--base-run', v['base-run']), runId('--head-run', v['head-run'])], ...outputs, ...common };
  }
  if (v.resume !== undefined) {
    if (pos.length > 0 || v.base !== undefined || v.head !== undefined || sideFlagsUsed.length > 0) {
      throw new UsageError('--resume takes the run id only; the session keeps its spec, refs and overrides');
    }
    return { mode: 'resume', runId: runId('--resume', v.resume), failOn, floorSessions, ...(lockWaitMs !== undefined ? { lockWaitMs } : {}), ...site, ...outputs, ...common };
  }
  if (pos.length === 2 && v.base === undefined && v.head === undefined) {
    if (sideFlagsUsed.length > 0) throw new UsageError(`--${sideFlagsUsed[0]} needs a paired comparison (SPEC --base REF --head REF); files are compared as they are`);
    return { mode: 'unpaired', files: [pos[0]!, pos[1]!], ...outputs, ...common };
  }
  if (pos.length !== 1) throw new UsageError('expected one spec file, e.g. metalbench compare benchmarks/pr.yaml --base origin/main --head .');
  if (v.base === undefined || v.head === undefined) throw new UsageError('--base REF and --head REF are both required (--head . compares the working tree)');
  if (v.base === '.') throw new UsageError('--base . is not allowed: base must be a commit; the working tree can only be head');
  return {
    mode: 'paired',
    spec: pos[0]!,
    base: v.base,
    head: v.head,
    ...(v.repo !== undefined ? { repo: resolve(cwd, v.repo) } : {}),
    ...(v.rounds !== undefined ? { rounds: positiveInt('--rounds', v.rounds, 6) } : {}),
    ...(v['confirm-rounds'] !== undefined ? { confirmRounds: positiveInt('--confirm-rounds', v['confirm-rounds'], 6) } : {}),
    threshold: v.threshold !== undefined ? percent(v.threshold) : 0.01,
    confirm: !v['no-confirm'],
    failOn,
    floorSessions,
    ...(lockWaitMs !== undefined ? { lockWaitMs } : {}),
    ...(v.seed !== undefined ? { seed: v.seed } : {}),
    ...(v.profile !== undefined ? { profile: profileKinds(v.profile) } : {}),
    overrides: { base: sideOverrides(v, 'base', cwd), head: sideOverrides(v, 'head', cwd) },
    ...site,
    ...outputs,
    ...common,
  };
}

/** --site-url (checked, ending in "/") or --site-config (a path), not both. */
function siteOptions(url: string | undefined, config: string | undefined, cwd: string): { siteUrl?: string; siteConfig?: string } {
  if (url !== undefined && config !== undefined) throw new UsageError('--site-url and --site-config both say where the site is published; give one');
  if (url !== undefined) {
    if (!/^https?:\/\/\S+$/.test(url)) throw new UsageError(`--site-url ${JSON.stringify(url)}: expected the http(s) address the site is published at, e.g. https://org.github.io/repo/`);
    return { siteUrl: url.endsWith('/') ? url : `${url}/` };
  }
  return config !== undefined ? { siteConfig: resolve(cwd, config) } : {};
}

function sideOverrides(v: Record<string, unknown>, side: Side, cwd: string): SideOverrides {
  const o: SideOverrides = { env: {} };
  const go = v[`${side}-go`] as string | undefined;
  if (go !== undefined) {
    // GOTOOLCHAIN accepts goX.Y[.Z][rcN], local, auto, path and +auto forms; a version is what a comparison needs.
    if (!/^go1\.\d+(\.\d+)?((rc|beta)\d+)?$/.test(go)) throw new UsageError(`--${side}-go ${JSON.stringify(go)}: expected a Go toolchain name such as go1.25.5`);
    o.go = go;
  }
  for (const kv of (v[`${side}-env`] as string[] | undefined) ?? []) {
    const eq = kv.indexOf('=');
    if (eq <= 0 || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(kv.slice(0, eq))) throw new UsageError(`--${side}-env ${JSON.stringify(kv)}: expected NAME=VALUE, e.g. GOAMD64=v3`);
    const name = kv.slice(0, eq);
    if (name === 'GOTOOLCHAIN') throw new UsageError(`--${side}-env GOTOOLCHAIN: use --${side}-go instead`);
    o.env[name] = kv.slice(eq + 1);
  }
  const gcflags = v[`${side}-gcflags`] as string | undefined;
  if (gcflags !== undefined) o.gcflags = gcflags;
  const pgo = v[`${side}-pgo`] as string | undefined;
  if (pgo !== undefined) o.pgo = resolve(cwd, pgo);
  return o;
}

function profileKinds(s: string): ProfileKind[] {
  if (s === 'none') return [];
  try {
    return parseProfileKinds(s);
  } catch (e) {
    throw new UsageError((e as Error).message.replace(/, or all\)$/, ', all or none)'));
  }
}

function parseFailOn(s: string | undefined): FailOn {
  if (s === undefined) return 'regression';
  if (s === 'regression' || s === 'inconclusive' || s === 'never') return s;
  throw new UsageError(`--fail-on ${JSON.stringify(s)}: expected regression, inconclusive or never`);
}

function positiveInt(flag: string, s: string, min: number): number {
  if (!/^[0-9]+$/.test(s) || Number(s) < min || Number(s) > 1000) {
    throw new UsageError(`${flag} ${JSON.stringify(s)}: expected a whole number from ${min} to 1000${min === 6 ? ' (below 6 rounds no exact paired test can reject at 0.05)' : ''}`);
  }
  return Number(s);
}

function runId(flag: string, s: string): number {
  if (!/^[1-9][0-9]*$/.test(s)) throw new UsageError(`${flag} ${JSON.stringify(s)}: a run id is a positive integer (see metalbench runs)`);
  return Number(s);
}

function percent(s: string): number {
  const t = s.endsWith('%') ? s.slice(0, -1) : s;
  const x = Number(t);
  if (t === '' || !Number.isFinite(x) || x < 0 || x >= 100) throw new UsageError(`--threshold ${JSON.stringify(s)}: expected a percentage from 0 to 100, e.g. 1 or 2.5%`);
  return x / 100;
}

function lockWait(s: string): number {
  const ms = parseLockWait(s);
  if (typeof ms !== 'number') throw new UsageError(ms.error);
  return ms;
}
