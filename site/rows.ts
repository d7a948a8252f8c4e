/**
 * Index rows: per series (benchmark × unit × host × trigger) what the index
 * and the page's text alternative show — the latest point, the verdict
 * against the previous point, an environment change, a sparkline. Computed
 * only for series with new summaries; the rest are kept from the last build.
 */
import type { SeriesKey, SeriesReader } from './sources/summaries.ts';
import { verdictOf, type Verdict } from './verdict.ts';

/** Points a sparkline shows. */
export const SPARK_POINTS = 30;

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

export interface SeriesRow {
  unit: string;
  host: string;
  trigger: string;
  goarch: string | null;
  /** Smallest and largest sample ever seen in the series (all zero: both 0). */
  min: number;
  max: number;
  latest: LatestPoint;
  verdict: Verdict | null;
  /** The latest fingerprint change among the sparkline's points, if any. */
  envChange: EnvChange | null;
  /** Medians, oldest first. */
  spark: number[];
}

export function computeRow(reader: SeriesReader, key: SeriesKey, base: { goarch: string | null; min: number; max: number }): SeriesRow | null {
  const pts = reader.latest(key, SPARK_POINTS + 1);
  const cur = pts[0];
  if (!cur) return null;
  const prev = pts[1];
  let envChange: EnvChange | null = null;
  for (let i = 0; i + 1 < pts.length; i++) {
    if (pts[i]!.fingerprint !== pts[i + 1]!.fingerprint) {
      envChange = { at: pts[i]!.at, from: pts[i + 1]!.fingerprint, to: pts[i]!.fingerprint };
      break;
    }
  }
  return {
    unit: key.unit,
    host: key.host,
    trigger: key.trigger,
    goarch: base.goarch,
    min: base.min,
    max: base.max,
    latest: { runId: cur.runId, at: cur.at, median: cur.median, lo: cur.lo, hi: cur.hi, n: cur.n, fingerprint: cur.fingerprint },
    verdict: verdictOf(prev && prev.vals ? { vals: prev.vals, median: prev.median, fingerprint: prev.fingerprint } : undefined, { vals: cur.vals ?? [], median: cur.median, fingerprint: cur.fingerprint }),
    envChange,
    spark: pts.slice(0, SPARK_POINTS).map((p) => p.median).reverse(),
  };
}
