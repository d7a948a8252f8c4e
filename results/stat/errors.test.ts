// Bad input: the same messages and exit statuses as the real benchstat.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchstatPath, runStat } from './test-harness.ts';

const dir = mkdtempSync(join(tmpdir(), 'stat-err-'));
writeFileSync(join(dir, 'x.txt'), 'BenchmarkZ 1 5 ns/op\n');
writeFileSync(join(dir, 'bad.txt'), 'BenchmarkX 10 abc ns/op\nBenchmarkY 5\nBenchmarkW 1e400 5 ns/op\nBenchmarkV 1 1e999 ns/op\nUnit\nUnit ns/op assume=exact\nUnit ns/op assume=nothing x\nBenchmarkZ 1 5 ns/op\n');
writeFileSync(join(dir, 'long.txt'), `BenchmarkA 1 5 ns/op\nBenchmarkB${'x'.repeat(70_000)} 1 5 ns/op\n`);
mkdirSync(join(dir, 'adir'));

const ours = (args: string[]) => runStat(args, dir);

function theirs(args: string[]) {
  const r = spawnSync(benchstatPath(), args, { cwd: dir, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('a missing file names the path as given; status 0 as in benchstat', async () => {
  const r = await ours(['x.txt', 'nope.txt']);
  assert.is(r.code, 0);
  assert.is(r.stderr, 'benchstat: open nope.txt: no such file or directory\n');
  assert.is(r.stdout, '');
});

test('a filter that does not parse points at the place', async () => {
  const r = await ours(['-filter', 'a:b c', 'x.txt']);
  assert.is(r.code, 0);
  assert.is(r.stderr, 'benchstat: parsing -filter: syntax error: expected key:value\n\ta:b c\n\t    ^\n');
  assert.is(r.stdout, '');
});

test('flag errors exit 2 with the flag package wording, then usage', async () => {
  const r = await ours(['-bogus', 'x.txt']);
  assert.is(r.code, 2);
  assert.ok(r.stderr.startsWith('flag provided but not defined: -bogus\nUsage: benchstat [flags] inputs...\n'));
  assert.is((await ours([])).code, 2);
  assert.is((await ours(['-h'])).code, 0);
});

// Each case: the same status, stdout and stderr as benchstat (for usage
// errors only the first line, since the usage text is our own).
const CASES: string[][] = [
  ['nope.txt'],
  ['x.txt', 'nope.txt'],
  ['bad.txt'],
  ['bad.txt', 'nope.txt'],
  ['long.txt'],
  ['adir'],
  ['x.txt/y'],
  ['x.txt', 'adir', 'bad.txt'],
  ['-filter', 'a:b c', 'x.txt'],
  ['-filter', '.config:x', 'x.txt'],
  ['-filter', '"":x', 'x.txt'],
  ['-filter', 'a:/b/c', 'x.txt'],
  ['-filter', 'a:/b', 'x.txt'],
  ['-filter', 'a:(b c)', 'x.txt'],
  ['-filter', 'a:(b OR AND)', 'x.txt'],
  ['-filter', '(a:b', 'x.txt'],
  ['-filter', '(a:b))', 'x.txt'],
  ['-filter', '', 'x.txt'],
  ['-filter', 'a "b', 'x.txt'],
  ['-filter', '"a\\z":b', 'x.txt'],
  ['-filter', 'a:b :', 'x.txt'],
  ['-row', '.unit', 'x.txt'],
  ['-row', 'a,,b', 'x.txt'],
  ['-row', '""', 'x.txt'],
  ['-col', 'a@foo', 'x.txt'],
  ['-col', 'a@', 'x.txt'],
  ['-table', 'x@(a', 'x.txt'],
  ['-table', 'x@()', 'x.txt'],
  ['-ignore', '.config@(a)', 'x.txt'],
  ['-row', '.unit', '-col', 'a@foo', 'x.txt'],
  ['-alpha', '2', 'x.txt'],
  ['-confidence', '-1', 'x.txt'],
  ['-format', 'json', 'x.txt'],
  ['-alpha', '2', '-format', 'json', 'x.txt'],
  ['-bogus', 'x.txt'],
  ['-alpha', 'abc', 'x.txt'],
  ['-alpha=1e400', 'x.txt'],
  ['-row'],
  ['---row', 'x', 'x.txt'],
  ['-=x', 'x.txt'],
  [],
];

for (const args of CASES) {
  test(`as benchstat: ${JSON.stringify(args)}`, async () => {
    const want = theirs(args);
    const got = await ours(args);
    assert.is(got.code, want.code, 'exit status');
    assert.is(got.stdout, want.stdout, 'stdout');
    if (want.code === 2) assert.is(got.stderr.split('\n')[0], want.stderr.split('\n')[0], 'stderr first line');
    else assert.is(got.stderr, want.stderr, 'stderr');
  });
}

test.after(() => rmSync(dir, { recursive: true, force: true }));

test.run();
