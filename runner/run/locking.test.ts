/**
 * Host locks over real OpenSSH: a run locks only the hosts its selection
 * chose, waits for a busy host when told to (and says so), and when no
 * chosen host can be used it stops before recording anything, naming each
 * host once. Another orchestrator is played by flock(1) on the host's own
 * lock file, as a second metalbench would hold it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { stringify } from 'yaml';
import { Store } from '../../results/store/store.ts';
import { harnessRunOptions, inventoryEntry, once, startSshd, type SshdHarness } from '../fleet/sshd-harness.ts';
import { capture } from '../test-support.ts';
import { EXIT_OK, EXIT_PARTIAL, runCommand } from './run.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const faultyModule = join(here, 'fixtures', 'faulty');
const work = mkdtempSync(join(tmpdir(), 'metalbench-locking-'));
process.env.METALBENCH_CACHE = join(work, 'cache');

let h!: SshdHarness;
let inventoryPath: string;
const setup = once(async () => {
  // h1, h2: x86 hosts tagged lab; h3: arm64 under qemu, tagged lab and arm.
  h = await startSshd(3, { emulateLast: 'arm64', tags: (i) => (i === 2 ? ['lab', 'arm'] : ['lab']), firstOctet: 40 });
  inventoryPath = join(work, 'fleet.yaml');
  writeFileSync(inventoryPath, stringify({ hosts: h.hosts.map(inventoryEntry) }));
  copyFileSync(h.knownHostsPath, join(work, 'known_hosts'));
  return h;
});
test.before.each(async () => {
  await setup();
});

const holders: ChildProcess[] = [];
test.after.each(async () => {
  for (const p of holders.splice(0)) {
    if (p.exitCode === null && p.signalCode === null) {
      // The whole group: flock's command holds the lock too.
      process.kill(-p.pid!, 'SIGKILL');
      await new Promise((r) => p.once('exit', r));
    }
  }
  for (const inst of h?.instances ?? []) if (!inst.proc) await inst.restart();
});
test.after(async () => {
  await h?.stop();
  rmSync(work, { recursive: true, force: true });
});

/** Hold host i's lock as another orchestrator would, for `seconds` (default: until the test ends). */
async function holdLock(i: number, seconds = 600): Promise<ChildProcess> {
  const dir = h.hosts[i]!.workdir;
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  const file = join(dir, 'lock');
  writeFileSync(file, 'metalbench pid 4242 on labhost (user other) since earlier\n');
  const p = spawn('flock', ['--exclusive', file, 'sh', '-c', `echo held; sleep ${seconds}`], { stdio: ['ignore', 'pipe', 'ignore'], detached: true });
  holders.push(p);
  await new Promise<void>((resolve, reject) => {
    p.stdout!.once('data', () => resolve());
    p.once('exit', (c) => reject(new Error(`flock exited ${c}`)));
  });
  return p;
}

function spec(name: string, hosts: unknown): string {
  const path = join(work, `${name}.yaml`);
  writeFileSync(path, stringify({ name, hosts, benchtime: '5x', count: 1, suites: [{ name: 'ok', package: '.', module: faultyModule, bench: '^BenchmarkOK$' }] }));
  return path;
}

async function run(specPath: string, db: string, extra: { lockWaitMs?: number } = {}) {
  const c = capture();
  const code = await runCommand({
    specPath,
    dbPath: db,
    ...harnessRunOptions(h, inventoryPath),
    ...extra,
    ...c.io,
  });
  return { code, out: c.out(), err: c.err() };
}

function runsIn(db: string): number {
  if (!existsSync(db)) return 0;
  const s = new Store(db);
  try {
    return s.listRuns().length;
  } finally {
    s.close();
  }
}

test('a tag selector locks only its matches: hosts held by others are neither waited for nor reported', async () => {
  await holdLock(0);
  await holdLock(1);
  const db = join(work, 'arm.db');
  const r = await run(spec('arm-only', { all: ['arch:arm64'] }), db, { lockWaitMs: 30_000 });
  assert.is(r.code, EXIT_OK, r.err + r.out);
  assert.not.match(r.err, /h1|h2/, 'the x86 hosts were probed without taking their locks');
  const s = new Store(db);
  try {
    assert.equal(s.jobsOf(s.listRuns()[0]!.id).map((j) => [j.host, j.status]), [['h3', 'ok']]);
  } finally {
    s.close();
  }
});

