import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatGoV } from './gofloat.ts';

// Expected strings are what Go's fmt.Printf("%v\n", x) printed for each value.
const cases: Array<[number, string]> = [
  [0, '0'],
  [1, '1'],
  [1e6, '1e+06'],
  [123456, '123456'],
  [1234567, '1.234567e+06'],
  [100000, '100000'],
  [1e21, '1e+21'],
  [1e20, '1e+20'],
  [0.0001, '0.0001'],
  [0.00001, '1e-05'],
  [100 * 1e-9 /* float multiply, as when ns/op is tidied */, '1.0000000000000001e-07'],
  [52.31e6, '5.231e+07'],
  [3.5, '3.5'],
  [987.5, '987.5'],
  [1.234e-6, '1.234e-06'],
  [123456789, '1.23456789e+08'],
  [12345678901234567890, '1.2345678901234567e+19'],
  [-2.5e-5, '-2.5e-05'],
  [Infinity, '+Inf'],
  [NaN, 'NaN'],
];

test('formatGoV prints floats as Go %v does', () => {
  for (const [x, want] of cases) assert.is(formatGoV(x), want, `formatGoV(${x})`);
});

test.run();
