// The exact null distribution of the Wilcoxon signed-rank statistic and its
// p-values. Under H0 (d symmetric about 0) every sign pattern of the ranked
// |d| is equally likely, so V = Σ rank·[d > 0] is a sum of independent
// "rank or nothing" terms; its distribution is built by one pass of a
// subset-sum recurrence. With ties the ranks are midranks: scores are doubled
// to stay integral and the distribution is the exact conditional one given the
// tie pattern (not a normal approximation). Distributions are cached per n
// (untied) or per tie pattern.

import { normalCdf } from '../stats/normal.ts';

/** Rounds up to this many are computed exactly; beyond, a tie-corrected normal approximation. */
export const EXACT_MAX_N = 200;

/** counts[s] = number of sign patterns whose doubled statistic equals s; total = 2^n. */
export interface SignRankDistribution {
  n: number;
  /** Number of sign patterns per doubled statistic 2V (index), as doubles. */
  counts: Float64Array;
  /** cumLe[s] = Σ_{t ≤ s} counts[t]. */
  cumLe: Float64Array;
  total: number;
}

const untied = new Map<number, SignRankDistribution>();
const tied = new Map<string, SignRankDistribution>();
const TIED_CACHE_MAX = 512;

function build(scores2: ArrayLike<number>): SignRankDistribution {
  const n = scores2.length;
  let max = 0;
  for (let i = 0; i < n; i++) max += scores2[i]!;
  const counts = new Float64Array(max + 1);
  counts[0] = 1;
  let reach = 0;
  for (let i = 0; i < n; i++) {
    const s = scores2[i]!;
    reach += s;
    for (let t = reach; t >= s; t--) counts[t] += counts[t - s]!;
  }
  const cumLe = new Float64Array(max + 1);
  let c = 0;
  for (let t = 0; t <= max; t++) {
    c += counts[t]!;
    cumLe[t] = c;
  }
  return { n, counts, cumLe, total: 2 ** n };
}

/** The null distribution for n untied ranks 1..n (scores 2, 4, …, 2n). */
export function signRankDistribution(n: number): SignRankDistribution {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`signed-rank distribution needs a whole number of pairs, got ${n}`);
  if (n > EXACT_MAX_N) throw new RangeError(`exact signed-rank distribution is limited to ${EXACT_MAX_N} pairs, got ${n}`);
  let d = untied.get(n);
  if (!d) {
    const scores = new Int32Array(n);
    for (let i = 0; i < n; i++) scores[i] = 2 * (i + 1);
    d = build(scores);
    untied.set(n, d);
  }
  return d;
}

/** The conditional null distribution given doubled midrank scores (ascending). */
function tiedDistribution(scores2: Int32Array): SignRankDistribution {
  const key = scores2.join(',');
  let d = tied.get(key);
  if (!d) {
    d = build(scores2);
    if (tied.size >= TIED_CACHE_MAX) tied.delete(tied.keys().next().value as string);
    tied.set(key, d);
  }
  return d;
}

/** P(V ≤ v) for n untied pairs (R's psignrank). */
export function psignrank(v: number, n: number): number {
  const d = signRankDistribution(n);
  const i = Math.floor(2 * v + 1e-9);
  if (i < 0) return 0;
  if (i >= d.cumLe.length) return 1;
  return d.cumLe[i]! / d.total;
}

/** Smallest v with P(V ≤ v) ≥ p for n untied pairs (R's qsignrank). */
export function qsignrank(p: number, n: number): number {
  const d = signRankDistribution(n);
  const want = p * d.total;
  // Untied doubled statistics are even, so v = index / 2 is whole.
  for (let i = 0; i < d.cumLe.length; i += 2) if (d.cumLe[i]! >= want * (1 - 1e-12)) return i / 2;
  return d.cumLe.length >> 1;
}

export type Alternative = 'two-sided' | 'greater' | 'less';

