/**
 * Verdict throughput: one comparison of 300 rows (100 benchmarks × 3 units) at
 * R = 16 and at R = 20, and the signed-rank test alone. Target: a comparison of
 * 300 rows in well under 100 ms, so verdicts never slow `compare` down.
 * Run: node --import tsx results/paired/paired.bench.ts
 */
import Benchmark from 'benchmark';
import { compareRows, type PairedInput } from './verdict.ts';
import { signRankTest } from './signrank.ts';
import { rng } from './random.ts';

function comparison(rounds: number, seed: number): PairedInput[] {
  const g = rng(seed);
  const out: PairedInput[] = [];
  for (let b = 0; b < 100; b++) {
    for (const unit of ['sec/op', 'B/s', 'allocs/op']) {
      const base: number[] = [];
      const head: number[] = [];
      for (let r = 0; r < rounds; r++) {
        const c = 0.03 * g.normal();
        base.push(unit === 'allocs/op' ? 7 : Math.exp(c + 0.01 * g.normal()));
        head.push(unit === 'allocs/op' ? 7 : Math.exp(c + 0.01 * g.normal() + (b === 3 ? 0.05 : 0)));
      }
      out.push({ host: 'h', benchmark: `BenchmarkOp${b}`, unit, base, head });
    }
  }
  return out;
}

const c16 = comparison(16, 1);
const c20 = comparison(20, 2);
const d16 = c16.slice(0, 100).map((r) => r.base.map((b, i) => Math.log((r.head[i] as number) / (b as number))));
let sink = 0;
new Benchmark.Suite()
  .add('compareRows: 300 rows, R = 16', () => {
    sink += compareRows(c16).length;
  })
  .add('compareRows: 300 rows, R = 20', () => {
    sink += compareRows(c20).length;
  })
  .add('signRankTest: 100 tests, R = 16', () => {
    for (const d of d16) sink += signRankTest(d).p;
  })
  .on('cycle', (e: Benchmark.Event) => {
    const b = e.target;
    const s = [...(b.stats?.sample ?? [NaN])].sort((x, y) => x - y);
    console.log(`${String(b)}\n  → median ${(s[s.length >> 1]! * 1e3).toFixed(2)} ms per call`);
  })
  .on('complete', () => {
    if (sink === 0) console.log('nothing computed');
  })
  .run();
