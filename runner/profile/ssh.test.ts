/**
 * Profiles over real OpenSSH: what the orchestrator stores is byte for byte
 * what the host wrote, fetched over SFTP and named (symbolized) here without
 * Go on the host; and an arm64 host emulated through qemu-user delivers
 * SIGPROF to the Go process, so its CPU profile is real (and says so).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { stringify } from 'yaml';
import { Store } from '../../results/store/store.ts';
import { ProfileIndex } from '../../results/store/profiles.ts';
import { buildSuite } from '../build/build.ts';
import { harnessRunOptions, inventoryEntry, startSshd, type SshdHarness } from '../fleet/sshd-harness.ts';
import { openHosts, readInventory } from '../run/hosts.ts';
import { runCommand } from '../run/run.ts';
import { parseSpec } from '../spec/spec.ts';
import { capture } from '../test-support.ts';
import { QEMU_FOR_GOARCH } from '../transport/ssh.ts';
import { captureProfiles } from './capture.ts';
import { summarize } from './read.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const benchmarks = join(here, '..', '..', 'benchmarks');
const work = mkdtempSync(join(tmpdir(), 'metalbench-profile-ssh-'));
let h: SshdHarness | undefined;
let inventoryPath = '';
let setup: Promise<SshdHarness> | undefined;

async function start(): Promise<SshdHarness> {
  if (spawnSync('sh', ['-c', `command -v ${QEMU_FOR_GOARCH.arm64}`]).status !== 0) {
    throw new Error(`${QEMU_FOR_GOARCH.arm64} is missing: install Debian's qemu-user-static (scripts/install-test-deps.sh)`);
  }
  // h1: a native host; h2: the same machine emulating arm64.
  h = await startSshd(2, { emulateLast: 'arm64', firstOctet: 40 });
  inventoryPath = join(work, 'fleet.yaml');
  writeFileSync(inventoryPath, stringify({ hosts: h.hosts.map(inventoryEntry) }));
  copyFileSync(h.knownHostsPath, join(work, 'known_hosts'));
  return h;
}

test.before.each(async () => {
  await (setup ??= start());
});

test.after(async () => {
  await h?.stop();
  rmSync(work, { recursive: true, force: true });
});

const suiteYaml = { name: 'calibration', package: './calibration', module: benchmarks, bench: '^BenchmarkSpin$' };

test('profiles fetched from an SSH host are byte-identical to what the host wrote, and symbolized here', async () => {
  const spec = parseSpec(stringify({ name: 'x', suites: [suiteYaml] }), join(work, 'x.yaml'));
  const suite = spec.suites[0]!;
  const inv = readInventory({ inventoryPath, inventoryExplicit: true });
  const opened = await openHosts(['h1'], inv, { inventoryPath, knownHostsPaths: [h!.knownHostsPath], sshConfigPath: h!.sshConfigPath });
  const host = opened.sessions[0]!;
  const localDir = mkdtempSync(join(work, 'fetched-'));
  try {
    const binary = await buildSuite(suite, host.target);
    const r = await captureProfiles({ host, binary, suite, benchmark: 'Spin', kinds: ['cpu', 'alloc', 'gc'], iterations: 20_000 }, { localDir, keepScratch: true });
    assert.ok(r.ok, r.error);
    assert.is(r.ops, 20_001);
    // The harness's hosts share this file system: read what the host wrote, where it wrote it.
    for (const f of r.files.filter((x) => x.kind !== 'gc')) {
      const onHost = readFileSync(join(r.hostDir!, f.kind === 'cpu' ? 'cpu.pprof' : 'alloc.pprof'));
      assert.ok(onHost.length > 0);
      assert.ok(readFileSync(f.path).equals(onHost), `${f.kind}: the fetched file differs from the host's`);
    }
    const cpu = summarize(readFileSync(r.files.find((f) => f.kind === 'cpu')!.path), 'cpu');
    assert.ok(cpu.functions.get('metalbench/benchmarks/calibration.Spin')!.flat > 0, 'Spin is named in the fetched profile');
    assert.is(cpu.unsymbolized.size, 0);
    rmSync(r.hostDir!, { recursive: true, force: true });
  } finally {
    await host.close();
    rmSync(localDir, { recursive: true, force: true });
  }
});

test('a run over SSH stores each host’s profiles; under qemu-user the CPU profile has samples and is marked emulated', async () => {
  const db = join(work, 'ssh.db');
  const specPath = join(work, 'ssh.yaml');
  writeFileSync(specPath, stringify({ name: 'ssh', hosts: ['h1', 'h2'], benchtime: '300ms', count: 1, profile: ['cpu'], suites: [suiteYaml] }));
  const c = capture();
  const code = await runCommand({
    specPath,
    dbPath: db,
    ...harnessRunOptions(h!, inventoryPath),
    ...c.io,
  });
  assert.is(code, 0, c.err() + c.out());
  const store = new Store(db);
  try {
    const index = new ProfileIndex(store);
    const rows = index.list(store.listRuns({ limit: 1 })[0]!.id);
    assert.equal(rows.map((r) => [r.host, r.kind, r.status]), [['h1', 'cpu', 'ok'], ['h2', 'cpu', 'ok']]);
    const builds = store.db.prepare<[], { sha256: string; goarch: string }>('SELECT sha256, goarch FROM builds').all();
    const arch = (sha: string) => builds.find((b) => b.sha256 === sha)?.goarch;
    assert.is(arch(rows[0]!.binary_sha256), 'amd64');
    assert.is(arch(rows[1]!.binary_sha256), 'arm64', 'indexed with the arm64 binary that ran under qemu');
    const emulated = summarize(index.read(rows[1]!), 'cpu');
    assert.ok(emulated.samples > 0, 'qemu-user delivered SIGPROF');
    assert.ok(emulated.functions.get('metalbench/benchmarks/calibration.Spin')!.flat > 0);
    assert.match(rows[1]!.notes_json, /qemu-user emulation/);
    assert.equal(JSON.parse(rows[0]!.notes_json), []);
  } finally {
    store.close();
  }
});

test.run();
