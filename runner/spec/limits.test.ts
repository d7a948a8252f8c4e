// What the schema alone let through and only failed later: each is now a
// positioned problem before anything is built or stored.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSpec, parseSpec } from './spec.ts';
import { benchElements, benchPatternError } from './bench-pattern.ts';
import { ValidationError } from './validate.ts';
import { compileGoRegexp } from '../../results/stat/goregexp.ts';

const work = mkdtempSync(join(tmpdir(), 'metalbench-limits-'));
// A module with one package, next to the specs written below.
mkdirSync(join(work, 'mod', 'pkg'), { recursive: true });
writeFileSync(join(work, 'mod', 'go.mod'), 'module example.com/m\n\ngo 1.21\n');
mkdirSync(join(work, 'mod2'));
const SPEC = join(work, 'spec.yaml');

function problems(text: string): string[] {
  try {
    parseSpec(text, SPEC);
  } catch (e) {
    if (e instanceof ValidationError) return e.message.split('\n');
    throw e;
  }
  throw new Error('expected a ValidationError');
}

const suite = (extra: string[]) => ['name: s', 'suites:', '  - name: a', '    module: mod', '    package: ./pkg', ...extra.map((l) => `    ${l}`)].join('\n');

test('a spec that is fine as a base for the cases below', () => {
  assert.is(parseSpec(suite(['bench: Get/size=(1|2)$']), SPEC).suites[0]!.bench, 'Get/size=(1|2)$');
});

test('bench: each /-separated element must be a Go regexp, positioned at the value', () => {
  const ps = problems(suite(['bench: Get/(x']));
  assert.equal(ps, [`${SPEC}:6:12: suites[0].bench: element 2 ("(x") of the pattern: not a Go regular expression: error parsing regexp: missing closing ): \`(x\``]);
  assert.match(problems(suite(["bench: '(?=look)'"]))[0]!, /:6:12: suites\[0\]\.bench: not a Go regular expression: error parsing regexp: invalid or unsupported Perl syntax: `\(\?=`/);
  assert.match(problems(suite(['bench: x{1001}']))[0]!, /invalid repeat count/);
  // What Go accepts and JavaScript would not, and a / inside brackets or parentheses.
  for (const ok of ['\\pL+', '(?P<n>a)', '[[:alpha:]]/x', '[/]', '(a/b)', 'A|B/C']) assert.is(benchPatternError(ok), undefined, ok);
  assert.equal(benchElements('A/[/]b/(c/d)|e'), ['A', '[/]b', '(c/d)', 'e']);
});

test('bench patterns: accepted and refused exactly as a real go test binary does', () => {
  const dir = join(work, 'gobench');
  mkdirSync(dir);
  writeFileSync(join(dir, 'go.mod'), 'module example.com/b\n\ngo 1.21\n');
  writeFileSync(join(dir, 'b_test.go'), 'package b\n\nimport "testing"\n\nfunc BenchmarkA(b *testing.B) { b.Run("x", func(b *testing.B) {}) }\n');
  const build = spawnSync('go', ['test', '-c', '-o', 'b.test', '.'], { cwd: dir, encoding: 'utf8', env: { ...process.env, GOFLAGS: '-mod=mod' } });
  assert.is(build.status, 0, build.stderr);
  const patterns = ['A/(x', 'A|B(', '[/]x/y', '(?=x)', 'a{1001}', '\\pL/x)', 'A/[', '(a/b)', 'A/x$', '(?P<n>A)|B', '[[:alpha:]]', '\\1', 'a**'];
  for (const p of patterns) {
    const go = spawnSync(join(dir, 'b.test'), ['-test.run', '^$', '-test.bench', p, '-test.benchtime', '1x'], { cwd: dir, encoding: 'utf8' });
    const goRefuses = /invalid regexp/.test(go.stderr + go.stdout);
    const ours = benchPatternError(p);
    assert.is(ours !== undefined, goRefuses, `${p}: go says ${go.stderr || go.stdout}; we say ${ours ?? 'ok'}`);
    // The reason is Go's own words.
    if (ours) assert.ok((go.stderr + go.stdout).includes(ours.replace(/^.*not a Go regular expression: /, '')), `${p}: ${ours}`);
  }
});

