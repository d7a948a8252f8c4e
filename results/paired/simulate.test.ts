// The simulation's sources and rules behave as documented (small, seeded runs).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { sampleStandardDeviation, mean } from 'simple-statistics';
import { syntheticSource, resampledSource, falseAlarms, power, benchstatFlags, asvFlags, type AaSession } from './simulate.ts';
import { rng } from './random.ts';

test('synthetic interleaved rounds: the log ratio has the requested SD; round common mode cancels', () => {
  const src = syntheticSource({ sd: [0.02], roundCommon: 0.05, processCommon: 0, drift: 0 });
  const s = src.session(rng(1), [0], 4000);
  const d = s.base[0]!.map((b, r) => Math.log(s.head[0]![r]! / b));
  const sd = sampleStandardDeviation(d);
  assert.ok(Math.abs(sd - 0.02) < 0.001, `sd ${sd}`);
  // Each side alone carries the 5 % common mode.
  assert.ok(sampleStandardDeviation(s.base[0]!.map(Math.log)) > 0.045);
});

test('outliers slow the configured share of samples; a clean model replays the same stream', () => {
  const clean = syntheticSource({ sd: [0.01], roundCommon: 0, processCommon: 0, drift: 0 });
  const dirty = syntheticSource({ sd: [0.01], roundCommon: 0, processCommon: 0, drift: 0, outliers: { rate: 0.1, scale: 0.2 } });
  const s = dirty.session(rng(12), [0], 2000);
  const all = [...s.base[0]!, ...s.head[0]!];
  const slow = all.filter((x) => Math.log(x) > 0.1).length / all.length;
  assert.ok(slow > 0.08 && slow < 0.12, `outlier share ${slow}`);
  assert.equal(clean.session(rng(13), [0], 5), syntheticSource({ sd: [0.01], roundCommon: 0, processCommon: 0, drift: 0 }).session(rng(13), [0], 5));
  assert.match(dirty.describe, /10% outliers/);
  assert.throws(() => syntheticSource({ sd: [0.01], roundCommon: 0, processCommon: 0, drift: 0, outliers: { rate: 1, scale: 0.1 } }), /outliers/);
});

test('synthetic sequential layout: one offset per side that samples do not average out', () => {
  const src = syntheticSource({ sd: [0.02], processShare: 0.5, roundCommon: 0, processCommon: 0, drift: 0 });
  const g = rng(2);
  // b = √(0.5·0.02²/2) = 1 %; the side means differ by b·(e1 − e2) plus
  // averaged sample noise: SD √(2·0.01² + 2·0.01²/50) = 1.43 %, whatever R.
  const diffs = Array.from({ length: 600 }, () => {
    const s = src.sequential!(g, [0], 50);
    return mean(s.head[0]!.map(Math.log)) - mean(s.base[0]!.map(Math.log));
  });
  const sd = sampleStandardDeviation(diffs);
  assert.ok(sd > 0.013 && sd < 0.0156, `sd of side means ${sd}`);
});

const stored: AaSession[] = [
  { benchmarks: [{ name: 'A', base: [1, 2, 3], head: [1.1, 2.1, 3.1] }, { name: 'B', base: [10, 20, 30], head: [10.5, 20.5, 30.5] }] },
  { benchmarks: [{ name: 'A', base: [4, 5], head: [4.1, 5.1] }] },
];

test('resampling keeps each stored round pair (maybe swapped) and one round index across benchmarks', () => {
  const src = resampledSource(stored);
  const g = rng(3);
  for (let t = 0; t < 50; t++) {
    const s = src.session(g, [0, 1], 6);
    for (let r = 0; r < 6; r++) {
      const pairA = [s.base[0]![r]!, s.head[0]![r]!].sort((a, b) => a - b);
      const pairB = [s.base[1]![r]!, s.head[1]![r]!].sort((a, b) => a - b);
      const kB = [10, 20, 30].indexOf(pairB[0]!);
      assert.ok(kB >= 0, 'B comes from session 0, the only one holding it');
      assert.is(pairB[1], pairB[0]! + 0.5);
      if (pairA[0]! >= 4) {
        // This comparison drew session 1 for A: a stored pair of it.
        assert.ok([4, 5].includes(pairA[0]!) && pairA[1] === pairA[0]! + 0.1);
        continue;
      }
      // A from session 0 as well: the same round index and the same swap as B.
      assert.equal(pairA, [[1, 1.1], [2, 2.1], [3, 3.1]][kB]);
      assert.is(s.base[0]![r]! > s.head[0]![r]!, s.base[1]![r]! > s.head[1]![r]!);
    }
  }
  assert.equal(src.pick(g, 2).sort(), [0, 1]);
  assert.is(src.sequential, undefined);
  assert.throws(() => resampledSource([]), /at least one/);
  assert.throws(() => resampledSource([{ benchmarks: [{ name: 'X', base: [1, 2], head: [1] }] }]), /X: base and head/);
  assert.throws(() => resampledSource([{ benchmarks: [{ name: 'X', base: [1, 0], head: [1, 1] }] }]), /positive/);
});

