// compare over SSH: two real sshd hosts of one class (this machine twice), a
// tag selector, hosts in parallel, and the confirmation of each host's
// candidate measured on the other host.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { inventoryEntry, startSshd, type SshdHarness } from '../fleet/sshd-harness.ts';
import { capture } from '../test-support.ts';
import { parseCompareArgs } from './args.ts';
import { comparePaired, compareResume } from './command.ts';
import { makeTestRepo } from './test-repo.ts';
import type { CompareDocument } from '../../results/paired/index.ts';

const work = mkdtempSync(join(tmpdir(), 'metalbench-compare-fleet-'));
let harness: Promise<SshdHarness> | undefined;

async function hosts(): Promise<{ h: SshdHarness; inventory: string }> {
  const h = await (harness ??= startSshd(2, { tags: () => ['lab'] }));
  const inventory = join(work, 'fleet.yaml');
  writeFileSync(inventory, stringify({ hosts: h.hosts.map(inventoryEntry) }));
  copyFileSync(h.knownHostsPath, join(work, 'known_hosts'));
  return { h, inventory };
}

test('hosts run in parallel and each candidate is confirmed on the other host of its class', async () => {
  const { h, inventory } = await hosts();
  const repo = makeTestRepo({ extraSpec: 'hosts: {all: [lab]}' });
  const base = repo.git('rev-parse', 'HEAD');
  repo.commitRounds(4000);
  const json = join(work, 'fleet.json');
  const a = parseCompareArgs([repo.spec, '--base', base, '--head', 'HEAD', '--rounds', '8', '--json', json], join(work, 'fleet.db'));
  if (a === 'help' || a.mode !== 'paired') throw new Error('not a paired comparison');
  const c = capture();
  const code = await comparePaired(a, c.io, { inventoryPath: inventory, inventoryExplicit: true, commandLine: ['metalbench', 'compare'], knownHostsPaths: [h.knownHostsPath], sshConfigPath: h.sshConfigPath });
  assert.is(code, 1, c.out() + c.err());
  const doc = JSON.parse(readFileSync(json, 'utf8')) as CompareDocument;
  const names = h.hosts.map((x) => x.name);
  assert.equal(doc.hosts.map((x) => x.name), names);
  const rows = doc.confirmation!.rows;
  assert.ok(rows.length >= 1, c.out());
  for (const r of rows) assert.is(r.confirmHost, names.find((n) => n !== r.host), `${r.host}'s candidate re-measured on the other host`);
  assert.match(c.out(), /re-measured on /);
});

test('a host down at the start makes the session partial (exit 3); --resume measures it once it is back', async () => {
  const { h, inventory } = await hosts();
  const repo = makeTestRepo({ extraSpec: 'hosts: {all: [lab]}' });
  const base = repo.git('rev-parse', 'HEAD');
  const db = join(work, 'down.db');
  const env = { inventoryPath: inventory, inventoryExplicit: true, commandLine: ['metalbench', 'compare'], knownHostsPaths: [h.knownHostsPath], sshConfigPath: h.sshConfigPath };
  const down = h.instances[1]!;
  await down.kill();
  try {
    const a = parseCompareArgs([repo.spec, '--base', base, '--head', base, '--rounds', '6', '--json', join(work, 'down.json')], db);
    if (a === 'help' || a.mode !== 'paired') throw new Error('not a paired comparison');
    const c = capture();
    assert.is(await comparePaired(a, c.io, env), 3, c.out() + c.err());
    const doc = JSON.parse(readFileSync(join(work, 'down.json'), 'utf8')) as CompareDocument;
    assert.match(doc.hosts.find((x) => x.name === down.name)?.invalid ?? '(host missing from the report)', /unreachable/);
  } finally {
    await down.restart();
  }
  const r = parseCompareArgs(['--resume', '1', '--json', join(work, 'resumed.json')], db);
  if (r === 'help' || r.mode !== 'resume') throw new Error('not a resume');
  const c = capture();
  assert.is(await compareResume(r, c.io, env), 0, c.out() + c.err());
  const doc = JSON.parse(readFileSync(join(work, 'resumed.json'), 'utf8')) as CompareDocument;
  assert.equal(doc.hosts.map((x) => x.name).sort(), h.hosts.map((x) => x.name).sort());
  assert.ok(doc.hosts.every((x) => x.invalid === undefined && x.session.sampleIds.base.length === 6 * 3));
});

test.after(async () => {
  await (await harness)?.stop();
  rmSync(work, { recursive: true, force: true });
});

test.run();
