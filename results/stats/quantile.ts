// Quantiles as benchstat computes them (R8 definition, on sorted input).

/** R8 quantile of ascending-sorted xs; q in [0,1]. */
export function quantileR8(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = 1 / 3 + q * (n + 1 / 3);
  const k = Math.trunc(h);
  const frac = h - k;
  if (k <= 0) return sorted[0]!;
  if (k >= n) return sorted[n - 1]!;
  const a = sorted[k - 1]!;
  const b = sorted[k]!;
  // a + frac*(b-a), not a weighted mean: the last bit must match Go.
  return a + frac * (b - a);
}

export function medianR8(sorted: ArrayLike<number>): number {
  return quantileR8(sorted, 0.5);
}
