/**
 * The conventions every command shares, checked over the whole command
 * table (a new command is covered by adding it there), through the installed
 * command: `--help`/`-h`/`help CMD`, `--version`, usage errors, read-only
 * commands that create nothing, and output into a pipe that closes early.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { COMMANDS, overview } from './commands.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(root, 'bin', 'metalbench.js');
const work = mkdtempSync(join(tmpdir(), 'metalbench-conventions-'));

/** The real command in an empty directory of its own, so anything it creates shows. */
function metalbench(args: string[], cwd = freshDir()) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr, cwd };
}

let dirs = 0;
function freshDir(): string {
  const d = join(work, `cwd${dirs++}`);
  mkdirSync(d);
  return d;
}

for (const c of COMMANDS) {
  test(`${c.name}: --help, -h and help ${c.name} print its usage, exit 0 and do nothing else`, () => {
    // After other arguments too (not for stat: Go's flag parsing stops at the first file name).
    const later = c.ownHelp ? [] : [[c.name, 'x', '--db', 'made.db', '-h']];
    for (const args of [[c.name, '--help'], [c.name, '-h'], ...later]) {
      const r = metalbench(args);
      assert.is(r.code, 0, `${args.join(' ')}: ${r.err}`);
      if (c.ownHelp) {
        // stat keeps benchstat's behaviour: the flag list on stderr.
        assert.match(r.err, /usage/i, args.join(' '));
      } else {
        assert.is(r.out, c.usage, args.join(' '));
        assert.is(r.err, '', args.join(' '));
      }
      assert.equal(readdirSync(r.cwd), [], `${args.join(' ')} created files`);
    }
    const h = metalbench(['help', c.name]);
    assert.is(h.code, 0, h.err);
    assert.is(h.out, c.usage);
    assert.match(c.usage, new RegExp(`^usage: metalbench ${c.name}\\b`));
  });

  test(`${c.name}: an unknown option is a usage error: exit 2, a message on stderr, nothing on stdout`, () => {
    const r = metalbench([c.name, '--no-such-option']);
    assert.is(r.code, 2, r.err);
    assert.is(r.out, '');
    assert.ok(r.err.length > 0);
    // The pointer is a complete command (stat answers as benchstat does, with its flag list).
    if (c.ownHelp) assert.match(r.err, /flag provided but not defined: -no-such-option\n/);
    else assert.ok(r.err.endsWith(`\nusage: metalbench ${c.name} --help\n`), r.err);
    assert.equal(readdirSync(r.cwd), []);
  });
}

test('every command marked read-only creates nothing when its database does not exist', () => {
  const readOnly = COMMANDS.filter((c) => c.readOnly && !c.ownHelp);
  assert.ok(readOnly.some((c) => c.name === 'runs') && readOnly.some((c) => c.name === 'export'));
  for (const c of readOnly) {
    const r = metalbench([c.name, '--db', 'typo/dir/x.db']);
    assert.not.match(r.err, /\n\s+at /, `${c.name}: no stack trace`);
    assert.equal(readdirSync(r.cwd), [], `${c.name} created files`);
  }
});

test('every command is listed by metalbench --help', () => {
  const r = metalbench(['--help']);
  assert.is(r.code, 0);
  assert.is(r.out, overview());
  for (const c of COMMANDS) assert.match(r.out, new RegExp(`\\n  ${c.name} +${c.summary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\n`));
});

test('no command: the overview on stderr and exit 2; an unknown command names the way to the list', () => {
  const none = metalbench([]);
  assert.is(none.code, 2);
  assert.is(none.out, '');
  assert.match(none.err, /^usage: metalbench <command>/);
  const bad = metalbench(['frobnicate']);
  assert.is(bad.code, 2);
  assert.is(bad.err, 'metalbench: unknown command "frobnicate"; the commands are listed by: metalbench --help\n');
  const badHelp = metalbench(['help', 'frobnicate']);
  assert.is(badHelp.code, 2);
  assert.match(badHelp.err, /no command "frobnicate"; the commands are listed by: metalbench help\n/);
});

test('--version prints the version of package.json', () => {
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  const r = metalbench(['--version']);
  assert.is(r.code, 0, r.err);
  assert.is(r.out, `metalbench ${version}\n`);
});

