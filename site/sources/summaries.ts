/**
 * Reads the stored summaries (results/store/summaries.ts), never the samples:
 * what changed since a watermark, one series' latest points, one month of a
 * benchmark, one run's points.
 */
import type { DB } from './open.ts';

/** A series: one unit of one benchmark on one host label, from runs of one trigger. */
export interface SeriesKey {
  benchmarkId: number;
  pkg: string | null;
  unit: string;
  host: string;
  trigger: string;
}

export interface Touched extends SeriesKey {
  /** "YYYY-MM" of the points' x. */
  month: string;
  goarch: string | null;
  min: number;
  max: number;
}

export interface PointRow {
  id: number;
  runId: number;
  at: string;
  fingerprint: string | null;
  n: number;
  median: number;
  lo: number | null;
  hi: number | null;
}

export interface FullPointRow extends PointRow {
  unit: string;
  host: string;
  trigger: string;
  pkg: string | null;
  q1: number;
  q3: number;
  min: number;
  max: number;
  nan: number;
}

export function summaryWatermark(db: DB): number {
  return db.prepare<[], { m: number | null }>('SELECT MAX(id) AS m FROM summaries').get()?.m ?? 0;
}

/** Series and months with summaries written after `since` up to `upto` (since 0: everything). */
export function touchedSince(db: DB, since: number, upto: number): Touched[] {
  return db
    .prepare<[number, number], { benchmark_id: number; pkg: string | null; unit: string; host: string; trigger: string; month: string; goarch: string | null; min: number; max: number }>(
      `SELECT benchmark_id, pkg, unit, host, trigger, substr(at, 1, 7) AS month, MAX(goarch) AS goarch, MIN(min) AS min, MAX(max) AS max
       FROM summaries WHERE id > ? AND id <= ? GROUP BY benchmark_id, pkg, unit, host, trigger, month`,
    )
    .all(since, upto)
    .map((r) => ({ benchmarkId: r.benchmark_id, pkg: r.pkg, unit: r.unit, host: r.host, trigger: r.trigger, month: r.month, goarch: r.goarch, min: r.min, max: r.max }));
}

export function benchmarkNames(db: DB): Map<number, string> {
  return new Map(db.prepare<[], { id: number; name: string }>('SELECT id, name FROM benchmarks').all().map((r) => [r.id, r.name]));
}

export interface SeriesReader {
  /** The latest `limit` points of a series, newest first, with the sorted values of the newest two. */
  latest(key: SeriesKey, limit: number): (PointRow & { vals: number[] | null })[];
  /** Every point of a benchmark (one pkg) whose x falls in the month. */
  month(benchmarkId: number, pkg: string | null, month: string): FullPointRow[];
  /** Every point of the given runs. */
  ofRuns(runIds: readonly number[]): (FullPointRow & { benchmarkId: number })[];
}

export function seriesReader(db: DB): SeriesReader {
  const latest = db.prepare<[number, string | null, string, string, string, number], { id: number; run_id: number; at: string; fingerprint: string | null; n: number; median: number; lo: number | null; hi: number | null; vals_json: string }>(
    `SELECT id, run_id, at, fingerprint, n, median, lo, hi, vals_json FROM summaries
     WHERE benchmark_id = ? AND pkg IS ? AND unit = ? AND host = ? AND trigger = ?
     ORDER BY at DESC, run_id DESC, id DESC LIMIT ?`,
  );
  const cols = 'id, run_id, at, fingerprint, n, median, lo, hi, unit, host, trigger, pkg, q1, q3, min, max, nan';
  const month = db.prepare<[number, string, string], RawFull>(
    `SELECT ${cols} FROM summaries WHERE benchmark_id = ? AND at >= ? AND at < ? ORDER BY at, run_id, id`,
  );
  const ofRun = db.prepare<[number], RawFull & { benchmark_id: number }>(`SELECT ${cols}, benchmark_id FROM summaries WHERE run_id = ? ORDER BY id`);
  return {
    latest(k, limit) {
      return latest.all(k.benchmarkId, k.pkg, k.unit, k.host, k.trigger, limit).map((r, i) => ({
        id: r.id,
        runId: r.run_id,
        at: r.at,
        fingerprint: r.fingerprint,
        n: r.n,
        median: r.median,
        lo: r.lo,
        hi: r.hi,
        vals: i < 2 ? (JSON.parse(r.vals_json) as number[]) : null,
      }));
    },
    month(benchmarkId, pkg, m) {
      return month
        .all(benchmarkId, m, nextMonth(m))
        .filter((r) => r.pkg === pkg)
        .map(full);
    },
    ofRuns(runIds) {
      return runIds.flatMap((id) => ofRun.all(id).map((r) => ({ ...full(r), benchmarkId: r.benchmark_id })));
    },
  };
}

interface RawFull {
  id: number;
  run_id: number;
  at: string;
  fingerprint: string | null;
  n: number;
  median: number;
  lo: number | null;
  hi: number | null;
  unit: string;
  host: string;
  trigger: string;
  pkg: string | null;
  q1: number;
  q3: number;
  min: number;
  max: number;
  nan: number;
}

function full(r: RawFull): FullPointRow {
  return { id: r.id, runId: r.run_id, at: r.at, fingerprint: r.fingerprint, n: r.n, median: r.median, lo: r.lo, hi: r.hi, unit: r.unit, host: r.host, trigger: r.trigger, pkg: r.pkg, q1: r.q1, q3: r.q3, min: r.min, max: r.max, nan: r.nan };
}

/** "2025-12" → "2026-01" (x values are ISO strings, so months compare as text). */
export function nextMonth(m: string): string {
  const [y, mo] = m.split('-').map(Number) as [number, number];
  return mo === 12 ? `${y + 1}-01` : `${y}-${String(mo + 1).padStart(2, '0')}`;
}
