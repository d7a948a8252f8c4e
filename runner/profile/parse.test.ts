/**
 * The exact filter for a stored benchmark name, --profile KINDS, and the
 * gctrace reader, against lines as Go prints them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { exactBenchmark } from './filter.ts';
import { gcPerOp, parseGcTrace } from './gctrace.ts';
import { parseProfileKinds } from './kinds.ts';
import { Profile, StringTable, ValueType, Function as PFunction, Location, Line, Sample } from 'pprof-format';
import { summarize } from './read.ts';

const here = fileURLToPath(new URL('.', import.meta.url));

test('a stored name becomes an anchored, quoted filter per level and the GOMAXPROCS of its -N suffix', () => {
  assert.equal(exactBenchmark('Spin-2'), { filter: '^BenchmarkSpin$', procs: 2, goName: 'BenchmarkSpin' });
  assert.equal(exactBenchmark('Spin'), { filter: '^BenchmarkSpin$', procs: 1, goName: 'BenchmarkSpin' });
  assert.is(exactBenchmark('Get/result=hit/impl=ours/kv=16-4').filter, '^BenchmarkGet$/^result=hit$/^impl=ours$/^kv=16$');
  assert.is(exactBenchmark('Odd/[x]|y-2').filter, '^BenchmarkOdd$/^\\[x\\]\\|y$');
  assert.is(exactBenchmark('Odd/a+b(1)').filter, '^BenchmarkOdd$/^a\\+b\\(1\\)$');
  // "-1" is never a GOMAXPROCS suffix (go test omits it): it is part of the name.
  assert.equal(exactBenchmark('Size/n-1'), { filter: '^BenchmarkSize$/^n-1$', procs: 1, goName: 'BenchmarkSize/n-1' });
});

test('--profile takes a comma list or all, in canonical order, and names the allowed kinds', () => {
  assert.equal(parseProfileKinds('gc,cpu'), ['cpu', 'gc']);
  assert.equal(parseProfileKinds('all'), ['cpu', 'alloc', 'block', 'mutex', 'gc']);
  assert.throws(() => parseProfileKinds('cpu,heap'), /unknown kind "heap" \(allowed: cpu, alloc, block, mutex, gc, or all\)/);
  assert.throws(() => parseProfileKinds(','), /no kind given/);
});

test('gctrace lines sum to collections, stop-the-world pause and heap goal; other lines are ignored', () => {
  const t = parseGcTrace(readFileSync(join(here, 'fixtures', 'gctrace.txt'), 'utf8'));
  assert.is(t.collections, 4);
  assert.is(t.forced, 1);
  // (0.011+0.003) + (0.020+0.004) + (0.5+0.1) + (1+2) ms
  assert.is(t.pauseTotalNs, 3_638_000);
  assert.is(t.heapGoalMedianBytes, 4.5 * (1 << 20));
  assert.is(t.heapGoalMaxBytes, 8 << 20);
  assert.is(t.liveHeapMedianBytes, 1.5 * (1 << 20));
  const p = gcPerOp(t, 1000);
  assert.is(p.collectionsPerOp, 0.004);
  assert.is(p.pauseNsPerOp, 3638);
  assert.equal(parseGcTrace('').collections, 0);
});

test('a sample inside runtime.asyncPreempt is charged to the function the preemption interrupted', () => {
  const strings = new StringTable();
  const fn = (id: number, name: string) => new PFunction({ id, name: strings.dedup(name), systemName: strings.dedup(name), filename: strings.dedup('x.go') });
  const functions = [fn(1, 'main.Spin'), fn(2, 'main.BenchmarkSpin'), fn(3, 'runtime.asyncPreempt')];
  const loc = (id: number) => new Location({ id, line: [new Line({ functionId: id, line: 1 })] });
  const profile = new Profile({
    sampleType: [new ValueType({ type: strings.dedup('samples'), unit: strings.dedup('count') }), new ValueType({ type: strings.dedup('cpu'), unit: strings.dedup('nanoseconds') })],
    function: functions,
    location: [loc(1), loc(2), loc(3)],
    sample: [
      new Sample({ locationId: [3, 1, 2], value: [1, 10] }),
      new Sample({ locationId: [1, 2], value: [2, 20] }),
      new Sample({ locationId: [2], value: [1, 5] }),
    ],
    stringTable: strings,
  });
  const s = summarize(profile.encode(), 'cpu');
  assert.is(s.total, 35);
  assert.equal([s.functions.get('main.Spin')!.flat, s.functions.get('main.Spin')!.cum], [30, 30]);
  assert.equal([s.functions.get('main.BenchmarkSpin')!.flat, s.functions.get('main.BenchmarkSpin')!.cum], [5, 35]);
  assert.not.ok(s.functions.has('runtime.asyncPreempt'));
  assert.throws(() => summarize(profile.encode(), 'alloc_space'), /no sample type "alloc_space" \(it has: samples, cpu\)/);
});

test.run();
