// The signed-rank test against published figures and brute-force enumeration.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { signRankTest, psignrank, qsignrank, signRankDistribution, smallestP } from './signrank.ts';
import { rng } from './random.ts';
import published from './fixtures/published.json' with { type: 'json' };

// Hollander & Wolfe's Hamilton depression scale data, the example in R's
// ?wilcox.test: wilcox.test(x, y, paired = TRUE, alternative = "greater")
// prints V = 40, p-value = 0.01953; the two-sided p-value is 0.03906.
const dep = published.depression;

test('R ?wilcox.test depression example: V = 40, p = 0.01953 one-sided, 0.03906 two-sided', () => {
  const d = dep.x.map((x, i) => x - dep.y[i]!);
  const t = signRankTest(d);
  assert.is(t.v, dep.v);
  assert.is(t.n, 9);
  assert.is(t.pGreater.toFixed(5), dep.pGreater);
  assert.is(t.p.toFixed(5), dep.pTwoSided);
  // Exactly 10/512 and 20/512: the patterns with V ≥ 40.
  assert.is(t.pGreater, 10 / 512);
  assert.is(t.method, 'exact');
});

test('by hand: d = [1, −2, 3]', () => {
  // Ranks 1, 2, 3; V = 1 + 3 = 4. The 8 sign patterns give V = 0,1,2,3,3,4,5,6:
  // P(V ≥ 4) = 3/8, P(V ≤ 4) = 6/8, two-sided 2·3/8 = 0.75.
  const t = signRankTest([1, -2, 3]);
  assert.equal([t.v, t.pGreater, t.pLess, t.p], [4, 3 / 8, 6 / 8, 0.75]);
  // Ties: |d| = 1, 1, 2 → midranks 1.5, 1.5, 3; V = 1.5 + 3 = 4.5. Patterns:
  // 0, 1.5, 1.5, 3, 3, 4.5, 4.5, 6 → P(V ≥ 4.5) = 3/8. A zero is dropped.
  const u = signRankTest([1, -1, 2, 0]);
  assert.equal([u.v, u.n, u.zeros, u.ties, u.pGreater], [4.5, 3, 1, true, 3 / 8]);
});

// Critical values of T (reject when T ≤ value) from the standard table of the
// Wilcoxon signed-rank test, two-sided α = 0.05 and α = 0.01.
const CRIT_05: Record<number, number> = { 6: 0, 7: 2, 8: 3, 9: 5, 10: 8, 11: 10, 12: 13, 13: 17, 14: 21, 15: 25, 16: 29, 17: 34, 18: 40, 19: 46, 20: 52, 25: 89, 30: 137 };
const CRIT_01: Record<number, number> = { 8: 0, 9: 1, 10: 3, 11: 5, 12: 7, 13: 9, 14: 12, 15: 15, 16: 19, 17: 23, 18: 27, 19: 32, 20: 37, 25: 68, 30: 109 };

test('critical values match the published signed-rank table', () => {
  for (const [n, want] of Object.entries(CRIT_05)) assert.is(qsignrank(0.025, Number(n)) - 1, want, `n=${n} α=0.05`);
  for (const [n, want] of Object.entries(CRIT_01)) assert.is(qsignrank(0.005, Number(n)) - 1, want, `n=${n} α=0.01`);
});

test('psignrank: counts of subsets of 1..n with small sums', () => {
  // Subsets of {1..10} with sum ≤ 8: 1+1+1+2+2+3+4+5+6 = 25.
  assert.is(psignrank(8, 10), 25 / 1024);
  assert.is(psignrank(0, 16), 1 / 65536);
  // The distribution is symmetric about n(n+1)/4 and sums to 2^n.
  for (const n of [1, 5, 12, 40]) {
    const d = signRankDistribution(n);
    const c = d.counts;
    let sum = 0;
    for (let i = 0; i < c.length; i++) {
      sum += c[i]!;
      assert.is(c[i], c[c.length - 1 - i], `n=${n} symmetric at ${i}`);
    }
    assert.is(sum, 2 ** n);
  }
});

/** P-values by listing all 2^n sign patterns of the (mid)ranks. */
function bruteForce(d: number[]): { le: number; ge: number } {
  const nz = d.filter((x) => x !== 0);
  const n = nz.length;
  const abs = nz.map(Math.abs);
  const rank = abs.map((a) => {
    const below = abs.filter((b) => b < a).length;
    const same = abs.filter((b) => b === a).length;
    return below + (same + 1) / 2;
  });
  let v = 0;
  nz.forEach((x, i) => {
    if (x > 0) v += rank[i]!;
  });
  let le = 0;
  let ge = 0;
  for (let mask = 0; mask < 1 << n; mask++) {
    let s = 0;
    for (let i = 0; i < n; i++) if (mask & (1 << i)) s += rank[i]!;
    if (s <= v + 1e-9) le++;
    if (s >= v - 1e-9) ge++;
  }
  return { le: le / 2 ** n, ge: ge / 2 ** n };
}

test('exact p-values equal brute-force enumeration, with ties and zeros', () => {
  const r = rng(7);
  for (let trial = 0; trial < 300; trial++) {
    const n = 1 + r.int(13);
    // Coarse values force ties in |d| and zeros.
    const coarse = trial % 2 === 0;
    const d = Array.from({ length: n }, () => (coarse ? r.int(7) - 3 : r.normal() + 0.3));
    const t = signRankTest(d);
    const bf = bruteForce(d);
    const zeros = d.filter((x) => x === 0).length;
    assert.is(t.zeros, zeros);
    if (t.n === 0) {
      assert.is(t.p, 1);
      continue;
    }
    assert.ok(Math.abs(t.pLess - bf.le) < 1e-12, `trial ${trial}: less ${t.pLess} vs ${bf.le} for ${d}`);
    assert.ok(Math.abs(t.pGreater - bf.ge) < 1e-12, `trial ${trial}: greater ${t.pGreater} vs ${bf.ge} for ${d}`);
    assert.ok(Math.abs(t.p - Math.min(1, 2 * Math.min(bf.le, bf.ge))) < 1e-12, `trial ${trial}: two-sided`);
  }
});

test('smallest attainable p: 2/2^R two-sided, reached when every round moves one way', () => {
  for (const n of [5, 10, 16, 20]) {
    const up = Array.from({ length: n }, (_, i) => 0.01 * (i + 1));
    const t = signRankTest(up);
    assert.is(t.p, smallestP(n));
    assert.is(t.pGreater, smallestP(n, 'greater'));
    assert.is(t.p, 2 / 2 ** n);
  }
  // At R = 10 the smallest p (0.00195) cannot pass a Bonferroni level for 100 tests (0.0005).
  assert.ok(smallestP(10) > 0.05 / 100);
  assert.ok(smallestP(16) < 0.05 / 100);
});

test('beyond the exact range the normal approximation is used and agrees in the bulk', () => {
  const r = rng(3);
  const d = Array.from({ length: 260 }, () => r.normal() + 0.15);
  const t = signRankTest(d);
  assert.is(t.method, 'normal');
  assert.ok(t.p > 0 && t.p < 0.2, `p ${t.p}`);
  // The same data cut to 200 pairs: exact; both see the shift.
  const e = signRankTest(d.slice(0, 200));
  assert.is(e.method, 'exact');
  assert.ok(e.pGreater < 0.1, `exact p ${e.pGreater}`);
});

test('bad input is refused with a clear message', () => {
  assert.throws(() => signRankTest([0.1, NaN]), /difference 1 is NaN/);
  assert.throws(() => signRankDistribution(-1), /whole number/);
});

test.run();
