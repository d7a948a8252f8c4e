import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { stringify } from 'yaml';
import { hostsCommand, type HostsCommandOptions } from './hosts-command.ts';
import { loadInventory } from './inventory.ts';
import { openSelection } from './probe.ts';
import { inventoryEntry, once, startSshd, type SshdHarness } from './sshd-harness.ts';

let h!: SshdHarness;
let opts: HostsCommandOptions;

const start = once(async () => {
  h = await startSshd(2, { emulateLast: 'arm64', tags: (i) => (i === 0 ? ['lab', 'x86'] : ['lab', 'arm']) });
  const dir = mkdtempSync(join(tmpdir(), 'mb-check-'));
  const hosts = [
    ...h.hosts.map(inventoryEntry),
    // Nothing listens there.
    { name: 'down', address: '127.0.0.251', port: h.hosts[0]!.port, identityFile: h.clientKeyPath, agent: false, tags: ['lab'] },
  ];
  writeFileSync(join(dir, 'fleet.yaml'), stringify({ hosts }));
  writeFileSync(join(dir, 'known_hosts'), readFileSync(h.knownHostsPath));
  opts = {
    inventoryPath: join(dir, 'fleet.yaml'),
    dbPath: join(dir, 'mb.db'),
    json: false,
    inventoryExplicit: true,
    sshConfigPath: h.sshConfigPath,
    knownHostsPaths: [join(dir, 'known_hosts')],
    connectTimeoutMs: 3000,
  };
});

test.before.each(async () => {
  await start();
});

test.after(async () => {
  await h?.stop();
});

async function run(argv: string[], o: HostsCommandOptions = opts): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await hostsCommand(argv, { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) } }, o);
  return { code, out, err };
}

test('check: a table per host, the emulated host as arm64, the unreachable one reported, facts stored', async () => {
  const r = await run(['check']);
  assert.is(r.code, 1, 'an unreachable host fails the check');
  const lines = r.out.split('\n');
  assert.match(lines[0]!, /^HOST\s+ARCH\s+CPUS\s+NUMA\s+GOVERNOR\s+TURBO\s+SMT\s+ISOLATED\s+LOAD\s+FINGERPRINT$/);
  assert.match(r.out, /^local\s+amd64\s+\d+\s+\d+\s/m);
  assert.match(r.out, /^h1\s+amd64\s+\d+\s+\d+\s/m);
  assert.match(r.out, /^h2\s+arm64 \(emulated\)\s/m);
  assert.match(r.out, /^error\s+down: host down \(root@127\.0\.0\.251:\d+\): connection refused/m);
  assert.match(r.out, /^warning\s+h1: /m);
  const db = new Database(opts.dbPath, { readonly: true });
  const envs = db.prepare('SELECT host, fingerprint FROM host_envs ORDER BY host').all() as Array<{ host: string; fingerprint: string }>;
  db.close();
  assert.equal(envs.map((e) => e.host), ['h1', 'h2', 'local']);
  const fp = (n: string) => envs.find((e) => e.host === n)!.fingerprint;
  assert.is.not(fp('h1'), fp('h2'), 'the emulated host is a different environment from the same machine native');
});

test('check --json, by tag selector, and a manual tag that contradicts the facts', async () => {
  const r = await run(['check', '{all: [arch:arm64]}', '--json']);
  const rows = JSON.parse(r.out) as Array<{ host: string; ok: boolean; emulated?: boolean; tags?: { derived: string[] }; error?: string }>;
  const names = rows.filter((x) => !x.error).map((x) => x.host);
  assert.equal(names, ['h2']);
  assert.ok(rows[0]!.emulated);
  assert.ok(rows[0]!.tags!.derived.includes('arch:arm64'));
  // h1 is x86_64: tag it arm and the check fails naming the tag.
  const inv = readFileSync(opts.inventoryPath, 'utf8').replace('- x86', '- arm');
  const dir = mkdtempSync(join(tmpdir(), 'mb-check-'));
  writeFileSync(join(dir, 'fleet.yaml'), inv);
  const bad = await run(['check', 'h1'], { ...opts, inventoryPath: join(dir, 'fleet.yaml'), dbPath: join(dir, 'db') });
  assert.is(bad.code, 1);
  assert.match(bad.out, /^error\s+h1: .*arm/m);
});

test('facts NAME: every fact as JSON, stored like check; an unknown name is bad input', async () => {
  const r = await run(['facts', 'h2']);
  assert.is(r.code, 0, r.err);
  const j = JSON.parse(r.out) as { host: string; fingerprint: string; hostEnvId: number; tags: { derived: string[] }; facts: { topology: { online: number[] }; emulated?: { goarch: string } } };
  assert.is(j.host, 'h2');
  assert.match(j.fingerprint, /^[0-9a-f]{64}$/);
  assert.ok(j.hostEnvId > 0);
  assert.ok(j.facts.topology.online.length > 0);
  assert.is(j.facts.emulated?.goarch, 'arm64');
  assert.ok(j.tags.derived.includes('arch:arm64'));
  const bad = await run(['facts', 'nosuch']);
  assert.is(bad.code, 2);
  assert.match(bad.err, /unknown host "nosuch"/);
});

test('openSelection: names connect and lock only the named hosts; tags pick from facts', async () => {
  const inv = loadInventory(opts.inventoryPath);
  const probe = { knownHostsPaths: opts.knownHostsPaths!, sshConfigPath: h.sshConfigPath, connectTimeoutMs: 3000, lock: true };
  const named = await openSelection(['h1', 'down'], inv, probe);
  assert.equal(named.hosts.map((x) => x.name), ['h1']);
  assert.equal(named.failed.map((x) => x.name), ['down']);
  assert.equal(named.hosts[0]!.target, { goos: 'linux', goarch: 'amd64' });
  // h1 is locked by that selection: a second one fails for h1, clearly.
  const second = await openSelection('h1', inv, probe);
  assert.match(second.failed[0]!.error, /host h1 is busy/);
  for (const x of named.hosts) await x.transport.close();
  const byTag = await openSelection({ all: ['emulated'] }, inv, probe);
  assert.equal(byTag.hosts.map((x) => [x.name, x.target.goarch]), [['h2', 'arm64']]);
  for (const x of byTag.hosts) await x.transport.close();
});

test.run();
