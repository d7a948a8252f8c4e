/**
 * The change an index row shows: the latest history point against the one
 * before it on the same host and environment, with benchstat's test (the
 * Mann–Whitney U test at α = 0.05 on the stored samples of both runs) — never
 * a bare ratio. Change points from nightly detection replace it when present.
 */
import { compare } from '../results/stats/summary.ts';

export const ALPHA = 0.05;

export interface Verdict {
  /** latest median / previous median − 1. */
  change: number;
  p: number;
  /** p ≤ α. */
  significant: boolean;
  n: [number, number];
  /** Why there is no test result, e.g. too few samples; null when tested. */
  note: string | null;
}

export interface VerdictInput {
  vals: readonly number[];
  median: number;
  fingerprint: string | null;
}

/** null when there is nothing to compare (one point, or the environment changed in between). */
export function verdictOf(prev: VerdictInput | undefined, cur: VerdictInput): Verdict | null {
  if (!prev) return null;
  if (prev.fingerprint !== cur.fingerprint) return null;
  const change = prev.median === 0 ? (cur.median === 0 ? 0 : Infinity) : cur.median / prev.median - 1;
  const c = compare(prev.vals, cur.vals, ALPHA, 'nothing');
  const note = c.warnings.length > 0 ? c.warnings[0]! : null;
  const significant = note === null && c.p <= ALPHA;
  return { change: Number.isFinite(change) ? change : 0, p: c.p, significant, n: [prev.vals.length, cur.vals.length], note };
}