test('read-only commands given a database that does not exist create nothing and exit 2', () => {
  for (const args of [['runs'], ['runs', '--json'], ['export'], ['export', '--run', '1'], ['site', '--out', 'pages']]) {
    const r = metalbench([...args, '--db', 'typo/dir/x.db']);
    assert.is(r.code, 2, `${args.join(' ')}: ${r.err}`);
    assert.match(r.err, /typo\/dir\/x\.db/, args.join(' '));
    assert.not.match(r.err, /\n\s+at /, 'no stack trace');
    assert.equal(readdirSync(r.cwd), [], `${args.join(' ')} created files`);
  }
  // hosts facts prints the facts; it records them only in a database that exists.
  const facts = metalbench(['hosts', 'facts', 'local', '--db', 'typo/dir/x.db']);
  assert.is(facts.code, 0, facts.err);
  assert.is((JSON.parse(facts.out) as { host: string }).host, 'local');
  assert.equal(readdirSync(facts.cwd), [], 'hosts facts created files');
  // The default database too: runs in a fresh directory makes no results/ folder.
  const d = metalbench(['runs']);
  assert.is(d.code, 2);
  assert.match(d.err, /no database at results\/metalbench\.db/);
  assert.equal(readdirSync(d.cwd), []);
  // A directory given as the database is named as such.
  const dir = freshDir();
  mkdirSync(join(dir, 'adir'));
  const isDir = metalbench(['runs', '--db', 'adir'], dir);
  assert.is(isDir.code, 2);
  assert.match(isDir.err, /adir: it is a directory/);
});

/**
 * Runs the command with its standard output in a pipe whose reader closes
 * at once, as `… | head -0` would; returns its exit status and stderr.
 */
function intoClosedPipe(args: string[]): Promise<{ code: number | null; signal: NodeJS.Signals | null; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let err = '';
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, err }));
  });
}

test('output into a pipe that closes early ends quietly (runs, export)', async () => {
  // Enough results that export writes far beyond the pipe's buffer.
  const lines = ['goos: linux', 'goarch: amd64', 'pkg: example.com/p'];
  for (let i = 0; i < 3000; i++) lines.push(`BenchmarkCase${i}-8   	 1000000	      ${100 + (i % 17)}.5 ns/op	      16 B/op	       1 allocs/op`);
  const input = join(work, 'many.txt');
  writeFileSync(input, `${lines.join('\n')}\n`);
  const db = join(work, 'pipe.db');
  const imp = metalbench(['import', input, '--db', db]);
  assert.is(imp.code, 0, imp.err);
  for (const args of [['export', '--db', db], ['runs', '--db', db], ['runs', '--json', '--db', db], ['--help'], ['help', 'run']]) {
    const r = await intoClosedPipe(args);
    assert.is(r.err, '', `${args.join(' ')} wrote to stderr`);
    assert.is(r.signal, null, args.join(' '));
    assert.is(r.code, 0, args.join(' '));
  }
});

test('export into a pipe whose reader pauses gives the same bytes as export into a file', async () => {
  const db = join(work, 'pipe.db');
  const file = join(work, 'export.txt');
  const toFile = spawnSync('sh', ['-c', 'node "$0" export --db "$1" > "$2"', BIN, db, file]);
  assert.is(toFile.status, 0, String(toFile.stderr));
  const piped = await new Promise<{ code: number | null; out: Buffer }>((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'export', '--db', db], { stdio: ['ignore', 'pipe', 'inherit'] });
    const chunks: Buffer[] = [];
    let paused = false;
    child.stdout.on('data', (b: Buffer) => {
      chunks.push(b);
      if (!paused) {
        // The pipe fills while the reader is away: the writer must wait, not drop or reorder.
        paused = true;
        child.stdout.pause();
        setTimeout(() => child.stdout.resume(), 500);
      }
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out: Buffer.concat(chunks) }));
  });
  assert.is(piped.code, 0);
  assert.ok(piped.out.length > 131_072, `more than a pipe buffer: ${piped.out.length}`);
  assert.ok(piped.out.equals(readFileSync(file)), 'the same bytes');
});

test('import of input without a single result is bad input and creates no run and no database', () => {
  const dir = freshDir();
  writeFileSync(join(dir, 'empty.txt'), '');
  writeFileSync(join(dir, 'noise.bin'), Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)));
  for (const f of ['empty.txt', 'noise.bin']) {
    const r = metalbench(['import', f, '--db', 'x.db'], dir);
    assert.is(r.code, 2, r.err);
    assert.match(r.err, new RegExp(`${f.replace('.', '\\.')}: no benchmark results found.*nothing was stored\\n$`));
    assert.not.ok(existsSync(join(dir, 'x.db')), 'no database was created');
  }
  // With a database already there, no run is added to it.
  const db = join(work, 'import-none.db');
  assert.is(metalbench(['import', join(root, 'results/fixtures/benchstat-golden/cmd-benchstat-testdata/crc-new.txt'), '--db', db]).code, 0);
  assert.is(metalbench(['import', join(dir, 'empty.txt'), '--db', db]).code, 2);
  const runs = JSON.parse(metalbench(['runs', '--json', '--db', db]).out) as unknown[];
  assert.is(runs.length, 1);
});

test.after(() => rmSync(work, { recursive: true, force: true }));
test.run();
