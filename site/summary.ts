/**
 * What the index shows per benchmark, unit and host: the latest median and
 * its change from the previous run on the same host (results are only
 * comparable on one machine).
 */
import type { BenchmarkData, Point } from './data.ts';

export interface UnitSummary {
  unit: string;
  host: string;
  latest: Point;
  /** The latest earlier run on the same host, when there is one. */
  previous: Point | null;
  /** latest.median / previous.median − 1; null without a previous run or when only the previous median is 0. */
  change: number | null;
  /** Number of runs with a point for this unit on this host. */
  runs: number;
}

export function relativeChange(from: number, to: number): number | null {
  if (from === 0) return to === 0 ? 0 : null;
  return to / from - 1;
}

export function summarizeUnits(b: BenchmarkData): UnitSummary[] {
  const out: UnitSummary[] = [];
  for (const s of b.units) {
    const byHost = new Map<string, Point[]>();
    for (const p of s.points) {
      const list = byHost.get(p.host);
      if (list) list.push(p);
      else byHost.set(p.host, [p]);
    }
    for (const host of [...byHost.keys()].sort()) {
      const points = byHost.get(host)!; // in run order
      const latest = points[points.length - 1]!;
      const previous = points.length > 1 ? points[points.length - 2]! : null;
      out.push({
        unit: s.unit,
        host,
        latest,
        previous,
        change: previous ? relativeChange(previous.median, latest.median) : null,
        runs: points.length,
      });
    }
  }
  return out;
}