test('rules on hand-made sessions: benchstat flags a clean shift, asv needs 10 %', () => {
  const base = [[1, 1.01, 0.99, 1.02, 0.98, 1.0, 1.01, 0.99]];
  const up5 = [base[0]!.map((x) => x * 1.05)];
  const up20 = [base[0]!.map((x) => x * 1.2)];
  assert.equal(benchstatFlags({ base, head: up5 }), { worse: [0], better: [] });
  assert.equal(asvFlags({ base, head: up5 }), { worse: [], better: [] });
  // 8 vs 8 fully separated: MWU p = 2/12870 = 0.000155 < 0.002 and ratio 1.2.
  assert.equal(asvFlags({ base, head: up20 }), { worse: [0], better: [] });
  assert.equal(benchstatFlags({ base: up5, head: base }), { worse: [], better: [0] });
});

test('A/A: confirmation keeps metalbench at or below its screening; benchstat on sequential data alarms often', () => {
  const src = syntheticSource({ sd: [0.01, 0.02], roundCommon: 0.03, processCommon: 0.005, drift: 0.02 });
  const r = falseAlarms(src, rng(4), { m: 20, rounds: 16, trials: 40, seed: 4 });
  assert.ok(r.regression.metalbench.count <= r.regression.metalbenchScreen.count);
  assert.ok(r.regression.metalbench.rate <= 0.05, `metalbench ${r.regression.metalbench.rate}`);
  assert.ok(r.regression.benchstatSequential!.rate > 0.3, `benchstat sequential ${r.regression.benchstatSequential!.rate}`);
  assert.is(r.regression.metalbench.trials, 40);
});

test('resampled real A/A rounds run through every rule; no sequential column without a model', () => {
  const g = rng(9);
  const sessions: AaSession[] = Array.from({ length: 3 }, () => ({
    benchmarks: Array.from({ length: 5 }, (_, i) => {
      const base: number[] = [];
      const head: number[] = [];
      for (let r = 0; r < 16; r++) {
        const c = 0.03 * g.normal();
        base.push(1000 * (i + 1) * Math.exp(c + 0.01 * g.normal()));
        head.push(1000 * (i + 1) * Math.exp(c + 0.01 * g.normal()));
      }
      return { name: `B${i}`, base, head };
    }),
  }));
  const src = resampledSource(sessions);
  const r = falseAlarms(src, rng(10), { m: 20, rounds: 16, trials: 20, seed: 10 });
  assert.is(r.regression.benchstatSequential, undefined);
  assert.ok(r.regression.metalbench.rate <= r.regression.metalbenchScreen.rate);
  assert.ok(r.regression.metalbenchNoDelta.rate <= 0.1, `no-δ ${r.regression.metalbenchNoDelta.rate}`);
  const p = power(src, rng(11), 0.2, { m: 5, rounds: 16, trials: 10, seed: 11 });
  assert.is(p.metalbench.rate, 1);
});

test('power: a 10 % slowdown at 1 % SD is always confirmed; nothing is confirmed at 0 %', () => {
  const src = syntheticSource({ sd: [0.01], roundCommon: 0.03, processCommon: 0.005, drift: 0.02 });
  const hit = power(src, rng(5), 0.1, { m: 20, rounds: 16, trials: 15, seed: 5 });
  assert.is(hit.metalbench.rate, 1);
  const none = power(src, rng(6), 0, { m: 20, rounds: 16, trials: 15, seed: 6 });
  assert.is(none.metalbench.count, 0);
});

test.run();
