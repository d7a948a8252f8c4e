import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PassThrough } from 'node:stream';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from './cli.ts';

const work = mkdtempSync(join(tmpdir(), 'metalbench-cli-'));

async function cli(args: string[]) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (b: Buffer) => (out += b.toString()));
  stderr.on('data', (b: Buffer) => (err += b.toString()));
  const code = await main(args, { stdout, stderr });
  return { code, out, err };
}

test('--help prints usage and exits 0; no command is a usage error', async () => {
  const help = await cli(['--help']);
  assert.is(help.code, 0);
  assert.match(help.out, /usage: metalbench <command>/);
  assert.is((await cli([])).code, 2);
});

test('unknown commands and options are bad input (exit 2) with a pointer to usage', async () => {
  const r = await cli(['frobnicate']);
  assert.is(r.code, 2);
  assert.match(r.err, /unknown command "frobnicate"/);
  const o = await cli(['runs', '--colour']);
  assert.is(o.code, 2);
  assert.match(o.err, /metalbench runs: Unknown option '--colour'/);
});

test('a run id must be a number, and must exist', async () => {
  const db = join(work, 'x.db');
  const bad = await cli(['export', '--run', '1; DROP TABLE runs', '--db', db]);
  assert.is(bad.code, 2);
  assert.match(bad.err, /run id must be a positive integer/);
  const missing = await cli(['export', '--run', '7', '--db', db]);
  assert.is(missing.code, 2);
  assert.match(missing.err, /no run 7 in/);
});

test('run needs exactly one spec', async () => {
  const r = await cli(['run']);
  assert.is(r.code, 2);
  assert.match(r.err, /expected exactly one spec file/);
});

test.after(() => rmSync(work, { recursive: true, force: true }));
test.run();
