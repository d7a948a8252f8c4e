// Bad input: benchstat-style messages and a failing status, never a stack trace.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { statCommand } from './command.ts';

class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: () => void): void {
    this.text += chunk.toString();
    cb();
  }
}

async function run(args: string[], files: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'stat-err-'));
  try {
    for (const [n, t] of Object.entries(files)) writeFileSync(join(dir, n), t);
    const stdout = new Sink();
    const stderr = new Sink();
    const code = await statCommand(args, { stdout, stderr, cwd: dir });
    return { code, stdout: stdout.text, stderr: stderr.text };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a missing file names the path as given', async () => {
  const r = await run(['nope.txt']);
  assert.is(r.code, 1);
  assert.is(r.stderr, 'metalbench stat: open nope.txt: no such file or directory\n');
});

test('malformed lines are reported with file and line, the rest is still summarised', async () => {
  const r = await run(['bad.txt'], { 'bad.txt': 'BenchmarkX 10 abc ns/op\nBenchmarkY 5\nBenchmarkZ 1 5 ns/op\n' });
  assert.is(r.code, 0);
  assert.is(r.stderr, 'bad.txt:1: parsing measurement: invalid syntax\nbad.txt:2: missing measurements\n');
  assert.match(r.stdout, /^Z +5\.000n ± ∞ ¹$/m);
});

test('a filter that does not parse points at the place', async () => {
  const r = await run(['-filter', 'a:b c', 'x.txt'], { 'x.txt': 'BenchmarkZ 1 5 ns/op\n' });
  assert.is(r.code, 1);
  assert.is(r.stderr, 'metalbench stat: parsing -filter: syntax error: expected key:value\n\ta:b c\n\t    ^\n');
  assert.is(r.stdout, '');
});

test('an unknown flag and a bad -alpha are usage errors', async () => {
  assert.is((await run(['-bogus', 'x'])).code, 2);
  const r = await run(['-alpha', '2', 'x.txt']);
  assert.is(r.code, 2);
  assert.match(r.stderr, /-alpha must be in range \[0, 1\]/);
});

test.run();
