/**
 * What runs is what was built: a binary replaced after its upload (or in the
 * local build cache) is refused at the next job, a failed upload leaves no
 * partial file, and a full disk is named as such. Real sshd hosts; the full
 * disk is a 1 MiB tmpfs mounted as one host's workdir.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { stringify } from 'yaml';
import { Store } from '../../results/store/store.ts';
import { harnessRunOptions, inventoryEntry, once, startSshd, type SshdHarness } from '../fleet/sshd-harness.ts';
import { capture } from '../test-support.ts';
import { EXIT_PARTIAL, runCommand } from './run.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const faultyModule = join(here, 'fixtures', 'faulty');
const work = mkdtempSync(join(tmpdir(), 'metalbench-integrity-'));
const cacheDir = join(work, 'cache');
process.env.METALBENCH_CACHE = cacheDir;
const smallDisk = join(work, 'small-disk');

let h!: SshdHarness;
let inventoryPath: string;
const setup = once(async () => {
  h = await startSshd(2, { firstOctet: 50 });
  mkdirSync(smallDisk);
  const m = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m,mode=0755', 'tmpfs', smallDisk], { encoding: 'utf8' });
  if (m.status !== 0) throw new Error(`cannot mount a 1 MiB tmpfs for the full-disk test (needs root): ${m.stderr.trim()}`);
  inventoryPath = join(work, 'fleet.yaml');
  const [h1, h2] = h.hosts.map(inventoryEntry);
  writeFileSync(inventoryPath, stringify({ hosts: [h1, { ...h2, workdir: smallDisk }] }));
  return h;
});
test.before.each(async () => {
  await setup();
});
test.after(async () => {
  spawnSync('umount', [smallDisk]);
  await h?.stop();
  rmSync(work, { recursive: true, force: true });
});

function spec(name: string, hosts: string[], count: number, bench = '^BenchmarkSlow$'): string {
  const path = join(work, `${name}.yaml`);
  writeFileSync(path, stringify({ name, hosts, benchtime: '2x', count, suites: [{ name: 'slow', package: '.', module: faultyModule, bench }] }));
  return path;
}

function runIt(specPath: string, db: string) {
  const c = capture();
  const done = runCommand({
    specPath,
    dbPath: db,
    ...harnessRunOptions(h, inventoryPath),
    ...c.io,
  }).then((code) => ({ code, out: c.out(), err: c.err() }));
  return done;
}

async function whenSamples(db: string, n: number): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (existsSync(db)) {
      const s = new Store(db);
      const got = s.db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM samples').get()!.n;
      s.close();
      if (got >= n) return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no ${n} samples in ${db}`);
}

/** Put other bytes where `path` is, the way an intruder would (a new file renamed over it). */
function replace(path: string): void {
  const evil = `${path}.evil`;
  copyFileSync(path, evil);
  writeFileSync(evil, Buffer.from('\0'), { flag: 'a' });
  renameSync(evil, path);
}

function jobsOf(db: string) {
  const s = new Store(db);
  try {
    return s.jobsOf(s.listRuns()[0]!.id);
  } finally {
    s.close();
  }
}

test('a binary replaced on the host after its upload is refused by the next job', async () => {
  const db = join(work, 'swap-remote.db');
  const running = runIt(spec('swap-remote', ['h1'], 6), db);
  await whenSamples(db, 3);
  const binDir = join(h.hosts[0]!.workdir, 'bin');
  const [sha] = readdirSync(binDir);
  replace(join(binDir, sha!, 'slow.test'));
  const r = await running;
  assert.is(r.code, EXIT_PARTIAL, r.err + r.out);
  const jobs = jobsOf(db);
  assert.is(jobs[0]!.status, 'ok');
  const refused = jobs.filter((j) => j.status === 'failed');
  assert.ok(refused.length > 0, 'later jobs were refused');
  for (const j of refused) assert.match(j.error ?? '', /host h1: refused to run a binary that changed after it was verified: .*slow\.test has sha256 [0-9a-f]{64}, expected [0-9a-f]{64}/);
});

test('a binary replaced in the local build cache mid-run is refused by the next job', async () => {
  const db = join(work, 'swap-local.db');
  const running = runIt(spec('swap-local', ['local'], 6), db);
  await whenSamples(db, 3);
  const s = new Store(db);
  const path = s.db.prepare<[], { path: string }>('SELECT path FROM builds').get()!.path;
  s.close();
  try {
    replace(path);
    const r = await running;
    assert.is(r.code, EXIT_PARTIAL, r.err + r.out);
    const refused = jobsOf(db).filter((j) => j.status === 'failed');
    assert.ok(refused.length > 0);
    for (const j of refused) assert.match(j.error ?? '', /host local: refused to run .*: its sha256 is [0-9a-f]{64}, but it was built as [0-9a-f]{64}/);
  } finally {
    await running.catch(() => undefined);
    // The cache entry is damaged: later tests build it again.
    rmSync(path, { force: true });
    rmSync(`${path}.sha256`, { force: true });
  }
});

test('a full disk on the host is named (ENOSPC), and neither this upload nor an earlier one leaves a partial file', async () => {
  const db = join(work, 'full.db');
  // A leftover of an upload that died earlier, in the directory this binary goes to.
  const first = await runIt(spec('full-probe', ['h1'], 1, '^BenchmarkOK$'), join(work, 'probe.db'));
  assert.is(first.code, 0, first.err + first.out);
  const [sha] = readdirSync(join(h.hosts[0]!.workdir, 'bin'));
  mkdirSync(join(smallDisk, 'bin', sha!), { recursive: true });
  writeFileSync(join(smallDisk, 'bin', sha!, 'slow.test.part-deadbeef0000'), 'half an upload');
  const r = await runIt(spec('full', ['h2'], 2, '^BenchmarkOK$'), db);
  assert.is(r.code, EXIT_PARTIAL, r.err + r.out);
  const jobs = jobsOf(db);
  assert.match(jobs[0]!.error ?? '', /upload of .* failed: no space left on the device holding .* \(ENOSPC\); free space there/);
  const left = readdirSync(join(smallDisk, 'bin', sha!));
  assert.equal(left.filter((f) => f.includes('.part-') || f.startsWith('.space-check')), [], 'no partial file is left');
});

test.run();
