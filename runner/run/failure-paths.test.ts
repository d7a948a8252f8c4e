/**
 * Every way `metalbench run` can end early — a database it cannot open or
 * write, SQLite's native module missing, SIGINT/SIGTERM/SIGHUP in each phase,
 * kill -9 — ends the process promptly with its documented code, frees the
 * host lock, and leaves no benchmark or build process behind. The real CLI
 * runs as a child with its own lock directory; the lock is probed with
 * flock(1) exactly as another metalbench would take it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import Database from 'better-sqlite3';
import { Store } from '../../results/store/store.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '..', '..');
const fixtures = join(here, 'fixtures');
const work = mkdtempSync(join(tmpdir(), 'metalbench-failures-'));
const lockDir = join(work, 'locks');
mkdirSync(lockDir);
const lockFile = join(lockDir, 'metalbench-local.lock');
const warmCache = join(work, 'cache');

interface Cli {
  /** When `pattern` first appeared in the output (polled every 10 ms). */
  saidAt: (pattern: RegExp) => Promise<number>;
  child: ChildProcess;
  /** Exit code (or 128+n for a signal death) and when it came. */
  exited: Promise<{ code: number; at: number }>;
  output: () => string;
}

/** Every CLI started; one a failed test left running is stopped before the next test. */
const started: ChildProcess[] = [];

