import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { stringify } from 'yaml';
import { connectSsh } from '../transport/ssh.ts';
import { hostsCommand, parseSelectorArg, type HostsCommandOptions } from './hosts-command.ts';
import type { HostEntry } from './inventory.ts';
import { inventoryEntry, once, startSshd, type SshdHarness } from './sshd-harness.ts';

let h!: SshdHarness;

const start = once(() => startSshd(2, { tags: (i) => (i === 0 ? ['x86', 'lab'] : ['lab']) }));

test.before.each(async () => {
  h = await start();
});

test.after(async () => {
  await h?.stop();
});

/** An inventory for the harness hosts in a fresh directory (its own known_hosts). */
function fleet(hosts: HostEntry[], knownHosts = ''): { dir: string; opts: HostsCommandOptions } {
  const dir = mkdtempSync(join(tmpdir(), 'mb-fleet-'));
  const list = hosts.map(inventoryEntry);
  writeFileSync(join(dir, 'fleet.yaml'), stringify({ hosts: list }));
  writeFileSync(join(dir, 'known_hosts'), knownHosts);
  return {
    dir,
    opts: {
      inventoryPath: join(dir, 'fleet.yaml'),
      dbPath: join(dir, 'mb.db'),
      json: false,
      inventoryExplicit: true,
      sshConfigPath: h.sshConfigPath,
      knownHostsPaths: [join(dir, 'known_hosts')],
      connectTimeoutMs: 5000,
    },
  };
}

async function run(argv: string[], opts: HostsCommandOptions): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await hostsCommand(argv, { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) } }, opts);
  return { code, out, err };
}

function sshKeygenFingerprint(pubPath: string): string {
  return execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', pubPath], { encoding: 'utf8' }).split(' ')[1]!;
}

test('trust shows the fingerprint ssh-keygen shows, records it, and then connections work', async () => {
  const { dir, opts } = fleet([h.hosts[0]!]);
  const entry = h.hosts[0]!;
  const before = await connectSsh(entry, { knownHostsPaths: opts.knownHostsPaths!, sshConfigPath: h.sshConfigPath }).then(
    () => 'connected',
    (e: Error) => e.message,
  );
  assert.match(before, /unknown host key/);
  const fp = sshKeygenFingerprint(`${h.instances[0]!.hostKeyPath}.pub`);
  const r = await run(['trust', 'h1'], opts);
  assert.is(r.code, 0, r.err);
  assert.match(r.out, new RegExp(`^h1 root@127\\.0\\.0\\.2:${entry.port} presents ssh-ed25519 ${fp.replace(/[+/]/g, '\\$&')}$`, 'm'));
  assert.match(r.out, /recorded in .*known_hosts/);
  const line = readFileSync(join(dir, 'known_hosts'), 'utf8').trim();
  assert.is(line, `[127.0.0.2]:${entry.port} ${readFileSync(`${h.instances[0]!.hostKeyPath}.pub`, 'utf8').split(' ').slice(0, 2).join(' ')}`);
  const t = await connectSsh(entry, { knownHostsPaths: opts.knownHostsPaths!, sshConfigPath: h.sshConfigPath });
  await t.close();
  const again = await run(['trust', 'h1'], opts);
  assert.is(again.code, 0);
  assert.match(again.out, /already known; nothing to record/);
});

test('trust --fingerprint records only the expected key', async () => {
  const { dir, opts } = fleet([h.hosts[0]!]);
  const wrong = `SHA256:${'A'.repeat(43)}`;
  const r = await run(['trust', 'h1', '--fingerprint', wrong], opts);
  assert.is(r.code, 1);
  assert.match(r.err, /presents SHA256:\S+, not the expected SHA256:A{43}; nothing recorded/);
  assert.is(readFileSync(join(dir, 'known_hosts'), 'utf8'), '');
  const right = sshKeygenFingerprint(`${h.instances[0]!.hostKeyPath}.pub`);
  const ok = await run(['trust', 'h1', '--fingerprint', right, '--json'], opts);
  assert.is(ok.code, 0, ok.err);
  const j = JSON.parse(ok.out) as { ok: boolean; recorded: Array<{ fingerprint: string }> };
  assert.equal([j.ok, j.recorded.map((x) => x.fingerprint)], [true, [right]]);
});

test('trust through a jump host records both keys; a changed key is refused', async () => {
  const { dir, opts } = fleet([h.hosts[0]!, { ...h.hosts[1]!, jump: 'h1' }]);
  const r = await run(['trust', 'h2'], opts);
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /^h2 \(jump host h1\) root@127\.0\.0\.2:\d+ presents ssh-ed25519 /m);
  assert.match(r.out, /^h2 root@127\.0\.0\.3:\d+ presents ssh-ed25519 /m);
  assert.is(readFileSync(join(dir, 'known_hosts'), 'utf8').trim().split('\n').length, 2);
  // Swap in h2's key under h1's name: h1 must now be refused, not re-trusted.
  const lines = readFileSync(join(dir, 'known_hosts'), 'utf8').trim().split('\n');
  const forged = `${lines[0]!.split(' ')[0]} ${lines[1]!.split(' ').slice(1).join(' ')}\n`;
  writeFileSync(join(dir, 'known_hosts'), forged);
  const c = await run(['trust', 'h1'], opts);
  assert.is(c.code, 1);
  assert.match(c.err, /HOST KEY CHANGED/);
  assert.is(readFileSync(join(dir, 'known_hosts'), 'utf8'), forged);
});

test('bad input: unknown host, local, missing inventory, other subcommands', async () => {
  const { opts } = fleet([h.hosts[0]!]);
  const unknown = await run(['trust', 'nope'], opts);
  assert.equal([unknown.code, /unknown host "nope"/.test(unknown.err)], [2, true]);
  assert.match((await run(['trust', 'local'], opts)).err, /no SSH host key/);
  const missing = await run(['check'], { ...opts, inventoryPath: '/nonexistent/fleet.yaml' });
  assert.equal([missing.code, /inventory file not found/.test(missing.err)], [2, true]);
  assert.is((await run(['tune'], opts)).code, 2);
  assert.is((await run(['frobnicate'], opts)).code, 2);
  assert.match((await run(['check', '{all: [a b]}'], opts)).err, /is not a host name, a list of names/);
  assert.match((await run(['check', 'ghost'], opts)).err, /unknown host "ghost"/);
  assert.not.ok(existsSync(opts.dbPath));
});

test('parseSelectorArg: names, comma lists, YAML flow selectors', () => {
  assert.is(parseSelectorArg('h1'), 'h1');
  assert.equal(parseSelectorArg('h1,h2'), ['h1', 'h2']);
  assert.equal(parseSelectorArg('[h1, h2]'), ['h1', 'h2']);
  assert.equal(parseSelectorArg('{all: [arch:arm64], not: [noisy]}'), { all: ['arch:arm64'], not: ['noisy'] });
  assert.throws(() => parseSelectorArg('{all: [x'), /not valid YAML/);
});

test.run();