export interface SignRankTest {
  /** Pairs with d ≠ 0 (the ones ranked). */
  n: number;
  /** Pairs with d = 0, dropped before ranking (Wilcoxon's convention, as R does). */
  zeros: number;
  /** Whether |d| had ties (midranks used). */
  ties: boolean;
  /** V: the sum of the (mid)ranks of the positive differences. */
  v: number;
  /** Two-sided p: 2·min(P(V ≤ v), P(V ≥ v)), at most 1. Smallest possible: 2/2^n. */
  p: number;
  /** One-sided p for "d tends to be positive": P(V ≥ v). Smallest possible: 1/2^n. */
  pGreater: number;
  /** One-sided p for "d tends to be negative": P(V ≤ v). */
  pLess: number;
  method: 'exact' | 'normal';
}

/** Ranks of |x| (x nonzero), midranks on ties, as doubled integers in ascending order of |x|. */
function doubledRanks(abs: Float64Array): { order: Int32Array; ranks2: Int32Array; ties: boolean } {
  const n = abs.length;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => abs[a]! - abs[b]!);
  const ranks2 = new Int32Array(n);
  let ties = false;
  for (let k = 0; k < n; ) {
    let e = k + 1;
    while (e < n && abs[order[e]!] === abs[order[k]!]) e++;
    if (e - k > 1) ties = true;
    const r2 = k + 1 + e; // 2 × the midrank of positions k+1..e
    for (let x = k; x < e; x++) ranks2[x] = r2;
    k = e;
  }
  return { order, ranks2, ties };
}

/**
 * The Wilcoxon signed-rank test of "d is symmetric about 0". Exact for up to
 * EXACT_MAX_N nonzero differences, with midranks when |d| ties (the exact
 * conditional distribution), zeros dropped.
 */
export function signRankTest(d: ArrayLike<number>): SignRankTest {
  const nonzero: number[] = [];
  let zeros = 0;
  for (let i = 0; i < d.length; i++) {
    const x = d[i]!;
    if (Number.isNaN(x)) throw new RangeError(`signed-rank test: difference ${i} is NaN`);
    if (x === 0) zeros++;
    else nonzero.push(x);
  }
  const n = nonzero.length;
  if (n === 0) return { n, zeros, ties: false, v: 0, p: 1, pGreater: 1, pLess: 1, method: 'exact' };
  const abs = Float64Array.from(nonzero, Math.abs);
  const { order, ranks2, ties } = doubledRanks(abs);
  let v2 = 0;
  for (let k = 0; k < n; k++) if (nonzero[order[k]!]! > 0) v2 += ranks2[k]!;
  if (n > EXACT_MAX_N) return normalApprox(n, zeros, ties, v2, ranks2);
  const dist = ties ? tiedDistribution(ranks2) : signRankDistribution(n);
  const le = dist.cumLe[v2]! / dist.total;
  const ge = (dist.total - (v2 > 0 ? dist.cumLe[v2 - 1]! : 0)) / dist.total;
  return { n, zeros, ties, v: v2 / 2, p: Math.min(1, 2 * Math.min(le, ge)), pGreater: ge, pLess: le, method: 'exact' };
}

/** Normal approximation with tie-corrected variance and continuity correction, for very many rounds. */
function normalApprox(n: number, zeros: number, ties: boolean, v2: number, ranks2: Int32Array): SignRankTest {
  let sumSq = 0;
  for (let i = 0; i < n; i++) sumSq += (ranks2[i]! / 2) ** 2;
  const v = v2 / 2;
  const mean = (n * (n + 1)) / 4;
  const sd = Math.sqrt(sumSq / 4);
  const pGreater = 1 - normalCdf((v - mean - 0.5) / sd);
  const pLess = normalCdf((v - mean + 0.5) / sd);
  return { n, zeros, ties, v, p: Math.min(1, 2 * Math.min(pGreater, pLess)), pGreater, pLess, method: 'normal' };
}

/** The smallest p-value a test on n pairs can produce: 2/2^n two-sided, 1/2^n one-sided. */
export function smallestP(n: number, alternative: Alternative = 'two-sided'): number {
  return (alternative === 'two-sided' ? 2 : 1) / 2 ** n;
}
