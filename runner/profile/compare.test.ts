/**
 * compare profiles each confirmed regression, base and head, on the host
 * that confirmed it: the terminal names the function that grew, the PR
 * comment gains a collapsed "where" section, the profiles are stored under
 * the confirmation session with each side's own binary, and the verdict and
 * exit code are those of the comparison alone.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { main } from '../cli.ts';
import { capture } from '../test-support.ts';
import { Store } from '../../results/store/store.ts';
import { ProfileIndex } from '../../results/store/profiles.ts';
import { makeTestRepo } from '../compare/test-repo.ts';

const work = mkdtempSync(join(tmpdir(), 'metalbench-profile-compare-'));
test.after(() => rmSync(work, { recursive: true, force: true }));

test('a confirmed regression is profiled base vs head: the function that grew is named in the output and the comment', async () => {
  // Head does twice the rounds per op.
  const repo = makeTestRepo();
  const baseSha = repo.git('rev-parse', 'HEAD');
  repo.commitRounds(2000);
  const db = join(work, 'where.db');
  const md = join(work, 'where.md');
  const c = capture();
  const code = await main(['compare', repo.spec, '--base', baseSha, '--head', 'main', '--rounds', '10', '--db', db, '--markdown', md, '--seed', 'fixed', '--profile', 'cpu,gc'], c.io);
  assert.is(code, 1, c.out() + c.err());
  assert.match(c.out(), /screened 1 → confirmed 1/);
  const line = /^where: BenchmarkSpin\S* on local, cpu: (\S+) grew most \(([0-9.]+)× per op\); details: metalbench profile diff --run (\d+) /m.exec(c.out());
  assert.ok(line, c.out());
  assert.is(line![1], 'metalbench/benchmarks/calibration.Spin');
  const ratio = Number(line![2]);
  assert.ok(ratio > 1.5 && ratio < 2.6, `Spin grew ${ratio}× per op; head does 2× the rounds`);
  assert.match(c.out(), /^where: BenchmarkSpin\S* on local, gc: /m);

  const comment = readFileSync(md, 'utf8');
  assert.match(comment, /\n<details><summary>Where: profiles of 2 regressions<\/summary>\n/);
  assert.match(comment, /\| `metalbench\/benchmarks\/calibration\.Spin` \| \S+ \| \S+ \| \+\S+ \| [0-9.]+× \|/);

  const store = new Store(db);
  try {
    const confirmId = Number(line![3]);
    const session = store.db.prepare<[number], { role: string }>('SELECT role FROM compare_sessions WHERE run_id = ?').get(confirmId);
    assert.is(session?.role, 'confirm', 'stored under the confirmation session');
    const rows = new ProfileIndex(store).list(confirmId);
    assert.equal(rows.map((r) => [r.side, r.kind, r.status]), [
      ['base', 'cpu', 'ok'],
      ['base', 'gc', 'ok'],
      ['head', 'cpu', 'ok'],
      ['head', 'gc', 'ok'],
    ]);
    const [base, head] = [rows[0]!, rows[2]!];
    assert.is.not(base.binary_sha256, head.binary_sha256, 'each side profiled with its own binary');
    // The profiles are extra processes: the sessions' samples are only those of their jobs.
    const stray = store.db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM samples WHERE job_id IS NULL').get()!.n;
    assert.is(stray, 0);
  } finally {
    store.close();
  }
});

test('--profile none turns it off; a bad kind is a usage error', async () => {
  const bad = capture();
  assert.is(await main(['compare', 'x.yaml', '--base', 'a', '--head', 'b', '--profile', 'heap'], bad.io), 2);
  assert.match(bad.err(), /unknown kind "heap" \(allowed: cpu, alloc, block, mutex, gc, all or none\)/);
  const resume = capture();
  assert.is(await main(['compare', '--resume', '3', '--profile', 'cpu'], resume.io), 2);
  assert.match(resume.err(), /--profile belongs to a paired comparison/);
});

test.run();
