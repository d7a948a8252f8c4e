import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hostsPlace } from './hosts-place.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'metalbench-hosts-place-'));

function spec(name: string, hosts: string): string {
  const p = join(work, name);
  writeFileSync(p, `name: s\nhosts: ${hosts}\nsuites:\n  - name: a\n    module: ${join(root, 'benchmarks')}\n    package: ./calibration\n    benchtime: 1x\n`);
  return p;
}

test('the first host or tag at fault, else hosts: itself', () => {
  const names = spec('names.yaml', '[local, ghost, ghoul]');
  assert.is(hostsPlace(names, ['ghost', 'ghoul']), `${names}:2:16`);
  const one = spec('one.yaml', 'ghost');
  assert.is(hostsPlace(one, ['ghost']), `${one}:2:8`);
  const tags = spec('tags.yaml', '{all: [x86], not: [gpu]}');
  // "all" and "not" are keys, never taken for a tag of the same name.
  assert.is(hostsPlace(tags, ['x86']), `${tags}:2:15`);
  assert.is(hostsPlace(tags, []), `${tags}:2:8`);
  const keyLike = spec('key.yaml', '{all: [all]}');
  assert.is(hostsPlace(keyLike, ['all']), `${keyLike}:2:15`);
  // No hosts: key, or no file: just the path.
  assert.is(hostsPlace(join(work, 'missing.yaml'), ['x']), join(work, 'missing.yaml'));
});

test('run: an unknown host or a tag no host has is bad input pointing into the spec', () => {
  const inv = join(work, 'fleet.yaml');
  writeFileSync(inv, 'local:\n  tags: [x86]\n');
  const cases: Array<[string, string, RegExp]> = [
    ['unknown-name.yaml', '[local, ghost]', /unknown-name\.yaml:2:16: hosts: unknown host "ghost"; known hosts: local \(/],
    // local is probed, and has x86 but not gpu.
    ['unknown-tag.yaml', '{all: [x86, gpu]}', /unknown-tag\.yaml:2:20: hosts: all: \[x86, gpu\] matches no host; hosts and their tags: local \[x86 /],
  ];
  for (const [file, hosts, want] of cases) {
    const r = spawnSync(process.execPath, [join(root, 'bin/metalbench.js'), 'run', spec(file, hosts), '--inventory', inv, '--db', join(work, 'x.db'), '--lock-wait', '0'], {
      cwd: work,
      encoding: 'utf8',
      timeout: 120_000,
    });
    assert.is(r.status, 2, `${file}: ${r.stderr}`);
    assert.match(r.stderr, want, file);
  }
});

test.after(() => rmSync(work, { recursive: true, force: true }));
test.run();
