/**
 * `metalbench run` end to end over real OpenSSH: hosts chosen by tags from
 * an inventory, an emulated arm64 host, a host dropping mid-run and resumed,
 * a host down from the start, hostile spec values, and a job timeout that
 * must leave no process behind. Every assertion is about behaviour, never
 * about how long something took.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, copyFileSync, existsSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { stringify } from 'yaml';
import { Store, type JobRow } from '../../results/store/store.ts';
import { exportBenchfmt } from '../../results/store/export.ts';
import { harnessRunOptions, inventoryEntry, startSshd, type SshdHarness } from '../fleet/sshd-harness.ts';
import { QEMU_FOR_GOARCH } from '../transport/ssh.ts';
import { capture } from '../test-support.ts';
import { EXIT_OK, EXIT_PARTIAL, runCommand } from './run.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '..', '..');
const faultyModule = join(here, 'fixtures', 'faulty');
const work = mkdtempSync(join(tmpdir(), 'metalbench-fleet-'));
// A private binary cache: the tests see real builds and real uploads.
process.env.METALBENCH_CACHE = join(work, 'cache');

/** go test -benchmem reports sec/op, B/op and allocs/op: three samples per result line. */
const UNITS = 3;

let h!: SshdHarness;
let inventoryPath: string;
let setup: Promise<SshdHarness> | undefined;

/**
 * Three sshd hosts and an inventory naming them. Started by the first test
 * and awaited by every one: an error thrown in uvu's test.before is dropped
 * and the suite reported as passed, so a missing sshd or qemu-user must fail
 * each test instead.
 */
async function startHosts(): Promise<SshdHarness> {
  const qemu = spawnSync('sh', ['-c', `command -v ${QEMU_FOR_GOARCH.arm64}`], { encoding: 'utf8' });
  if (qemu.status !== 0) {
    throw new Error(`${QEMU_FOR_GOARCH.arm64} is missing: install Debian's qemu-user-static (scripts/install-test-deps.sh)`);
  }
  // h1 and h2: native x86 hosts tagged lab; h3: the same machine emulating arm64. Throws when sshd is missing.
  const started = await startSshd(3, { emulateLast: 'arm64', tags: () => ['lab'] });
  h = started;
  const hosts = [
    ...started.hosts.map(inventoryEntry),
    // Nothing listens on this address.
    { name: 'down', address: '127.0.0.251', port: started.hosts[0]!.port, identityFile: started.clientKeyPath, agent: false, tags: ['offline'] },
  ];
  inventoryPath = join(work, 'fleet.yaml');
  writeFileSync(inventoryPath, stringify({ hosts }));
  // Where the CLI looks first: beside the inventory.
  copyFileSync(started.knownHostsPath, join(work, 'known_hosts'));
  return started;
}

test.before.each(async () => {
  await (setup ??= startHosts());
});

// A test that failed half-way must not leave a host down for the next one.
test.after.each(async () => {
  for (const inst of h?.instances ?? []) if (!inst.proc) await inst.restart();
});

test.after(async () => {
  await h?.stop();
  rmSync(work, { recursive: true, force: true });
});

interface Outcome {
  code: number;
  out: string;
  err: string;
}

/** runCommand in this process, against the harness's hosts, keys and an empty ssh_config. */
async function run(target: { spec: string } | { resume: number }, db: string): Promise<Outcome> {
  const c = capture();
  const code = await runCommand({
    ...('spec' in target ? { specPath: target.spec } : { resumeRunId: target.resume }),
    dbPath: db,
    ...harnessRunOptions(h, inventoryPath),
    ...c.io,
  });
  return { code, out: c.out(), err: c.err() };
}

/**
 * The compiled CLI as a real process. Its home is an empty directory, so no
 * ssh_config or key of this machine's user takes part; Go keeps its caches.
 */
function cli(args: string[]): Promise<Outcome> {
  const go = spawnSync('go', ['env', 'GOCACHE', 'GOPATH'], { encoding: 'utf8' });
  if (go.status !== 0) throw new Error(`go env failed: ${go.stderr}`);
  const [gocache, gopath] = go.stdout.trim().split('\n');
  const home = mkdtempSync(join(work, 'home-'));
  const child = spawn(process.execPath, [join(root, 'bin', 'metalbench.js'), ...args], {
    env: { ...process.env, HOME: home, GOCACHE: gocache!, GOPATH: gopath! },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (err += b.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : -1), out, err }));
  });
}

