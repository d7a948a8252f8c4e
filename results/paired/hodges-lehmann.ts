// The Hodges–Lehmann estimate of a paired shift (the median of the Walsh
// averages) and its distribution-free confidence interval, the set of shifts θ
// the signed-rank test does not reject on d − θ. For continuous data the
// number of Walsh averages above θ is the signed-rank statistic of d − θ
// (Tukey), so the interval's ends are order statistics of the Walsh averages
// at the signed-rank critical value (Hollander & Wolfe, Nonparametric
// Statistical Methods, §3.2–3.3; R's wilcox.test uses the same orders). With
// ties or zeros in d the closed interval keeps at least its nominal coverage.

import { qsignrank, psignrank, EXACT_MAX_N } from './signrank.ts';
import { normalInvCdf } from '../stats/normal.ts';

/** The n(n+1)/2 averages (d_i + d_j)/2 for i ≤ j, sorted ascending. */
export function walshAverages(d: ArrayLike<number>): Float64Array {
  const n = d.length;
  const w = new Float64Array((n * (n + 1)) / 2);
  let k = 0;
  for (let i = 0; i < n; i++) {
    const a = d[i]!;
    for (let j = i; j < n; j++) w[k++] = (a + d[j]!) / 2;
  }
  return w.sort();
}

function medianSorted(w: Float64Array): number {
  const m = w.length;
  if (m === 0) return NaN;
  const h = m >> 1;
  return m % 2 === 1 ? w[h]! : (w[h - 1]! + w[h]!) / 2;
}

export interface ShiftInterval {
  lo: number;
  hi: number;
  /** The confidence the order statistics actually achieve (≥ the requested one unless n is too small). */
  level: number;
  /** 1-based orders of the Walsh averages at the ends (hi counts from the bottom too). */
  loOrder: number;
  hiOrder: number;
}

export interface HodgesLehmann {
  n: number;
  estimate: number;
  /** Two-sided interval at the requested confidence. */
  ci: ShiftInterval;
  /** One-sided lower bound at the requested confidence: θ ≥ lower (hi = +∞). */
  lower: ShiftInterval;
  /** One-sided upper bound at the requested confidence: θ ≤ upper (lo = −∞). */
  upper: ShiftInterval;
}

/**
 * The smallest order k with P(V ≤ k − 1) ≤ tail, i.e. R's qsignrank(tail, n)
 * clamped to ≥ 1, and the tail probability the interval really leaves out.
 * Beyond the exact range the normal approximation of V gives k.
 */
export function criticalOrder(n: number, tail: number): { k: number; achievedTail: number } {
  if (n <= EXACT_MAX_N) {
    let k = qsignrank(tail, n);
    if (k === 0) k = 1;
    return { k, achievedTail: psignrank(k - 1, n) };
  }
  const mean = (n * (n + 1)) / 4;
  const sd = Math.sqrt((n * (n + 1) * (2 * n + 1)) / 24);
  const k = Math.max(1, Math.round(mean + normalInvCdf(tail) * sd));
  return { k, achievedTail: tail };
}

/** HL estimate with two-sided and one-sided intervals at `confidence` (default 0.95). */
export function hodgesLehmann(d: ArrayLike<number>, confidence = 0.95): HodgesLehmann {
  const n = d.length;
  if (n === 0) throw new RangeError('Hodges–Lehmann estimate needs at least one difference');
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be in (0, 1), got ${confidence}`);
  const w = walshAverages(d);
  const m = w.length;
  const alpha = 1 - confidence;
  const two = criticalOrder(n, alpha / 2);
  const one = criticalOrder(n, alpha);
  const ci: ShiftInterval = { lo: w[two.k - 1]!, hi: w[m - two.k]!, level: 1 - 2 * two.achievedTail, loOrder: two.k, hiOrder: m - two.k + 1 };
  const lower: ShiftInterval = { lo: w[one.k - 1]!, hi: Infinity, level: 1 - one.achievedTail, loOrder: one.k, hiOrder: m + 1 };
  const upper: ShiftInterval = { lo: -Infinity, hi: w[m - one.k]!, level: 1 - one.achievedTail, loOrder: 0, hiOrder: m - one.k + 1 };
  return { n, estimate: medianSorted(w), ci, lower, upper };
}
