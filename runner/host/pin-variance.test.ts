import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cv } from './pin-variance.ts';

test('coefficient of variation uses the sample standard deviation', () => {
  assert.is(cv([5, 5, 5]), 0);
  assert.ok(Math.abs(cv([1, 3]) - Math.SQRT2 / 2) < 1e-12);
  assert.ok(Math.abs(cv([2, 4, 4, 4, 5, 5, 7, 9]) - 2.138089935 / 5) < 1e-9);
});

test.run();