/** Write a spec whose suites use the faulty fixture module. */
function writeSpec(name: string, top: Record<string, unknown>, suites: Array<Record<string, unknown>>): string {
  const path = join(work, `${name}.yaml`);
  const spec = {
    name,
    ...top,
    suites: suites.map((s) => ({ package: '.', module: faultyModule, ...s })),
  };
  writeFileSync(path, stringify(spec));
  return path;
}

type Pairs = Record<string, string>;

interface SampleRow {
  job_id: number;
  host: string;
  suite: string;
  config_json: string;
}

function samplesOf(store: Store, runId: number): Array<SampleRow & { config: Pairs }> {
  return store.db
    .prepare<[number], SampleRow>('SELECT job_id, host, suite, config_json FROM sample_view WHERE run_id = ? ORDER BY id')
    .all(runId)
    .map((r) => ({ ...r, config: Object.fromEntries(JSON.parse(r.config_json) as Array<[string, string]>) }));
}

function onlyRun(store: Store): number {
  const runs = store.listRuns();
  assert.is(runs.length, 1, 'one run in the database');
  return runs[0]!.id;
}

/** Live processes whose command line matches `pattern` (pgrep -f). */
function processesMatching(pattern: string): string[] {
  const r = spawnSync('pgrep', ['-a', '-f', '--', pattern], { encoding: 'utf8' });
  if (r.status === 1) return [];
  if (r.status !== 0) throw new Error(`pgrep failed: ${r.stderr}`);
  return r.stdout.split('\n').filter((l) => l.trim() !== '');
}

/**
 * Poll `cond` while `running` goes on. If the run ends first, or the wait
 * gives up, wait for the run to finish (its hosts stay locked until then) and fail.
 */
