import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { verdictText } from './format.ts';
import { verdictOf } from './verdict.ts';

const around = (m: number) => [0.98, 0.99, 0.995, 1, 1, 1.005, 1.01, 1.02, 0.97, 1.03].map((f) => f * m).sort((a, b) => a - b);

test('a step between two runs is significant, with its size; noise is not', () => {
  const step = verdictOf({ vals: around(100), median: 100, fingerprint: 'a' }, { vals: around(140), median: 140, fingerprint: 'a' })!;
  assert.ok(step.significant);
  assert.ok(Math.abs(step.change - 0.4) < 1e-12);
  assert.ok(step.p < 0.001);
  // With its q-value (after the correction across series) the verdict has a direction; without, the test alone.
  assert.is(verdictText('sec/op', step, 0.002), '+40% slower (p=1e-5, q=0.002, n=10+10)');
  assert.is(verdictText('B/s', step, 0.002), '+40% better (p=1e-5, q=0.002, n=10+10)');
  assert.is(verdictText('sec/op', step, 0.2), '~ no significant change (+40%, p=1e-5, q=0.200, n=10+10)');
  assert.is(verdictText('sec/op', step), '+40% (U test p=1e-5, n=10+10)');
  const same = verdictOf({ vals: around(100), median: 100, fingerprint: 'a' }, { vals: around(100.2), median: 100.2, fingerprint: 'a' })!;
  assert.not.ok(same.significant);
  assert.match(verdictText('sec/op', same), /^~ \+0\.2% \(U test p=0\.\d+, n=10\+10\)$/);
});

test('no verdict across an environment change, without a previous point, or with too few samples', () => {
  assert.is(verdictOf({ vals: around(100), median: 100, fingerprint: 'a' }, { vals: around(140), median: 140, fingerprint: 'b' }), null);
  assert.is(verdictOf(undefined, { vals: around(100), median: 100, fingerprint: 'a' }), null);
  const few = verdictOf({ vals: [1, 2], median: 1.5, fingerprint: null }, { vals: [3, 4], median: 3.5, fingerprint: null })!;
  assert.not.ok(few.significant);
  assert.match(verdictText('sec/op', few), /^no verdict \(need >= \d samples/);
  const zeros = verdictOf({ vals: [0, 0, 0], median: 0, fingerprint: null }, { vals: [0, 0, 0], median: 0, fingerprint: null })!;
  assert.is(zeros.change, 0);
  assert.is(verdictText('B/op', zeros), 'no verdict (all samples are equal)');
});

test.run();
