// Hodges–Lehmann estimate and its interval: a published estimate, hand-counted
// orders, and the interval checked as the inversion of the exact test.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { hodgesLehmann, walshAverages, criticalOrder } from './hodges-lehmann.ts';
import { signRankTest, psignrank } from './signrank.ts';
import { rng } from './random.ts';
import published from './fixtures/published.json' with { type: 'json' };

const dep = published.depression;

test('depression example: estimate 0.46 (R prints "(pseudo)median 0.46")', () => {
  const d = dep.x.map((x, i) => x - dep.y[i]!);
  const hl = hodgesLehmann(d);
  assert.is(hl.estimate.toFixed(2), dep.estimate);
  // n = 9: qsignrank(0.025, 9) = 6, so the 95 % interval runs from the 6th to
  // the 40th of the 45 Walsh averages and achieves 1 − 2·P(V ≤ 5) = 1 − 20/512.
  assert.is(hl.ci.loOrder, 6);
  assert.is(hl.ci.hiOrder, 40);
  assert.is(hl.ci.level, 1 - 20 / 512);
  const w = walshAverages(d);
  assert.is(hl.ci.lo, w[5]);
  assert.is(hl.ci.hi, w[39]);
  assert.is(hl.ci.lo.toFixed(3), '0.010');
  assert.is(hl.ci.hi.toFixed(3), '0.786');
  // One-sided (alternative = "greater", conf.int = TRUE): qsignrank(0.05, 9) = 9,
  // the 9th Walsh average, 0.175, at level 1 − P(V ≤ 8) = 1 − 25/512.
  assert.is(hl.lower.loOrder, 9);
  assert.is(hl.lower.lo.toFixed(3), '0.175');
  assert.is(hl.lower.level, 1 - 25 / 512);
});

test('Walsh averages by hand for three values', () => {
  assert.equal(Array.from(walshAverages([1, 3, 8])), [1, 2, 3, 4.5, 5.5, 8]);
  assert.is(hodgesLehmann([1, 3, 8]).estimate, 3.75);
});

test('the interval is exactly the set of shifts the exact test does not reject', () => {
  const r = rng(11);
  for (let trial = 0; trial < 60; trial++) {
    const n = 6 + r.int(15);
    const d = Array.from({ length: n }, () => 0.02 * r.normal() + 0.01);
    const hl = hodgesLehmann(d, 0.95);
    const w = Array.from(walshAverages(d));
    const achieved = 1 - hl.ci.level;
    // Between consecutive Walsh averages d − θ has no ties and no zeros.
    for (let i = 0; i + 1 < w.length; i++) {
      if (w[i + 1]! - w[i]! < 1e-12) continue;
      const theta = (w[i]! + w[i + 1]!) / 2;
      const p = signRankTest(d.map((x) => x - theta)).p;
      const inside = theta > hl.ci.lo && theta < hl.ci.hi;
      assert.is(inside, p > achieved + 1e-12, `trial ${trial} n=${n} θ=${theta}: p ${p} achieved α ${achieved}`);
    }
  }
});

test('one-sided bounds at 95 % use the 5 % order', () => {
  const d = Array.from({ length: 16 }, (_, i) => (i - 5) / 100);
  const hl = hodgesLehmann(d);
  const { k } = criticalOrder(16, 0.05);
  // Table: n = 16, one-sided α = 0.05 critical T = 35, so k = 36.
  assert.is(k, 36);
  const w = walshAverages(d);
  assert.is(hl.lower.lo, w[k - 1]);
  assert.is(hl.upper.hi, w[w.length - k]);
  assert.is(hl.lower.level, 1 - psignrank(35, 16));
});

test('too few rounds for the level: the widest interval and the level it really has', () => {
  // n = 5: even V = 0 has probability 1/32 > 0.025, so no 95 % interval
  // exists; the range of the data is a 1 − 2/32 = 93.75 % interval.
  const hl = hodgesLehmann([0.1, 0.2, 0.3, 0.4, 0.5]);
  assert.is(hl.ci.lo, 0.1);
  assert.is(hl.ci.hi, 0.5);
  assert.is(hl.ci.level, 1 - 2 / 32);
  assert.throws(() => hodgesLehmann([]), /at least one/);
  assert.throws(() => hodgesLehmann([1], 1.5), /confidence/);
});

test.run();
