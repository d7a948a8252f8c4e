// Verdicts on constructed comparisons whose right answer is known.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compareRows, type PairedInput } from './verdict.ts';
import { logRatios, describeSkipped } from './log-ratios.ts';
import { noiseFloor } from './threshold.ts';
import { rng } from './random.ts';
import { judgeCanary } from './canary.ts';

/** R rounds of base and head with multiplicative noise: common per round (shared) and per process. */
function rounds(seed: number, r: number, change: number, perProcess: number, common = 0): { base: number[]; head: number[] } {
  const g = rng(seed);
  const base: number[] = [];
  const head: number[] = [];
  for (let i = 0; i < r; i++) {
    const c = common * g.normal();
    base.push(100 * Math.exp(c + perProcess * g.normal()));
    head.push(100 * (1 + change) * Math.exp(c + perProcess * g.normal()));
  }
  return { base, head };
}

function input(benchmark: string, unit: string, s: { base: ReadonlyArray<number | null>; head: ReadonlyArray<number | null> }, extra: Partial<PairedInput> = {}): PairedInput {
  return { host: 'h1', benchmark, unit, base: s.base, head: s.head, ...extra };
}

test('a 10 % slowdown with 1 % noise is a regression; its CI holds the truth', () => {
  const [row] = compareRows([input('BenchmarkSlow', 'sec/op', rounds(1, 16, 0.1, 0.01, 0.03))]);
  assert.is(row!.verdict, 'regression');
  assert.ok(row!.ciLo! > 0.07 && row!.ciHi! < 0.13, `${row!.ciLo} ${row!.ciHi}`);
  assert.ok(row!.q! <= 0.05);
  assert.is(row!.paired!.rounds, 16);
  assert.is(row!.delta.source, 'threshold');
});

test('the same change in a higher-is-better unit is an improvement (B/s up)', () => {
  const [row] = compareRows([input('BenchmarkCopy', 'B/s', rounds(2, 16, 0.1, 0.01))]);
  assert.is(row!.better, 'higher');
  assert.is(row!.verdict, 'improvement');
  // And B/s down is a regression.
  const [down] = compareRows([input('BenchmarkCopy', 'B/s', rounds(2, 16, -0.1, 0.01))]);
  assert.is(down!.verdict, 'regression');
  // Metadata wins over the default.
  const [meta] = compareRows([input('BenchmarkX', 'widgets/op', rounds(2, 16, 0.1, 0.01), { meta: { better: 'higher' } })]);
  assert.is(meta!.verdict, 'improvement');
});

test('A/A with 0.3 % noise: no change (CI inside ±1 %)', () => {
  const [row] = compareRows([input('BenchmarkQuiet', 'sec/op', rounds(3, 16, 0, 0.003, 0.05))]);
  assert.is(row!.verdict, 'no-change');
  assert.ok(row!.ciLo! > -0.01 && row!.ciHi! < 0.01);
});

test('a noisy benchmark is inconclusive, with its MDE and the rounds needed', () => {
  const [row] = compareRows([input('BenchmarkNoisy', 'sec/op', rounds(4, 10, 0.02, 0.05))]);
  assert.is(row!.verdict, 'inconclusive');
  assert.ok(row!.mde! > 0.02, `mde ${row!.mde}`);
  assert.ok(row!.roundsNeeded! > 10, `rounds needed ${row!.roundsNeeded}`);
  assert.ok(row!.roundsTarget! >= 0.02);
  assert.match(row!.reason, /MDE/);
});

test('at R = 10 with 100 rows the MDE is unreachable (2/2^10 > 0.05/100)', () => {
  const inputs = Array.from({ length: 100 }, (_, i) => input(`B${i}`, 'sec/op', rounds(100 + i, 10, 0, 0.05)));
  const rows = compareRows(inputs);
  const inc = rows.filter((r) => r.verdict === 'inconclusive');
  assert.ok(inc.length > 0);
  for (const r of inc) assert.is(r.mde, Infinity);
  assert.ok(inc.every((r) => r.roundsNeeded! >= 12));
});

test('a noise floor above the threshold becomes δ and turns a small real change into no regression', () => {
  const floor = noiseFloor(Array.from({ length: 20 }, (_, i) => (i % 2 ? 1 : -1) * 0.004 * (i + 1)));
  assert.ok(floor && floor.value > 0.07);
  const data = rounds(5, 16, 0.05, 0.005);
  const [plain] = compareRows([input('B', 'sec/op', data)]);
  const [floored] = compareRows([input('B', 'sec/op', data, { floor })]);
  assert.is(plain!.verdict, 'regression');
  assert.is(floored!.delta.source, 'noise-floor');
  assert.is(floored!.verdict, 'no-change');
});

test('BH across the family: one strong change among 50 quiet rows keeps its verdict, q ≥ p', () => {
  const inputs = Array.from({ length: 50 }, (_, i) => input(`B${i}`, 'sec/op', rounds(200 + i, 16, i === 7 ? 0.08 : 0, 0.01)));
  const rows = compareRows(inputs);
  assert.is(rows[7]!.verdict, 'regression');
  for (const r of rows) assert.ok(r.q! >= r.p! - 1e-15);
  assert.is(rows.filter((r) => r.verdict === 'regression').length, 1);
});

