/**
 * Reads the results store (read-only) into what the site shows: for each
 * benchmark of each package, per unit, one summarized point per run and host.
 */
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { SCHEMA_VERSION } from '../results/store/schema.ts';
import { compareUnits } from './units.ts';
import { summarize, type Summary } from './stats.ts';

export type DB = Database.Database;

export interface RunInfo {
  id: number;
  kind: string;
  trigger: string;
  startedAt: string;
  revision: string | null;
  variant: string | null;
  /** Position in start order: the x axis. */
  order: number;
}

export interface Point extends Summary {
  runId: number;
  startedAt: string;
  revision: string | null;
  variant: string | null;
  host: string;
  /** Samples of this run and host that were NaN, left out of the summary. */
  nan: number;
}

export interface UnitSeries {
  unit: string;
  /** In run order, then host. */
  points: Point[];
}

export interface BenchmarkData {
  /** The `pkg` configuration value, or null when the results had none. */
  pkg: string | null;
  /** Full name after "Benchmark", including sub-benchmark parts and the -N suffix. */
  name: string;
  units: UnitSeries[];
}

/** Host label for samples stored without a job (imports) and without a `host` config line. */
export const UNKNOWN_HOST = '(unknown host)';

/** Open a results database for reading; a clear error when it is missing or from a newer metalbench. */
export function openResults(dbPath: string): DB {
  if (!existsSync(dbPath)) {
    throw new Error(`${dbPath}: no results database here; run or import benchmarks first, or pass --db PATH`);
  }
  let db: DB;
  try {
    db = new Database(dbPath, { readonly: true, fileMustExist: true });
    db.pragma('busy_timeout = 5000');
  } catch (e) {
    throw new Error(`${dbPath}: cannot open the results database: ${(e as Error).message}`);
  }
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version === 0 || version > SCHEMA_VERSION) {
    db.close();
    throw new Error(
      version === 0
        ? `${dbPath}: not a metalbench results database (schema version 0); pass the --db that metalbench run/import wrote`
        : `${dbPath}: database schema version ${version} is newer than this metalbench understands (${SCHEMA_VERSION}); upgrade metalbench`,
    );
  }
  return db;
}

export function loadRuns(db: DB): Map<number, RunInfo> {
  const rows = db
    .prepare<[], { id: number; kind: string; trigger: string; started_at: string; revision: string | null; variant: string | null }>(
      'SELECT id, kind, trigger, started_at, revision, variant FROM runs ORDER BY started_at, id',
    )
    .all();
  const runs = new Map<number, RunInfo>();
  rows.forEach((r, order) =>
    runs.set(r.id, {
      id: r.id,
      kind: r.kind,
      trigger: r.trigger,
      startedAt: r.started_at,
      revision: r.revision,
      variant: r.variant,
      order,
    }),
  );
  return runs;
}

interface ConfigInfo {
  pkg: string | null;
  host: string | null;
  /** What the series label adds to the host: emulation and pinning, when recorded. */
  identity: string;
}

/**
 * Results measured under emulation or different pinning are different series,
 * never one line: " (emulated)", " · cpus 2-3", " · unpinned".
 */
function identityOf(pairs: unknown): string {
  const emulated = configValue(pairs, 'emulated');
  const pin = configValue(pairs, 'pin-cpus');
  return `${emulated ? ' (emulated)' : ''}${pin === null ? '' : pin === 'none' ? ' · unpinned' : ` · cpus ${pin}`}`;
}

/** The last value of a key in a config set (later lines override earlier ones). */
function configValue(pairs: unknown, key: string): string | null {
  if (!Array.isArray(pairs)) return null;
  let v: string | null = null;
  for (const p of pairs) {
    if (Array.isArray(p) && p[0] === key && typeof p[1] === 'string') v = p[1] === '' ? null : p[1];
  }
  return v;
}

function loadConfigs(db: DB): Map<number, ConfigInfo> {
  const out = new Map<number, ConfigInfo>();
  for (const r of db.prepare<[], { id: number; pairs_json: string }>('SELECT id, pairs_json FROM config_sets').iterate()) {
    let pairs: unknown;
    try {
      pairs = JSON.parse(r.pairs_json);
    } catch {
      pairs = [];
    }
    out.set(r.id, { pkg: configValue(pairs, 'pkg'), host: configValue(pairs, 'host'), identity: identityOf(pairs) });
  }
  return out;
}

interface SampleRow {
  config_id: number;
  unit: string;
  run_id: number;
  host: string | null;
  value: number | null;
}

/**
 * Every benchmark with its series, sorted by package then name. Samples are
 * read one benchmark at a time, so memory holds one benchmark's samples plus
 * the summaries.
 */
export function readBenchmarks(db: DB, runs: Map<number, RunInfo>): BenchmarkData[] {
  const configs = loadConfigs(db);
  const benchmarks = db.prepare<[], { id: number; name: string }>('SELECT id, name FROM benchmarks ORDER BY name').all();
  const samples = db.prepare<[number], SampleRow>(
    `SELECT s.config_id, s.unit, s.run_id, j.host, s.value
     FROM samples s LEFT JOIN jobs j ON j.id = s.job_id
     WHERE s.benchmark_id = ?`,
  );
  const collected: BenchmarkData[] = [];
  for (const b of benchmarks) {
    // pkg → unit → "run\0host" → values
    const byPkg = new Map<string | null, Map<string, Map<string, { runId: number; host: string; values: number[]; nan: number }>>>();
    for (const s of samples.iterate(b.id)) {
      const cfg = configs.get(s.config_id) ?? { pkg: null, host: null, identity: '' };
      const host = `${s.host ?? cfg.host ?? UNKNOWN_HOST}${cfg.identity}`;
      let units = byPkg.get(cfg.pkg);
      if (!units) byPkg.set(cfg.pkg, (units = new Map()));
      let groups = units.get(s.unit);
      if (!groups) units.set(s.unit, (groups = new Map()));
      const key = `${s.run_id}\0${host}`;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { runId: s.run_id, host, values: [], nan: 0 }));
      if (s.value === null) g.nan++;
      else g.values.push(s.value);
    }
    for (const [pkg, units] of byPkg) {
      const series: UnitSeries[] = [];
      for (const [unit, groups] of units) {
        const points: Point[] = [];
        for (const g of groups.values()) {
          const run = runs.get(g.runId);
          const sum = summarize(g.values);
          if (!run || !sum) continue;
          points.push({ ...sum, runId: run.id, startedAt: run.startedAt, revision: run.revision, variant: run.variant, host: g.host, nan: g.nan });
        }
        points.sort((p, q) => runs.get(p.runId)!.order - runs.get(q.runId)!.order || (p.host < q.host ? -1 : p.host > q.host ? 1 : 0));
        if (points.length > 0) series.push({ unit, points });
      }
      series.sort((x, y) => compareUnits(x.unit, y.unit));
      if (series.length > 0) collected.push({ pkg, name: b.name, units: series });
    }
  }
  collected.sort((x, y) => comparePkg(x.pkg, y.pkg) || (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
  return collected;
}

/** Packages by name, results without a package last. */
export function comparePkg(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}
