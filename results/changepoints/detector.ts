// One night of change-point detection over many series. Each series keeps its
// state (the index where its current segment starts, after its last
// confirmed change point); only the points from there on are analysed, so a
// night costs the new segments, not the whole history. A segment's best
// E-divisive split becomes a candidate when its effect clears the floor; the
// candidates of the night share one Benjamini–Hochberg correction; an
// accepted candidate with fewer than `settle` points behind it is pending
// (never an alert on its own), and so is one that has not yet stood `persist`
// nights in a row at the same place; otherwise it is a confirmed change point
// and the series' segment starts there from now on.

import { benjaminiHochberg } from '../paired/multiplicity.ts';
import { bestSplit } from './edivisive.ts';
import { permutationTest, seedOf, type PermutationResult } from './permutation.ts';

export interface DetectOptions {
  /** Shortest segment either side of a change (default 4). */
  minSeg: number;
  /** A change with fewer points than this behind it is pending (default 5). */
  settle: number;
  /** Nights in a row a candidate must stand (at the same place ±2) before it is confirmed (default 2). */
  persist: number;
  /** False-discovery rate across the night's candidates (default 0.05). */
  q: number;
  /** Smallest change worth a candidate, on the log scale (the larger of --threshold and the noise floor). */
  floor: number;
}

export const DEFAULT_DETECT: DetectOptions = { minSeg: 4, settle: 5, persist: 2, q: 0.01, floor: Math.log1p(0.02) };

export interface SeriesInput {
  /** Stable identity: seeds the permutations, so a rerun prints the same. */
  id: string;
  /** Values on the log scale (log ratio to the anchor, or log of the absolute median), in commit order. */
  values: ArrayLike<number>;
  /** Index where the current segment starts (after the last confirmed change point); 0 at first. */
  start: number;
  /** The series' own floor (log scale), when a stored noise floor is known; max'd with options.floor. */
  floor?: number;
  /** The candidate that stood last night (pending), if any. */
  pending?: { index: number; nights: number };
}

export interface Candidate {
  id: string;
  /** Index (into the whole series) of the first point after the change. */
  index: number;
  /** Median after minus median before, log scale, over the segment's two parts. */
  effect: number;
  before: number;
  after: number;
  test: PermutationResult;
  q: number;
  status: 'confirmed' | 'pending' | 'rejected';
  /** Points after the change. */
  behind: number;
  /** Nights in a row this candidate has stood, this one included (0 when rejected). */
  nights: number;
}

function median(x: ArrayLike<number>, a: number, b: number): number {
  const s = Array.from({ length: b - a }, (_, i) => x[a + i]!).sort((u, v) => u - v);
  const h = s.length >> 1;
  return s.length % 2 ? s[h]! : (s[h - 1]! + s[h]!) / 2;
}

/** The candidate of one series' current segment before testing, or undefined when no split clears the floor. */
function splitOf(s: SeriesInput, o: DetectOptions): { index: number; score: number; before: number; after: number } | undefined {
  const n = s.values.length;
  const seg = Float64Array.from({ length: n - s.start }, (_, i) => s.values[s.start + i]!);
  const best = bestSplit(seg, o.minSeg);
  if (!best) return undefined;
  const before = median(seg, 0, best.tau);
  const after = median(seg, best.tau, seg.length);
  const floor = Math.max(o.floor, s.floor ?? 0);
  if (!(Math.abs(after - before) > floor)) return undefined;
  return { index: s.start + best.tau, score: best.score, before, after };
}

/** Analyse every series' current segment; returns the night's candidates with their fate. */
export function detectNight(series: readonly SeriesInput[], options: Partial<DetectOptions> = {}): Candidate[] {
  const o = { ...DEFAULT_DETECT, ...options };
  const tested: Candidate[] = [];
  for (const s of series) {
    const split = splitOf(s, o);
    if (!split) continue;
    const seg = Float64Array.from({ length: s.values.length - s.start }, (_, i) => s.values[s.start + i]!);
    // The seed names the segment too: a new night draws fresh permutations for new data, a rerun the same.
    const test = permutationTest(seg, { alpha: o.q, seed: seedOf(`${s.id}\0${s.start}\0${seg.length}`), minSeg: o.minSeg, tau: split.index - s.start, score: split.score });
    tested.push({ id: s.id, index: split.index, effect: split.after - split.before, before: split.before, after: split.after, test, q: NaN, status: 'rejected', behind: s.values.length - split.index, nights: 0 });
  }
  const q = benjaminiHochberg(tested.map((c) => c.test.p));
  const byId = new Map(series.map((s) => [s.id, s]));
  tested.forEach((c, i) => {
    c.q = q[i]!;
    if (!(c.q <= o.q)) return;
    const prev = byId.get(c.id)!.pending;
    c.nights = prev && Math.abs(prev.index - c.index) <= 2 ? prev.nights + 1 : 1;
    c.status = c.behind >= o.settle && c.nights >= o.persist ? 'confirmed' : 'pending';
  });
  return tested;
}
