// Noise floor, δ, unit direction and exactness, MDE and the rounds needed, by hand.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { noiseFloor, practicalThreshold, MIN_FLOOR_SESSIONS } from './threshold.ts';
import { minimumDetectableEffect, roundsNeeded, exactnessFloor, hlStandardError } from './power.ts';
import { betterDirection, isExactUnit } from './units.ts';
import { judgeExact } from './exact-units.ts';

test('noise floor: type-7 95th percentile of |estimate| over the last K', () => {
  // |x| = 0.001..0.020: (20 − 1)·0.95 = 18.05 → 0.019 + 0.05·0.001.
  const est = Array.from({ length: 20 }, (_, i) => (i % 2 ? -1 : 1) * (i + 1) / 1000);
  const f = noiseFloor(est)!;
  assert.ok(Math.abs(f.value - 0.01905) < 1e-15, `${f.value}`);
  assert.is(f.sessions, 20);
  // Only the last K count: older, larger estimates are forgotten.
  const f2 = noiseFloor([0.5, 0.5, ...est], 20)!;
  assert.is(f2.value, f.value);
  // K = 5 keeps 0.016..0.020: 4·0.95 = 3.8 → 0.019 + 0.8·0.001.
  assert.ok(Math.abs(noiseFloor(est, 5)!.value - 0.0198) < 1e-15);
  assert.is(noiseFloor(est.slice(0, MIN_FLOOR_SESSIONS - 1)), undefined);
  assert.throws(() => noiseFloor(est, 0), /K must be/);
});

test('δ = max(ln(1 + threshold), floor)', () => {
  const t = practicalThreshold(0.01);
  assert.is(t.value, Math.log1p(0.01));
  assert.is(t.source, 'threshold');
  assert.ok(Math.abs(t.relative - 0.01) < 1e-15);
  const f = practicalThreshold(0.01, { value: 0.03, sessions: 20, quantile: 0.95 });
  assert.is(f.value, 0.03);
  assert.is(f.source, 'noise-floor');
  assert.is(practicalThreshold(0.05, { value: 0.03, sessions: 20, quantile: 0.95 }).source, 'threshold');
  assert.throws(() => practicalThreshold(-0.1), /threshold/);
});

test('unit direction and exactness from the benchfmt defaults and metadata', () => {
  assert.is(betterDirection('sec/op'), 'lower');
  assert.is(betterDirection('B/s'), 'higher');
  assert.is(betterDirection('ops/s'), 'higher');
  assert.is(betterDirection('B/op'), 'lower');
  assert.is(betterDirection('frames/op', { better: 'higher' }), 'higher');
  assert.is(betterDirection('B/s', { better: 'lower' }), 'lower');
  assert.ok(isExactUnit('allocs/op'));
  assert.not.ok(isExactUnit('B/op'));
  assert.ok(isExactUnit('B/op', { assume: 'exact' }));
  assert.not.ok(isExactUnit('allocs/op', { assume: 'nothing' }));
  assert.not.ok(isExactUnit('sec/op'));
});

test('exact judgement: equal, different, separated, overlapping', () => {
  assert.is(judgeExact([2, 2], [2, 2], 'lower').outcome, 'no-change');
  assert.is(judgeExact([2, 2], [3, 3], 'lower').outcome, 'regression');
  assert.is(judgeExact([2, 2], [3, 3], 'higher').outcome, 'improvement');
  assert.is(judgeExact([2, 2.5], [3, 3.2], 'lower').outcome, 'regression');
  const o = judgeExact([2, 3], [2.5, 2.5], 'lower');
  assert.is(o.outcome, 'inconclusive');
  assert.match(o.reason, /not exact/);
  assert.is(judgeExact([null, undefined], [1], 'lower').outcome, 'inconclusive');
  assert.ok(Number.isNaN(judgeExact([0, 0], [1, 1], 'lower').change));
});

test('MDE and rounds needed follow the documented formula', () => {
  // The design guide's budget (80 % power at a 5 % change, α′ ≈ 0.0005, no δ):
  // σ = 3 % → (3.48 + 0.84)²·0.36·π/3 ≈ 7.0 → 8 rounds; 5 % → 20; 7 % → 39.
  const inp = (sd: number) => ({ sd, delta: 0, testAlpha: 0.0005 });
  assert.is(roundsNeeded(0.05, inp(0.03)), 12, 'the exactness floor: 2/2^R ≤ 0.0005 needs R ≥ 12');
  assert.is(exactnessFloor(0.0005), 12);
  assert.is(roundsNeeded(0.05, inp(0.05)), 20);
  assert.is(roundsNeeded(0.05, inp(0.07)), 39);
  // MDE at the rounds needed is at most the effect; one round fewer is above it.
  for (const sd of [0.02, 0.05, 0.07]) {
    const i = { sd, delta: 0.01, testAlpha: 0.0005 };
    const r = roundsNeeded(0.05, i);
    assert.ok(minimumDetectableEffect(r, i) <= 0.05 + 1e-12, `sd ${sd}`);
    if (r > exactnessFloor(0.0005)) assert.ok(minimumDetectableEffect(r - 1, i) > 0.05, `sd ${sd} r-1`);
  }
  assert.is(minimumDetectableEffect(10, inp(0.01)), Infinity);
  assert.is(roundsNeeded(0.01, { sd: 0.01, delta: 0.01, testAlpha: 0.05 }), Infinity);
  assert.ok(Math.abs(hlStandardError(0.03, 12) - 0.03 * Math.sqrt(Math.PI / 36)) < 1e-15);
});

test.run();
