import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { BenchReader, readAll, parseGoFloat, type BenchResult, type ReadWarning } from './reader.ts';
import { tidyUnit } from './units.ts';

const fixture = readFileSync(new URL('./fixtures/gotest-mixed.txt', import.meta.url), 'utf8');

const results = (recs: ReturnType<typeof readAll>) => recs.filter((r): r is BenchResult => r.kind === 'result');
const warnings = (recs: ReturnType<typeof readAll>) => recs.filter((r): r is ReadWarning => r.kind === 'warning');

test('reads results with several value/unit pairs, tidied units and originals', () => {
  const rs = results(readAll(fixture));
  assert.is(rs.length, 4);
  const first = rs[0]!;
  assert.is(first.name, 'Encode/format=json-8');
  assert.is(first.iters, 100000);
  assert.equal(
    first.values.map((v) => [v.unit, v.origUnit, v.origValue]),
    [
      ['sec/op', 'ns/op', 1234],
      ['B/s', 'MB/s', 52.31],
      ['B/op', 'B/op', 640],
      ['allocs/op', 'allocs/op', 7],
    ],
  );
  assert.is(first.values[0]!.value, 1234 * 1e-9);
  assert.is(first.values[1]!.value, 52.31 * 1e6);
  assert.is(first.line, 7);
});

test('custom units are tidied only in the numerator', () => {
  const lat = results(readAll(fixture)).find((r) => r.name === 'Latency')!;
  assert.equal(lat.values.map((v) => v.unit), ['sec/op', 'p99-latency-sec', 'commits/op']);
  assert.equal(tidyUnit('ops/ns'), { unit: 'ops/ns', factor: 1 });
  assert.equal(tidyUnit('user-ns/op'), { unit: 'user-sec/op', factor: 1 / 1e9 });
});

test('configuration applies to following results and an empty value deletes it', () => {
  const rs = results(readAll(fixture));
  assert.equal(Object.fromEntries(rs[0]!.config), {
    goos: 'linux',
    goarch: 'amd64',
    pkg: 'example.com/enc',
    cpu: 'AMD EPYC 7B13',
  });
  const last = rs[3]!;
  assert.is(Object.fromEntries(last.config).note, 'second half');
  assert.is(last.values[0]!.origValue, 1200);
  const reader = new BenchReader();
  reader.push(fixture);
  reader.end();
  assert.not.ok(reader.currentConfig().some(([k]) => k === 'note'));
});

test('unreadable lines become warnings with line numbers, never exceptions', () => {
  const ws = warnings(readAll(fixture));
  assert.equal(
    ws.map((w) => [w.line, w.message]),
    [
      [11, 'missing units'],
      [12, 'missing iteration count'],
      [13, 'parsing measurement: invalid syntax'],
    ],
  );
});

test('unit metadata is keyed by the tidied unit and conflicting values are warned', () => {
  const recs = readAll('Unit ns/op assume=exact\nUnit ns/op assume=exact\nUnit ns/op assume=nothing\nUnit x\n');
  // Each setting once: a repeat is silent, a conflict is a warning and keeps the first.
  const units = recs.filter((r) => r.kind === 'unit');
  assert.is(units.length, 1);
  assert.is(units[0]!.kind === 'unit' && units[0]!.value, 'exact');
  assert.is(units[0]!.kind === 'unit' && units[0]!.unit, 'sec/op');
  assert.equal(
    warnings(recs).map((w) => w.message),
    ['metadata assume of unit ns/op already set to exact'],
  );
});

test('a stream split at any byte gives the same records as the whole text', () => {
  const whole = readAll(fixture);
  for (const cut of [1, 7, 13, 64, 200]) {
    const r = new BenchReader();
    const got = [];
    for (let i = 0; i < fixture.length; i += cut) got.push(...r.push(fixture.slice(i, i + cut)));
    got.push(...r.end());
    assert.equal(got, whole, `chunk size ${cut}`);
  }
});

test('a truncated final line without newline is still read', () => {
  const rs = results(readAll('BenchmarkX-2 10 5 ns/op'));
  assert.is(rs.length, 1);
  assert.is(rs[0]!.values[0]!.origValue, 5);
});

