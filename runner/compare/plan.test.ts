import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { exactPattern, planHost, roundOrders, stripProcs } from './plan.ts';
import { parseCompareArgs } from './args.ts';

test('round orders are ABBA blocks, balanced, and the same for the same seed', () => {
  for (const seed of ['a', 'b', 'c', 'd']) {
    const o = roundOrders(16, seed, 'local');
    assert.is(o.length, 16);
    for (let i = 0; i < 16; i += 2) assert.equal(o[i + 1], [...o[i]!].reverse(), `block ${i / 2} is AB then BA or BA then AB`);
    assert.is(o.filter((x) => x[0] === 'base').length, 8);
    assert.equal(roundOrders(16, seed, 'local'), o);
  }
  // Over many seeds both block directions occur (the order is drawn, not fixed).
  const firsts = new Set(Array.from({ length: 20 }, (_, i) => roundOrders(2, `s${i}`, 'h')[0]![0]));
  assert.equal([...firsts].sort(), ['base', 'head']);
});

test('a host plan: every benchmark once per side per round, sides back to back, padding within bounds', () => {
  const benches = [
    { suite: 's', name: 'A', iters: 10 },
    { suite: 's', name: 'B/x=1', iters: 20 },
  ];
  const plan = planHost('h', benches, 6, 'seed', 1000);
  assert.is(plan.length, 6 * 2 * 2);
  assert.equal(plan.map((p) => p.seq), Array.from({ length: 24 }, (_, i) => 1000 + i));
  for (let i = 0; i < plan.length; i += 2) {
    assert.is(plan[i]!.bench, plan[i + 1]!.bench);
    assert.is(plan[i]!.round, plan[i + 1]!.round);
    assert.is.not(plan[i]!.side, plan[i + 1]!.side);
  }
  assert.ok(plan.every((p) => p.pad >= 0 && p.pad < 4096));
  assert.equal(planHost('h', benches, 6, 'seed', 1000), plan);
  assert.not.equal(planHost('h', benches, 6, 'other', 1000).map((p) => p.pad), plan.map((p) => p.pad));
});

test('exact patterns anchor every level and quote regexp characters', () => {
  assert.is(exactPattern('Spin'), '^BenchmarkSpin$');
  assert.is(exactPattern('Chase/ws=32KiB'), '^BenchmarkChase$/^ws=32KiB$');
  assert.is(exactPattern('Get/key=a.b+c(d)|e'), '^BenchmarkGet$/^key=a\\.b\\+c\\(d\\)\\|e$');
});

test('the GOMAXPROCS suffix is removed only when every result carries one', () => {
  assert.equal(stripProcs(['Spin-2', 'Chase/ws=1-2']), ['Spin', 'Chase/ws=1']);
  assert.equal(stripProcs(['Spin', 'Size/n-64']), ['Spin', 'Size/n-64']);
});

test('compare arguments: sides, overrides and outputs', () => {
  const a = parseCompareArgs(['s.yaml', '--base', 'main', '--head', '.', '--rounds', '20', '--threshold', '2.5%', '--head-env', 'GOAMD64=v3', '--head-env', 'GOGC=200', '--base-go', 'go1.25.5', '--head-gcflags=-l', '--json', 'o.json', '--lock-wait', '10m'], 'db', '/w');
  if (a === 'help' || a.mode !== 'paired') throw new Error(`parsed as ${a === 'help' ? a : a.mode}`);
  assert.is(a.rounds, 20);
  assert.is(a.threshold, 0.025);
  assert.equal(a.overrides.head, { env: { GOAMD64: 'v3', GOGC: '200' }, gcflags: '-l' });
  assert.equal(a.overrides.base, { env: {}, go: 'go1.25.5' });
  assert.is(a.json, 'o.json');
  assert.is(a.lockWaitMs, 600_000);
  const r = parseCompareArgs(['--resume', '7'], 'db');
  assert.ok(r !== 'help' && r.mode === 'resume' && r.runId === 7);
  const u = parseCompareArgs(['old.txt', 'new.txt'], 'db');
  assert.ok(u !== 'help' && u.mode === 'unpaired' && u.files?.[1] === 'new.txt');
  assert.throws(() => parseCompareArgs(['s.yaml', '--base', 'a', '--head', 'b', '--head-go', 'latest'], 'db'), /expected a Go toolchain name/);
  assert.throws(() => parseCompareArgs(['s.yaml', '--base', 'a', '--head', 'b', '--head-env', 'GOTOOLCHAIN=go1.2'], 'db'), /use --head-go/);
  assert.throws(() => parseCompareArgs(['--resume', '7', '--head-env', 'A=1'], 'db'), /--resume takes the run id only/);
});

test.run();