async function until(running: Promise<Outcome>, cond: () => boolean, what: string, ms = 30_000): Promise<void> {
  let ended: Outcome | undefined;
  void running.then((r) => (ended = r), () => undefined);
  const end = Date.now() + ms;
  while (!cond()) {
    if (ended || Date.now() > end) {
      const r = await running;
      throw new Error(`gave up waiting for ${what}; the run ended with exit ${r.code}:\n${r.err}${r.out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Wait (bounded) for something that happens on its own soon; the caller asserts the outcome. */
async function settle(cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
}

/** ELF e_machine of a file: 62 is x86-64, 183 is AArch64. */
function elfMachine(path: string): number {
  const fd = openSync(path, 'r');
  try {
    const b = Buffer.alloc(20);
    readSync(fd, b, 0, 20, 0);
    return b.readUInt16LE(18);
  } finally {
    closeSync(fd);
  }
}

test('a tag selector picks the lab x86 hosts, another the emulated arm64 host; every sample says where it ran', async () => {
  const db = join(work, 'tags.db');
  const x86 = writeSpec('lab-x86', { hosts: { all: ['lab'], not: ['arch:arm64'] }, benchtime: '20x', count: 2, pin: 1 }, [
    { name: 'ok', bench: '^BenchmarkOK$' },
  ]);
  const r1 = await run({ spec: x86 }, db);
  assert.is(r1.code, EXIT_OK, r1.err + r1.out);
  // `down` is unreachable and its manual tags do not match: reported, not a failure.
  assert.match(r1.err, /host down is unreachable, so whether the selector matches it is unknown/);

  const arm = writeSpec('lab-arm', { hosts: { all: ['arch:arm64'] }, benchtime: '20x', count: 2, pin: 1 }, [{ name: 'ok', bench: '^BenchmarkOK$' }]);
  const r2 = await run({ spec: arm }, db);
  assert.is(r2.code, EXIT_OK, r2.err + r2.out);

  const store = new Store(db);
  try {
    const [armRun, x86Run] = store.listRuns().map((r) => r.id);
    const x86Jobs = store.jobsOf(x86Run!);
    assert.equal(x86Jobs.map((j) => j.host).sort(), ['h1', 'h1', 'h2', 'h2']);
    assert.ok(x86Jobs.every((j) => j.status === 'ok'));
    const armJobs = store.jobsOf(armRun!);
    assert.equal(armJobs.map((j) => [j.host, j.status]), [['h3', 'ok'], ['h3', 'ok']]);

    const cpusOf = new Map(
      store.db.prepare<[], { id: number; cpus: string | null }>('SELECT id, cpus FROM jobs').all().map((j) => [j.id, j.cpus]),
    );
    const x86Samples = samplesOf(store, x86Run!);
    assert.is(x86Samples.length, 4 * UNITS);
    for (const s of x86Samples) {
      assert.is(s.config.host, s.host, 'the host line names the host the job ran on');
      assert.ok(s.config['pin-cpus'], 'pinned: the CPU list is a config line');
      assert.is(s.config['pin-cpus'], cpusOf.get(s.job_id), 'the config line is the CPU list the job was pinned to');
      assert.match(s.config['host-fingerprint'] ?? '', /^[0-9a-f]{12}$/);
      for (const k of ['pin-numa', 'pin-policy', 'gomaxprocs']) assert.ok(s.config[k], `${k} is a config line`);
      assert.is(s.config.gomaxprocs, '1', 'one pinned CPU, GOMAXPROCS 1');
      assert.is(s.config.goarch, 'amd64');
      assert.not.ok('emulated' in s.config);
    }
    const armSamples = samplesOf(store, armRun!);
    assert.is(armSamples.length, 2 * UNITS);
    for (const s of armSamples) {
      assert.is(s.config.host, 'h3');
      assert.is(s.config.emulated, 'qemu-user arm64');
      assert.is(s.config.goarch, 'arm64', 'the binary itself reported arm64: it ran under qemu');
      assert.ok(s.config['pin-cpus']);
      assert.match(s.config['host-fingerprint'] ?? '', /^[0-9a-f]{12}$/);
    }
    // One machine, two environments: emulated arm64 is never compared with it natively.
    const fp = (rows: typeof x86Samples, host: string) => new Set(rows.filter((s) => s.host === host).map((s) => s.config['host-fingerprint']));
    assert.is(fp(x86Samples, 'h1').size, 1);
    assert.is(fp(armSamples, 'h3').size, 1);
    assert.is.not([...fp(armSamples, 'h3')][0], [...fp(x86Samples, 'h1')][0]);
    const envs = store.db.prepare<[], { host: string; fingerprint: string }>('SELECT host, fingerprint FROM host_envs').all();
    const envOf = (n: string) => envs.find((e) => e.host === n)!.fingerprint;
    assert.is.not(envOf('h3'), envOf('h1'));

    // What was shipped to h3 is an AArch64 executable.
    const build = store.db
      .prepare<[number], { goarch: string; sha256: string }>('SELECT b.goarch, b.sha256 FROM jobs j JOIN builds b ON b.id = j.build_id WHERE j.id = ?')
      .get(armJobs[0]!.id)!;
    assert.is(build.goarch, 'arm64');
    assert.is(elfMachine(join(h.hosts[2]!.workdir, 'bin', build.sha256, 'ok.test')), 183);

    // The export reads back as Go benchmark output with the same lines, one result line per stored result.
    const x86Text = exportBenchfmt(store.db, { runIds: [x86Run!] });
    assert.is(x86Text.split('\n').filter((l) => l.startsWith('BenchmarkOK')).length, 4);
    assert.match(x86Text, /^host: h1$/m);
    assert.match(x86Text, /^host: h2$/m);
    const armText = exportBenchfmt(store.db, { runIds: [armRun!] });
    assert.match(armText, /^goarch: arm64$/m);
    assert.match(armText, /^emulated: qemu-user arm64$/m);
    assert.match(armText, /^host: h3$/m);
    assert.is(armText.split('\n').filter((l) => l.startsWith('BenchmarkOK')).length, 2);
  } finally {
    store.close();
  }
});

test('a host dropping mid-run fails only its own jobs, keeps its samples, and --resume completes the run exactly', async () => {
  const db = join(work, 'drop.db');
  const rounds = 10;
  const spec = writeSpec('drop', { hosts: ['h1', 'h2'], benchtime: '2x', count: rounds }, [{ name: 'slow', bench: '^BenchmarkSlow$' }]);
  const running = run({ spec }, db);
  let watcher: Store | undefined;
  const h2Samples = () => {
    if (!existsSync(db)) return 0;
    watcher ??= new Store(db);
    return watcher.db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM sample_view WHERE host = 'h2'").get()!.n;
  };
  const slowOnH2 = () => processesMatching(`${h.hosts[1]!.workdir}/bin/[0-9a-f]+/slow\\.test`);
  try {
    // Two samples stored, and the next benchmark process running: the host drops mid-job.
    await until(running, () => h2Samples() >= 2 * UNITS && slowOnH2().some((l) => /^\d+ \S+\/slow\.test -test\./.test(l)), 'h2 to store two samples');
  } finally {
    watcher?.close();
  }
  await h.instances[1]!.kill();
  const r = await running;
  assert.is(r.code, EXIT_PARTIAL, r.err + r.out);
  // With its connection gone, the host's own watchdog stops the benchmark that was running.
  await settle(() => slowOnH2().length === 0);
  assert.equal(slowOnH2(), [], 'nothing of the dropped job is left running on h2');

  let store = new Store(db);
  const runId = onlyRun(store);
  let jobs: JobRow[];
  try {
    assert.is(store.getRun(runId)!.status, 'partial');
    jobs = store.jobsOf(runId);
    assert.is(jobs.length, 2 * rounds);
    const on = (host: string) => jobs.filter((j) => j.host === host);
    assert.ok(on('h1').every((j) => j.status === 'ok'), 'the other host finished');
    const h2Ok = on('h2').filter((j) => j.status === 'ok');
    const h2Failed = on('h2').filter((j) => j.status !== 'ok');
    assert.ok(h2Ok.length >= 2, `h2 finished ${h2Ok.length} jobs before it dropped`);
    assert.ok(h2Failed.length > 0, 'h2 dropped before its last job');
    for (const j of h2Failed) {
      assert.is(j.status, 'failed');
      assert.match(j.error ?? '', /host h2/, 'the error names the host');
    }
    // The job running when the connection went (or, if it had just ended, the next one starting), then the rest not run.
    assert.match(h2Failed[0]!.error ?? '', /^host h2: (connection lost|cannot start a command)/);
    for (const j of h2Failed.slice(1)) assert.match(j.error ?? '', /not run: host h2 was lost/);
    // Samples of the jobs that finished on h2 are kept.
    const perJob = new Map<number, number>();
    for (const s of samplesOf(store, runId)) perJob.set(s.job_id, (perJob.get(s.job_id) ?? 0) + 1);
    for (const j of [...on('h1'), ...h2Ok]) assert.is(perJob.get(j.id), UNITS, `job ${j.seq} on ${j.host} kept its sample`);
    assert.match(r.out, /metalbench run --resume/);
  } finally {
    store.close();
  }

  await h.instances[1]!.restart();
  const failedBefore = jobs.filter((j) => j.status !== 'ok').length;
  // As a user would: the CLI, with known_hosts beside the inventory.
  const again = await cli(['run', '--resume', String(runId), '--db', db, '--inventory', inventoryPath]);
  assert.is(again.code, EXIT_OK, again.err + again.out);
  assert.match(again.err, new RegExp(`resuming run ${runId}: ${failedBefore} of ${2 * rounds} jobs left`));
  store = new Store(db);
  try {
    const run = store.getRun(runId)!;
    assert.is(run.status, 'ok');
    const after = store.jobsOf(runId);
    assert.ok(after.every((j) => j.status === 'ok'));
    // Jobs that were ok kept their rows: only the missing ones ran again.
    for (const j of jobs.filter((x) => x.status === 'ok')) assert.is(after.find((a) => a.id === j.id)!.status, 'ok');
    // None lost, none doubled.
    assert.is(run.samples, 2 * rounds * UNITS);
    const perJob = new Map<number, number>();
    for (const s of samplesOf(store, runId)) perJob.set(s.job_id, (perJob.get(s.job_id) ?? 0) + 1);
    for (const j of after) assert.is(perJob.get(j.id), UNITS, `job ${j.seq} on ${j.host}`);
  } finally {
    store.close();
  }
});

test('a host unreachable from the start fails its own jobs with a message naming it; the others complete', async () => {
  const db = join(work, 'down.db');
  const spec = writeSpec('down', { hosts: ['h1', 'h2', 'down'], benchtime: '20x', count: 1 }, [{ name: 'ok', bench: '^BenchmarkOK$' }]);
  await h.instances[1]!.kill();
  let r: Outcome;
  try {
    r = await run({ spec }, db);
  } finally {
    await h.instances[1]!.restart();
  }
  assert.is(r.code, EXIT_PARTIAL, r.err + r.out);
  const store = new Store(db);
  try {
    const runId = onlyRun(store);
    assert.is(store.getRun(runId)!.status, 'partial');
    const jobs = store.jobsOf(runId);
    const job = (host: string) => jobs.find((j) => j.host === host)!;
    assert.is(job('h1').status, 'ok');
    assert.is(job('h2').status, 'failed');
    assert.match(job('h2').error ?? '', /^host h2 \(.*\): connection refused/);
    assert.is(job('down').status, 'failed');
    assert.match(job('down').error ?? '', /^host down \(.*127\.0\.0\.251:\d+\): connection refused/);
    assert.is(samplesOf(store, runId).length, UNITS, 'the reachable host stored its sample');
    assert.match(r.out, /job \d+ on h2, suite ok: .*connection refused/);
    assert.match(r.out, /job \d+ on down, suite ok: .*connection refused/);
  } finally {
    store.close();
  }
});

test('hostile bench patterns and env values reach the benchmark over SSH as data, never as shell', async () => {
  const db = join(work, 'hostile.db');
  const tag = randomBytes(6).toString('hex');
  const pwned = join(tmpdir(), `${tag}-pwned`);
  const pwned2 = join(tmpdir(), `${tag}-pwned2`);
  const marker = join(work, `${tag}-marker`);
  const echo = `$(touch ${pwned2}); touch ${pwned2} \`touch ${pwned2}\` "dq" 'sq' \\ * ~ \n$HOME`;
  const spec = writeSpec('hostile', { hosts: ['h1', 'h3'], benchtime: '3x', count: 1 }, [
    { name: 'nothing', bench: `'; touch ${pwned} #`, env: { FAULTY_ECHO: `$(touch ${pwned2})` } },
    {
      name: 'marker',
      bench: `'; touch ${pwned} #|Marker`,
      env: { FAULTY_MARKER_FILE: marker, FAULTY_ECHO: echo },
    },
  ]);
  try {
    const r = await run({ spec }, db);
    assert.is(r.code, EXIT_PARTIAL, r.err + r.out);
    assert.not.ok(existsSync(pwned), 'the bench pattern was not run as shell');
    assert.not.ok(existsSync(pwned2), 'no env value was run as shell');
    assert.is(readFileSync(marker, 'utf8'), echo, 'the env value arrived byte for byte');
    const store = new Store(db);
    try {
      const jobs = store.jobsOf(onlyRun(store));
      for (const j of jobs.filter((x) => x.suite === 'nothing')) {
        assert.is(j.status, 'failed');
        assert.is(j.error, 'no benchmark results: the bench pattern matched nothing');
      }
      for (const j of jobs.filter((x) => x.suite === 'marker')) assert.is(j.status, 'ok', `${j.host}: ${j.error}`);
      assert.equal(jobs.map((j) => j.host).sort(), ['h1', 'h1', 'h3', 'h3']);
    } finally {
      store.close();
    }
  } finally {
    rmSync(pwned, { force: true });
    rmSync(pwned2, { force: true });
  }
});

test('a job timeout over SSH kills the whole remote process group, natively and under qemu', async () => {
  const db = join(work, 'hang.db');
  // BenchmarkHangGroup leaves a child looping in its process group, then hangs.
  const spec = writeSpec('hang', { hosts: ['h1', 'h3'], benchtime: '20x', count: 1, timeout: '3s', pin: 1 }, [
    { name: 'hang', bench: '^BenchmarkHangGroup$' },
    { name: 'after', bench: '^BenchmarkOK$' },
  ]);
  // Wrapper shells, the test binary (or qemu running it) and the child all carry the uploaded binary's path.
  const left = (host: number) => processesMatching(`${h.hosts[host]!.workdir}/bin/[0-9a-f]+/hang\\.test`);
  const benchmark = (host: number) => (l: string) => new RegExp(`^\\d+ ${host === 2 ? `${QEMU_FOR_GOARCH.arm64} ` : ''}\\S+/hang\\.test -test\\.`).test(l);
  const child = (l: string) => /^\d+ sh -c .*\/hang\.test-child$/.test(l);
  const seen = { benchmark: [false, false], child: [false, false] };
  const running = run({ spec }, db);
  // Seen while it hangs, so that finding nothing afterwards means something.
  await until(running, () => {
    [0, 2].forEach((host, i) => {
      const ps = left(host);
      seen.benchmark[i] ||= ps.some(benchmark(host));
      seen.child[i] ||= ps.some(child);
    });
    return [...seen.benchmark, ...seen.child].every(Boolean);
  }, 'the hanging benchmark and its child on h1 and on h3 (under qemu)');
  const r = await running;
  assert.is(r.code, EXIT_PARTIAL, r.err + r.out);
  assert.equal(left(0), [], 'nothing of the job is left on h1');
  assert.equal(left(2), [], 'nothing of the job is left on h3');
  const store = new Store(db);
  try {
    const jobs = store.jobsOf(onlyRun(store));
    assert.equal(jobs.map((j) => j.host).sort(), ['h1', 'h1', 'h3', 'h3']);
    for (const j of jobs.filter((x) => x.suite === 'hang')) {
      assert.is(j.status, 'failed');
      assert.is(j.error, 'timed out after 3s; the process group was killed');
    }
    // The host is usable after the timeout: the next job runs there.
    for (const j of jobs.filter((x) => x.suite === 'after')) assert.is(j.status, 'ok', `${j.host}: ${j.error}`);
  } finally {
    store.close();
  }
});

test.run();