function cli(args: string[], env: Record<string, string> = {}): Cli {
  const child = spawn(process.execPath, [join(root, 'bin/metalbench.js'), ...args], {
    env: { ...process.env, METALBENCH_LOCK_DIR: lockDir, METALBENCH_CACHE: warmCache, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  let out = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<{ code: number; at: number }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code: code ?? 128 + (signal === 'SIGKILL' ? 9 : 0), at: Date.now() })),
  );
  const saidAt = async (pattern: RegExp) => {
    while (!pattern.test(out)) {
      if (child.exitCode !== null && !pattern.test(out)) throw new Error(`${pattern} never appeared:\n${out}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    return Date.now();
  };
  return { child, exited, output: () => out, saidAt };
}

/** True when another process could take the local host's lock right now. */
function lockIsFree(): boolean {
  if (!existsSync(lockFile)) return true;
  return spawnSync('flock', ['--nonblock', lockFile, 'true']).status === 0;
}

/** Live (non-zombie) descendants of a process, from /proc. */
function descendants(pid: number): number[] {
  const parent = new Map<number, number>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const after = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (after[0] !== 'Z') parent.set(Number(d), Number(after[1]));
    } catch {
      // gone meanwhile
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const [c, pp] of parent) if (pp === p) out.push(c), walk(c);
  };
  walk(pid);
  return out;
}

function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

function commOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

async function until(cond: () => boolean, what: string, p: Cli, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end || p.child.exitCode !== null) throw new Error(`gave up waiting for ${what}:\n${p.output()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function waitForSamples(db: string, p: Cli, atLeast = 1): Promise<void> {
  await until(
    () => {
      if (!existsSync(db)) return false;
      const s = new Store(db);
      try {
        return s.db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM samples').get()!.n >= atLeast;
      } finally {
        s.close();
      }
    },
    `${atLeast} stored samples`,
    p,
  );
}

/** The process ended within 2 s of `since`, the lock is free and `pids` are gone. */
async function assertReleased(p: Cli, since: number, pids: number[] = []): Promise<number> {
  const { code, at } = await p.exited;
  assert.ok(at - since < 2000, `the process ended ${at - since} ms after it was told to stop:\n${p.output()}`);
  // After kill -9 the kernel closes the lock holder's pipe; its exit takes a moment on a busy machine.
  while (!lockIsFree() && Date.now() - since < 2000) await new Promise((r) => setTimeout(r, 20));
  assert.ok(lockIsFree(), `the lock is free within 2 s (exit ${code}):\n${p.output()}`);
  // Killed processes are reaped by the kernel's subreaper shortly after; give it a moment.
  const end = Date.now() + 2000;
  while (pids.some(alive) && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  const left = pids.filter(alive);
  const names = left.map((x) => `${x} ${commOf(x)}`);
  for (const x of left) process.kill(x, 'SIGKILL'); // not to outlive a failed test
  assert.equal(names, [], 'no process of the run is left');
  return code;
}

function runStatus(db: string): string[] {
  // Opening read-write marks a run whose orchestrator is gone as interrupted.
  const s = new Store(db);
  try {
    return s.db.prepare<[], { status: string }>('SELECT status FROM runs ORDER BY id').all().map((r) => r.status);
  } finally {
    s.close();
  }
}

const slow = join(fixtures, 'slow.yaml');

test('warm the build cache once (the failures below start from it)', async () => {
  const db = join(work, 'warm.db');
  const p = cli(['run', join(fixtures, 'slow.yaml'), '--db', db]);
  await waitForSamples(db, p);
  p.child.kill('SIGINT');
  assert.is((await p.exited).code, 130, p.output());
});

for (const [what, prepare, expect] of [
  ['--db is a directory', (p: string) => mkdirSync(p), /is a directory; --db takes a database file/],
  ['--db is a file that is not a database', (p: string) => writeFileSync(p, 'these are not the bytes of a database\n'.repeat(200)), /is not a SQLite database/],
] as const) {
  test(`${what}: the error, exit 2, lock free, nothing run`, async () => {
    const db = join(work, `bad-${what.length}`);
    prepare(db);
    const p = cli(['run', slow, '--db', db]);
    const said = await p.saidAt(/nothing was run/);
    const { code, at } = await p.exited;
    assert.is(code, 2, p.output());
    assert.match(p.output(), expect);
    assert.ok(at - said < 2000, `exited ${at - said} ms after the error`);
    assert.ok(lockIsFree());
  });
}

test('SQLite\'s native module missing (METALBENCH_SQLITE_BINDING points nowhere): named, exit 2, no database created, lock free', async () => {
  const db = join(work, 'nobinding', 'x.db');
  const p = cli(['run', slow, '--db', db], { METALBENCH_SQLITE_BINDING: join(work, 'no-such-binding.node') });
  const said = await p.saidAt(/nothing was run/);
  const { code, at } = await p.exited;
  assert.ok(at - said < 2000, `exited ${at - said} ms after the error`);
  assert.is(code, 2, p.output());
  assert.match(p.output(), /SQLite's native module \(better-sqlite3\) did not load/);
  assert.match(p.output(), /npm rebuild better-sqlite3/);
  assert.not.ok(existsSync(db));
  assert.ok(lockIsFree());
});

test('a store write failing mid-run (a trigger refuses to start a job): named, exit 3, lock free, no benchmark left', async () => {
  const db = join(work, 'refuse.db');
  const s = new Store(db);
  s.db.exec(`CREATE TRIGGER refuse_start BEFORE UPDATE OF status ON jobs WHEN NEW.status = 'running'
             BEGIN SELECT RAISE(ABORT, 'injected: the disk refused the write'); END`);
  s.close();
  const p = cli(['run', slow, '--db', db]);
  const said = await p.saidAt(/writing to .* failed/);
  const { code } = await p.exited;
  assert.is(code, 3, p.output());
  assert.match(p.output(), /writing to .*refuse\.db failed: injected: the disk refused the write/);
  assert.match(p.output(), /resume with: metalbench run --resume 1 --db /);
  await assertReleased(p, said);
  assert.equal(runStatus(db), ['failed']);
});

const SIGNAL_CODE = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;
type Sig = keyof typeof SIGNAL_CODE;

for (const sig of Object.keys(SIGNAL_CODE) as Sig[]) {
  test(`${sig} while building: exit ${SIGNAL_CODE[sig]}, no run recorded, the go build is killed, lock free`, async () => {
    const db = join(work, `build-${sig}.db`);
    // A cold cache of its own, so there is a build to interrupt.
    const p = cli(['run', slow, '--db', db], { METALBENCH_CACHE: mkdtempSync(join(work, 'cold-')) });
    let build: number[] = [];
    await until(() => (build = descendants(p.child.pid!).filter((c) => commOf(c) === 'go')).length > 0, 'the go build to start', p);
    const tree = descendants(p.child.pid!);
    const t = Date.now();
    p.child.kill(sig);
    assert.is(await assertReleased(p, t, tree), SIGNAL_CODE[sig], p.output());
    assert.match(p.output(), new RegExp(`stopped by ${sig}; nothing was run`));
    assert.not.ok(existsSync(db) && runStatus(db).length > 0, 'no run was recorded');
  });

  test(`${sig} while benchmarks run: exit ${SIGNAL_CODE[sig]}, run interrupted with a complete resume command, benchmark killed, lock free`, async () => {
    const db = join(work, `dispatch ${sig}.db`);
    const p = cli(['run', slow, '--db', db]);
    await waitForSamples(db, p);
    const tree = descendants(p.child.pid!);
    assert.ok(tree.length > 0, 'a benchmark process is running');
    const t = Date.now();
    p.child.kill(sig);
    assert.is(await assertReleased(p, t, tree), SIGNAL_CODE[sig], p.output());
    assert.match(p.output(), new RegExp(`run 1 interrupted by ${sig}`));
    // The path has a space: the hint quotes it, so it can be pasted as is.
    assert.ok(p.output().includes(`resume with: metalbench run --resume 1 --db '${db}'`), p.output());
    assert.equal(runStatus(db), ['interrupted']);
  });
}

test('SIGTERM while waiting for the busy host: exit 143, nothing recorded, the waiting flock does not outlive it', async () => {
  // Another metalbench, played by flock(1), holds the local host.
  const other = spawn('flock', ['--exclusive', lockFile, 'sh', '-c', 'echo held; sleep 600'], { stdio: ['ignore', 'pipe', 'ignore'], detached: true });
  try {
    await new Promise<void>((resolve, reject) => {
      other.stdout!.once('data', () => resolve());
      other.once('exit', (c) => reject(new Error(`flock exited ${c}`)));
    });
    const db = join(work, 'lockwait.db');
    const p = cli(['run', slow, '--db', db, '--lock-wait', '60s']);
    await until(() => /host local is busy .*; waiting up to 60s for it/.test(p.output()), 'the wait to begin', p);
    await until(() => descendants(p.child.pid!).some((c) => commOf(c) === 'flock'), 'a flock waiting for the lock', p);
    const tree = descendants(p.child.pid!);
    const t = Date.now();
    p.child.kill('SIGTERM');
    const { code, at } = await p.exited;
    assert.is(code, 143, p.output());
    assert.ok(at - t < 2000, `ended ${at - t} ms after SIGTERM`);
    assert.match(p.output(), /stopped by SIGTERM; nothing was run/);
    const end = Date.now() + 2000;
    while (tree.some(alive) && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    assert.equal(tree.filter(alive).map(commOf), [], 'nothing of the run is left, the waiting flock included');
    assert.not.ok(existsSync(db) && runStatus(db).length > 0, 'no run was recorded');
  } finally {
    process.kill(-other.pid!, 'SIGKILL');
  }
  await new Promise((r) => setTimeout(r, 100));
  assert.ok(lockIsFree(), 'once the other holder is gone, nobody holds the lock');
});

test('kill -9 of the orchestrator: the benchmark dies with it, the lock is free, and the next command marks the run interrupted', async () => {
  const db = join(work, 'kill9.db');
  // A benchmark that would run for an hour: only dying with its parent ends it.
  const spec = join(work, 'hang.yaml');
  writeFileSync(spec, `name: hang\nbenchtime: 1x\ntimeout: 1h\nsuites:\n  - name: hang\n    package: .\n    module: ${JSON.stringify(join(fixtures, 'faulty'))}\n    bench: '^BenchmarkHang$'\n`);
  const p = cli(['run', spec, '--db', db]);
  let bench: number[] = [];
  await until(() => (bench = descendants(p.child.pid!).filter((c) => commOf(c).endsWith('.test'))).length > 0, 'the benchmark process', p);
  const tree = descendants(p.child.pid!);
  const t = Date.now();
  p.child.kill('SIGKILL');
  await assertReleased(p, t, tree);
  assert.not.ok(bench.some(alive), 'the benchmark process died with the orchestrator');
  // No metalbench command ran since: the row still says running until one opens the database read-write.
  const raw = new Database(db, { readonly: true });
  assert.is(raw.prepare<[], { status: string }>('SELECT status FROM runs').get()!.status, 'running');
  raw.close();
  assert.equal(runStatus(db), ['interrupted']);
});

test.after.each(async () => {
  for (const c of started.splice(0)) {
    if (c.exitCode !== null || c.signalCode !== null) continue;
    c.kill('SIGKILL');
    await new Promise((r) => c.once('exit', r));
  }
});

test.after(() => rmSync(work, { recursive: true, force: true }));
test.run();
