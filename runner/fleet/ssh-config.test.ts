import { createHash, createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkHostKey, hostKeyAlgorithmsFor, keyFingerprint, keyTypeOf, knownHostName, recordHostKey } from './known-hosts.ts';
import { resolveRoute } from './route.ts';
import { expandIdentityPath, hostMatches, lookupSshConfig } from './ssh-config.ts';
import type { HostEntry } from './inventory.ts';

const cfg = resolve('runner/fleet/fixtures/ssh_config');

test('ssh_config: first value wins, IdentityFile accumulates, patterns and negation', () => {
  assert.equal(lookupSshConfig('bench1', cfg), {
    hostName: 'bench1.example.org',
    port: 2200,
    user: 'first-wins-not-this',
    identityFiles: ['/keys/second', '/keys/last'],
    proxyJump: 'jumper@bastion:2022',
  });
  assert.equal(lookupSshConfig('db.lab', cfg), { user: 'labuser', identityFiles: ['~/.ssh/lab_%h', '/keys/last'] });
  assert.equal(lookupSshConfig('bad.lab', cfg).user, 'fallback');
  assert.equal(lookupSshConfig('x', '/nonexistent/config'), { identityFiles: [] });
  assert.ok(hostMatches('a.lab', ['*.lab,!b.lab']));
  assert.not.ok(hostMatches('b.lab', ['*.lab', '!b.lab']));
  assert.is(expandIdentityPath('~/.ssh/lab_%h', { host: 'db.lab', user: 'u' }), join(homedir(), '.ssh/lab_db.lab'));
  assert.is(expandIdentityPath('id_%r', { host: 'h', user: 'u' }), join(homedir(), '.ssh/id_u'));
});

test('routes: inventory values beat ssh_config, ProxyJump becomes hops', () => {
  const entry: HostEntry = { name: 'b1', builtin: false, address: 'bench1', tags: [], workdir: '/w', lockWaitMs: 0, agent: false };
  const route = resolveRoute(entry, { sshConfigPath: cfg });
  assert.equal(route.map((h) => [h.label, h.host, h.port, h.user]), [
    ['jumper@bastion:2022', 'bastion', 2022, 'jumper'],
    ['b1', 'bench1.example.org', 2200, 'first-wins-not-this'],
  ]);
  assert.equal(route[1]!.identityFiles, ['/keys/second', '/keys/last']);
  const explicit = resolveRoute({ ...entry, port: 22, user: 'me', identityFile: '/k/mine', jump: 'none-such,j2' }, { sshConfigPath: cfg, inventory: [{ ...entry, name: 'j2', address: '10.1.1.1', user: 'hop' }] });
  assert.equal(explicit.map((h) => [h.label, h.host, h.port, h.user]), [
    ['none-such', 'none-such', 22, 'fallback'],
    ['j2', '10.1.1.1', 22, 'hop'],
    ['b1', 'bench1.example.org', 22, 'me'],
  ]);
  assert.equal(explicit[2]!.identityFiles, ['/k/mine', '/keys/second', '/keys/last']);
});

test('known_hosts: plain, [host]:port, hashed, changed, revoked, recorded', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mb-kh-'));
  const blob = (type: string) => {
    const t = Buffer.from(type);
    const len = Buffer.alloc(4);
    len.writeUInt32BE(t.length);
    return Buffer.concat([len, t, randomBytes(32)]);
  };
  const k1 = blob('ssh-ed25519');
  const k2 = blob('ssh-ed25519');
  const salt = randomBytes(20);
  const hashed = `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update('[10.0.0.9]:2222').digest('base64')}`;
  const kh = join(dir, 'known_hosts');
  writeFileSync(kh, `# c\nalpha,10.0.0.1 ssh-ed25519 ${k1.toString('base64')}\n${hashed} ssh-ed25519 ${k2.toString('base64')}\n@revoked * ssh-ed25519 ${k2.toString('base64')}\n`);
  assert.is(checkHostKey([kh], 'alpha', 22, k1).status, 'known');
  assert.is(checkHostKey([kh], '10.0.0.1', 2222, k1).status, 'unknown', 'a port other than 22 is a different name');
  assert.equal(checkHostKey([kh], 'alpha', 22, blob('ssh-ed25519')), { status: 'changed', file: kh, line: 2, knownType: 'ssh-ed25519' });
  assert.is(checkHostKey([kh], '10.0.0.9', 2222, k2).status, 'revoked');
  assert.equal(hostKeyAlgorithmsFor([kh], 'alpha', 22), ['ssh-ed25519']);
  assert.is(hostKeyAlgorithmsFor([kh], 'nobody', 22), undefined);
  const k3 = blob('ssh-rsa');
  const line = recordHostKey(join(dir, 'new', 'kh'), 'beta', 2200, k3);
  assert.is(line, `[beta]:2200 ssh-rsa ${k3.toString('base64')}`);
  assert.is(checkHostKey([join(dir, 'new', 'kh')], 'beta', 2200, k3).status, 'known');
  assert.equal(hostKeyAlgorithmsFor([join(dir, 'new', 'kh')], 'beta', 2200), ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa']);
  assert.is(keyTypeOf(k3), 'ssh-rsa');
  assert.is(knownHostName('h', 22), 'h');
  assert.is(keyFingerprint(k1), `SHA256:${createHash('sha256').update(k1).digest('base64').replace(/=+$/, '')}`);
  assert.ok(readFileSync(kh, 'utf8'));
});

test.run();