test('bench patterns of plain words, anchors, dots and spaces are valid without an engine: re2js agrees on every one tried', () => {
  const alphabet = 'Aa9_=.,: ^$-';
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
  for (let n = 0; n < 2000; n++) {
    const len = next() % 12;
    let el = '';
    for (let i = 0; i < len; i++) el += alphabet[next() % alphabet.length];
    assert.not.throws(() => compileGoRegexp(el), `${JSON.stringify(el)} is skipped by the fast path, so it must compile`);
    assert.is(benchPatternError(el), undefined);
  }
  // Whatever falls outside the plain set still goes to the engine.
  assert.ok(benchPatternError('a**') !== undefined);
  assert.ok(benchPatternError('^x$/*y') !== undefined);
});

test('benchtime and timeout must be more than zero', () => {
  assert.match(problems(suite(['benchtime: 0s']))[0]!, /:6:16: suites\[0\]\.benchtime: "0s" is not allowed \(expected: go test -benchtime: a duration more than zero/);
  assert.match(problems(['name: s', 'timeout: 0m0s', 'suites: [{name: a, module: mod, package: ./pkg}]'].join('\n'))[0]!, /:2:10: timeout: "0m0s" is not allowed \(expected: Per job time limit, a duration more than zero/);
  assert.match(problems(suite(['benchtime: 0x']))[0]!, /benchtime: "0x" is not allowed/);
  assert.is(parseSpec(suite(['benchtime: 0.5s', 'timeout: 10s']), SPEC).suites[0]!.benchtime, '0.5s');
});

test('a package path that leaves its module is reported as such', () => {
  for (const p of ['../mod2', './../mod2', './pkg/../../mod2']) {
    const ps = problems(suite([]).replace('./pkg', p));
    assert.equal(ps.length, 1, p);
    assert.match(ps[0]!, new RegExp(`:5:14: suites\\[0\\]\\.package: package ${p.replace(/\./g, '\\.')} is outside module .*mod; a package is a directory inside its module`), p);
  }
});

test('strings have size limits, named in the message; a huge value is not echoed back', () => {
  const long = 'x'.repeat(65537);
  assert.match(problems(`name: s\ndescription: ${long}\nsuites: [{name: a, module: mod, package: ./pkg}]`)[0]!, /:2:14: description: must NOT have more than 65536 characters/);
  const name = problems(`name: ${'n'.repeat(129)}\nsuites: [{name: a, module: mod, package: ./pkg}]`);
  assert.match(name[0]!, /:1:7: name: must NOT have more than 128 characters/);
  const badLong = problems(`name: s\nsuites: [{name: a, module: mod, package: ./pkg, bench: a, env: {X: ${'y'.repeat(40000)}}}]`);
  assert.match(badLong[0]!, /suites\[0\]\.env\.X: must NOT have more than 32768 characters/);
  // A long value that also breaks a pattern is quoted only in part.
  const both = problems(`name: '${'?'.repeat(5000)}'\nsuites: [{name: a, module: mod, package: ./pkg}]`);
  assert.ok(both.every((l) => l.length < 400), 'messages stay short');
  assert.ok(both.some((l) => /name: "\?+… \(5002 characters\) is not allowed/.test(l)), both.join('\n'));
  // So does what the YAML parser says about such a value.
  const yaml = problems(`name: ${'!'.repeat(5000)}\nsuites: []`);
  assert.ok(yaml.every((l) => l.length < 400), 'YAML messages stay short');
});

test('a spec file over 1 MiB is not read; a directory is named as one', () => {
  const big = join(work, 'big.yaml');
  writeFileSync(big, `name: s\ndescription: ${'x'.repeat(50 * 1024 * 1024)}\nsuites: []\n`);
  assert.throws(() => loadSpec(big), (e: Error) => e instanceof ValidationError && /big\.yaml:1:1: the file is 50\.0 MiB; a spec file may be at most 1 MiB/.test(e.message));
  assert.throws(() => loadSpec(work), (e: Error) => e instanceof ValidationError && /:1:1: is a directory; give the path of the spec file/.test(e.message));
});

test('a YAML alias bomb is refused at its first alias', () => {
  const bomb = [
    'a: &a [x, x, x, x, x, x, x, x, x]',
    'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]',
    'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]',
    'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]',
    'e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]',
    'name: s',
    'suites: [*e]',
  ].join('\n');
  assert.equal(problems(bomb), [`${SPEC}:2:8: YAML: aliases expand too far (more than 100 copies); write the values out or use fewer aliases`]);
});

test.after(() => rmSync(work, { recursive: true, force: true }));
test.run();
