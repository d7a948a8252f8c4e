/**
 * Profiling end to end on the built-in host, with real Go test binaries and
 * real profiles: the calibration suite's injected Factor shows up as Spin's
 * growth in the CPU diff; the memtable suite's allocation profiles show our
 * arena against badger's; profiling never changes stored samples; a
 * benchmark that panics under profiling, a host without space and a binary
 * without symbols each give a clear message and leave timing results alone.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { stringify } from 'yaml';
import { Store } from '../../results/store/store.ts';
import { ProfileIndex, type ProfileRow } from '../../results/store/profiles.ts';
import { buildSuite } from '../build/build.ts';
import { parseSpec } from '../spec/spec.ts';
import { LocalTransport } from '../transport/local.ts';
import { capture } from '../test-support.ts';
import { runCommand } from '../run/run.ts';
import { main } from '../cli.ts';
import type { DiffResult } from './command.ts';
import { profileSides } from './phase.ts';
import { summarize } from './read.ts';
import type { ProfileKind } from './kinds.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const benchmarks = join(here, '..', '..', 'benchmarks');
const fixture = join(here, 'fixtures', 'profiled');
const work = mkdtempSync(join(tmpdir(), 'metalbench-profile-'));
const db = join(work, 'results.db');

test.after(() => rmSync(work, { recursive: true, force: true }));

function spec(name: string, top: Record<string, unknown>, suites: Record<string, unknown>[]): string {
  const path = join(work, `${name}.yaml`);
  writeFileSync(path, stringify({ name, hosts: 'local', ...top, suites }));
  return path;
}

async function run(target: { spec: string } | { resume: number }, profile?: ProfileKind[]) {
  const c = capture();
  const code = await runCommand({
    ...('spec' in target ? { specPath: target.spec } : { resumeRunId: target.resume }),
    dbPath: db,
    inventoryPath: join(work, 'no-inventory.yaml'),
    trigger: 'manual',
    json: false,
    ...(profile ? { profile } : {}),
    ...c.io,
  });
  return { code, out: c.out(), err: c.err() };
}

async function profileCli(args: string[]) {
  const c = capture();
  const code = await main(['profile', ...args, '--db', db], c.io);
  return { code, out: c.out(), err: c.err() };
}

function lastRunId(): number {
  const s = new Store(db);
  try {
    return s.listRuns({ limit: 1 })[0]!.id;
  } finally {
    s.close();
  }
}

function profilesOf(runId: number): ProfileRow[] {
  const s = new Store(db);
  try {
    return new ProfileIndex(s).list(runId);
  } finally {
    s.close();
  }
}

/** Every stored sample of a run, every column, in order. */
function samplesOf(runId: number): unknown[] {
  const s = new Store(db);
  try {
    return s.db.prepare('SELECT * FROM samples WHERE run_id = ? ORDER BY id').all(runId);
  } finally {
    s.close();
  }
}

const calibration = (extra: Record<string, unknown> = {}) => ({ name: 'calibration', package: './calibration', module: benchmarks, bench: '^BenchmarkSpin$', ...extra });

test('the CPU diff names Spin as the function whose cost grew, by about the injected Factor, also from a binary without symbols', async () => {
  const top = { benchtime: '1s', count: 1, profile: ['cpu', 'gc'] };
  const base = await run({ spec: spec('cal-base', top, [calibration()]) });
  assert.is(base.code, 0, base.err);
  const baseRun = lastRunId();
  // Head: 1.5 times the work per op, linked without symbol table or DWARF.
  const head = await run({ spec: spec('cal-head', top, [calibration({ ldflags: '-X=metalbench/benchmarks/calibration.Factor=1.5 -s -w' })]) });
  assert.is(head.code, 0, head.err);
  const headRun = lastRunId();
  assert.match(head.out, /profiles: 2 stored/);

  const d = await profileCli(['diff', '--run', String(headRun), '--base-run', String(baseRun), 'BenchmarkSpin', '--json']);
  assert.is(d.code, 0, d.err);
  const r = JSON.parse(d.out) as DiffResult;
  const first = r.diff!.byFlat[0]!;
  assert.is(first.name, 'metalbench/benchmarks/calibration.Spin');
  assert.ok(first.flatDelta > 0);
  // CPU time per op (not wall time, which other load on the machine moves): within a tenth of the injected 1.5×.
  assert.ok(first.flatRatio! > 1.35 && first.flatRatio! < 1.65, `Spin grew ${first.flatRatio}× per op, injected 1.5×`);
  assert.ok(r.notes.some((n) => n.includes('-s -w')), `a note about the stripped head binary: ${r.notes.join(' | ')}`);
  assert.match(r.pprofCommand!, /go tool pprof -http=: -sample_index=cpu -diff_base=/);

  const text = await profileCli(['diff', '--run', String(headRun), '--base-run', String(baseRun), 'Spin']);
  assert.match(text.out, /top functions by change in flat cpu per op:\n.*\n {2}metalbench\/benchmarks\/calibration\.Spin +\S+ +\S+ +\+\S+ +1\.[3-6][0-9]×/);

  // The gc kind: Spin allocates nothing, so collections are only testing's own.
  const gc = await profileCli(['diff', '--run', String(headRun), '--base-run', String(baseRun), 'Spin', '--kind', 'gc', '--json']);
  assert.is(gc.code, 0, gc.err);
  const g = (JSON.parse(gc.out) as DiffResult).gc!;
  assert.ok(g.head.ops > 1 && g.head.collectionsPerOp < 0.01, JSON.stringify(g.head));
});

