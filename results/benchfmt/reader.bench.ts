/**
 * Format reader throughput. Target: ≥ 1,000,000 result lines per second.
 * Run: node --import tsx results/benchfmt/reader.bench.ts
 */
import Benchmark from 'benchmark';
import { BenchReader } from './reader.ts';

const LINES = 100_000;

function makeInput(): string {
  const parts = ['goos: linux\ngoarch: amd64\npkg: example.com/memtable\ncpu: AMD EPYC 7B13\n'];
  for (let i = 0; i < LINES; i++) {
    const kv = [16, 64, 256][i % 3];
    parts.push(
      `BenchmarkPut/kv=${kv}/read=90-8   \t 1000000\t      ${(1000 + (i % 97)).toFixed(0)} ns/op\t  ${(52.31 + (i % 13)).toFixed(2)} MB/s\t     640 B/op\t       7 allocs/op\n`,
    );
  }
  return parts.join('');
}

const text = makeInput();
// Feed in 64 KiB chunks, as a benchmark process's stdout arrives.
const chunks: string[] = [];
for (let i = 0; i < text.length; i += 65536) chunks.push(text.slice(i, i + 65536));

let sink = 0;
const suite = new Benchmark.Suite();
suite
  .add(`read ${LINES} result lines (64 KiB chunks)`, () => {
    const r = new BenchReader();
    let n = 0;
    for (const c of chunks) n += r.push(c).length;
    n += r.end().length;
    sink += n;
  })
  .on('cycle', (e: Benchmark.Event) => {
    const b = e.target;
    const perSec = (b.hz ?? 0) * LINES;
    const perRun = median(b.stats?.sample ?? [NaN]);
    console.log(`${String(b)}\n  → mean ${(perSec / 1e6).toFixed(2)} M lines/s, median ${(LINES / perRun / 1e6).toFixed(2)} M lines/s`);
  })
  .on('complete', () => {
    if (sink === 0) console.log('no records read');
  })
  .run();

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
