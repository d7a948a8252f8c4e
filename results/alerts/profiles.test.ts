// Which stored profiles belong to an alert: a real store, sessions and
// profile rows as compare and nightly write them.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Store } from '../store/store.ts';
import { alertProfileSets, type AlertKey } from './profiles.ts';

const work = mkdtempSync(join(tmpdir(), 'metalbench-alert-profile-sets-'));
test.after(() => rmSync(work, { recursive: true, force: true }));

const GOOD = 'a'.repeat(40);
const BAD = 'b'.repeat(40);
const OTHER = 'c'.repeat(40);

function session(store: Store, base: string, head: string): number {
  const run = store.createRun({ kind: 'compare', trigger: 'nightly-confirm', revision: head });
  store.db
    .prepare(
      `INSERT INTO compare_sessions (run_id, role, parent_run_id, base_ref, head_ref, base_sha, head_sha, head_worktree, is_aa, rounds, seed, plan_json)
       VALUES (?, 'screen', NULL, ?, ?, ?, ?, 0, 0, 10, 's', '{}')`,
    )
    .run(run, base, head, base, head);
  return run;
}

function profile(store: Store, run: number, host: string, benchmark: string, side: string, kind: string, status = 'ok'): void {
  store.db
    .prepare(
      `INSERT INTO profiles (run_id, host, suite, side, benchmark, kind, status, sha256, binary_sha256, created_at)
       VALUES (?, ?, 'calibration', ?, ?, ?, ?, ?, ?, '2026-01-01T00:00:00Z')`,
    )
    .run(run, host, side, benchmark, kind, status, status === 'ok' ? 'd'.repeat(64) : null, 'e'.repeat(64));
}

const alert = (o: Partial<AlertKey> = {}): AlertKey => ({ id: 1, host: 'box', benchmark: 'Spin', last_good: GOOD, first_bad: BAD, ...o });

test("an alert's profiles: same range, host and benchmark; the newest session; kinds with both sides", () => {
  const store = new Store(join(work, 'sets.db'));
  try {
    const older = session(store, GOOD, BAD);
    for (const side of ['base', 'head']) profile(store, older, 'box', 'Spin-2', side, 'cpu');
    const newer = session(store, GOOD, BAD);
    for (const side of ['base', 'head']) {
      profile(store, newer, 'box', 'Spin-2', side, 'cpu');
      profile(store, newer, 'box', 'Spin-2', side, 'gc');
      // Another host and another benchmark of the same session are not the alert's.
      profile(store, newer, 'other-box', 'Spin-2', side, 'cpu');
      profile(store, newer, 'box', 'SpinFast-2', side, 'cpu');
    }
    // alloc has only a head side that worked: it cannot be diffed.
    profile(store, newer, 'box', 'Spin-2', 'base', 'alloc', 'failed');
    profile(store, newer, 'box', 'Spin-2', 'head', 'alloc');
    // A session of another range is never the alert's.
    const unrelated = session(store, GOOD, OTHER);
    for (const side of ['base', 'head']) profile(store, unrelated, 'box', 'Spin-2', side, 'cpu');

    const sets = alertProfileSets(store.db, [alert(), alert({ id: 2, host: 'box (absolute, cpus 2-3)' }), alert({ id: 3, first_bad: OTHER, benchmark: 'SpinFast' }), alert({ id: 4, last_good: null })]);
    assert.equal(sets.get(1), [{ run: newer, host: 'box', benchmark: 'Spin-2', kinds: ['cpu', 'gc'] }]);
    // A host label with its pinning after the name is the same host.
    assert.equal(sets.get(2), sets.get(1));
    assert.is(sets.has(3), false, 'no profiles of SpinFast in that range');
    assert.is(sets.has(4), false, 'an alert without a range has none');
  } finally {
    store.close();
  }
});

test('a store without profiles gives no sets', () => {
  const store = new Store(join(work, 'empty.db'));
  try {
    assert.equal(alertProfileSets(store.db, [alert()]).size, 0);
  } finally {
    store.close();
  }
});

test.run();
