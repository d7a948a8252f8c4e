import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compareUnits, displayUnit, formatChange, formatValue } from './units.ts';

test('time is shown in the largest unit that keeps values at or above 1', () => {
  assert.equal(displayUnit('sec/op', 120e-9), { factor: 1e-9, label: 'ns/op' });
  assert.equal(displayUnit('sec/op', 1.5e-6), { factor: 1e-6, label: 'µs/op' });
  assert.equal(displayUnit('sec/op', 0.25), { factor: 1e-3, label: 'ms/op' });
  assert.equal(displayUnit('sec/op', 42), { factor: 1, label: 's/op' });
  assert.equal(displayUnit('sec/op', 0.5e-9), { factor: 1e-9, label: 'ns/op' });
  assert.equal(displayUnit('sec/key', 3e-6), { factor: 1e-6, label: 'µs/key' });
});

test('memory per op is binary, throughput decimal, other units unscaled', () => {
  assert.equal(displayUnit('B/op', 3072), { factor: 1024, label: 'KiB/op' });
  assert.equal(displayUnit('B/op', 100), { factor: 1, label: 'B/op' });
  assert.equal(displayUnit('B/s', 507.5e6), { factor: 1e6, label: 'MB/s' });
  assert.equal(displayUnit('allocs/op', 1e6), { factor: 1, label: 'allocs/op' });
  assert.equal(displayUnit('ms/op', 1.7), { factor: 1, label: 'ms/op' });
  assert.equal(displayUnit('sec/op', Number.NaN), { factor: 1e-9, label: 'ns/op' });
});

test('values and changes read plainly', () => {
  assert.is(formatValue(1.2345678e-6, displayUnit('sec/op', 1.2345678e-6)), '1.235 µs/op');
  assert.is(formatValue(123456, displayUnit('allocs/op', 123456)), '123,456 allocs/op');
  assert.is(formatValue(0, displayUnit('B/op', 0)), '0 B/op');
  assert.is(formatChange(120 / 110 - 1), '+9.1%');
  assert.is(formatChange(-0.25), '-25%');
  assert.is(formatChange(0), '0.0%');
  assert.is(formatChange(1e-9), '0.0%');
  assert.is(formatChange(null), '~');
});

test('units in benchstat order: time, memory, allocations, then by name', () => {
  assert.equal(['B/s', 'allocs/op', 'sec/op', 'B/op', 'ms/op'].sort(compareUnits), ['sec/op', 'B/op', 'allocs/op', 'B/s', 'ms/op']);
});

test.run();
