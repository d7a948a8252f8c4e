/**
 * One night compares thousands of series: at α = 0.05 a few percent of them
 * "change" by chance. The front page and the index therefore call a change
 * significant only after the Benjamini–Hochberg correction across every
 * history series' latest test (q ≤ 0.05), computed each build from the kept
 * rows, so it never goes stale.
 */
import { benjaminiHochberg } from '../results/paired/multiplicity.ts';
import type { SeriesRow } from './rows.ts';
import type { SiteState } from './state.ts';
import { ALPHA } from './verdict.ts';

/** q-value of every tested row of the history. */
export function qValues(state: SiteState, inHistory: (trigger: string) => boolean): Map<SeriesRow, number> {
  const rows: SeriesRow[] = [];
  for (const p of Object.values(state.pages)) {
    for (const s of p.series) if (inHistory(s.trigger) && s.verdict && s.verdict.note === null) rows.push(s);
  }
  const q = benjaminiHochberg(rows.map((r) => r.verdict!.p));
  return new Map(rows.map((r, i) => [r, q[i]!]));
}

export function significantAfterCorrection(q: number | undefined): boolean {
  return q !== undefined && q <= ALPHA;
}
