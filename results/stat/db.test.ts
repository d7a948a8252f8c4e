// `--db PATH --run ID`: the same output as exporting the runs and running stat on the files.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Writable } from 'node:stream';
import { statCommand } from './command.ts';
import { Store } from '../store/store.ts';
import { importFiles } from '../store/import.ts';
import { exportBenchfmt } from '../store/export.ts';

const TESTDATA = fileURLToPath(new URL('../../../shared/benchstat-golden/cmd-benchstat-testdata/', import.meta.url));

class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: () => void): void {
    this.text += chunk.toString();
    cb();
  }
}

async function stat(args: string[], cwd: string) {
  const stdout = new Sink();
  const stderr = new Sink();
  const code = await statCommand(args, { stdout, stderr, cwd });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

test('stored runs compare like their exported files', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stat-db-'));
  try {
    const store = new Store(join(dir, 'm.db'));
    const a = importFiles(store, [join(TESTDATA, 'crc-old.txt')]).runId;
    const b = importFiles(store, [join(TESTDATA, 'crc-new.txt')]).runId;
    writeFileSync(join(dir, `run${a}`), exportBenchfmt(store.db, { runIds: [a] }));
    writeFileSync(join(dir, `run${b}`), exportBenchfmt(store.db, { runIds: [b] }));
    store.db.close();
    const fromDb = await stat(['-ignore', 'note', '--db', 'm.db', '--run', String(a), '--run', String(b)], dir);
    const fromFiles = await stat(['-ignore', 'note', `run${a}`, `run${b}`], dir);
    assert.is(fromDb.code, 0);
    assert.is(fromDb.stderr, '');
    assert.ok(fromDb.stdout.includes('vs base'));
    assert.is(fromDb.stdout, fromFiles.stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('runs stored as variants (base, head) are labelled by them', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stat-db-'));
  try {
    const store = new Store(join(dir, 'm.db'));
    const a = importFiles(store, [join(TESTDATA, 'old.txt')], { variant: 'base' }).runId;
    const b = importFiles(store, [join(TESTDATA, 'new.txt')], { variant: 'head' }).runId;
    store.db.close();
    const r = await stat(['--db', 'm.db', '--run', String(a), '--run', String(b)], dir);
    assert.is(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`│ +run${a}:base +│ +run${b}:head +│`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a database that does not exist is a clear error', async () => {
  const r = await stat(['--db', 'missing.db', '--run', '1'], tmpdir());
  // Like a missing input file in benchstat: reported, status 0.
  assert.is(r.code, 0);
  assert.match(r.stderr, /^benchstat: reading --db missing\.db: /);
});

test.run();
