// Per-cell summaries and comparisons (benchstat's benchmath).
import { medianR8 } from './quantile.ts';
import { medianCIOrders } from './quantileci.ts';
import { mannWhitneyU } from './utest.ts';
import { formatGoV } from '../benchfmt/gofloat.ts';
import { formatFixed } from './format.ts';

export type Assumption = 'nothing' | 'exact';

/** The warnings of a result that has none: shared, so never add to it. */
const NONE: string[] = [];

export interface Summary {
  center: number;
  lo: number;
  hi: number;
  confidence: number;
  warnings: string[];
}

export interface Comparison {
  p: number;
  alpha: number;
  n1: number;
  n2: number;
  warnings: string[];
}

/** Smallest n whose median CI at this confidence is finite on both sides. */
const medianSamplesCache = new Map<number, string>();
export function medianSamples(conf: number): string {
  const hit = medianSamplesCache.get(conf);
  if (hit !== undefined) return hit;
  const v = medianSamplesUncached(conf);
  medianSamplesCache.set(conf, v);
  return v;
}
function medianSamplesUncached(conf: number): string {
  for (let n = 2; n <= 50; n++) {
    const o = medianCIOrders(n, conf);
    if (o.lo > 0 && o.hi <= n) return `>= ${n}`;
  }
  return '> 50';
}

/**
 * benchstat's table of the smallest U-test p value for two samples of n
 * (index n, 1 to 9); past it benchstat says "need > 10" and uses 10.
 */
const U_TEST_MIN_P = [NaN, 1, 0.3333333333333333, 0.1, 0.02857142857142857, 0.007936507936507936, 0.0021645021645021645, 0.0005827505827505828, 0.0001554001554001554, 4.113533525298231e-5];

/** The samples per side the U test needs to reach p ≤ alpha, as benchstat words it (">= n" or "> 10"). */
export function uTestSamples(alpha: number): { op: '>=' | '>'; n: number } {
  for (let n = 1; n < U_TEST_MIN_P.length; n++) if (U_TEST_MIN_P[n]! <= alpha) return { op: '>=', n };
  return { op: '>', n: U_TEST_MIN_P.length };
}

export function summarize(sorted: ArrayLike<number>, conf: number, assume: Assumption): Summary {
  const n = sorted.length;
  if (assume === 'exact') {
    let mode = sorted[0]!;
    let best = 0;
    for (let i = 0; i < n; ) {
      let j = i + 1;
      while (j < n && sorted[j] === sorted[i]) j++;
      if (j - i > best) {
        best = j - i;
        mode = sorted[i]!;
      }
      i = j;
    }
    const lo = sorted[0]!;
    const hi = sorted[n - 1]!;
    const warnings = lo === hi ? [] : [`exact distribution expected, but values range from ${formatGoV(lo)} to ${formatGoV(hi)}`];
    return { center: mode, lo, hi, confidence: 1, warnings };
  }
  const center = medianR8(sorted);
  const o = medianCIOrders(n, conf);
  const lo = o.lo < 1 ? -Infinity : sorted[o.lo - 1]!;
  const hi = o.hi - 1 >= n ? Infinity : sorted[o.hi - 1]!;
  let warnings: string[] = NONE;
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) {
    warnings = [];
    warnings.push(`need ${medianSamples(conf)} samples for confidence interval at level ${formatGoV(conf)}`);
  }
  return { center, lo, hi, confidence: o.confidence, warnings };
}

/** old and cur sorted ascending. */
export function compare(old: ArrayLike<number>, cur: ArrayLike<number>, alpha: number, assume: Assumption): Comparison {
  if (assume === 'exact') return { p: 0, alpha: 0, n1: old.length, n2: cur.length, warnings: NONE };
  const r = mannWhitneyU(old, cur);
  let warnings: string[] = NONE;
  if (r.error) warnings = [r.error];
  else if (r.p > alpha) {
    const need = uTestSamples(alpha);
    if (old.length < need.n && cur.length < need.n) {
      warnings = [`need ${need.op} ${need.n} samples to detect a difference at alpha level ${formatGoV(alpha)}`];
    }
  }
  return { p: r.p, alpha, n1: old.length, n2: cur.length, warnings };
}

/** "± x%" text of a summary. */
export function pctRange(s: Summary): string {
  if (!Number.isFinite(s.lo) || !Number.isFinite(s.hi)) return '∞';
  if (Math.sign(s.center) !== Math.sign(s.lo) || Math.sign(s.center) !== Math.sign(s.hi)) return '?';
  if (s.center === 0) return '0%';
  const r = Math.max(s.hi / s.center - 1, 1 - s.lo / s.center);
  return `${formatFixed(100 * r, 0)}%`;
}

/** "p=0.012 n=6" / "n=5+6". */
export function comparisonString(c: Comparison): string {
  const p = c.p !== 0 ? `p=${formatFixed(c.p, 3)} ` : '';
  const n = c.n1 === c.n2 ? `n=${c.n1}` : `n=${c.n1}+${c.n2}`;
  return p + n;
}

/** Delta column text from the two centers. */
export function formatDelta(c: Comparison, old: number, cur: number): string {
  if (c.p > c.alpha) return '~';
  if (old === cur) return '0.00%';
  if (old === 0) return '?';
  return `${formatSigned((cur / old - 1) * 100, 2)}%`;
}

export function formatSigned(x: number, prec: number): string {
  const s = formatFixed(x, prec);
  // formatFixed already signs infinities ("+Inf"), as Go's %+f does.
  return s.startsWith('-') || s.startsWith('+') ? s : `+${s}`;
}