test('exact units are judged by equality and stay out of the family', () => {
  const same = { base: [3, 3, 3, 3], head: [3, 3, 3, 3] };
  const more = { base: [3, 3, 3, 3], head: [4, 4, 4, 4] };
  const rows = compareRows([
    input('B', 'allocs/op', same),
    input('C', 'allocs/op', more),
    input('D', 'text-bytes', { base: [100, 100], head: [90, 90] }, { meta: { assume: 'exact' } }),
    input('E', 'sec/op', rounds(6, 16, 0.1, 0.01)),
  ]);
  assert.equal(rows.map((r) => r.verdict), ['no-change', 'regression', 'improvement', 'regression']);
  assert.ok(Math.abs(rows[1]!.change - 1 / 3) < 1e-15);
  assert.is(rows[1]!.q, undefined);
  assert.ok(rows[1]!.exact && !rows[3]!.exact);
  // The family has one member, so q = p for the paired row.
  assert.is(rows[3]!.q, rows[3]!.p);
});

test('rounds with a side missing are skipped and counted', () => {
  const lr = logRatios([100, null, 100, 100, 0], [110, 110, undefined, 121]);
  assert.equal(lr.rounds, [0, 3]);
  // Round 4 has base 0 and no head: missing, not invalid.
  assert.is(lr.missing, 3);
  assert.is(lr.invalid, 0);
  assert.is(lr.d[1], Math.log(1.21));
  assert.is(describeSkipped(lr), '3 rounds without both sides');
  assert.is(describeSkipped(logRatios([0, 1], [1, 1])), '1 round with a non-positive value');
  const [row] = compareRows([input('B', 'sec/op', { base: [null, null] as unknown as number[], head: [1, 2] })]);
  assert.is(row!.verdict, 'inconclusive');
  assert.match(row!.reason, /no round with both sides/);
});

test('identical B/op on both sides: d = 0 everywhere is no change, not an error', () => {
  const [row] = compareRows([input('B', 'B/op', { base: [64, 64, 64, 64, 64, 64], head: [64, 64, 64, 64, 64, 64] })]);
  assert.is(row!.exact, false);
  assert.is(row!.verdict, 'no-change');
  assert.is(row!.p, 1);
});

test('too few rounds for a 95 % interval never prove "no change"', () => {
  const quiet = { base: [100, 100, 100, 100, 100], head: [100.1, 99.9, 100.2, 100, 99.8] };
  const [row] = compareRows([input('B', 'sec/op', quiet)]);
  assert.is(row!.paired!.ciLevel, 1 - 2 / 32);
  assert.is(row!.verdict, 'inconclusive');
  assert.match(row!.reason, /5 rounds give only a 93\.8 % interval/);
  const [six] = compareRows([input('B', 'sec/op', { base: [...quiet.base, 100], head: [...quiet.head, 100.1] })]);
  assert.is(six!.verdict, 'no-change');
});

test('a canary arm that moves invalidates the session', () => {
  const calm = compareRows([input('A', 'sec/op', rounds(20, 16, 0, 0.002)), input('B', 'sec/op', rounds(21, 16, 0, 0.002))]);
  assert.equal(judgeCanary(calm), { invalid: false, moved: [] });
  const moved = compareRows([input('A', 'sec/op', rounds(22, 16, 0.04, 0.002)), input('B', 'sec/op', rounds(23, 16, 0, 0.002))]);
  const c = judgeCanary(moved);
  assert.ok(c.invalid);
  assert.match(c.reason!, /^canary \(base vs base\) moved \+4\.\d% on A sec\/op \(h1\)$/);
});

test('options are checked', () => {
  assert.throws(() => compareRows([], { alpha: 0 }), /alpha/);
  assert.throws(() => compareRows([], { threshold: -1 }), /threshold/);
  assert.equal(compareRows([]), []);
  const twice = input('B', 'sec/op', rounds(30, 6, 0, 0.01));
  assert.throws(() => compareRows([twice, twice]), /B sec\/op on h1 appears twice/);
});

test('zeros on both sides in every round (0 B/op) are no change; zeros that differ, or no shared round, stay inconclusive', () => {
  const zeros = new Array<number>(16).fill(0);
  const [same, differs, apart] = compareRows([
    input('BenchmarkNoAlloc', 'B/op', { base: zeros, head: zeros }),
    input('BenchmarkSometimes', 'B/op', { base: zeros, head: zeros.map((z, i) => (i === 3 ? 16 : z)) }),
    input('BenchmarkApart', 'B/op', { base: [0, null, 0], head: [null, 0, null] }),
  ]);
  assert.is(same!.verdict, 'no-change');
  assert.is(same!.reason, 'equal in every round');
  assert.is(same!.change, 0);
  assert.is(differs!.verdict, 'inconclusive');
  assert.is(apart!.verdict, 'inconclusive');
  assert.match(apart!.reason, /no round with both sides/);
});

test.run();
