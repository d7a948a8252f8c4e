/**
 * Per run × job × benchmark × unit summaries (n, median with its 95 % CI,
 * quartiles, min/max, the sorted values), written when a run finishes so that
 * readers never reread the samples table. A run is summarized as a whole:
 * resuming or finishing it again replaces its summaries (with new ids, so an
 * incremental reader sees them as new).
 */
import type Database from 'better-sqlite3';
import { quantileR8 } from '../stats/quantile.ts';
import { summarize } from '../stats/summary.ts';

type DB = Database.Database;

/** Confidence level of the stored median intervals (benchstat's default). */
export const SUMMARY_CONFIDENCE = 0.95;

/** The host label a series is drawn under when a sample has neither a job nor a `host` line. */
export const UNKNOWN_HOST = '(unknown host)';

interface ConfigFacts {
  pkg: string | null;
  host: string | null;
  goarch: string | null;
  fingerprint: string | null;
  /** What the series label adds to the host: emulation and pinning, when recorded. */
  identity: string;
}

/** The last value of a key in a config set (later lines override earlier ones); "" counts as absent. */
export function configValue(pairs: unknown, key: string): string | null {
  if (!Array.isArray(pairs)) return null;
  let v: string | null = null;
  for (const p of pairs) {
    if (Array.isArray(p) && p[0] === key && typeof p[1] === 'string') v = p[1] === '' ? null : p[1];
  }
  return v;
}

/**
 * Results measured under emulation or different pinning are different series,
 * never one line: " (emulated)", " · cpus 2-3", " · unpinned".
 */
export function identityOf(pairs: unknown): string {
  const emulated = configValue(pairs, 'emulated');
  const pin = configValue(pairs, 'pin-cpus');
  return `${emulated ? ' (emulated)' : ''}${pin === null ? '' : pin === 'none' ? ' · unpinned' : ` · cpus ${pin}`}`;
}

function configFacts(json: string): ConfigFacts {
  let pairs: unknown;
  try {
    pairs = JSON.parse(json);
  } catch {
    pairs = [];
  }
  return {
    pkg: configValue(pairs, 'pkg'),
    host: configValue(pairs, 'host'),
    goarch: configValue(pairs, 'goarch'),
    fingerprint: configValue(pairs, 'host-fingerprint'),
    identity: identityOf(pairs),
  };
}

interface Group {
  jobId: number | null;
  benchmarkId: number;
  configId: number;
  unit: string;
  host: string;
  fingerprint: string | null;
  values: number[];
  nan: number;
}

/** Summarize one run (replacing any summaries it had) in one transaction. */
export function summarizeRun(db: DB, runId: number): number {
  const run = db
    .prepare<[number], { at: string; trigger: string }>('SELECT COALESCE(commit_date, started_at) AS at, trigger FROM runs WHERE id = ?')
    .get(runId);
  if (!run) throw new Error(`no run ${runId} to summarize`);
  const cfgStmt = db.prepare<[number], { pairs_json: string }>('SELECT pairs_json FROM config_sets WHERE id = ?');
  const configs = new Map<number, ConfigFacts>();
  const cfg = (id: number) => {
    let c = configs.get(id);
    if (!c) configs.set(id, (c = configFacts(cfgStmt.get(id)?.pairs_json ?? '[]')));
    return c;
  };
  const groups = new Map<string, Group>();
  const rows = db
    .prepare<[number], { job_id: number | null; benchmark_id: number; config_id: number; unit: string; value: number | null; host: string | null; env_fp: string | null }>(
      `SELECT s.job_id, s.benchmark_id, s.config_id, s.unit, s.value, j.host, he.fingerprint AS env_fp
       FROM samples s LEFT JOIN jobs j ON j.id = s.job_id LEFT JOIN host_envs he ON he.id = j.host_env_id
       WHERE s.run_id = ?`,
    )
    .raw(false);
  for (const r of rows.iterate(runId)) {
    const key = `${r.job_id ?? ''}\0${r.benchmark_id}\0${r.config_id}\0${r.unit}`;
    let g = groups.get(key);
    if (!g) {
      const c = cfg(r.config_id);
      g = {
        jobId: r.job_id,
        benchmarkId: r.benchmark_id,
        configId: r.config_id,
        unit: r.unit,
        host: `${r.host ?? c.host ?? UNKNOWN_HOST}${c.identity}`,
        fingerprint: c.fingerprint ?? (r.env_fp === null ? null : r.env_fp.slice(0, 12)),
        values: [],
        nan: 0,
      };
      groups.set(key, g);
    }
    if (r.value === null || !Number.isFinite(r.value)) g.nan++;
    else g.values.push(r.value);
  }
  const ins = db.prepare(
    `INSERT INTO summaries (run_id, job_id, benchmark_id, config_id, pkg, host, fingerprint, goarch, trigger, unit, at,
                           n, nan, median, lo, hi, q1, q3, min, max, vals_json)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  let written = 0;
  db.transaction(() => {
    db.prepare('DELETE FROM summaries WHERE run_id = ?').run(runId);
    for (const g of groups.values()) {
      if (g.values.length === 0) continue;
      const sorted = Float64Array.from(g.values).sort();
      const s = summarize(sorted, SUMMARY_CONFIDENCE, 'nothing');
      const c = cfg(g.configId);
      ins.run(
        runId,
        g.jobId,
        g.benchmarkId,
        g.configId,
        c.pkg,
        g.host,
        g.fingerprint,
        c.goarch,
        run.trigger,
        g.unit,
        run.at,
        sorted.length,
        g.nan,
        s.center,
        Number.isFinite(s.lo) ? s.lo : null,
        Number.isFinite(s.hi) ? s.hi : null,
        quantileR8(sorted, 0.25),
        quantileR8(sorted, 0.75),
        sorted[0]!,
        sorted[sorted.length - 1]!,
        JSON.stringify(Array.from(sorted)),
      );
      written++;
    }
    db.prepare('UPDATE runs SET summarized_at = ? WHERE id = ?').run(new Date().toISOString(), runId);
  })();
  return written;
}

/** Summarize every finished run that has no summaries yet (runs stored before summaries existed). */
export function summarizePending(db: DB): number {
  const pending = db
    .prepare<[], { id: number }>("SELECT id FROM runs WHERE summarized_at IS NULL AND status <> 'running' ORDER BY id")
    .all();
  for (const r of pending) summarizeRun(db, r.id);
  return pending.length;
}
