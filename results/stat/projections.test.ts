// -table, -row and -col with other keys and with several keys each, on
// benchstat's own test data: the same bytes as the real benchstat.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { benchstatPath, runStat, TESTDATA } from './test-harness.ts';

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
    const want = spawnSync(benchstatPath(), args, { cwd: TESTDATA, encoding: 'utf8' });
    const got = await runStat(args, TESTDATA);
    assert.is(got.code, want.status);
    assert.fixture(got.stdout, want.stdout);
    assert.fixture(got.stderr, want.stderr);
  });
}

test.run();
