// metalbench compare end to end: real git repositories, real Go builds, real
// benchmark processes on the built-in host, a real SQLite store.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync, spawn } from 'node:child_process';
import { Ajv } from 'ajv';
import { main } from '../cli.ts';
import { capture, writeTree } from '../test-support.ts';
import { fromPackageRoot } from '../package-root.ts';
import { Store } from '../../results/store/store.ts';
import { makeTestRepo, touch } from './test-repo.ts';
import { sideText } from './benchstat-table.ts';
import type { CompareDocument } from '../../results/paired/index.ts';

const work = mkdtempSync(join(tmpdir(), 'metalbench-compare-'));
const schema = JSON.parse(readFileSync(fromPackageRoot('results/paired/compare-report.schema.json'), 'utf8')) as object;
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

// One repository for the happy paths: base at 1000 rounds per op, head four times as slow
// (a margin that survives a machine shared with a lot of other work: rounds vary by ±40 % there).
const repo = makeTestRepo();
const baseSha = repo.git('rev-parse', 'HEAD');
const slowSha = repo.commitRounds(4000);

test('an injected slowdown is found, confirmed in a second session, and exits 1', async () => {
  const db = join(work, 'regress.db');
  const json = join(work, 'regress.json');
  const md = join(work, 'regress.md');
  const c = capture();
  // Ten rounds: a busy machine may spoil a round or two, and the exact test still rejects.
  const code = await main(['compare', repo.spec, '--base', baseSha, '--head', 'main', '--rounds', '10', '--db', db, '--json', json, '--markdown', md, '--seed', 'fixed'], c.io);
  assert.is(code, 1, c.out() + c.err());
  assert.match(c.out(), /Spin\s+sec\/op\s+\+\d+\.\d+%\s+\[\+\d+\.\d+%, \+\d+\.\d+%\]\s+1\.00%\s+\S+\s+regression, confirmed/);
  assert.match(c.out(), /Spin\s+B\/op\s+.*no change/);
  assert.match(c.out(), /screened 1 → confirmed 1/);
  const doc = JSON.parse(readFileSync(json, 'utf8')) as CompareDocument;
  assert.ok(validate(doc), JSON.stringify(validate.errors));
  assert.is(doc.base.sha, baseSha);
  assert.is(doc.head.sha, slowSha);
  assert.is(doc.summary.exitCode, 1);
  const screen = doc.hosts[0]!.session;
  const confirm = doc.confirmation!.hosts![0]!.session;
  assert.is.not(screen.runId, confirm.runId);
  assert.is.not(screen.seed, confirm.seed);
  // ABBA: as many rounds start with base as with head.
  assert.is(screen.orders.filter((o) => o === 'AB').length, screen.orders.length / 2);
  const spin = doc.rows.find((r) => r.unit === 'sec/op')!;
  assert.ok(spin.change > 1.5 && spin.change < 6, `Δ ${spin.change}`);
  // sec/op, B/op and allocs/op of each of the 10 base processes.
  assert.is(screen.sampleIds.base.length, 30);
  assert.match(readFileSync(md, 'utf8').split('\n')[0]!, /^\*\*metalbench compare\*\*: 1 confirmed regression \(screened 1 → confirmed 1\).*worst: Spin sec\/op \+/);

  const store = new Store(db);
  const runs = store.listRuns();
  assert.equal(runs.map((r) => [r.kind, r.status]), [['compare', 'ok'], ['compare', 'ok']]);
  const sess = store.db.prepare<[], { base_sha: string; head_sha: string; role: string }>('SELECT base_sha, head_sha, role FROM compare_sessions ORDER BY run_id').all();
  assert.equal(sess.map((s) => [s.base_sha, s.head_sha, s.role]), [[baseSha, slowSha, 'screen'], [baseSha, slowSha, 'confirm']]);
  // Every process ran one side of one round with the same fixed work.
  const jobs = store.db.prepare<[number], { side: string; round: number; params_json: string }>('SELECT side, round, params_json FROM jobs WHERE run_id = ? ORDER BY seq').all(runs[1]!.id);
  assert.is(jobs.length, 20);
  assert.equal([...new Set(jobs.map((j) => (JSON.parse(j.params_json) as { benchtime: string }).benchtime))].length, 1);
  assert.equal(jobs.filter((j) => j.side === 'base').map((j) => j.round), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const iters = store.db.prepare<[number], { iters: number }>('SELECT DISTINCT iters FROM samples WHERE run_id = ?').all(runs[1]!.id);
  assert.is(iters.length, 1, 'base and head did identical work per sample');
  // The benchstat table printed is `metalbench stat` on the same samples, byte for byte.
  const baseFile = join(work, 'base.txt');
  const headFile = join(work, 'head.txt');
  writeFileSync(baseFile, sideText(store, [runs[1]!.id], 'local', 'base'));
  writeFileSync(headFile, sideText(store, [runs[1]!.id], 'local', 'head'));
  store.close();
  const s = capture();
  await main(['stat', `base=${baseFile}`, `head=${headFile}`], s.io);
  assert.ok(c.out().includes(s.out()), 'the printed table is stat\'s output');
});

test('--fail-on never reports a confirmed regression and exits 0', async () => {
  const c = capture();
  const code = await main(['compare', repo.spec, '--base', baseSha, '--head', slowSha, '--rounds', '10', '--fail-on', 'never', '--db', join(work, 'never.db')], c.io);
  assert.is(code, 0, c.out() + c.err());
  assert.match(c.out(), /regression, confirmed/);
  assert.match(c.out(), /exit 0: 1 confirmed regression, not failing \(--fail-on never\)/);
});

test('A/A (--base X --head X) exits 0, is stored as A/A, and calibrate feeds the noise floor', async () => {
  const db = join(work, 'aa.db');
  const c = capture();
  const code = await main(['compare', repo.spec, '--base', baseSha, '--head', baseSha, '--db', db], c.io);
  assert.is(code, 0, c.out() + c.err());
  assert.match(c.out(), /^A\/A paired verdicts/m);
  assert.match(c.out(), /^verdicts: 0 regression/m);
  assert.match(c.out(), /^false-alarm rate here: not measured yet; A\/A comparisons with confirmation/m);
  // A floor needs five A/A sessions of the same protocol.
  for (let i = 0; i < 4; i++) {
    const cal = capture();
    assert.is(await main(['calibrate', repo.spec, '--base', baseSha, '--db', db], cal.io), 0, cal.out() + cal.err());
  }
  const store = new Store(db);
  const rows = store.db.prepare<[], { is_aa: number; estimate: number; rounds: number }>("SELECT is_aa, estimate, rounds FROM compare_results WHERE unit = 'sec/op'").all();
  assert.is(rows.length, 5);
  assert.ok(rows.every((r) => r.is_aa === 1 && r.rounds === 6));
  const floor = Math.max(...rows.map((r) => Math.abs(r.estimate)));
  store.close();
  // A later comparison of this protocol uses δ = max(1 %, the floor).
  const j = join(work, 'aa-after.json');
  await main(['compare', repo.spec, '--base', baseSha, '--head', slowSha, '--db', db, '--no-confirm', '--json', j], capture().io);
  const doc = JSON.parse(readFileSync(j, 'utf8')) as CompareDocument;
  const spin = doc.rows.find((r) => r.unit === 'sec/op')!;
  const f = spin.delta.floor;
  assert.ok(f !== undefined && f.sessions === 5 && f.value > 0 && f.value <= floor + 1e-12, `floor ${JSON.stringify(f)} vs ${floor}`);
  assert.is(spin.delta.value, Math.max(Math.log1p(0.01), f!.value));
  // Its measured false-alarm rate: the first A/A comparison (confirmation on, nothing confirmed) and every A/A screening.
  assert.ok(validate(doc), JSON.stringify(validate.errors));
  const rec = doc.aaRecord!;
  assert.equal([rec.comparisons, rec.falseAlarms, rec.screenings], [1, 0, 5]);
  assert.ok(rec.screenedAlarms <= 5 && Math.abs(rec.upper - 0.95) < 1e-9, JSON.stringify(rec));
});

test('bad input exits 2 and stores nothing: invalid ref, dirty tree, no repository, a side that does not build', async () => {
  const check = async (args: string[], db: string, msg: RegExp) => {
    const c = capture();
    const code = await main(['compare', ...args, '--db', db], c.io);
    assert.is(code, 2, c.out() + c.err());
    assert.match(c.err(), msg);
    assert.not.ok(existsSync(db), `no database for ${args.join(' ')}`);
  };
  await check([repo.spec, '--base', 'no-such-branch', '--head', 'main'], join(work, 'bad1.db'), /--base "no-such-branch": not a commit in/);

  const dirty = makeTestRepo();
  dirty.commitRounds(1100);
  touch(dirty, 'calibration/extra.go', 'package calibration\n');
  await check([dirty.spec, '--base', 'HEAD~1', '--head', 'HEAD'], join(work, 'bad2.db'), /uncommitted changes \(calibration\/extra\.go\).*--head \./);

  const loose = mkdtempSync(join(tmpdir(), 'metalbench-norepo-'));
  writeTree(loose, {
    'go.mod': 'module loose\n\ngo 1.24\n',
    'p/p_test.go': 'package p\nimport "testing"\nfunc BenchmarkX(b *testing.B) {}\n',
    'spec.yaml': 'name: loose\nsuites:\n  - name: p\n    package: ./p\n',
  });
  await check([join(loose, 'spec.yaml'), '--base', 'HEAD', '--head', 'HEAD'], join(work, 'bad3.db'), /is not inside a git repository/);

  const broken = makeTestRepo();
  const good = broken.git('rev-parse', 'HEAD');
  broken.commitFiles({ 'calibration/broken.go': 'package calibration\n\nfunc broken() { undefinedFunction() }\n' }, 'broken');
  await check([broken.spec, '--base', good, '--head', 'HEAD'], join(work, 'bad4.db'), /head HEAD \([0-9a-f]{12}\): build of suite calibration failed:[\s\S]*undefined: undefinedFunction[\s\S]*does not build on that side; nothing was run/);
  rmSync(loose, { recursive: true, force: true });
});

test('--head . measures the working tree with its uncommitted changes', async () => {
  const r = makeTestRepo();
  const head = r.git('rev-parse', 'HEAD');
  const p = join(r.dir, 'calibration/calibration.go');
  writeFileSync(p, readFileSync(p, 'utf8').replace('const Rounds = 1000', 'const Rounds = 4000'));
  const json = join(work, 'tree.json');
  const c = capture();
  const code = await main(['compare', r.spec, '--base', 'HEAD', '--head', '.', '--rounds', '8', '--db', join(work, 'tree.db'), '--no-confirm', '--json', json], c.io);
  assert.is(code, 1, c.out() + c.err());
  const doc = JSON.parse(readFileSync(json, 'utf8')) as CompareDocument;
  assert.ok(doc.head.dirty);
  assert.is.not(doc.head.sha, head, 'head names a commit object holding the changes');
  assert.is(r.git('status', '--porcelain'), 'M calibration/calibration.go', 'the repository is left as it was');
  assert.is(r.git('stash', 'list'), '');
});

test('benchmarks on one side only are reported as added and removed, not failures', async () => {
  const r = makeTestRepo({ bench: '^BenchmarkSpin' });
  const extra = (name: string) => `package calibration\n\nimport "testing"\n\nfunc Benchmark${name}(b *testing.B) {\n\tfor i := 0; i < b.N; i++ {\n\t\tsink = Spin(sink, 100)\n\t}\n}\n`;
  const base = r.commitFiles({ 'calibration/extra_test.go': extra('SpinOld') }, 'old benchmark');
  r.commitFiles({ 'calibration/extra_test.go': extra('SpinNew') }, 'renamed benchmark');
  const c = capture();
  const json = join(work, 'added.json');
  const code = await main(['compare', r.spec, '--base', base, '--head', 'HEAD', '--db', join(work, 'added.db'), '--json', json], c.io);
  assert.is(code, 0, c.out() + c.err());
  assert.match(c.out(), /added \(head only, not compared\): calibration: SpinNew/);
  assert.match(c.out(), /removed \(base only, not compared\): calibration: SpinOld/);
  const doc = JSON.parse(readFileSync(json, 'utf8')) as CompareDocument;
  assert.ok(validate(doc), JSON.stringify(validate.errors));
  assert.equal([...new Set(doc.rows.map((x) => x.benchmark))], ['Spin']);
  assert.equal(doc.hosts[0]!.added, ['calibration: SpinNew']);
  assert.equal(doc.hosts[0]!.removed, ['calibration: SpinOld']);
  assert.ok(doc.hosts.every((h) => h.invalid === undefined));
});

test('side overrides: one commit built two ways is compared, and head runs with its own environment', async () => {
  const db = join(work, 'flags.db');
  const json = join(work, 'flags.json');
  const c = capture();
  // Optimisations off on head only: the same source built two ways (how much slower depends on the machine).
  const code = await main(['compare', repo.spec, '--base', baseSha, '--head', baseSha, '--head-gcflags=all=-N -l', '--head-env', 'GOGC=400', '--rounds', '6', '--no-confirm', '--db', db, '--json', json], c.io);
  assert.ok(code === 0 || code === 1, c.out() + c.err());
  const doc = JSON.parse(readFileSync(json, 'utf8')) as CompareDocument;
  assert.equal(doc.head.overrides, { gcflags: 'all=-N -l', 'env GOGC': '400' });
  assert.is(doc.base.overrides, undefined);
  assert.is.not(doc.hosts[0]!.binaries.base[0]!.sha256, doc.hosts[0]!.binaries.head[0]!.sha256);
  assert.match(c.out(), /^paired verdicts/m, 'different builds of one commit are not an A/A session');
  const store = new Store(db);
  const env = store.db.prepare<[], { side: string; params_json: string }>('SELECT side, params_json FROM jobs').all();
  const built = store.db.prepare<[], { side: string; path: string }>('SELECT DISTINCT j.side, b.path FROM jobs j JOIN builds b ON b.id = j.build_id').all();
  store.close();
  // The build flags are in the binaries themselves.
  for (const b of built) {
    const info = execFileSync('go', ['version', '-m', b.path], { encoding: 'utf8' });
    if (b.side === 'head') assert.match(info, /-gcflags="all=-N -l"/);
    else assert.not.match(info, /-gcflags/);
  }
  assert.is(built.length, 2);
  for (const j of env) assert.is((JSON.parse(j.params_json) as { env: Record<string, string> }).env.GOGC, j.side === 'head' ? '400' : undefined);
});

/** The CLI as a real process (so it can be killed). */
function cli(args: string[]) {
  const code = `import(${JSON.stringify(fromPackageRoot('runner/cli.ts'))}).then((m) => m.main(process.argv.slice(1))).then((c) => process.exit(c))`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code, ...args], { env: { ...process.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (out += b.toString()));
  const done = new Promise<number | null>((res) => child.on('close', (c) => res(c)));
  return { child, done, out: () => out };
}

async function waitForJobs(db: string, atLeast: number): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (existsSync(db)) {
      try {
        const s = new Store(db);
        const n = s.db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM jobs WHERE status = 'ok'").get()!.n;
        s.close();
        if (n >= atLeast) return;
      } catch {
        // the schema is being created
      }
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no ${atLeast} finished jobs in ${db}`);
}

test('kill -9 mid-compare, then --resume finishes the rounds with nothing lost or doubled', async () => {
  const db = join(work, 'kill.db');
  const p = cli(['compare', repo.spec, '--base', baseSha, '--head', baseSha, '--rounds', '8', '--db', db]);
  await waitForJobs(db, 3);
  p.child.kill('SIGKILL');
  await p.done;
  let store = new Store(db);
  const run = store.listRuns()[0]!;
  assert.is(run.status, 'interrupted');
  const kept = store.db.prepare<[number], { id: number; job_id: number; value: number }>('SELECT id, job_id, value FROM samples WHERE run_id = ? ORDER BY id').all(run.id);
  const okBefore = store.jobsOf(run.id).filter((j) => j.status === 'ok').length;
  assert.ok(okBefore >= 3 && okBefore < 16, `${okBefore} jobs ok before the kill`);
  store.close();

  const r = cli(['compare', '--resume', String(run.id), '--db', db]);
  assert.is(await r.done, 0, r.out());
  store = new Store(db);
  assert.is(store.getRun(run.id)!.status, 'ok');
  const jobs = store.jobsOf(run.id);
  assert.is(jobs.length, 16);
  assert.ok(jobs.every((j) => j.status === 'ok'));
  // One result line (3 units) per job, and every sample kept from before the kill is still there.
  const perJob = store.db.prepare<[number], { job_id: number; n: number }>('SELECT job_id, COUNT(*) AS n FROM samples WHERE run_id = ? GROUP BY job_id').all(run.id);
  assert.is(perJob.length, 16);
  assert.ok(perJob.every((x) => x.n === 3));
  const after = new Map(store.db.prepare<[number], { id: number; value: number }>('SELECT id, value FROM samples WHERE run_id = ?').all(run.id).map((x) => [x.id, x.value]));
  const okIds = new Set(store.jobsOf(run.id).map((j) => j.id));
  for (const k of kept) if (okIds.has(k.job_id) && after.has(k.id)) assert.is(after.get(k.id), k.value);
  const keptOfOkJobs = kept.filter((k) => after.has(k.id)).length;
  assert.ok(keptOfOkJobs >= okBefore * 3, 'samples of finished jobs survive the resume');
  const pairs = store.db.prepare<[number], { round: number; n: number }>('SELECT round, COUNT(*) AS n FROM jobs WHERE run_id = ? GROUP BY round').all(run.id);
  assert.equal(pairs.map((x) => x.n), new Array(8).fill(2));
  store.close();
});

test('kill -9 during the confirmation, then --resume of the screening id finishes the confirmation alone and confirms', async () => {
  const db = join(work, 'kill-confirm.db');
  const p = cli(['compare', repo.spec, '--base', baseSha, '--head', 'main', '--rounds', '8', '--db', db, '--profile', 'none']);
  const confirmJobsOk = (s: Store) =>
    s.db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM jobs j JOIN compare_sessions c ON c.run_id = j.run_id WHERE c.role = 'confirm' AND j.status = 'ok'").get()!.n;
  for (let i = 0; ; i++) {
    if (i > 2400) throw new Error(`the confirmation never got going: ${p.out()}`);
    await new Promise((r) => setTimeout(r, 50));
    if (!existsSync(db)) continue;
    try {
      const s = new Store(db);
      const n = confirmJobsOk(s);
      s.close();
      if (n >= 2) break;
    } catch {
      // tables still being made
    }
  }
  p.child.kill('SIGKILL');
  await p.done;
  let store = new Store(db);
  const [screen, confirm] = store.db.prepare<[], { run_id: number; role: string }>('SELECT run_id, role FROM compare_sessions ORDER BY run_id').all();
  assert.is(screen!.role, 'screen');
  assert.is(confirm!.role, 'confirm');
  assert.is(store.getRun(screen!.run_id)!.status, 'ok');
  assert.is(store.getRun(confirm!.run_id)!.status, 'interrupted');
  const count = (run: number) => store.db.prepare<[number], { n: number }>('SELECT COUNT(*) AS n FROM samples WHERE run_id = ?').get(run)!.n;
  const screenSamples = count(screen!.run_id);
  const kept = store.db.prepare<[number], { id: number; value: number }>("SELECT s.id, s.value FROM samples s JOIN jobs j ON j.id = s.job_id WHERE s.run_id = ? AND j.status = 'ok'").all(confirm!.run_id);
  assert.ok(kept.length >= 6, `${kept.length} confirmation samples kept`);
  store.close();

  const r = cli(['compare', '--resume', String(screen!.run_id), '--db', db]);
  assert.is(await r.done, 1, r.out());
  assert.match(r.out(), /screened 1 → confirmed 1/);
  store = new Store(db);
  // No new session: the interrupted confirmation was finished, the screening left as it was.
  assert.is(store.db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM compare_sessions').get()!.n, 2);
  assert.is(store.getRun(confirm!.run_id)!.status, 'ok');
  assert.is(count(screen!.run_id), screenSamples);
  const jobs = store.jobsOf(confirm!.run_id);
  assert.ok(jobs.length >= 16 && jobs.every((j) => j.status === 'ok'), jobs.map((j) => j.status).join(','));
  const perJob = store.db.prepare<[number], { n: number }>('SELECT COUNT(*) AS n FROM samples WHERE run_id = ? GROUP BY job_id').all(confirm!.run_id);
  assert.is(perJob.length, jobs.length);
  assert.ok(perJob.every((x) => x.n === 3), 'one result line (3 units) per process: nothing doubled');
  const after = new Map(store.db.prepare<[number], { id: number; value: number }>('SELECT id, value FROM samples WHERE run_id = ?').all(confirm!.run_id).map((x) => [x.id, x.value]));
  for (const k of kept) assert.is(after.get(k.id), k.value, 'samples measured before the kill are kept');
  store.close();
});

test('compare OLD NEW is unpaired: it says so and prints stat\'s table unchanged', async () => {
  const old = fromPackageRoot('results/fixtures/benchstat-golden/cmd-benchstat-testdata/old.txt');
  const neu = fromPackageRoot('results/fixtures/benchstat-golden/cmd-benchstat-testdata/new.txt');
  const c = capture();
  const json = join(work, 'unpaired.json');
  assert.is(await main(['compare', old, neu, '--json', json], c.io), 0, c.err());
  const doc = JSON.parse(readFileSync(json, 'utf8')) as CompareDocument;
  assert.ok(validate(doc), JSON.stringify(validate.errors));
  assert.is(doc.kind, 'unpaired');
  assert.equal(doc.rows, []);
  const s = capture();
  await main(['stat', old, neu], s.io);
  assert.match(c.out(), /^unpaired comparison: .*no verdict is given/);
  assert.ok(c.out().endsWith(s.out()));
  const missing = capture();
  assert.is(await main(['compare', old, join(work, 'nope.txt')], missing.io), 2);
  assert.match(missing.err(), /nope\.txt: no such file/);
});

test('usage errors exit 2 and name the flag', async () => {
  for (const [args, msg] of [
    [[repo.spec, '--base', 'main'], /--base REF and --head REF are both required/],
    [[repo.spec, '--base', 'main', '--head', 'main', '--rounds', '3'], /--rounds "3": expected a whole number from 6/],
    [[repo.spec, '--base', 'main', '--head', 'main', '--fail-on', 'sometimes'], /--fail-on "sometimes"/],
    [[repo.spec, '--base', 'main', '--head', 'main', '--head-env', 'NOEQUALS'], /--head-env "NOEQUALS": expected NAME=VALUE/],
    [[repo.spec, '--base', '.', '--head', 'main'], /--base \. is not allowed/],
    [[repo.spec, '--base', 'main', '--head', 'main', '--json', join(work, 'no/such/dir/x.json')], /--json .*x\.json: the folder .* does not exist; nothing was run/],
  ] as const) {
    const c = capture();
    assert.is(await main(['compare', ...args], c.io), 2);
    assert.match(c.err(), msg);
  }
});

test.after(() => rmSync(work, { recursive: true, force: true }));
test.run();
