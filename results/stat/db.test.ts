// `--db PATH --run ID`: the same output as exporting the runs and running stat on the files.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runStat as stat, TESTDATA } from './test-harness.ts';
import { Store } from '../store/store.ts';
import { importFiles } from '../store/import.ts';
import { exportBenchfmt } from '../store/export.ts';

test('stored runs compare like their exported files', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stat-db-'));
  try {
    const store = new Store(join(dir, 'm.db'));
    const a = importFiles(store, [join(TESTDATA, 'crc-old.txt')]).runId;
    const b = importFiles(store, [join(TESTDATA, 'crc-new.txt')]).runId;
    writeFileSync(join(dir, `run${a}`), exportBenchfmt(store.db, { runIds: [a] }));
    writeFileSync(join(dir, `run${b}`), exportBenchfmt(store.db, { runIds: [b] }));
    store.db.close();
    const fromDb = await stat(['-ignore', 'note', '--db', 'm.db', '--run', String(a), '--run', String(b)], dir);
    const fromFiles = await stat(['-ignore', 'note', `run${a}`, `run${b}`], dir);
    assert.is(fromDb.code, 0);
    assert.is(fromDb.stderr, '');
    assert.ok(fromDb.stdout.includes('vs base'));
    assert.is(fromDb.stdout, fromFiles.stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('runs stored as variants (base, head) are labelled by them', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stat-db-'));
  try {
    const store = new Store(join(dir, 'm.db'));
    const a = importFiles(store, [join(TESTDATA, 'old.txt')], { variant: 'base' }).runId;
    const b = importFiles(store, [join(TESTDATA, 'new.txt')], { variant: 'head' }).runId;
    store.db.close();
    const r = await stat(['--db', 'm.db', '--run', String(a), '--run', String(b)], dir);
    assert.is(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`│ +run${a}:base +│ +run${b}:head +│`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a compare session (both sides in one run, each job marked base or head) gives two columns, as its sides exported apart would', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stat-db-'));
  try {
    const store = new Store(join(dir, 'm.db'));
    const a = importFiles(store, [join(TESTDATA, 'old.txt')]).runId;
    const b = importFiles(store, [join(TESTDATA, 'new.txt')]).runId;
    writeFileSync(join(dir, 'base.txt'), exportBenchfmt(store.db, { runIds: [a] }));
    writeFileSync(join(dir, 'head.txt'), exportBenchfmt(store.db, { runIds: [b] }));
    // One session holding both: the samples of a as its base job's, those of b as its head job's.
    const c = store.createRun({ kind: 'compare' });
    const job = (seq: number, side: string) => {
      const id = store.addJob({ runId: c, seq, suite: 's', host: 'local', bench: '.', params: {} });
      store.db.prepare('UPDATE jobs SET side = ? WHERE id = ?').run(side, id);
      return id;
    };
    const baseJob = job(0, 'base');
    const headJob = job(1, 'head');
    store.db.prepare('UPDATE samples SET run_id = ?, job_id = ? WHERE run_id = ?').run(c, baseJob, a);
    store.db.prepare('UPDATE samples SET run_id = ?, job_id = ?, result_seq = result_seq + 100000 WHERE run_id = ?').run(c, headJob, b);
    store.db.close();
    const fromDb = await stat(['--db', 'm.db', '--run', String(c)], dir);
    const fromFiles = await stat([`run${c}:base=base.txt`, `run${c}:head=head.txt`], dir);
    assert.is(fromDb.code, 0, fromDb.stderr);
    assert.match(fromDb.stdout, new RegExp(`│ +run${c}:base +│ +run${c}:head +│`));
    assert.is(fromDb.stdout, fromFiles.stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a database that does not exist is a clear error, status 2, and is not created', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stat-db-'));
  try {
    const r = await stat(['--db', 'missing.db', '--run', '1'], dir);
    assert.is(r.code, 2);
    assert.is(r.stdout, '');
    assert.match(r.stderr, /^metalbench stat: --db missing\.db: cannot open the database: /);
    assert.not.ok(existsSync(join(dir, 'missing.db')));
    writeFileSync(join(dir, 'not.db'), 'just text\n');
    const r2 = await stat(['--db', 'not.db', '--run', '1'], dir);
    assert.is(r2.code, 2);
    assert.match(r2.stderr, /^metalbench stat: --db not\.db: cannot open the database: /);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an unknown run and a run without results are clear errors, status 2', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stat-db-'));
  try {
    const store = new Store(join(dir, 'm.db'));
    const a = importFiles(store, [join(TESTDATA, 'old.txt')]).runId;
    // A run that stored nothing (a run whose every job failed, say).
    const empty = store.createRun({ kind: 'run' });
    store.finishRun(empty, 'failed');
    store.db.close();
    const unknown = await stat(['--db', 'm.db', '--run', String(a), '--run', '999'], dir);
    assert.is(unknown.code, 2);
    assert.is(unknown.stdout, '');
    assert.is(unknown.stderr, 'metalbench stat: --db m.db: run 999 does not exist (list the stored runs with `metalbench runs`)\n');
    const none = await stat(['--db', 'm.db', '--run', String(empty)], dir);
    assert.is(none.code, 2);
    assert.is(none.stderr, `metalbench stat: --db m.db: run ${empty} has no results to compare (it stored no samples)\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
