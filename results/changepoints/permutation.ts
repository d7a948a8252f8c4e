// The permutation test of a best split. Under "no change" the order of the
// points carries no information, so the best score of a shuffled series is a
// draw from the statistic's null distribution — the maximum over all splits,
// which accounts for the split having been chosen to maximise the score (the
// post-selection error of a t-test on the chosen split). p = (k+1)/(B+1), k the
// permutations scoring at least the observed one; B grows only when p is near α.
// Autocorrelated noise makes neighbouring points alike, so plain shuffling
// would understate the null: blocks of neighbouring points move together then.

import { createHash } from 'node:crypto';
import { rng, type Rng } from '../paired/random.ts';
import { bestSplit, Workspace } from './edivisive.ts';

/** Permutation counts tried in turn; the next stage runs only while p is near α. */
export const PERMUTATION_STAGES = [199, 999, 4999] as const;

export interface PermutationResult {
  p: number;
  /** Permutations that scored at least the observed split. */
  exceed: number;
  permutations: number;
  /** Points that moved together (1: plain shuffle). */
  block: number;
  /** The lag-1 autocorrelation of the residuals around the split's segment means. */
  lag1: number;
}

/** A 32-bit seed from a text (the series identity), so reruns draw the same permutations. */
export function seedOf(identity: string): number {
  return createHash('sha256').update(identity).digest().readUInt32LE(0);
}

/** Lag-1 autocorrelation of x around its per-segment means (segments split at tau). */
export function residualLag1(x: ArrayLike<number>, tau: number): number {
  const n = x.length;
  const mean = (a: number, b: number) => {
    let s = 0;
    for (let i = a; i < b; i++) s += x[i]!;
    return s / (b - a);
  };
  const ml = mean(0, tau);
  const mr = mean(tau, n);
  const r = new Float64Array(n);
  for (let i = 0; i < n; i++) r[i] = x[i]! - (i < tau ? ml : mr);
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    den += r[i]! * r[i]!;
    if (i > 0 && i !== tau) num += r[i]! * r[i - 1]!;
  }
  return den === 0 ? 0 : num / den;
}

/** Residual lag-1 autocorrelation above this moves points in blocks (short series estimate ρ low, so the bar is low). */
export const AUTOCORRELATED = 0.15;

/**
 * Block length for lag-1 autocorrelation ρ over n points: 1 unless ρ is above
 * AUTOCORRELATED; then about the distance over which ρ^L decays below 0.1,
 * capped at n/4 so there are still blocks to shuffle.
 */
export function blockLength(rho: number, n: number): number {
  if (!(rho > AUTOCORRELATED)) return 1;
  const l = Math.ceil(Math.log(0.1) / Math.log(Math.min(rho, 0.95)));
  return Math.max(2, Math.min(l, Math.floor(n / 4)));
}

function shuffleBlocks(x: ArrayLike<number>, block: number, out: Float64Array, r: Rng, order: Int32Array): void {
  const n = x.length;
  const blocks = order.length;
  for (let i = 0; i < blocks; i++) order[i] = i;
  for (let i = blocks - 1; i > 0; i--) {
    const j = r.int(i + 1);
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  let k = 0;
  for (let b = 0; b < blocks; b++) {
    const start = order[b]! * block;
    const end = Math.min(n, start + block);
    for (let i = start; i < end; i++) out[k++] = x[i]!;
  }
}

export interface PermutationOptions {
  /** The level the test is judged at; more permutations are drawn unless p is already above 3α. */
  alpha: number;
  seed: number;
  minSeg: number;
  tau: number;
  score: number;
}

export function permutationTest(x: ArrayLike<number>, o: PermutationOptions): PermutationResult {
  const n = x.length;
  const lag1 = residualLag1(x, o.tau);
  const block = blockLength(lag1, n);
  const r = rng(o.seed);
  const buf = new Float64Array(n);
  const order = new Int32Array(Math.ceil(n / block));
  const ws = new Workspace(n);
  const q = new Float64Array(n + 1);
  let exceed = 0;
  let done = 0;
  for (const stage of PERMUTATION_STAGES) {
    for (; done < stage; done++) {
      shuffleBlocks(x, block, buf, r, order);
      const s = bestSplit(buf, o.minSeg, ws, q);
      // A tiny tolerance: a permutation equal to the observed order must count.
      if (s && s.score >= o.score * (1 - 1e-12)) exceed++;
    }
    const p = (exceed + 1) / (done + 1);
    // Clearly above α: more draws cannot make it significant. Below, more
    // draws refine p, which the multiplicity correction across a night needs.
    if (p > 3 * o.alpha) break;
  }
  return { p: (exceed + 1) / (done + 1), exceed, permutations: done, block, lag1 };
}
