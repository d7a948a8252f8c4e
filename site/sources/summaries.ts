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
  goarch: string | null;
  q1: number;
  q3: number;
  min: number;
  max: number;
  nan: number;
}

export function summaryWatermark(db: DB): number {
  return db.prepare<[], { m: number | null }>('SELECT MAX(id) AS m FROM summaries').get()?.m ?? 0;
}

export function benchmarkNames(db: DB): Map<number, string> {
  return new Map(db.prepare<[], { id: number; name: string }>('SELECT id, name FROM benchmarks').all().map((r) => [r.id, r.name]));
}

export interface SeriesReader {
  /** The latest `limit` points of a series, newest first. */
  latest(key: SeriesKey, limit: number): FullPointRow[];
  /** Every point of a benchmark (one pkg) whose x falls in the month, in (x, id) order. */
  month(benchmarkId: number, pkg: string | null, month: string): FullPointRow[];
  /** Every point up to a watermark, by benchmark, pkg, x and id (full builds read the table once, a page at a time). */
  ordered(upto: number): Iterable<FullPointRow & { benchmarkId: number }>;
  /** Every point written after `since` up to `upto`, in id order (what an incremental build adds). */
  since(since: number, upto: number): (FullPointRow & { benchmarkId: number })[];
  /** Every point of the given runs. */
  ofRuns(runIds: readonly number[]): (FullPointRow & { benchmarkId: number })[];
  /** The sorted finite values of one summary. */
  values(id: number): number[];
}

// Named as FullPointRow names them, so rows need no mapping; `ordered` reads tuples in this order.
const COLS = 'id, run_id AS runId, at, fingerprint, n, median, lo, hi, unit, host, trigger, pkg, goarch, q1, q3, min, max, nan';

export function seriesReader(db: DB): SeriesReader {
  // Ordered by (at, id) everywhere, so full and incremental builds agree on ties.
  const latest = db.prepare<[number, string | null, string, string, string, number], FullPointRow>(
    `SELECT ${COLS} FROM summaries INDEXED BY summaries_series
     WHERE benchmark_id = ? AND pkg IS ? AND unit = ? AND host = ? AND trigger = ?
     ORDER BY at DESC, id DESC LIMIT ?`,
  );
  const month = db.prepare<[number, string | null, string, string], FullPointRow>(
    `SELECT ${COLS} FROM summaries INDEXED BY summaries_page_at WHERE benchmark_id = ? AND pkg IS ? AND at >= ? AND at < ? ORDER BY at, id`,
  );
  const ordered = db
    .prepare<[number], unknown[]>(`SELECT ${COLS}, benchmark_id FROM summaries INDEXED BY summaries_page_at WHERE id <= ? ORDER BY benchmark_id, pkg, at, id`)
    .raw(true);
  const sinceStmt = db.prepare<[number, number], FullPointRow & { benchmarkId: number }>(`SELECT ${COLS}, benchmark_id AS benchmarkId FROM summaries WHERE id > ? AND id <= ? ORDER BY id`);
  const ofRun = db.prepare<[number], FullPointRow & { benchmarkId: number }>(`SELECT ${COLS}, benchmark_id AS benchmarkId FROM summaries WHERE run_id = ? ORDER BY id`);
  const vals = db.prepare<[number], { vals_json: string }>('SELECT vals_json FROM summaries WHERE id = ?');
  return {
    latest(k, limit) {
      return latest.all(k.benchmarkId, k.pkg, k.unit, k.host, k.trigger, limit);
    },
    month(benchmarkId, pkg, m) {
      return month.all(benchmarkId, pkg, m, nextMonth(m));
    },
    *ordered(upto) {
      // Arrays, not objects, from SQLite: this reads every summary.
      for (const r of ordered.iterate(upto) as Iterable<RawTuple>) {
        yield { id: r[0], runId: r[1], at: r[2], fingerprint: r[3], n: r[4], median: r[5], lo: r[6], hi: r[7], unit: r[8], host: r[9], trigger: r[10], pkg: r[11], goarch: r[12], q1: r[13], q3: r[14], min: r[15], max: r[16], nan: r[17], benchmarkId: r[18] };
      }
    },
    since(since, upto) {
      return sinceStmt.all(since, upto);
    },
    ofRuns(runIds) {
      return runIds.flatMap((id) => ofRun.all(id));
    },
    values(id) {
      const r = vals.get(id);
      return r ? (JSON.parse(r.vals_json) as number[]) : [];
    },
  };
}

type RawTuple = [number, number, string, string | null, number, number, number | null, number | null, string, string, string, string | null, string | null, number, number, number, number, number, number];

/** "2025-12" → "2026-01" (x values are ISO strings, so months compare as text). */
export function nextMonth(m: string): string {
  const [y, mo] = m.split('-').map(Number) as [number, number];
  return mo === 12 ? `${y + 1}-01` : `${y}-${String(mo + 1).padStart(2, '0')}`;
}
