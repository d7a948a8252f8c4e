// Go's math.Log and math.Exp on amd64, bit for bit (values printed by Go).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { goLog, goExp, fma } from './gomath.ts';

const CASES: Array<['log' | 'exp', number, number]> = [
  ['log', 1e-300, -690.7755278982137],
  ['log', 5e-324, -709.0895657128241],
  ['log', 2.2250738585072014e-308, -708.3964185322641],
  ['log', 0.7071067811865476, -0.3465735902799726],
  ['log', 0.5, -0.6931471805599453],
  ['log', 1, 0],
  ['log', 2, 0.6931471805599453],
  ['log', 3.0699999999999994e-06, -12.693832996365169],
  ['log', 3.07e-06, -12.693832996365169],
  ['log', 1234.5678, 7.118476228297786],
  ['log', 1e+300, 690.7755278982137],
  ['log', 0.1, -2.3025850929940455],
  ['log', 0.9999999999999999, -1.1102230246251565e-16],
  ['log', 1.0000000000000002, 2.2204460492503128e-16],
  ['log', 1.23456789123e+08, 18.631401767164316],
  ['exp', -745.2, 0],
  ['exp', -745.1, 5e-324],
  ['exp', -708.5, 2.006132305331306e-308],
  ['exp', -700, 9.85967654375977e-305],
  ['exp', -20.5, 1.2501528663867426e-09],
  ['exp', -1e-10, 0.9999999999],
  ['exp', 0, 1],
  ['exp', 1e-10, 1.0000000001],
  ['exp', 0.5, 1.6487212707001282],
  ['exp', 1, 2.718281828459045],
  ['exp', -12.693743838, 3.0702737283834743e-06],
  ['exp', 2.302585092994046, 10.000000000000002],
  ['exp', 100, 2.6881171418161356e+43],
  ['exp', 700, 1.0142320547350045e+304],
  ['exp', 709.7, Infinity],
  ['exp', 709.78, Infinity],
  ['exp', 13.3, 597195.6137928166],
];

test('log and exp round as Go does, subnormals and overflow included', () => {
  for (const [f, x, want] of CASES) {
    const got = f === 'log' ? goLog(x) : goExp(x);
    assert.ok(Object.is(got, want), `${f}(${x}) = ${got}, Go gives ${want}`);
  }
});

test('fused multiply-add rounds once', () => {
  // 1 + 2^-53 is a tie that a separate multiply and add would round away.
  const e = 2 ** -27;
  assert.is(fma(1 + e, 1 - e, -1), -(2 ** -54));
  assert.is((1 + e) * (1 - e) - 1, 0);
  assert.is(fma(0.1, 10, -1), 5.551115123125783e-17);
});

test.run();
