// The figures script refuses bad input with a clear message and exit code 2.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('./figures.ts', import.meta.url));

function run(args: string[]): { status: number | null; stderr: string; stdout: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', SCRIPT, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stderr: r.stderr, stdout: r.stdout };
}

test('a bad count, an unknown option, a missing or malformed A/A file: exit 2 and a message', () => {
  const dir = mkdtempSync(join(tmpdir(), 'metalbench-figures-'));
  try {
    const bad = run(['--trials', 'many']);
    assert.is(bad.status, 2);
    assert.match(bad.stderr, /--trials must be a whole number ≥ 1, got "many"/);
    const unknown = run(['--bogus']);
    assert.is(unknown.status, 2);
    assert.match(unknown.stderr, /bogus/);
    const missing = join(dir, 'missing.json');
    const m = run(['--aa', missing]);
    assert.is(m.status, 2);
    assert.match(m.stderr, /missing\.json/);
    const notArray = join(dir, 'obj.json');
    writeFileSync(notArray, '{"benchmarks": []}');
    const o = run(['--aa', notArray]);
    assert.is(o.status, 2);
    assert.match(o.stderr, /expected a JSON array of A\/A sessions/);
    const badSession = join(dir, 'bad.json');
    writeFileSync(badSession, '[{"benchmarks":[{"name":"X","base":[1,2],"head":[1]}]}]');
    const b = run(['--aa', badSession]);
    assert.is(b.status, 2);
    assert.match(b.stderr, /session 0, X: base and head need the same/);
    assert.is(b.stdout, '');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
