import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { main } from '../cli.ts';
import { capture, writeTree } from '../test-support.ts';
import { Store } from '../../results/store/store.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const fixtures = join(here, 'fixtures');
const root = join(here, '..', '..');
const work = mkdtempSync(join(tmpdir(), 'metalbench-run-'));
// Builds go to a private cache so the tests see real builds.
process.env.METALBENCH_CACHE = join(work, 'cache');

test('smoke spec runs on local, stores every sample, prints a table', async () => {
  const db = join(work, 'smoke.db');
  const c = capture();
  const code = await main(['run', join(root, 'benchmarks/smoke.yaml'), '--db', db], c.io);
  assert.is(code, 0, c.err());
  assert.match(c.out(), /Spin\s+sec\/op\s+6\s/);
  const store = new Store(db);
  const run = store.listRuns()[0]!;
  assert.is(run.status, 'ok');
  // Five suites, six interleaved rounds, one process per suite and round.
  assert.is(run.jobs, 30);
  const sets = store.db.prepare<[], { pairs_json: string }>('SELECT DISTINCT c.pairs_json FROM samples s JOIN config_sets c ON c.id = s.config_id').all();
  const pkgs = new Set(sets.map((r) => Object.fromEntries(JSON.parse(r.pairs_json) as [string, string][]).pkg));
  assert.equal([...pkgs].sort(), ['calibration', 'channels', 'memtable', 'raft', 'syncpool'].map((p) => `metalbench/benchmarks/${p}`));
  const cfg = store.db
    .prepare<[], { pairs_json: string }>("SELECT DISTINCT c.pairs_json FROM samples s JOIN config_sets c ON c.id = s.config_id WHERE c.pairs_json LIKE '%calibration%'")
    .all();
  assert.is(cfg.length, 1);
  const pairs = Object.fromEntries(JSON.parse(cfg[0]!.pairs_json) as [string, string][]);
  assert.is(pairs.pkg, 'metalbench/benchmarks/calibration');
  assert.is(pairs.host, 'local');
  // pin: 1 avoids CPU 0 (housekeeping) on any machine with a second CPU.
  assert.is(pairs['pin-cpus'], '1');
  assert.is(pairs.gomaxprocs, '1');
  assert.match(pairs['pin-policy']!, /^smt=off,numa=local,avoid=0/);
  assert.match(pairs['host-fingerprint']!, /^[0-9a-f]{12}$/);
  store.close();
});

test('a bad spec: positioned errors, exit 2, nothing written to the DB', async () => {
  const db = join(work, 'bad.db');
  const c = capture();
  const code = await main(['run', join(here, '../spec/fixtures/bad.yaml'), '--db', db], c.io);
  assert.is(code, 2);
  assert.match(c.err(), /bad\.yaml:2:1: benchtme: unknown key \(did you mean "benchtime"\?\)/);
  assert.match(c.err(), /bad\.yaml:3:8: count: must be >= 1/);
  assert.match(c.err(), /nothing was run/);
  assert.not.ok(existsSync(db), 'no database is created for a bad spec');
});

