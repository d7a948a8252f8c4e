/**
 * Index rows: per series (benchmark × unit × host × trigger) what the index
 * and the page's text alternative show — the latest point, the verdict
 * against the previous point, an environment change, a sparkline. Only
 * series with new summaries are recomputed; a nightly that only appends
 * points is merged into the kept recent points without reading the series.
 */
import type { FullPointRow, SeriesReader } from './sources/summaries.ts';
import { verdictOf, type Verdict } from './verdict.ts';

/** Points a sparkline shows; one more is kept for the verdict. */
export const SPARK_POINTS = 30;
export const RECENT = SPARK_POINTS + 1;

export interface LatestPoint {
  runId: number;
  at: string;
  median: number;
  lo: number | null;
  hi: number | null;
  n: number;
  fingerprint: string | null;
}

export interface EnvChange {
  at: string;
  from: string | null;
  to: string | null;
}

/** [summary id, x, fingerprint, median], oldest first. */
export type Recent = [number, string, string | null, number];

export interface RowBase {
  unit: string;
  host: string;
  trigger: string;
  goarch: string | null;
  /** Smallest and largest sample ever seen in the series (all zero: both 0). */
  min: number;
  max: number;
}

export interface SeriesRow extends RowBase {
  latest: LatestPoint;
  verdict: Verdict | null;
  /** The latest fingerprint change among the recent points, if any. */
  envChange: EnvChange | null;
  recent: Recent[];
}

export const byXThenId = (a: { at: string; id: number }, b: { at: string; id: number }): number =>
  a.at < b.at ? -1 : a.at > b.at ? 1 : a.id - b.id;

/** A row from its recent points (oldest first, at most RECENT) and its latest point. */
export function rowFrom(base: RowBase, recent: Recent[], latest: FullPointRow, reader: SeriesReader): SeriesRow {
  const cur = recent[recent.length - 1]!;
  const prev = recent[recent.length - 2];
  let envChange: EnvChange | null = null;
  for (let i = recent.length - 1; i > 0; i--) {
    if (recent[i]![2] !== recent[i - 1]![2]) {
      envChange = { at: recent[i]![1], from: recent[i - 1]![2], to: recent[i]![2] };
      break;
    }
  }
  return {
    unit: base.unit,
    host: base.host,
    trigger: base.trigger,
    goarch: base.goarch,
    min: base.min,
    max: base.max,
    latest: { runId: latest.runId, at: latest.at, median: latest.median, lo: latest.lo, hi: latest.hi, n: latest.n, fingerprint: latest.fingerprint },
    verdict: verdictOf(
      prev ? { vals: reader.values(prev[0]), median: prev[3], fingerprint: prev[2] } : undefined,
      { vals: reader.values(cur[0]), median: cur[3], fingerprint: cur[2] },
    ),
    envChange,
    recent,
  };
}

export const toRecent = (p: FullPointRow): Recent => [p.id, p.at, p.fingerprint, p.median];

/** A row from the series' points in (x, id) order (full builds, backfills). */
export function rowFromPoints(base: RowBase, points: readonly FullPointRow[], reader: SeriesReader): SeriesRow | null {
  if (points.length === 0) return null;
  const tail = points.slice(-RECENT);
  return rowFrom(base, tail.map(toRecent), tail[tail.length - 1]!, reader);
}

/**
 * The row after new points, when they all come after the kept ones (a new
 * nightly); null when they do not and the series must be read again.
 */
export function mergeRow(base: RowBase, old: SeriesRow, added: readonly FullPointRow[], reader: SeriesReader): SeriesRow | null {
  if (added.length === 0) return { ...old, ...base };
  const last = old.recent[old.recent.length - 1];
  // A point at or before the last kept x (a backfill, or a run summarized again) needs the series read again.
  if (last && added[0]!.at <= last[1]) return null;
  const recent = [...old.recent, ...added.map(toRecent)].slice(-RECENT);
  return rowFrom(base, recent, added[added.length - 1]!, reader);
}

export const sparkOf = (row: SeriesRow): number[] => row.recent.slice(-SPARK_POINTS).map((r) => r[3]);
