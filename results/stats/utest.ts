// Two-sided Mann–Whitney U test as benchstat runs it.
import { normalCdf } from './normal.ts';

export interface UTestResult {
  p: number;
  error?: string;
}

export const ALL_EQUAL = 'all samples are equal';

/** Average ranks (1-based) of the merged samples (both sorted ascending), and tie-group sizes. */
function rankMerged(a: ArrayLike<number>, b: ArrayLike<number>): { r1: number; ranks: Float64Array; ties: number[] } {
  const n1 = a.length;
  const n2 = b.length;
  const n = n1 + n2;
  const vals = new Float64Array(n);
  const fromA = new Uint8Array(n);
  let i = 0;
  let j = 0;
  for (let k = 0; k < n; k++) {
    if (j >= n2 || (i < n1 && a[i]! <= b[j]!)) {
      vals[k] = a[i++]!;
      fromA[k] = 1;
    } else vals[k] = b[j++]!;
  }
  const ranks = new Float64Array(n);
  const ties: number[] = [];
  let r1 = 0;
  for (let k = 0; k < n; ) {
    let e = k + 1;
    while (e < n && vals[e] === vals[k]) e++;
    const rank = (k + 1 + e) / 2;
    for (let x = k; x < e; x++) {
      ranks[x] = rank;
      if (fromA[x]) r1 += rank;
    }
    ties.push(e - k);
    k = e;
  }
  return { r1, ranks, ties };
}

/** The null distribution of the doubled rank sum of n1 of the given scores, as counts. */
interface RankSumDist {
  /** cum[t]: the number of n1-subsets with doubled rank sum ≤ t (in order of t, as one running sum). */
  cum: Float64Array;
  all: number;
}

/**
 * The distribution depends only on n1 and the tie structure, which repeat
 * across a table's benchmarks (always so without ties): computed once each.
 */
const distCache = new Map<string, RankSumDist>();
const DIST_CACHE_LIMIT = 4096;

function rankSumDist(scores2: ArrayLike<number>, n1: number): RankSumDist {
  let total = 0;
  for (let i = 0; i < scores2.length; i++) total += scores2[i]!;
  // dp[k][s] = number of k-subsets with doubled rank sum s.
  const dp: Float64Array[] = [];
  for (let k = 0; k <= n1; k++) dp.push(new Float64Array(total + 1));
  dp[0]![0] = 1;
  let reach = 0;
  for (let si = 0; si < scores2.length; si++) {
    const s = scores2[si]!;
    reach += s;
    for (let k = Math.min(n1, si + 1); k >= 1; k--) {
      const dst = dp[k]!;
      const src = dp[k - 1]!;
      for (let t = reach; t >= s; t--) {
        const v = src[t - s]!;
        if (v !== 0) dst[t] += v;
      }
    }
  }
  const row = dp[n1]!;
  const cum = new Float64Array(total + 1);
  let all = 0;
  for (let t = 0; t <= total; t++) {
    const c = row[t]!;
    if (c !== 0) all += c;
    cum[t] = all;
  }
  return { cum, all };
}

/** P(U1 ≤ u) under the null, u doubled; `key` names the tie structure for the cache. */
function exactCdf(key: string, scores2: () => ArrayLike<number>, n1: number, u2: number): number {
  let d = distCache.get(key);
  if (!d) {
    if (distCache.size >= DIST_CACHE_LIMIT) distCache.clear();
    d = rankSumDist(scores2(), n1);
    distCache.set(key, d);
  }
  const base2 = n1 * (n1 + 1); // 2 * n1(n1+1)/2
  const last = Math.min(d.cum.length - 1, Math.floor(base2 + u2 + 1e-9));
  return last < 0 ? 0 : d.cum[last]! / d.all;
}

/**
 * Two tie groups: U is fixed by how many of sample 1 fall in the second
 * group, a hypergeometric count. benchstat's table truncates the bound toward
 * zero, which lifts a below-minimum U to the minimum; do the same.
 */
function twoGroupCdf(t0: number, t1: number, n1: number, twoU: number): number {
  const n = t0 + t1;
  const x = Math.trunc((twoU - n1 * (t0 - n1)) / n);
  let c = 0;
  for (let r = 0; r <= Math.min(x, t1, n1); r++) {
    if (n1 - r > t0) continue;
    c += (chooseExact(t1, r) * chooseExact(t0, n1 - r)) / chooseExact(n, n1);
  }
  return c;
}

function chooseExact(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return Math.round(r);
}

