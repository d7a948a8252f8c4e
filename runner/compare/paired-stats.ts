/**
 * The paired statistics compare needs, on per-round log ratios
 * d_r = ln(head_r / base_r): Hodges–Lehmann estimate with the exact
 * signed-rank confidence interval, the exact signed-rank test (two- and
 * one-sided), Benjamini–Hochberg and Holm, and a minimum detectable effect.
 *
 * Ties among |d| get midranks; the null distribution is then computed exactly
 * over the doubled (integer) midranks, so the test stays an exact sign-flip
 * test of the rank statistic. Zero differences are dropped (Wilcoxon).
 */

export interface PairedEstimate {
  /** Complete pairs used. */
  n: number;
  /** Hodges–Lehmann estimate of the shift in ln(head/base). */
  estimate: number;
  /** Exact confidence interval of the shift (null when n is too small for the level). */
  ciLow: number | null;
  ciHigh: number | null;
  /** Exact two-sided signed-rank p-value. */
  p: number;
  /** Exact one-sided p-value for head > base (a slowdown for cost units). */
  pGreater: number;
  /** Exact one-sided p-value for head < base. */
  pLess: number;
  /** Standard deviation of d (sample), for the MDE. */
  sd: number;
}

/** Distribution of the sum of a random subset of integer weights (each in or out with probability 1/2), as counts. */
function subsetSumCounts(weights: readonly number[]): Float64Array {
  const total = weights.reduce((a, b) => a + b, 0);
  let dist = new Float64Array(total + 1);
  dist[0] = 1;
  let reach = 0;
  for (const w of weights) {
    const next = new Float64Array(total + 1);
    for (let s = 0; s <= reach; s++) {
      const c = dist[s]!;
      if (c === 0) continue;
      next[s] += c;
      next[s + w] += c;
    }
    reach += w;
    dist = next;
  }
  return dist;
}

/** Doubled midranks of |x|: integers, ties share their average rank. */
function doubledMidranks(abs: readonly number[]): number[] {
  const idx = abs.map((_, i) => i).sort((a, b) => abs[a]! - abs[b]!);
  const ranks = new Array<number>(abs.length);
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j + 1 < idx.length && abs[idx[j + 1]!] === abs[idx[i]!]) j++;
    // ranks i+1 … j+1 averaged, doubled: (i+1 + j+1)
    for (let k = i; k <= j; k++) ranks[idx[k]!] = i + j + 2;
    i = j + 1;
  }
  return ranks;
}

export function signedRankTest(d: readonly number[]): { p: number; pGreater: number; pLess: number } {
  const nz = d.filter((x) => x !== 0 && Number.isFinite(x));
  if (nz.length === 0) return { p: 1, pGreater: 1, pLess: 1 };
  const ranks = doubledMidranks(nz.map(Math.abs));
  const dist = subsetSumCounts(ranks);
  const total = 2 ** nz.length;
  let obs = 0;
  nz.forEach((x, i) => {
    if (x > 0) obs += ranks[i]!;
  });
  const sum = ranks.reduce((a, b) => a + b, 0);
  const mean = sum / 2;
  let ge = 0;
  let le = 0;
  let extreme = 0;
  for (let s = 0; s <= sum; s++) {
    const c = dist[s]!;
    if (c === 0) continue;
    if (s >= obs) ge += c;
    if (s <= obs) le += c;
    if (Math.abs(s - mean) >= Math.abs(obs - mean) - 1e-9) extreme += c;
  }
  return { p: Math.min(1, extreme / total), pGreater: ge / total, pLess: le / total };
}

/** Largest c with P(W+ <= c - 1) <= alpha/2 under the no-tie null (0 when none). */
function criticalRank(n: number, alpha: number): number {
  const dist = subsetSumCounts(Array.from({ length: n }, (_, i) => i + 1));
  const total = 2 ** n;
  let cum = 0;
  let c = 0;
  for (let s = 0; s < dist.length; s++) {
    if ((cum + dist[s]!) / total > alpha / 2) break;
    cum += dist[s]!;
    c = s + 1;
  }
  return c;
}

export function pairedEstimate(d: readonly number[], confidence = 0.95): PairedEstimate {
  const x = d.filter(Number.isFinite);
  const n = x.length;
  const walsh: number[] = [];
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) walsh.push((x[i]! + x[j]!) / 2);
  walsh.sort((a, b) => a - b);
  const m = walsh.length;
  const estimate = m === 0 ? NaN : m % 2 === 1 ? walsh[(m - 1) / 2]! : (walsh[m / 2 - 1]! + walsh[m / 2]!) / 2;
  const c = n > 0 ? criticalRank(n, 1 - confidence) : 0;
  const ci = c >= 1 ? [walsh[c - 1]!, walsh[m - c]!] : [null, null];
  const t = signedRankTest(x);
  const mean = n > 0 ? x.reduce((a, b) => a + b, 0) / n : NaN;
  const sd = n > 1 ? Math.sqrt(x.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : NaN;
  return { n, estimate, ciLow: ci[0]!, ciHigh: ci[1]!, p: t.p, pGreater: t.pGreater, pLess: t.pLess, sd };
}

/** Benjamini–Hochberg adjusted p-values (q), in input order. */
export function benjaminiHochberg(p: readonly number[]): number[] {
  const m = p.length;
  const order = p.map((_, i) => i).sort((a, b) => p[b]! - p[a]!);
  const q = new Array<number>(m);
  let min = 1;
  order.forEach((i, k) => {
    const rank = m - k;
    min = Math.min(min, (p[i]! * m) / rank);
    q[i] = min;
  });
  return q;
}

/** Holm's step-down: which hypotheses are rejected at family-wise level alpha. */
export function holmRejects(p: readonly number[], alpha = 0.05): boolean[] {
  const m = p.length;
  const order = p.map((_, i) => i).sort((a, b) => p[a]! - p[b]!);
  const out = new Array<boolean>(m).fill(false);
  for (let k = 0; k < m; k++) {
    const i = order[k]!;
    if (p[i]! <= alpha / (m - k)) out[i] = true;
    else break;
  }
  return out;
}

// Normal quantiles used by the MDE: two-sided 0.05 and 80 % power.
const Z_975 = 1.959963984540054;
const Z_80 = 0.8416212335729143;
/** Asymptotic efficiency of the signed-rank test against the t-test for normal data: 3/π. */
const RANK_EFFICIENCY = 3 / Math.PI;

/**
 * Smallest shift (in ln units) detected with 80 % power by a two-sided
 * test at 0.05 with n pairs of standard deviation sd; and the pairs that
 * would detect delta.
 */
export function minimumDetectable(sd: number, n: number, delta: number): { mde: number; roundsFor: number | null } {
  if (!Number.isFinite(sd) || n < 2) return { mde: NaN, roundsFor: null };
  const k = (Z_975 + Z_80) * sd / Math.sqrt(RANK_EFFICIENCY);
  const roundsFor = delta > 0 ? Math.max(6, Math.ceil((k / delta) ** 2)) : null;
  return { mde: k / Math.sqrt(n), roundsFor };
}
