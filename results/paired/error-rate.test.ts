import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { aaRecord, aaRecordLine, binomialCdf, rateUpperBound } from './error-rate.ts';

test('binomial CDF: exact small cases and its sum to one', () => {
  assert.ok(Math.abs(binomialCdf(0, 3, 0.5) - 1 / 8) < 1e-15);
  assert.ok(Math.abs(binomialCdf(1, 3, 0.5) - 4 / 8) < 1e-15);
  assert.ok(Math.abs(binomialCdf(2, 4, 0.25) - (81 + 108 + 54) / 256) < 1e-15);
  assert.is(binomialCdf(5, 5, 0.3), 1);
});

test('upper bound: none in n has the closed form 1 − 0.05^(1/n); otherwise the CDF at the bound is the 5 % tail', () => {
  for (const n of [1, 5, 20, 200, 2000]) assert.ok(Math.abs(rateUpperBound(0, n) - (1 - 0.05 ** (1 / n))) < 1e-12, String(n));
  assert.ok(Math.abs(rateUpperBound(0, 200) - 0.01487) < 1e-4); // the "rule of three": about 3/n
  for (const [x, n] of [[1, 20], [3, 50], [10, 400]] as const) {
    const u = rateUpperBound(x, n);
    assert.ok(u > x / n);
    assert.ok(Math.abs(binomialCdf(x, n, u) - 0.05) < 1e-9, `${x}/${n}: ${u}`);
  }
  assert.is(rateUpperBound(4, 4), 1);
  assert.throws(() => rateUpperBound(3, 2), /not a count/);
});

test('the A/A record counts confirmed comparisons apart from screenings without confirmation, and says so', () => {
  const r = aaRecord([
    { screened: 0, confirmed: 0 },
    { screened: 1, confirmed: 0 },
    { screened: 1, confirmed: 1 },
    { screened: 1, confirmed: null },
    { screened: 0, confirmed: null },
  ]);
  assert.equal({ ...r, upper: undefined }, { comparisons: 3, falseAlarms: 1, upper: undefined, screenings: 5, screenedAlarms: 3 });
  assert.match(aaRecordLine(r), /^false-alarm rate here: 1 of 3 A\/A comparisons of this protocol confirmed a regression \(33 %; at most \d+ % at 95 % confidence\)$/);
  assert.match(aaRecordLine(aaRecord([{ screened: 2, confirmed: null }])), /not measured yet \(1 A\/A screening without confirmation: 1 raised a candidate\)/);
  assert.match(aaRecordLine(aaRecord(new Array(200).fill({ screened: 0, confirmed: 0 }))), /0 of 200 .* \(0\.0 %; at most 1\.5 % at 95 % confidence\)/);
});

test.run();
