// log Γ for the positive integers that binomial coefficients need, following
// the branches of Go's math.Lgamma, with log and exp rounded as Go's, so that
// float noise matches (it decides the median's CI orders for some n).
import { goExp, goLog } from './gomath.ts';

const W = [
  4.18938533204672725052e-01, 8.33333333333329678849e-02, -2.77777777728775536470e-03,
  7.93650558643019558500e-04, -5.95187557450339963135e-04, 8.36339918996282139126e-04,
  -1.63092934096575273989e-03,
];

/** log Γ(x) for integer x ≥ 1. */
export function lgammaInt(x: number): number {
  if (x <= 2) return 0;
  if (x < 8) {
    let f = 1;
    for (let i = 2; i < x; i++) f *= i;
    return goLog(f);
  }
  const t = goLog(x);
  const z = 1 / x;
  const y = z * z;
  const w = W[0]! + z * (W[1]! + y * (W[2]! + y * (W[3]! + y * (W[4]! + y * (W[5]! + y * W[6]!)))));
  return (x - 0.5) * (t - 1) + w;
}

/** Binomial coefficient: exact integers for n ≤ 20, lgamma form above (as Go's mathx.Choose). */
export function choose(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  if (n <= 20) {
    let r = 1;
    const kk = Math.min(k, n - k);
    for (let i = 1; i <= kk; i++) r = (r * (n - kk + i)) / i;
    return Math.round(r);
  }
  return goExp(lgammaInt(n + 1) - lgammaInt(k + 1) - lgammaInt(n - k + 1));
}
