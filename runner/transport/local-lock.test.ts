import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalTransport } from './local.ts';

const dir = mkdtempSync(join(tmpdir(), 'metalbench-lockdir-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('METALBENCH_LOCK_DIR naming a folder that does not exist yet: it is made, and the lock is held there until close', async () => {
  const before = process.env.METALBENCH_LOCK_DIR;
  const lockDir = join(dir, 'not', 'yet');
  process.env.METALBENCH_LOCK_DIR = lockDir;
  const t = new LocalTransport();
  try {
    await t.lock();
    const lockFile = join(lockDir, 'metalbench-local.lock');
    assert.ok(existsSync(lockFile));
    assert.is(spawnSync('flock', ['--nonblock', lockFile, 'true']).status, 1, 'another process cannot take it');
    await t.close();
    assert.is(spawnSync('flock', ['--nonblock', lockFile, 'true']).status, 0, 'free once closed');
  } finally {
    await t.close();
    if (before === undefined) delete process.env.METALBENCH_LOCK_DIR;
    else process.env.METALBENCH_LOCK_DIR = before;
  }
});

test.run();
