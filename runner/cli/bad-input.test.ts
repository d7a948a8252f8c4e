// Bad input files end with exit 2 and a positioned message, through the installed command.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'metalbench-bad-input-'));

function metalbench(args: string[]) {
  const r = spawnSync(process.execPath, [join(root, 'bin/metalbench.js'), ...args], { cwd: work, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const GOOD = `name: s\nsuites:\n  - name: a\n    module: ${join(root, 'benchmarks')}\n    package: ./calibration\n    benchtime: 1x\n`;

test('an inventory that is a directory: exit 2 naming it, for run and hosts', () => {
  mkdirSync(join(work, 'inv-dir'));
  writeFileSync(join(work, 'good.yaml'), GOOD);
  for (const args of [['hosts', 'check', '--inventory', 'inv-dir'], ['run', 'good.yaml', '--inventory', 'inv-dir', '--db', 'r.db']]) {
    const r = metalbench(args);
    assert.is(r.code, 2, `${args.join(' ')}: ${r.err}`);
    assert.match(r.err, /inv-dir:1:1: is a directory; give the path of the inventory file \(YAML\)/, args.join(' '));
    assert.not.match(r.err, /\n\s+at /);
  }
});

test('an inventory that is an alias bomb: exit 2 at its first alias', () => {
  const lines = ['x: &a [a, a, a, a, a, a, a, a, a, a]'];
  for (let i = 0; i < 5; i++) lines.push(`x${i}: &${'b'.repeat(i + 1)} [${Array(10).fill(`*${i === 0 ? 'a' : 'b'.repeat(i)}`).join(', ')}]`);
  writeFileSync(join(work, 'bomb-inv.yaml'), `${lines.join('\n')}\n`);
  const r = metalbench(['hosts', 'check', '--inventory', 'bomb-inv.yaml']);
  assert.is(r.code, 2, r.err);
  assert.match(r.err, /^bomb-inv\.yaml:2:\d+: YAML: aliases expand too far/m);
});

test('inventory strings have limits, named in the message', () => {
  writeFileSync(join(work, 'long.yaml'), `hosts:\n  - name: box\n    address: ${'a'.repeat(300)}\n    tags: [${'t'.repeat(129)}]\n`);
  const r = metalbench(['hosts', 'check', '--inventory', 'long.yaml']);
  assert.is(r.code, 2, r.err);
  assert.match(r.err, /^long\.yaml:3:14: hosts\[0\]\.address: must NOT have more than 253 characters/m);
  assert.match(r.err, /^long\.yaml:4:12: hosts\[0\]\.tags\[0\]: must NOT have more than 128 characters/m);
});

test('a spec that is an alias bomb, a directory or a bad regexp: exit 2 with the place, nothing recorded', () => {
  writeFileSync(
    join(work, 'bomb.yaml'),
    ['a: &a [x, x, x, x, x, x, x, x, x]', 'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]', 'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]', 'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]', 'name: s', 'suites: [*d]', ''].join('\n'),
  );
  writeFileSync(join(work, 'regexp.yaml'), `${GOOD}    bench: 'Calib/(x'\n`);
  mkdirSync(join(work, 'spec-dir'));
  const cases: Array<[string, RegExp]> = [
    ['bomb.yaml', /^bomb\.yaml:2:8: YAML: aliases expand too far/m],
    ['regexp.yaml', /^regexp\.yaml:7:12: suites\[0\]\.bench: element 2 \("\(x"\) of the pattern: not a Go regular expression/m],
    ['spec-dir', /^spec-dir:1:1: is a directory; give the path of the spec file/m],
  ];
  for (const [spec, want] of cases) {
    const r = metalbench(['run', spec, '--db', 'bad.db']);
    assert.is(r.code, 2, `${spec}: ${r.err}`);
    assert.match(r.err, want, spec);
  }
  assert.not.ok(readdirSync(work).includes('bad.db'), 'no database was made for bad input');
});

test.after(() => rmSync(work, { recursive: true, force: true }));
test.run();