test('profiling never changes the number or values of stored samples; stored profiles survive --resume and are not taken again', async () => {
  const first = await run({ spec: spec('plain', { benchtime: '100ms', count: 2 }, [calibration()]) });
  assert.is(first.code, 0, first.err);
  const runId = lastRunId();
  const before = samplesOf(runId);
  assert.is(before.length, 2 * 3, 'two result lines of sec/op, B/op, allocs/op');
  assert.equal(profilesOf(runId), []);

  // A finished run resumed with --profile runs no job, only the profiles.
  const again = await run({ resume: runId }, ['cpu', 'alloc', 'gc']);
  assert.is(again.code, 0, again.err);
  assert.equal(samplesOf(runId), before);
  const stored = profilesOf(runId);
  assert.equal(stored.map((p) => `${p.kind}:${p.status}`), ['alloc:ok', 'cpu:ok', 'gc:ok']);
  for (const p of stored) {
    assert.is(p.side, 'run');
    assert.ok(p.job_id !== null && p.build_id !== null, 'indexed with its job and build');
    assert.match(p.binary_sha256, /^[0-9a-f]{64}$/);
    // The profiled process's own figure is context: it is not among the samples.
    assert.ok(p.ns_per_op !== null && p.ops !== null && p.ops > 1);
    const file = join(work, 'profiles', p.sha256!);
    assert.is(readFileSync(file).length, p.bytes);
  }

  // Resumed once more (the profile kinds remembered): nothing is captured twice.
  const third = await run({ resume: runId });
  assert.is(third.code, 0, third.err);
  assert.equal(profilesOf(runId), stored);
  assert.equal(samplesOf(runId), before);

  const list = await profileCli(['list', '--run', String(runId), '--json']);
  assert.equal((JSON.parse(list.out) as { kind: string }[]).map((p) => p.kind), ['alloc', 'cpu', 'gc']);
});

test("the memtable suite's allocation profiles show our arena against badger's allocations", async () => {
  const r = await run({
    spec: spec('mem', { benchtime: '200ms', count: 1, profile: ['alloc'] }, [
      { name: 'memtable', package: './memtable', module: benchmarks, bench: '^BenchmarkInsert$/^order=seq$/^impl=(ours|badger)$/^kv=16$' },
    ]),
  });
  assert.is(r.code, 0, r.err);
  const runId = lastRunId();
  const [ours, badger] = ['ours', 'badger'].map((impl) => profilesOf(runId).find((p) => p.benchmark.includes(`impl=${impl}/`))!);
  assert.ok(ours && badger, 'one profile per benchmark');
  const d = await profileCli(['diff', '--run', String(runId), '--kind', 'alloc', ours.benchmark, '--base-bench', badger.benchmark, '--json']);
  assert.is(d.code, 0, d.err);
  const diff = (JSON.parse(d.out) as DiffResult).diff!;
  const grown = diff.byFlat.filter((c) => c.flatDelta > 0).map((c) => c.name);
  const gone = diff.byFlat.filter((c) => c.flatDelta < 0).map((c) => c.name);
  assert.is(grown[0], 'metalbench/benchmarks/memtable.newArena', `ours allocates in its arena: ${grown.join(', ')}`);
  assert.ok(gone[0]!.startsWith('github.com/dgraph-io/badger/v4/skl.'), `badger's allocations: ${gone.join(', ')}`);
});