test('crashing, failing and hanging benchmarks fail their jobs; the others go on; exit 3', async () => {
  const db = join(work, 'faulty.db');
  const c = capture();
  const code = await main(['run', join(fixtures, 'faulty.yaml'), '--db', db], c.io);
  assert.is(code, 3, c.out() + c.err());
  const store = new Store(db);
  const run = store.listRuns()[0]!;
  assert.is(run.status, 'partial');
  const jobs = store.jobsOf(run.id);
  const bySuite = (s: string) => jobs.filter((j) => j.suite === s);
  assert.equal(bySuite('ok').map((j) => j.status), ['ok', 'ok']);
  for (const j of bySuite('panic')) {
    assert.is(j.status, 'failed');
    assert.match(j.error ?? '', /exited with status 2/);
    assert.match(j.stderr_tail ?? '', /deliberate panic/);
  }
  for (const j of bySuite('fatal')) {
    assert.is(j.status, 'failed');
    assert.match(j.error ?? '', /FAIL/);
    assert.match(j.stderr_tail ?? '', /deliberate failure/);
  }
  const hang = bySuite('hang')[0]!;
  assert.is(hang.status, 'failed');
  assert.match(hang.error ?? '', /timed out after 3s/);
  // The ok suite's 2 samples × (sec/op, B/op, allocs/op) are stored, and the
  // NaN line Go prints for the panicking benchmark before it dies.
  assert.is(store.db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM sample_view WHERE suite = 'ok'").get()!.n, 6);
  assert.match(c.out(), /failed jobs \(5\)/);
  assert.match(c.out(), /metalbench run --resume/);
  store.close();
});

test('hostile spec values reach the benchmark as plain data, never as shell', async () => {
  const dir = mkdtempSync(join(work, 'hostile-'));
  const marker = join(dir, 'marker');
  const pwned = join(dir, 'pwned');
  const echo = `$(touch ${pwned}); touch ${pwned} \`touch ${pwned}\``;
  const spec = [
    'name: hostile',
    'benchtime: 3x',
    'env:',
    `  FAULTY_MARKER_FILE: ${JSON.stringify(marker)}`,
    `  FAULTY_ECHO: ${JSON.stringify(echo)}`,
    'suites:',
    '  - name: hostile',
    '    package: .',
    `    module: ${JSON.stringify(join(fixtures, 'faulty'))}`,
    `    bench: ${JSON.stringify(`'; touch ${pwned} #|Marker`)}`,
  ].join('\n');
  writeFileSync(join(dir, 'hostile.yaml'), spec);
  const c = capture();
  const code = await main(['run', join(dir, 'hostile.yaml'), '--db', join(dir, 'h.db')], c.io);
  assert.is(code, 0, c.err() + c.out());
  assert.is(readFileSync(marker, 'utf8'), echo, 'the env value arrives byte for byte');
  assert.not.ok(existsSync(pwned), 'nothing was executed from a spec value');
});

test('pinning: a cpu sweep larger than the pinned set fails on that host with the reason; export carries the pin identity', async () => {
  const dir = mkdtempSync(join(work, 'pin-'));
  const spec = [
    'name: pin',
    'benchtime: 3x',
    'count: 2',
    'suites:',
    '  - name: fits',
    '    package: .',
    `    module: ${JSON.stringify(join(fixtures, 'faulty'))}`,
    "    bench: '^BenchmarkOK$'",
    '    pin: 1',
    '  - name: too-wide',
    '    package: .',
    `    module: ${JSON.stringify(join(fixtures, 'faulty'))}`,
    "    bench: '^BenchmarkOK$'",
    '    pin: 1',
    '    cpu: [1, 2]',
  ].join('\n');
  writeFileSync(join(dir, 'pin.yaml'), spec);
  const db = join(dir, 'pin.db');
  const c = capture();
  const code = await main(['run', join(dir, 'pin.yaml'), '--db', db], c.io);
  assert.is(code, 3, c.err() + c.out());
  const store = new Store(db);
  const run = store.listRuns()[0]!;
  const jobs = store.jobsOf(run.id);
  assert.equal(jobs.filter((j) => j.suite === 'fits').map((j) => j.status), ['ok', 'ok']);
  const wide = jobs.filter((j) => j.suite === 'too-wide');
  assert.equal(wide.map((j) => j.status), ['failed', 'failed']);
  assert.match(wide[0]!.error ?? '', /cpu: 2 does not fit the 1 pinned CPU/);
  assert.match(wide[1]!.error ?? '', /not run: host local cannot satisfy the pin policy/);
  store.close();
  const e = capture();
  assert.is(await main(['export', '--run', String(run.id), '--db', db], e.io), 0);
  const text = e.out();
  assert.match(text, /^pin-cpus: 1$/m);
  assert.match(text, /^gomaxprocs: 1$/m);
  assert.match(text, /^pin-policy: smt=off,numa=local,avoid=0,isolated=prefer,big=only$/m);
  assert.match(text, /^host-fingerprint: [0-9a-f]{12}$/m);
  // The pinned process ran with GOMAXPROCS 1: no -N suffix on its name.
  assert.match(text, /^BenchmarkOK\s+3\s/m);
});

test('run --tune tunes the host for the run and restores every value at the end', async () => {
  const dir = mkdtempSync(join(work, 'tune-'));
  const sys = join(dir, 'root');
  const files: Record<string, string> = {
    'sys/devices/system/cpu/cpu0/cpufreq/scaling_governor': 'schedutil\n',
    'sys/devices/system/cpu/cpu0/cpufreq/scaling_available_governors': 'performance schedutil\n',
    'sys/devices/system/cpu/cpufreq/boost': '1\n',
  };
  writeTree(sys, files);
  writeFileSync(
    join(dir, 'tune.yaml'),
    `name: tune\nbenchtime: 3x\nsuites:\n  - name: ok\n    package: .\n    module: ${JSON.stringify(join(fixtures, 'faulty'))}\n    bench: '^BenchmarkOK$'\n`,
  );
  const c = capture();
  const code = await main(['run', join(dir, 'tune.yaml'), '--db', join(dir, 't.db'), '--tune', '--sysfs-root', sys], c.io);
  assert.is(code, 0, c.err());
  assert.match(c.err(), /tuned local: 2 changes/);
  for (const [p, v] of Object.entries(files)) assert.is(readFileSync(join(sys, p), 'utf8'), v, `${p} restored`);
  assert.not.ok(existsSync(join(dir, 'tune', 'local.json')), 'the tune state is gone once restored');
});

test('a compile error shows the compiler output and stores no run', async () => {
  const dir = mkdtempSync(join(work, 'broken-'));
  writeFileSync(
    join(dir, 'broken.yaml'),
    `name: broken\nsuites:\n  - name: broken\n    package: .\n    module: ${JSON.stringify(join(here, '../build/fixtures/broken'))}\n`,
  );
  const db = join(dir, 'b.db');
  const c = capture();
  const code = await main(['run', join(dir, 'broken.yaml'), '--db', db], c.io);
  assert.is(code, 2);
  assert.match(c.err(), /undefined: undefinedFunction/);
  assert.not.ok(existsSync(db));
});

/** Start the compiled CLI as a real process. */
function cli(args: string[]) {
  const child = spawn(process.execPath, [join(root, 'bin/metalbench.js'), ...args], {
    env: { ...process.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (out += b.toString()));
  const done = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  return { child, done, out: () => out };
}

async function waitForSamples(db: string, atLeast: number): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (existsSync(db)) {
      const s = new Store(db);
      const n = s.db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM samples').get()!.n;
      s.close();
      if (n >= atLeast) return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no ${atLeast} samples appeared in ${db}`);
}

test('kill -9 mid-run keeps every stored sample, marks the run interrupted, and --resume finishes it', async () => {
  const db = join(work, 'kill.db');
  const p = cli(['run', join(fixtures, 'slow.yaml'), '--db', db]);
  await waitForSamples(db, 2);
  p.child.kill('SIGKILL');
  await p.done;
  let store = new Store(db);
  let run = store.listRuns()[0]!;
  assert.is(run.status, 'interrupted');
  const kept = run.samples;
  assert.ok(kept >= 2 && kept < 8 * 3, `kept ${kept} samples`);
  const okJobs = store.jobsOf(run.id).filter((j) => j.status === 'ok').length;
  store.close();

  const r = cli(['run', '--resume', String(run.id), '--db', db]);
  const code = await r.done;
  assert.is(code, 0, r.out());
  assert.match(r.out(), new RegExp(`resuming run ${run.id}: ${8 - okJobs} of 8 jobs left`));
  store = new Store(db);
  run = store.getRun(run.id)!;
  assert.is(run.status, 'ok');
  // One sample per job, each with sec/op, B/op and allocs/op: none lost, none doubled.
  assert.is(run.samples, 8 * 3);
  store.close();
});

test('Ctrl-C stops the benchmark process, keeps samples, exits 130', async () => {
  const db = join(work, 'int.db');
  const p = cli(['run', join(fixtures, 'slow.yaml'), '--db', db]);
  await waitForSamples(db, 1);
  p.child.kill('SIGINT');
  const code = await p.done;
  assert.is(code, 130);
  assert.match(p.out(), /interrupted by SIGINT/);
  const store = new Store(db);
  const run = store.listRuns()[0]!;
  assert.is(run.status, 'interrupted');
  assert.ok(run.samples >= 1);
  store.close();
});

test.after(() => rmSync(work, { recursive: true, force: true }));
test.run();
