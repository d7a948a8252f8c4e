import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { sessionLinks } from './compare-links.ts';
import { profilePageName } from './profiles.ts';
import type { CompareRow, CompareSession } from './sources/comparisons.ts';

const row = (host: string, benchmark: string, verdict: string): CompareRow => ({
  host,
  fingerprint: 'f',
  pin: 'none',
  benchmark,
  unit: 'sec/op',
  pairs: 8,
  estimate: 0.1,
  ciLow: 0.05,
  ciHigh: 0.15,
  p: 0.01,
  q: 0.01,
  delta: 0.01,
  mde: 0.02,
  verdict,
});
const session = (runId: number, parentRunId: number | null, results: CompareRow[]): CompareSession => ({
  runId,
  role: parentRunId === null ? 'screen' : 'confirm',
  parentRunId,
  baseRef: 'main',
  headRef: 'pr',
  baseSha: 'a',
  headSha: 'b',
  headWorktree: false,
  isAa: false,
  rounds: 8,
  startedAt: '2026-01-01T00:00:00Z',
  status: 'ok',
  specPath: 's.yaml',
  specName: 's',
  results,
});

// Screening 1 on hosts a and b; its regression on a was confirmed on c (same class), in session 2.
const screen = session(1, null, [row('a', 'Spin', 'regression'), row('b', 'Spin', 'no change'), row('a', 'Chase', 'no change')]);
const confirm = session(2, 1, [row('c', 'Spin', 'regression')]);
const other = session(3, null, [row('a', 'Spin', 'no change')]);
const all = [screen, confirm, other];
const profiled = [
  { runId: 2, host: 'c', benchmark: 'Spin' },
  { runId: 1, host: 'b', benchmark: 'Spin' },
  // Another comparison's profile of the same benchmark and host: not this one's.
  { runId: 3, host: 'a', benchmark: 'Spin' },
];

test('a screening session links its confirmation, and each row the profiles of its benchmark on its host or on the host that re-measured it', () => {
  const l = sessionLinks(screen, all, profiled);
  assert.is(l.screening, null);
  assert.equal(l.confirmations.map((c) => c.runId), [2]);
  assert.equal(l.profiles.get('Spin\0a'), [{ runId: 2, host: 'c', page: profilePageName(2, 'c', 'Spin') }]);
  assert.equal(l.profiles.get('Spin\0b'), [
    { runId: 1, host: 'b', page: profilePageName(1, 'b', 'Spin') },
    { runId: 2, host: 'c', page: profilePageName(2, 'c', 'Spin') },
  ]);
  assert.is(l.profiles.get('Chase\0a'), undefined);
});

test('a confirmation links back to its screening and to the profiles it stored', () => {
  const l = sessionLinks(confirm, all, profiled);
  assert.is(l.screening?.runId, 1);
  assert.equal(l.confirmations, []);
  // Host b was measured by the screening only: its profile is not one of host c's.
  assert.equal(l.profiles.get('Spin\0c'), [{ runId: 2, host: 'c', page: profilePageName(2, 'c', 'Spin') }]);
});

test('an unrelated session sees only its own profiles', () => {
  assert.equal([...sessionLinks(other, all, profiled).profiles], [['Spin\0a', [{ runId: 3, host: 'a', page: profilePageName(3, 'a', 'Spin') }]]]);
});

test.run();