test('a benchmark that panics under profiling: a clear message, the run ok and its samples kept', async () => {
  const r = await run({
    spec: spec('panics', { benchtime: '20ms', count: 1, profile: ['cpu'] }, [{ name: 'profiled', package: '.', module: fixture, bench: '^Benchmark(OK|PanicsWhenProfiled)$' }]),
  });
  assert.is(r.code, 0, r.err);
  const runId = lastRunId();
  assert.is(samplesOf(runId).length, 2 * 3);
  const byName = new Map(profilesOf(runId).map((p) => [p.benchmark.replace(/-[0-9]+$/, ''), p]));
  assert.is(byName.get('OK')!.status, 'ok');
  const bad = byName.get('PanicsWhenProfiled')!;
  assert.is(bad.status, 'failed');
  assert.match(bad.error!, /host local, BenchmarkPanicsWhenProfiled: the profiled process exited with status 2 \(panic: profiled: deliberate panic under profiling/);
  assert.match(r.out, /profiles: 1 stored, 1 not captured \(timing results are not affected\)/);
  assert.match(r.out, /deliberate panic under profiling/);
});

test('sub-benchmarks whose names hold regexp metacharacters are profiled one by one, each exactly', async () => {
  const r = await run({ spec: spec('odd', { benchtime: '10x', count: 1, profile: ['cpu'] }, [{ name: 'profiled', package: '.', module: fixture, bench: '^BenchmarkOdd$' }]) });
  assert.is(r.code, 0, r.err);
  const rows = profilesOf(lastRunId());
  assert.equal(rows.map((p) => p.benchmark.replace(/-[0-9]+$/, '')).sort(), ['Odd/[x]|y', 'Odd/a+b(1)', 'Odd/a+b(1)x', 'Odd/a.b']);
  // Each process ran exactly its benchmark's b.N (10, plus the first run of 1): no neighbour matched.
  for (const p of rows) assert.is(p.ops, 11, `${p.benchmark}: ${p.error ?? ''}`);
});

test('a host without space for profiles: refused with the free space named, nothing stored but the reason', async () => {
  const s = parseSpec(stringify({ name: 'x', suites: [calibration()] }), join(work, 'x.yaml'));
  const suite = s.suites[0]!;
  const binary = await buildSuite(suite, { goos: process.platform, goarch: process.arch === 'x64' ? 'amd64' : 'arm64' });
  const store = new Store(db);
  try {
    const runId = store.createRun({ kind: 'run' });
    const host = { name: 'local', transport: new LocalTransport(), pinFor: () => ({ wrap: (a: string[]) => a, config: [], warnings: [] }), cwdFor: () => undefined };
    const logged: string[] = [];
    const [o] = await profileSides({
      store,
      runId,
      host,
      suite,
      benchmark: 'Spin',
      kinds: ['cpu'],
      sides: [{ side: 'head', binary, iterations: 10 }],
      log: (l) => logged.push(l),
      // More than any disk has: the check before the process starts refuses.
      capture: { scratchParent: work, minFreeBytes: 2 ** 62 },
    });
    assert.is(o!.ok, false);
    assert.match(o!.error!, /^host local, BenchmarkSpin: only [0-9.]+ MiB free in .*metalbench-profile\.\w+; profiles need at least [0-9.]+ MiB; free space on the host/);
    const rows = new ProfileIndex(store).list(runId);
    assert.equal(rows.map((r) => [r.kind, r.status, r.sha256]), [['cpu', 'failed', null]]);
    assert.ok(logged.some((l) => l.includes('free space on the host')));
    assert.equal(samplesOf(runId), []);
  } finally {
    store.close();
  }
});

test('profiles decode into per-function costs and the CLI rejects bad input with exit 2', async () => {
  const bad = await profileCli(['diff', '--run', '1', 'NoSuchBench']);
  assert.is(bad.code, 2);
  assert.match(bad.err, /run 1 has no cpu profile of NoSuchBench/);
  const kind = await profileCli(['diff', '--run', '1', 'Spin', '--kind', 'heap']);
  assert.is(kind.code, 2);
  assert.match(kind.err, /--kind "heap" is not one of cpu, alloc, block, mutex, gc/);
  const noBase = await profileCli(['diff', '--run', '1', 'Spin']);
  assert.is(noBase.code, 2);
  assert.match(noBase.err, /has only side run of Spin-[0-9]+; compare it with another run: --base-run A/);
  const cpu = profilesOf(1).find((p) => p.kind === 'cpu')!;
  const sum = summarize(readFileSync(join(work, 'profiles', cpu.sha256!)), 'cpu');
  assert.ok(sum.functions.get('metalbench/benchmarks/calibration.Spin')!.flat > 0);
  assert.equal(sum.unsymbolized.size, 0);
});

test.run();
