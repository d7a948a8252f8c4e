// E-divisive means (Matteson & James 2014, with α = 1, as MongoDB and Otava use
// it): the split τ of x[0..n) that maximises the scaled energy distance
//   Q(τ) = τ(n−τ)/n · ( 2/(τ(n−τ)) Σ|xᵢ−yⱼ| − 1/C(τ,2) Σ|xᵢ−xₖ| − 1/C(n−τ,2) Σ|yⱼ−yₖ| )
// between the left part x and the right part y. All splits of a series are
// scored in O(n²) from running within-part sums; the permutation test scores
// every permutation the same way.

/** Scratch arrays for scoring series of up to n points, reused across permutations. */
export class Workspace {
  readonly rowLeft: Float64Array;
  readonly rowRight: Float64Array;
  readonly withinLeft: Float64Array;
  readonly withinRight: Float64Array;
  constructor(readonly n: number) {
    this.rowLeft = new Float64Array(n);
    this.rowRight = new Float64Array(n);
    this.withinLeft = new Float64Array(n + 1);
    this.withinRight = new Float64Array(n + 1);
  }
}

/** Score of every admissible split: q[τ] for τ in [minSeg, n − minSeg], NaN elsewhere. */
export function splitScores(x: ArrayLike<number>, minSeg: number, ws: Workspace = new Workspace(x.length), q: Float64Array = new Float64Array(x.length + 1)): Float64Array {
  const n = x.length;
  q.fill(NaN);
  if (n < 2 * minSeg || minSeg < 2) return q;
  // rowLeft[j] = Σ_{i<j} |x_i − x_j|; rowRight[j] = Σ_{i>j} |x_i − x_j|.
  const { rowLeft, rowRight, withinLeft, withinRight } = ws;
  // One pass over the pairs: |x_i − x_j| counts in j's left row and i's right row.
  let total = 0;
  rowRight.fill(0);
  for (let j = 0; j < n; j++) {
    const xj = x[j]!;
    let s = 0;
    for (let i = 0; i < j; i++) {
      const d = Math.abs(x[i]! - xj);
      s += d;
      rowRight[i] += d;
    }
    rowLeft[j] = s;
    total += s;
  }
  withinLeft[0] = 0;
  for (let t = 1; t <= n; t++) withinLeft[t] = withinLeft[t - 1]! + rowLeft[t - 1]!;
  withinRight[n] = 0;
  for (let t = n - 1; t >= 0; t--) withinRight[t] = withinRight[t + 1]! + rowRight[t]!;
  for (let t = minSeg; t <= n - minSeg; t++) {
    const a = t;
    const b = n - t;
    const wl = withinLeft[t]!;
    const wr = withinRight[t]!;
    const between = total - wl - wr;
    const e = (2 * between) / (a * b) - wl / ((a * (a - 1)) / 2) - wr / ((b * (b - 1)) / 2);
    q[t] = ((a * b) / n) * e;
  }
  return q;
}

export interface BestSplit {
  /** Index of the first point after the change. */
  tau: number;
  score: number;
}

/** The admissible split with the largest score (the earliest on ties), or undefined when none exists. */
export function bestSplit(x: ArrayLike<number>, minSeg: number, ws?: Workspace, q?: Float64Array): BestSplit | undefined {
  q = splitScores(x, minSeg, ws, q);
  let tau = -1;
  let score = -Infinity;
  for (let t = minSeg; t <= x.length - minSeg; t++) {
    if (q[t]! > score) {
      score = q[t]!;
      tau = t;
    }
  }
  return tau < 0 ? undefined : { tau, score };
}
