import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bestSplit, splitScores } from './edivisive.ts';
import { blockLength, permutationTest, residualLag1, seedOf } from './permutation.ts';
import { detectNight } from './detector.ts';
import { rng } from '../paired/random.ts';

/** Q(τ) straight from its definition, every pair summed anew. */
function bruteForce(x: number[], tau: number): number {
  const l = x.slice(0, tau);
  const r = x.slice(tau);
  let between = 0;
  for (const a of l) for (const b of r) between += Math.abs(a - b);
  const within = (s: number[]) => {
    let t = 0;
    for (let i = 0; i < s.length; i++) for (let j = i + 1; j < s.length; j++) t += Math.abs(s[i]! - s[j]!);
    return t / ((s.length * (s.length - 1)) / 2);
  };
  const n = x.length;
  return ((l.length * r.length) / n) * ((2 * between) / (l.length * r.length) - within(l) - within(r));
}

test('split scores: a hand-computed value', () => {
  // τ = 2 of [0, 0, 1, 1]: every between-pair differs by 1, none within: Q = (2·2/4)·(2·4/4) = 2.
  assert.is(splitScores([0, 0, 1, 1], 2)[2], 2);
  // τ = 2 of [0, 1, 0, 1]: between mean 0.5, within 1 each side: Q = 1·(1 − 1 − 1) = −1.
  assert.is(splitScores([0, 1, 0, 1], 2)[2], -1);
});

test('split scores equal the definition on small series, every admissible split', () => {
  const r = rng(7);
  for (let trial = 0; trial < 20; trial++) {
    const n = 8 + r.int(10);
    const x = Array.from({ length: n }, () => Math.round(r.normal() * 100) / 10);
    const q = splitScores(x, 3);
    for (let t = 0; t <= n; t++) {
      if (t < 3 || t > n - 3) assert.ok(Number.isNaN(q[t]!), `τ=${t} is not admissible`);
      else assert.ok(Math.abs(q[t]! - bruteForce(x, t)) < 1e-9, `τ=${t} of ${x.join(',')}: ${q[t]} vs ${bruteForce(x, t)}`);
    }
  }
});

test('best split: a clean step is split where it is; too short a series has no split', () => {
  assert.equal(bestSplit([1, 1.1, 0.9, 1, 5, 5.1, 4.9, 5], 4)?.tau, 4);
  assert.is(bestSplit([1, 2, 3, 4, 5, 6, 7], 4), undefined);
});

test('permutation test: p = (k+1)/(B+1), a clear step reaches the last stage with k = 0, reruns are identical', () => {
  const r = rng(3);
  const x = Array.from({ length: 30 }, (_, i) => (i >= 15 ? 1 : 0) + 0.05 * r.normal());
  const best = bestSplit(x, 4)!;
  const a = permutationTest(x, { alpha: 0.01, seed: seedOf('s'), minSeg: 4, tau: best.tau, score: best.score });
  assert.is(a.exceed, 0);
  assert.is(a.permutations, 4999);
  assert.is(a.p, 1 / 5000);
  assert.equal(permutationTest(x, { alpha: 0.01, seed: seedOf('s'), minSeg: 4, tau: best.tau, score: best.score }), a);
});

test('permutation test: noise stops after the first 199 permutations with a large p', () => {
  const r = rng(4);
  const x = Array.from({ length: 30 }, () => r.normal());
  const best = bestSplit(x, 4)!;
  const t = permutationTest(x, { alpha: 0.01, seed: 1, minSeg: 4, tau: best.tau, score: best.score });
  assert.is(t.permutations, 199);
  assert.ok(t.p > 0.03, `p = ${t.p}`);
  assert.is(t.p, (t.exceed + 1) / 200);
});

test('autocorrelated noise is shuffled in blocks; white noise point by point', () => {
  const r = rng(5);
  let e = 0;
  const ar = Array.from({ length: 60 }, () => (e = 0.8 * e + r.normal()));
  const rho = residualLag1(ar, 30);
  assert.ok(rho > 0.5, `ρ = ${rho}`);
  assert.ok(blockLength(rho, 60) >= 2);
  assert.is(blockLength(residualLag1(Array.from({ length: 60 }, () => r.normal()), 30), 60), 1);
});

test('detector: a step is pending on its first night, confirmed once it has stood two nights with 5 points behind', () => {
  const r = rng(9);
  const x = Array.from({ length: 30 }, (_, i) => (i >= 20 ? 0.05 : 0) + 0.01 * r.normal());
  const fresh = detectNight([{ id: 's', values: x.slice(0, 25), start: 0 }]);
  assert.is(fresh.length, 1);
  assert.is(fresh[0]!.status, 'pending');
  assert.is(fresh[0]!.index, 20);
  const later = detectNight([{ id: 's', values: x.slice(0, 26), start: 0, pending: { index: 20, nights: 1 } }]);
  assert.is(later[0]!.nights, 2);
  assert.is(later[0]!.status, 'confirmed');
  assert.is(later[0]!.index, 20);
  // Without the night before, the same data is still only pending.
  assert.is(detectNight([{ id: 's', values: x.slice(0, 26), start: 0 }])[0]!.status, 'pending');
});

test('detector: a latest-point outlier is never a candidate, however large', () => {
  const r = rng(11);
  for (let trial = 0; trial < 30; trial++) {
    const x = Array.from({ length: 40 }, () => 0.02 * r.normal());
    x[39] = 0.5;
    for (const c of detectNight([{ id: `t${trial}`, values: x, start: 0, pending: { index: 39, nights: 5 } }])) assert.is.not(c.status, 'confirmed');
  }
});

test('detector: Benjamini–Hochberg across the night decides, not each p alone', () => {
  const r = rng(12);
  const step = Array.from({ length: 30 }, (_, i) => (i >= 15 ? 0.05 : 0) + 0.01 * r.normal());
  const night = detectNight([{ id: 'a', values: step, start: 0, pending: { index: 15, nights: 1 } }], { q: 0.01 });
  assert.is(night[0]!.status, 'confirmed');
  assert.is(night[0]!.q, night[0]!.test.p);
  // The same p among 60 candidates that are pure noise above the floor: q grows with the family.
  const noisy = Array.from({ length: 60 }, (_, k) => ({ id: `n${k}`, values: Array.from({ length: 30 }, () => 0.05 * r.normal()), start: 0 }));
  const crowd = detectNight([{ id: 'a', values: step, start: 0, pending: { index: 15, nights: 1 } }, ...noisy], { q: 0.01 });
  const a = crowd.find((c) => c.id === 'a')!;
  assert.ok(crowd.length > 10);
  assert.ok(a.q > a.test.p, `q ${a.q} vs p ${a.test.p}`);
});

test.run();