/** Rank sum of the first sample and the tie structure, in one merge of the sorted samples. */
function rankSummary(a: ArrayLike<number>, b: ArrayLike<number>): { r1: number; groups: number; t0: number; t1: number; hasTies: boolean; tieSum: number } {
  const n1 = a.length;
  const n2 = b.length;
  let i = 0;
  let j = 0;
  let k = 0;
  let r1 = 0;
  let groups = 0;
  let t0 = 0;
  let t1 = 0;
  let hasTies = false;
  let tieSum = 0;
  while (i < n1 || j < n2) {
    // The next value and how many of each sample share it.
    const v = j >= n2 || (i < n1 && a[i]! <= b[j]!) ? a[i]! : b[j]!;
    let ca = 0;
    let cb = 0;
    while (i < n1 && a[i] === v) {
      i++;
      ca++;
    }
    while (j < n2 && b[j] === v) {
      j++;
      cb++;
    }
    if (ca + cb === 0) {
      // NaN never equals itself: take it alone.
      if (i < n1 && (j >= n2 || !(b[j]! < a[i]!))) {
        i++;
        ca = 1;
      } else {
        j++;
        cb = 1;
      }
    }
    const t = ca + cb;
    const rank = (k + 1 + k + t) / 2;
    for (let x = 0; x < ca; x++) r1 += rank;
    if (groups === 0) t0 = t;
    else if (groups === 1) t1 = t;
    groups++;
    if (t > 1) hasTies = true;
    tieSum += t * t * t - t;
    k += t;
  }
  return { r1, groups, t0, t1, hasTies, tieSum };
}

/** No value occurs twice in either sample (both sorted ascending), nor in both. */
function noTies(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  for (let i = 1; i < a.length; i++) if (!(a[i - 1]! < a[i]!)) return false;
  for (let j = 1; j < b.length; j++) if (!(b[j - 1]! < b[j]!)) return false;
  let j = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    while (j < b.length && b[j]! < x) j++;
    if (j < b.length && b[j] === x) return false;
  }
  return true;
}

/** rankSummary without ties: each value of a ranks after the values of b below it. */
function untiedSummary(a: ArrayLike<number>, b: ArrayLike<number>): { r1: number; groups: number; t0: number; t1: number; hasTies: boolean; tieSum: number } {
  const n1 = a.length;
  let u = 0;
  let j = 0;
  for (let i = 0; i < n1; i++) {
    const x = a[i]!;
    while (j < b.length && b[j]! < x) j++;
    u += j;
  }
  // Ranks are exact half-integers, so any order of summation gives the same r1.
  return { r1: u + (n1 * (n1 + 1)) / 2, groups: n1 + b.length, t0: 1, t1: 1, hasTies: false, tieSum: 0 };
}

/** Both samples sorted ascending. */
export function mannWhitneyU(old: ArrayLike<number>, cur: ArrayLike<number>): UTestResult {
  const n1 = old.length;
  const n2 = cur.length;
  if (n1 === 0 || n2 === 0) return { p: 1, error: 'sample is too small' };
  // One value throughout both samples (constant B/op and the like): a single tie
  // group, which both the exact and the normal path report as all equal.
  const v = old[0]!;
  if (old[n1 - 1] === v && cur[0] === v && cur[n2 - 1] === v) return { p: 1, error: ALL_EQUAL };
  const { r1, groups, t0, t1, hasTies, tieSum } = noTies(old, cur) ? untiedSummary(old, cur) : rankSummary(old, cur);
  const u1 = r1 - (n1 * (n1 + 1)) / 2;
  const u2 = n1 * n2 - u1;
  const exact = hasTies ? n1 <= 25 && n2 <= 25 : n1 <= 50 && n2 <= 50;
  if (exact) {
    if (groups === 1) return { p: 1, error: ALL_EQUAL };
    if (u1 === u2) return { p: 1 };
    const twoU = 2 * Math.min(u1, u2);
    if (groups === 2) return { p: 2 * twoGroupCdf(t0, t1, n1, twoU) };
    // Without ties the scores are 2, 4, … 2(n1+n2): the key is the sizes.
    const merged = hasTies ? rankMerged(old, cur) : undefined;
    const key = merged ? `${n1}:${merged.ties.join(',')}` : `${n1}/${n2}`;
    const scores2 = () => (merged ?? rankMerged(old, cur)).ranks.map((r) => r * 2);
    return { p: 2 * exactCdf(key, scores2, n1, twoU) };
  }
  const n = n1 + n2;
  const sigma = Math.sqrt((n1 * n2 * (n + 1 - tieSum / (n * (n - 1)))) / 12);
  if (sigma === 0) return { p: 1, error: ALL_EQUAL };
  const d = u1 - (n1 * n2) / 2;
  const numer = d - Math.sign(d) * 0.5;
  const z = numer / sigma;
  const c = normalCdf(z);
  return { p: 2 * Math.min(c, 1 - c) };
}
