import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from './cli.ts';
import { capture, writeTree } from './test-support.ts';
import { benchstatPath } from '../results/stat/test-harness.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const GOLDEN = join(root, 'results', 'fixtures', 'benchstat-golden', 'cmd-benchstat-testdata');

const work = mkdtempSync(join(tmpdir(), 'metalbench-cli-'));

async function cli(args: string[]) {
  const c = capture();
  const code = await main(args, c.io);
  return { code, out: c.out(), err: c.err() };
}

test('--help prints usage and exits 0; no command is a usage error', async () => {
  const help = await cli(['--help']);
  assert.is(help.code, 0);
  assert.match(help.out, /usage: metalbench <command>/);
  assert.is((await cli([])).code, 2);
});

test('hosts help is the hosts usage of the command table; hosts alone is a usage error', async () => {
  const { findCommand } = await import('./cli/commands.ts');
  const h = await cli(['hosts', 'help']);
  assert.is(h.code, 0);
  assert.is(h.out, findCommand('hosts')!.usage);
  const none = await cli(['hosts']);
  assert.is(none.code, 2);
  assert.match(none.err, /^metalbench hosts: expected a subcommand: check, facts, trust, tune or reset\nusage: metalbench hosts --help\n$/);
});

test('unknown commands and options are bad input (exit 2) with a pointer to usage', async () => {
  const r = await cli(['frobnicate']);
  assert.is(r.code, 2);
  assert.match(r.err, /unknown command "frobnicate"; the commands are listed by: metalbench --help/);
  const o = await cli(['runs', '--colour']);
  assert.is(o.code, 2);
  assert.match(o.err, /metalbench runs: Unknown option '--colour'/);
});

test('a run id must be a number, and must exist', async () => {
  const db = join(work, 'x y.db');
  assert.is((await cli(['import', join(GOLDEN, 'crc-new.txt'), '--db', db])).code, 0);
  const bad = await cli(['export', '--run', '1; DROP TABLE runs', '--db', db]);
  assert.is(bad.code, 2);
  assert.match(bad.err, /run id must be a positive integer/);
  const missing = await cli(['export', '--run', '7', '--db', db]);
  assert.is(missing.code, 2);
  assert.match(missing.err, /no run 7 in .*; list the runs with: metalbench runs --db '.*x y\.db'\n$/);
});

test('run needs exactly one spec', async () => {
  const r = await cli(['run']);
  assert.is(r.code, 2);
  assert.match(r.err, /expected exactly one spec file/);
});

test('stat through the installed command prints what benchstat prints', () => {
  const r = spawnSync(process.execPath, [join(root, 'bin/metalbench.js'), 'stat', 'crc-old.txt', 'crc-new.txt'], { cwd: GOLDEN, encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout, readFileSync(join(GOLDEN, 'crcOldNew.stdout'), 'utf8'));
  // A missing file: the same message and exit status as the real benchstat.
  const bad = spawnSync(process.execPath, [join(root, 'bin/metalbench.js'), 'stat', 'no-such-file.txt'], { cwd: GOLDEN, encoding: 'utf8' });
  const real = spawnSync(benchstatPath(), ['no-such-file.txt'], { cwd: GOLDEN, encoding: 'utf8' });
  assert.is(bad.status, real.status);
  assert.match(bad.stderr, /open no-such-file\.txt: no such file or directory/);
  assert.match(real.stderr, /open no-such-file\.txt: no such file or directory/);
});

test('site: a missing database is bad input; an imported run becomes pages, then an incremental update', async () => {
  const out = join(work, 'site');
  const missing = await cli(['site', '--db', join(work, 'none.db'), '--out', out]);
  assert.is(missing.code, 2);
  assert.match(missing.err, /metalbench site: .*none\.db/);
  const db = join(work, 'site.db');
  assert.is((await cli(['import', join(GOLDEN, 'crc-new.txt'), '--db', db])).code, 0);
  const r = await cli(['site', '--db', db, '--out', out]);
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /^wrote \d+ benchmark pages \(\d+ series; \d+ files written\) in \d+ ms: .*index\.html$/m);
  assert.ok(existsSync(join(out, 'index.html')));
  const again = await cli(['site', '--db', db, '--out', out, '--json']);
  assert.is(again.code, 0, again.err);
  assert.is((JSON.parse(again.out) as { incremental: boolean }).incremental, true);
});

