// A confirmed nightly alert explains itself: real git repository, real Go
// builds of both revisions, real benchmark and profiled processes on the
// built-in host, a real store. The night confirms a slowdown of Spin
// (head does twice the rounds per op), profiles base and head of the A/B
// session, `alerts` shows where the time went, and the pages link the alert
// to its flame graphs.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../cli.ts';
import { capture } from '../test-support.ts';
import { Store } from '../../results/store/store.ts';
import { ProfileIndex } from '../../results/store/profiles.ts';
import { makeTestRepo } from '../compare/test-repo.ts';
import { addNight } from '../../results/changepoints/test-nightly.ts';
import { rng } from '../../results/paired/random.ts';
import { profilePageName } from '../../site/profiles.ts';

const work = mkdtempSync(join(tmpdir(), 'metalbench-alert-profiles-'));
test.after(() => rmSync(work, { recursive: true, force: true }));

const repo = makeTestRepo({ extraSpec: 'anchor: v1' });
repo.git('tag', 'v1');
const goodSha = repo.git('rev-parse', 'HEAD');
const badSha = repo.commitRounds(2000);
const db = join(work, 'night.db');
const site = join(work, 'site');

async function cli(args: string[]) {
  const c = capture();
  const code = await main(args, c.io);
  return { code, out: c.out(), err: c.err() };
}

interface Confirmation {
  confirmed: boolean;
  runIds: number[];
  alert?: { id: number; kind: string };
  where?: { run: number; lines: string[] };
}

interface FunctionChange {
  name: string;
  flatDelta: number;
  flatRatio: number | null;
}
interface WhereDiff {
  benchmark: string;
  host: string;
  kind: string;
  base: { run: number; side: string };
  head: { run: number; side: string };
  diff?: { byFlat: FunctionChange[] };
  gc?: { base: { collectionsPerOp: number }; head: { collectionsPerOp: number } };
}
interface AlertJson {
  id: number;
  where?: { run: number; profiles: WhereDiff[]; errors: string[] };
}

/** The night under test: set by the first test, read by the others. */
let abRun = 0;
let alertId = 0;

test('nightly: a confirmed alert gets base and head profiles of its benchmark on its host, stored under the A/B session; the cpu diff names Spin as grown', async () => {
  // Earlier nights of the calibration benchmark on this host: 16 at the anchor's speed, then 4 twice as slow.
  const store = new Store(db);
  const r = rng(3);
  const start = Date.now() - 21 * 86_400_000;
  for (let i = 0; i < 20; i++) {
    const slow = i >= 16;
    addNight(store, {
      revision: slow ? badSha : goodSha,
      startedAt: new Date(start + i * 86_400_000).toISOString(),
      hosts: [{ host: 'local', suite: 'calibration', values: { Spin: [1, 2, 3].map(() => 1e6 * (slow ? 2 : 1) * (1 + 0.01 * r.normal())) } }],
    });
  }
  store.close();
  const out = await cli(['nightly', repo.spec, '--revision', badSha, '--rounds', '6', '--confirm-rounds', '10', '--profile', 'cpu,gc', '--db', db, '--json', '--site', site]);
  assert.is(out.code, 1, out.err);
  const doc = JSON.parse(out.out) as { confirmations: Confirmation[] };
  assert.is(doc.confirmations.length, 1);
  const c = doc.confirmations[0]!;
  assert.ok(c.confirmed && c.alert?.kind === 'regression', out.err);
  assert.ok(c.where, 'the confirmed alert was profiled');
  abRun = c.where!.run;
  alertId = c.alert!.id;
  assert.equal(c.runIds, [abRun], 'stored under the A/B session that confirmed it');
  const cpu = c.where!.lines.map((l) => /^where: BenchmarkSpin\S* on local, cpu: (\S+) grew most \(([0-9.]+)× per op\)/.exec(l)).find((m) => m !== null);
  assert.ok(cpu, c.where!.lines.join('\n'));
  assert.is(cpu![1], 'metalbench/benchmarks/calibration.Spin');
  const ratio = Number(cpu![2]);
  assert.ok(ratio > 1.5 && ratio < 2.6, `Spin grew ${ratio}× per op; the first bad commit does 2× the rounds`);
  assert.ok(c.where!.lines.some((l) => /^where: BenchmarkSpin\S* on local, gc: /.test(l)), c.where!.lines.join('\n'));

  const s = new Store(db);
  try {
    const session = s.db.prepare<[number], { base_sha: string; head_sha: string }>('SELECT base_sha, head_sha FROM compare_sessions WHERE run_id = ?').get(abRun);
    assert.equal(session, { base_sha: goodSha, head_sha: badSha }, "the session's range is the alert's");
    const rows = new ProfileIndex(s).list(abRun);
    assert.equal(
      rows.map((p) => [p.host, p.side, p.kind, p.status]),
      [
        ['local', 'base', 'cpu', 'ok'],
        ['local', 'base', 'gc', 'ok'],
        ['local', 'head', 'cpu', 'ok'],
        ['local', 'head', 'gc', 'ok'],
      ],
    );
    assert.is.not(rows[0]!.binary_sha256, rows[2]!.binary_sha256, 'each side profiled with its own binary');
    // Profiles are extra processes: every sample of the A/B session belongs to one of its measured jobs.
    const samples = s.db.prepare<[number], { stray: number; jobs: number }>('SELECT SUM(job_id IS NULL) AS stray, COUNT(DISTINCT job_id) AS jobs FROM samples WHERE run_id = ?').get(abRun)!;
    const jobs = s.db.prepare<[number], { n: number }>('SELECT COUNT(*) AS n FROM jobs WHERE run_id = ?').get(abRun)!.n;
    assert.is(samples.stray, 0);
    assert.is(samples.jobs, jobs);
  } finally {
    s.close();
  }
});

