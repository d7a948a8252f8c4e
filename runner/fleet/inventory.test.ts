import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { findHost, InventoryError, loadInventory } from './inventory.ts';

const fx = (f: string) => resolve('runner/fleet/fixtures', f);

function errorOf(fn: () => unknown): InventoryError {
  try {
    fn();
  } catch (e) {
    if (e instanceof InventoryError) return e;
    throw e;
  }
  throw new Error('expected an InventoryError');
}

test('a valid inventory: defaults, local always first, paths resolved', () => {
  const inv = loadInventory(fx('good.yaml'));
  assert.equal(inv.hosts.map((h) => h.name), ['local', 'epyc1', 'graviton', 'qemu-arm']);
  assert.ok(inv.hosts[0]!.builtin);
  const [, epyc, grav, qemu] = inv.hosts;
  assert.equal(epyc, {
    name: 'epyc1',
    builtin: false,
    address: '10.0.0.11',
    user: 'bench',
    tags: ['lab', 'x86', 'numa', 'bare-metal'],
    workdir: '/srv/metalbench',
    lockWaitMs: 0,
  });
  assert.is(grav!.user, 'ec2-user');
  assert.is(grav!.port, 2222);
  assert.is(grav!.identityFile, fx('keys/bench_ed25519'));
  assert.is(grav!.jump, 'epyc1');
  assert.is(grav!.workdir, '~/mb');
  assert.is(grav!.lockWaitMs, 60000);
  assert.is(qemu!.emulate, 'arm64');
  assert.equal(qemu!.pin, { cpus: 1 });
  assert.is(qemu!.port, undefined, 'unset port is left for ~/.ssh/config');
  assert.is(findHost(inv, 'epyc1'), epyc);
  assert.throws(() => findHost(inv, 'nope'), /unknown host "nope" .*known hosts: local, epyc1, graviton, qemu-arm/);
});

test('every problem is reported with file:line:col and the key path', () => {
  const e = errorOf(() => loadInventory(fx('bad.yaml')));
  const lines = e.message.split('\n');
  const f = 'runner/fleet/fixtures/bad.yaml';
  assert.ok(lines.some((l) => l.startsWith(`${fx('bad.yaml')}:`) || l.startsWith(`${f}:`)), e.message);
  const text = e.message.replaceAll(fx('bad.yaml'), 'bad.yaml').replaceAll(f, 'bad.yaml');
  assert.match(text, /bad\.yaml:2:5: hosts\[0\]: missing required key "address"/);
  assert.match(text, /bad\.yaml:3:5: hosts\[0\]\.adress: unknown key \(did you mean "address"\?\); allowed keys: name, address,/);
  assert.match(text, /bad\.yaml:5:11: hosts\[1\]\.name: "local" is not allowed \(expected: inventory name: .*not 'local'\)/);
  assert.match(text, /bad\.yaml:7:11: hosts\[2\]\.port|bad\.yaml:7:11: hosts\[1\]\.port: must be <= 65535/);
  assert.match(text, /hosts\[2\]\.emulate: must be one of: "arm64", "arm"/);
  assert.match(text, /hosts\[2\]\.workdir: "relative\/dir" is not allowed \(expected: absolute remote directory/);
  assert.match(text, /bad\.yaml:12:5: hosts\[3\]\.name: duplicate host name "arm1"/);
  assert.ok(lines.length >= 7, e.message);
});

test('duplicate names and jump loops are errors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mb-inv-'));
  const p = join(dir, 'dup.yaml');
  writeFileSync(p, 'hosts:\n  - name: a\n    address: x\n  - name: a\n    address: y\n');
  assert.match(errorOf(() => loadInventory(p)).message, /dup\.yaml:4:5: hosts\[1\]\.name: duplicate host name "a" \(first defined at hosts\[0\]\)/);
  assert.match(errorOf(() => loadInventory(fx('loop.yaml'))).message, /hosts\[0\]\.jump: jump hosts form a loop: a -> b -> a/);
});

test('YAML syntax errors are positioned too', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mb-inv-'));
  const p = join(dir, 'broken.yaml');
  writeFileSync(p, 'hosts:\n  - name: a\n   address: [x\n');
  assert.match(errorOf(() => loadInventory(p)).message, /broken\.yaml:\d+:\d+: YAML: /);
});

test('a missing default inventory is just local; an explicit one is an error', () => {
  const inv = loadInventory('/nonexistent/fleet.yaml');
  assert.equal(inv.hosts.map((h) => h.name), ['local']);
  assert.match(errorOf(() => loadInventory('/nonexistent/fleet.yaml', { required: true })).message, /fleet\.yaml:1:1: inventory file not found/);
  // An empty file is a valid, empty inventory.
  const dir = mkdtempSync(join(tmpdir(), 'mb-inv-'));
  writeFileSync(join(dir, 'empty.yaml'), '');
  assert.equal(loadInventory(join(dir, 'empty.yaml')).hosts.map((h) => h.name), ['local']);
  assert.ok(homedir());
});

test('the committed hosts/fleet.yaml is valid', () => {
  loadInventory('hosts/fleet.yaml', { required: true });
});


test('a host pin override is validated with the spec pin rules, positioned', async () => {
  const { pinPolicySchema } = await import('../host/pinning.ts');
  const dir = mkdtempSync(join(tmpdir(), 'mb-inv-pin-'));
  const file = join(dir, 'fleet.yaml');
  writeFileSync(file, 'hosts:\n  - name: epyc\n    address: epyc.lab\n    pin: { cpus: 4, smt: maybe }\n  - name: arm\n    address: arm.lab\n    pin: [2, 3]\n');
  const e = errorOf(() => loadInventory(file));
  assert.match(e.message, /fleet\.yaml:4:10: hosts\[0\]\.pin/);
  assert.not.match(e.message, /hosts\[1\]/);
  const { definitions } = JSON.parse(readFileSync('hosts/inventory.schema.json', 'utf8')) as { definitions: { host: { properties: { pin: { oneOf: unknown } } } } };
  assert.equal(definitions.host.properties.pin.oneOf, JSON.parse(JSON.stringify(pinPolicySchema.oneOf)));
});

test('the built-in host takes tags, a pin override and a lock wait under local:', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mb-inv-local-'));
  const file = join(dir, 'fleet.yaml');
  writeFileSync(file, 'local:\n  tags: [laptop]\n  pin: { avoid: [] }\n  lockWaitMs: 5000\nhosts: []\n');
  const local = findHost(loadInventory(file), 'local');
  assert.ok(local.builtin);
  assert.equal(local.tags, ['laptop']);
  assert.equal(local.pin, { avoid: [] });
  assert.is(local.lockWaitMs, 5000);
  writeFileSync(file, 'local:\n  address: elsewhere\n');
  assert.match(errorOf(() => loadInventory(file)).message, /fleet\.yaml:2:3: local\.address: unknown key/);
});

test.run();
