// Multiple-comparison adjustments. Benjamini–Hochberg (1995) controls the
// false discovery rate across a comparison's family (valid under the positive
// dependence a shared host creates; Benjamini & Yekutieli 2001). Holm (1979)
// controls the family-wise error rate across the few confirmation candidates.

/**
 * BH q-values (R's p.adjust(p, "BH")): q_(i) = min_{j ≥ i} min(1, m·p_(j)/j)
 * over p sorted ascending. Rejecting q ≤ α is the BH step-up rule at level α.
 * NaN p-values stay NaN and are not counted in m.
 */
export function benjaminiHochberg(p: ReadonlyArray<number>): number[] {
  const idx: number[] = [];
  for (let i = 0; i < p.length; i++) if (!Number.isNaN(p[i]!)) idx.push(i);
  idx.sort((a, b) => p[a]! - p[b]!);
  const m = idx.length;
  const q = new Array<number>(p.length).fill(NaN);
  let run = 1;
  for (let k = m - 1; k >= 0; k--) {
    const i = idx[k]!;
    run = Math.min(run, (m * p[i]!) / (k + 1));
    q[i] = run;
  }
  return q;
}

/**
 * Holm's step-down adjusted p-values (R's p.adjust(p, "holm")):
 * a_(i) = max_{j ≤ i} min(1, (m − j + 1)·p_(j)). Reject a ≤ α.
 */
export function holm(p: ReadonlyArray<number>): number[] {
  const idx: number[] = [];
  for (let i = 0; i < p.length; i++) if (!Number.isNaN(p[i]!)) idx.push(i);
  idx.sort((a, b) => p[a]! - p[b]!);
  const m = idx.length;
  const a = new Array<number>(p.length).fill(NaN);
  let run = 0;
  for (let k = 0; k < m; k++) {
    const i = idx[k]!;
    run = Math.max(run, Math.min(1, (m - k) * p[i]!));
    a[i] = run;
  }
  return a;
}
