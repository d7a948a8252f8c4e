// -table, -row and -col with other keys and with several keys each, on
// benchstat's own test data: the same bytes as the real benchstat.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Writable } from 'node:stream';
import { statCommand } from './command.ts';

const TESTDATA = fileURLToPath(new URL('../../../shared/benchstat-golden/cmd-benchstat-testdata/', import.meta.url));

class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: () => void): void {
    this.text += chunk.toString();
    cb();
  }
}

function benchstat(): string {
  const p = join(execFileSync('go', ['env', 'GOPATH'], { encoding: 'utf8' }).trim(), 'bin', 'benchstat');
  if (!existsSync(p)) throw new Error('benchstat not found; install it with: go install golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da');
  return p;
}

const CASES: string[][] = [
  // Several column keys: one header row per key, equal neighbours merged.
  ['-col', '.file,/format', '-row', '.name', 'old.txt', 'new.txt'],
  ['-col', '/format,.file', '-row', '.name', 'old.txt', 'new.txt'],
  ['-format', 'csv', '-col', '.file,/format', '-row', '.name', 'old.txt', 'new.txt'],
  // Several row keys: labels joined by spaces.
  ['-row', '.name,/format', 'old.txt', 'new.txt'],
  ['-row', '/format@alpha,.name', '-col', '.file', 'old.txt', 'new.txt'],
  // Tables by other keys.
  ['-table', '.name', '-row', '/format', 'old.txt', 'new.txt'],
  ['-table', 'goos,pkg', 'old.txt', 'new.txt'],
  ['-table', '', 'crc-old.txt', 'crc-new.txt'],
  ['-table', '/poly', '-row', '/size@num', '-filter', '/align:0', 'crc-new.txt'],
  ['-table', '.file', '-col', '/poly', '-row', '/size', 'crc-old.txt', 'crc-new.txt'],
  // Whole-configuration and name-part projections, residues, fixed orders.
  ['-row', '.config', '-col', '.file', 'crc-old.txt', 'crc-new.txt'],
  ['-col', '.config', 'crc-new.txt'],
  ['-col', '/size@num', '-row', '/poly', 'crc-new.txt'],
  ['-col', '/poly@(ieee castagnoli)', '-row', '/size', '-ignore', '/align', 'crc-new.txt'],
  ['-row', '.name', '-ignore', '.fullname', 'crc-new.txt'],
  ['-row', '/gomaxprocs', '-col', '.name', 'old.txt', 'new.txt'],
];

for (const args of CASES) {
  test(args.join(' '), async () => {
    const want = spawnSync(benchstat(), args, { cwd: TESTDATA, encoding: 'utf8' });
    const stdout = new Sink();
    const stderr = new Sink();
    const code = await statCommand(args, { stdout, stderr, cwd: TESTDATA });
    assert.is(code, want.status);
    assert.fixture(stdout.text, want.stdout);
    assert.fixture(stderr.text, want.stderr);
  });
}

test.run();