test('every chosen host busy: exit 3 before a run is recorded, one line per host', async () => {
  await holdLock(0);
  await holdLock(1);
  const db = join(work, 'busy.db');
  const r = await run(spec('busy', ['h1', 'h2']), db);
  assert.is(r.code, EXIT_PARTIAL, r.err + r.out);
  const lines = r.err.split('\n').filter((l) => /busy/.test(l));
  assert.is(lines.filter((l) => l.includes('host h1 is busy')).length, 1, r.err);
  assert.is(lines.filter((l) => l.includes('host h2 is busy')).length, 1, r.err);
  assert.match(r.err, /holds \S+ \(metalbench pid 4242 on labhost/, r.err);
  assert.match(r.err, /no selected host can be used; nothing was run/);
  assert.is(runsIn(db), 0, 'no run was recorded');
});

test('a tag selector whose only match is busy exits 3 with the reason, not "matches no host"', async () => {
  await holdLock(2);
  const db = join(work, 'only-busy.db');
  const r = await run(spec('only-busy', { all: ['arch:arm64'] }), db);
  assert.is(r.code, EXIT_PARTIAL, r.err + r.out);
  assert.match(r.err, /host h3 is busy/);
  assert.not.match(r.err, /matches no host/);
  assert.is(runsIn(db), 0);
});

test('a tag selector whose only match is down exits 3 with the reason, whether its manual tags match or only its facts could', async () => {
  await h.instances[2]!.kill();
  const db = join(work, 'only-down.db');
  for (const hosts of [{ all: ['arm'] }, { all: ['arch:arm64'] }]) {
    const r = await run(spec('only-down', hosts), db);
    assert.is(r.code, EXIT_PARTIAL, r.err + r.out);
    assert.match(r.err, /host h3 .*connection refused/);
    assert.not.match(r.err, /matches no host/);
  }
  assert.is(runsIn(db), 0);
});

test('--lock-wait: the run says which host is busy and who holds it, waits, then runs', async () => {
  await holdLock(0, 2);
  const db = join(work, 'wait.db');
  const r = await run(spec('wait', ['h1']), db, { lockWaitMs: 60_000 });
  assert.is(r.code, EXIT_OK, r.err + r.out);
  assert.match(r.err, /host h1 is busy \(held by metalbench pid 4242 on labhost \(user other\) since earlier\); waiting up to 60s for it/);
  assert.is(runsIn(db), 1);
});

test('a busy host among free ones fails its jobs with one line for the host, not one per job', async () => {
  await holdLock(1);
  const db = join(work, 'some-busy.db');
  const path = join(work, 'some-busy.yaml');
  writeFileSync(path, stringify({ name: 'some-busy', hosts: ['h1', 'h2'], benchtime: '5x', count: 4, suites: [{ name: 'ok', package: '.', module: faultyModule, bench: '^BenchmarkOK$' }] }));
  const r = await run(path, db);
  assert.is(r.code, EXIT_PARTIAL, r.err + r.out);
  assert.is(r.out.split('\n').filter((l) => l.includes('host h2 is busy')).length, 1, r.out);
  assert.match(r.out, /jobs 4-7 on h2 \(4 jobs, suite ok\): host h2 is busy/);
  assert.is(r.err.split('\n').filter((l) => l.includes('host h2 is busy')).length, 1, r.err);
  // The hint names the database and the inventory: pasted, it works.
  assert.ok(r.out.includes(`re-run only the missing jobs with: metalbench run --resume 1 --db ${db} --inventory ${inventoryPath}`), r.out);
});

test('a workdir others can write to, or that belongs to someone else, is refused with the fix', async () => {
  const dir = h.hosts[1]!.workdir;
  mkdirSync(dir, { recursive: true });
  const mode = statSync(dir).mode & 0o7777;
  try {
    chmodSync(dir, 0o775);
    const r = await run(spec('writable', ['h2']), join(work, 'writable.db'));
    assert.is(r.code, EXIT_PARTIAL, r.err + r.out);
    assert.match(r.err, new RegExp(`host h2: workdir refused: ${dir} is writable by group or others \\(mode 775\\).*Fix it on the host with: chmod go-w '${dir}'`));
    chmodSync(dir, mode);
    chownSync(dir, 65534, 65534);
    const o = await run(spec('owned', ['h2']), join(work, 'owned.db'));
    assert.is(o.code, EXIT_PARTIAL, o.err + o.out);
    assert.match(o.err, new RegExp(`host h2: workdir refused: ${dir} belongs to uid 65534, not to \\S+ \\(uid \\d+\\).*chown -R`));
  } finally {
    chownSync(dir, process.getuid!(), process.getgid!());
    chmodSync(dir, mode);
  }
  const ok = await run(spec('fixed', ['h2']), join(work, 'fixed.db'));
  assert.is(ok.code, EXIT_OK, ok.err + ok.out);
});

test.run();