test('numbers follow strconv.ParseFloat syntax', () => {
  assert.is(parseGoFloat('1.5e+06'), 1.5e6);
  assert.is(parseGoFloat('-.5'), -0.5);
  assert.is(parseGoFloat('0x1p-2'), 0.25);
  assert.is(parseGoFloat('+Inf'), Infinity);
  assert.ok(Number.isNaN(parseGoFloat('NaN')!));
  assert.is(parseGoFloat('0x1F'), undefined);
  assert.is(parseGoFloat('1,5'), undefined);
  assert.is(parseGoFloat(''), undefined);
  assert.is(parseGoFloat('Infinityy'), undefined);
});

test('the in-place fast path for plain result lines gives exactly what the general reader gives', () => {
  // CRLF endings send every line through the general reader; LF lets plain ones take the fast path.
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const pick = <T,>(xs: T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const lines: string[] = ['pkg: x'];
  for (let n = 0; n < 3000; n++) {
    const parts = [`Benchmark${pick(['Get', 'Put/kv=16', 'X-8', '', 'Y\u00e9', 'Z\u2003W'])}`];
    if (rnd() < 0.95) parts.push(rnd() < 0.8 ? pick(['1000', '1', '0']) : pick(['12345678901234567890', '1e3', '-5', '']));
    const pairs = 1 + Math.floor(rnd() * 3);
    for (let k = 0; k < pairs; k++) {
      parts.push(rnd() < 0.7 ? pick(['12.5', '0.000123', '7', '.5', '3.', '123456789.123456', '99.99', '0']) : pick(['123456789012345678', '1e-9', '-2.5', 'NaN', '0x1p-2', '1..2', '9007199254740993']));
      if (rnd() < 0.97) parts.push(pick(['ns/op', 'MB/s', 'B/op', 'allocs/op', 'gc-pause-ns/op', 'x\u00e9/op']));
    }
    lines.push(parts.join(pick([' ', '\t', '  \t ', '\v'])));
  }
  const strip = (recs: ReturnType<typeof readAll>) => JSON.stringify(recs, (_k, v: unknown) => (typeof v === 'number' && Number.isNaN(v) ? 'NaN' : v));
  const lf = readAll(`${lines.join('\n')}\n`);
  const crlf = readAll(`${lines.join('\r\n')}\r\n`).map((r) => ('text' in r ? { ...r, text: r.text } : r));
  assert.ok(lf.filter((r) => r.kind === 'result').length > 600, 'many lines are results');
  assert.ok(lf.filter((r) => r.kind === 'warning').length > 300, 'many lines are not');
  assert.is(strip(lf), strip(crlf));
});

test('what benchstat reads is read as written: "+5" iterations, -0, configuration values kept whole', () => {
  const recs = readAll('note: x  \nnbsp: \u00a0\nbom: \ufeff\nBenchmarkA +5 -0 ns/op 7 B/op\nBenchmarkA 5 1e999 ns/op\n');
  const rs = results(recs);
  assert.is(rs.length, 1);
  assert.is(rs[0]!.iters, 5);
  assert.ok(Object.is(rs[0]!.values[0]!.origValue, -0));
  assert.is(rs[0]!.values[0]!.origUnit, 'ns/op');
  assert.equal(rs[0]!.config, [['note', 'x  '], ['nbsp', '\u00a0'], ['bom', '\ufeff']]);
  // Out of range: benchstat skips the line with this message, so must we.
  assert.equal(warnings(recs).map((w) => [w.line, w.message, w.text]), [[5, 'parsing measurement: value out of range', 'BenchmarkA 5 1e999 ns/op']]);
});

test('bytes that are not UTF-8 survive in names (as one escape character each)', () => {
  const rs = results(readAll(Buffer.concat([Buffer.from('BenchmarkA'), Buffer.of(0xff), Buffer.from(' 1 2 ns/op\n')])));
  assert.is(rs[0]!.name, 'A\udcff');
});

test('a line of 64 KiB or more stops reading, as it stops benchstat', () => {
  const long = `BenchmarkL 1 ${'1'.repeat(70_000)} ns/op`;
  const recs = readAll(`BenchmarkA 1 1 ns/op\n${long}\nBenchmarkB 1 1 ns/op\n`);
  assert.equal(results(recs).map((r) => r.name), ['A']);
  assert.equal(warnings(recs).map((w) => w.line), [2]);
});

test.run();