test('alerts: the alert carries its where — --json the diff rows, text a table, --markdown a collapsed section', async () => {
  assert.ok(abRun > 0, 'needs the night of the first test');
  const json = await cli(['alerts', '--db', db, '--json']);
  assert.is(json.code, 0, json.err);
  const doc = JSON.parse(json.out) as { regressions: { alerts: AlertJson[] }[] };
  const alert = doc.regressions.flatMap((g) => g.alerts).find((a) => a.id === alertId);
  assert.ok(alert?.where, json.out);
  assert.is(alert!.where!.run, abRun);
  assert.equal(alert!.where!.errors, []);
  const cpu = alert!.where!.profiles.find((p) => p.kind === 'cpu');
  assert.ok(cpu?.diff, 'a cpu diff');
  assert.equal([cpu!.base.run, cpu!.base.side, cpu!.head.run, cpu!.head.side], [abRun, 'base', abRun, 'head']);
  const top = cpu!.diff!.byFlat[0]!;
  assert.is(top.name, 'metalbench/benchmarks/calibration.Spin');
  assert.ok(top.flatDelta > 0 && top.flatRatio !== null && top.flatRatio > 1.5, JSON.stringify(top));
  const gc = alert!.where!.profiles.find((p) => p.kind === 'gc');
  assert.ok(gc?.gc, 'gc figures');

  const text = await cli(['alerts', '--db', db]);
  assert.is(text.code, 0, text.err);
  assert.match(text.out, new RegExp(`  #${alertId} \\[new\\] Spin sec/op on local.*\\n    where \\(profiles of run ${abRun}\\):\\n      BenchmarkSpin on local, cpu: cpu per op \\S+ → \\S+ \\(\\+[0-9.]+%\\)\\n        function +base +head +Δ flat +ratio\\n        metalbench/benchmarks/calibration\\.Spin +\\S+ +\\S+ +\\+\\S+ +[0-9.]+×\\n`));
  assert.match(text.out, /      BenchmarkSpin on local, gc\n        per op +base +head +change\n        collections /);

  const md = await cli(['alerts', '--db', db, '--markdown']);
  assert.is(md.code, 0, md.err);
  assert.match(md.out, new RegExp(`<details><summary>Where: profiles of alert #${alertId} \\(run ${abRun}\\)</summary>\\n`));
  assert.match(md.out, /\| `metalbench\/benchmarks\/calibration\.Spin` \| \S+ \| \S+ \| \+\S+ \| [0-9.]+× \|/);
});

test('pages: the alert on the front page and on its benchmark page links to its profile page, which exists', async () => {
  assert.ok(abRun > 0, 'needs the night of the first test');
  const page = profilePageName(abRun, 'local', 'Spin');
  assert.ok(existsSync(join(site, 'profiles', page)), `${page} in ${readdirSync(join(site, 'profiles')).join(', ')}`);
  const front = readFileSync(join(site, 'index.html'), 'utf8');
  const row = /<tr data-alert>.*?<\/tr>/.exec(front)?.[0];
  assert.ok(row, 'the alert is listed');
  assert.ok(row!.includes(`<a data-profile href="profiles/${page}">cpu, gc profiles</a>`), row);
  const benchPages = readdirSync(join(site, 'bench')).map((f) => readFileSync(join(site, 'bench', f), 'utf8'));
  assert.ok(
    benchPages.some((p) => p.includes(`<a data-profile href="../profiles/${page}">`)),
    'the benchmark page links it too',
  );
  // The profile page is the alert's: base and head of its session.
  const target = readFileSync(join(site, 'profiles', page), 'utf8');
  assert.match(target, new RegExp(`run #${abRun}\\.`));
  assert.match(target, /data-side="base"[\s\S]*data-side="head"/);
});

test('nightly --profile with an unknown kind is bad input (exit 2) and runs nothing', async () => {
  const other = join(work, 'bad.db');
  const r = await cli(['nightly', repo.spec, '--profile', 'heap', '--db', other]);
  assert.is(r.code, 2);
  assert.match(r.err, /--profile "heap": unknown kind "heap" \(allowed: cpu, alloc, block, mutex, gc, all or none\)/);
  assert.not.ok(existsSync(other), 'no database was created');
});

test.run();