test('site: a bad site.yaml is bad input, with the file, line and key', async () => {
  const cfg = join(work, 'site.yaml');
  writeFileSync(cfg, 'title: Perf\ncommit_url: https://github.com/acme/x/commit/\n');
  const r = await cli(['site', '--db', join(work, 'site.db'), '--out', join(work, 'site-cfg'), '--config', cfg]);
  assert.is(r.code, 2);
  assert.match(r.err, /site\.yaml:2:13: commit_url: .* \(expected: a URL with \{rev\}/);
});

test('import --date and --commit-date store a backfill at its real dates; a bad date stores nothing', async () => {
  const db = join(work, 'dated.db');
  const ok = await cli(['import', join(GOLDEN, 'crc-new.txt'), '--db', db, '--trigger', 'nightly', '--revision', 'abc123', '--date', '2024-02-03', '--commit-date', '2024-02-02T18:30:00Z', '--json']);
  assert.is(ok.code, 0, ok.err);
  const bad = await cli(['import', join(GOLDEN, 'crc-new.txt'), '--db', db, '--date', 'yesterday']);
  assert.is(bad.code, 2);
  assert.match(bad.err, /--date "yesterday" is not a date; use ISO 8601/);
  const { Store } = await import('../results/store/store.ts');
  const store = new Store(db);
  const runs = store.listRuns();
  const at = store.db.prepare<[], { at: string }>('SELECT DISTINCT at FROM summaries').all();
  store.close();
  assert.is(runs.length, 1);
  assert.is(runs[0]!.started_at, '2024-02-03T00:00:00.000Z');
  assert.is(runs[0]!.commit_date, '2024-02-02T18:30:00.000Z');
  assert.is(runs[0]!.revision, 'abc123');
  assert.equal(at, [{ at: '2024-02-02T18:30:00.000Z' }]);
});

test('hosts tune records previous values, refuses a second tune, and reset restores them exactly', async () => {
  const sys = join(work, 'fake-root');
  const files: Record<string, string> = {
    'sys/devices/system/cpu/cpu0/cpufreq/scaling_governor': 'powersave\n',
    'sys/devices/system/cpu/cpu0/cpufreq/scaling_available_governors': 'performance powersave\n',
    'sys/devices/system/cpu/cpufreq/boost': '1\n',
  };
  writeTree(sys, files);
  const db = join(work, 'tune', 'mb.db');
  const t = await cli(['hosts', 'tune', 'local', '--sysfs-root', sys, '--db', db]);
  assert.is(t.code, 0, t.err);
  assert.match(t.out, /scaling_governor: powersave -> performance/);
  assert.match(t.out, /boost: 1 -> 0/);
  assert.is(readFileSync(join(sys, 'sys/devices/system/cpu/cpufreq/boost'), 'utf8'), '0\n');
  const state = join(work, 'tune', 'tune', 'local.json');
  assert.ok(existsSync(state), 'the previous values are kept until reset');
  const again = await cli(['hosts', 'tune', 'local', '--sysfs-root', sys, '--db', db]);
  assert.is(again.code, 1);
  assert.match(again.err, /was tuned at .* and not reset/);
  const r = await cli(['hosts', 'reset', 'local', '--db', db]);
  assert.is(r.code, 0, r.err);
  for (const [p, v] of Object.entries(files)) assert.is(readFileSync(join(sys, p), 'utf8'), v, p);
  assert.not.ok(existsSync(state));
  const none = await cli(['hosts', 'reset', 'local', '--db', db]);
  assert.is(none.code, 1);
  assert.match(none.err, /no tune state/);
});

test.after(() => rmSync(work, { recursive: true, force: true }));
test.run();
