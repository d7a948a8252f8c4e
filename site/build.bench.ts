/**
 * Site build speed: rendering one chart (Vega-Lite compile + Vega SVG in
 * Node) and building a whole site from a store of nightly history.
 * Run: node --import tsx site/build.bench.ts
 */
import Benchmark from 'benchmark';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readAll, type BenchResult } from '../results/benchfmt/reader.ts';
import { Store } from '../results/store/store.ts';
import { buildSite } from './build.ts';
import { chartSpec, renderSvg } from './charts.ts';
import { loadRuns, openResults, readBenchmarks } from './data.ts';

const BENCHMARKS = 40;
const RUNS = 60;
const HOSTS = ['x86-box', 'arm-box'];
const COUNT = 6;

const dir = mkdtempSync(join(tmpdir(), 'metalbench-site-bench-'));
const dbPath = join(dir, 'results.db');
const store = new Store(dbPath);
let seed = 7;
const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
for (let run = 0; run < RUNS; run++) {
  const runId = store.createRun({ kind: 'run', trigger: 'nightly', revision: `r${run}` });
  HOSTS.forEach((host, h) => {
    let text = 'goos: linux\npkg: example.com/lsm\n';
    for (let b = 0; b < BENCHMARKS; b++) {
      for (let i = 0; i < COUNT; i++) text += `BenchmarkPut/size=${b}-8 1000 ${(1000 + 50 * b) * (1 + h) * (1 + 0.05 * rnd())} ns/op 640 B/op 7 allocs/op\n`;
    }
    const job = store.addJob({ runId, seq: h, suite: 'lsm', host, bench: '.', params: {} });
    store.sampleWriter(runId, job).addMany(readAll(text).filter((r): r is BenchResult => r.kind === 'result'));
  });
  store.finishRun(runId, 'ok');
}
store.close();

const db = openResults(dbPath);
const series = readBenchmarks(db, loadRuns(db))[0]!.units[0]!;
db.close();
const samples = BENCHMARKS * RUNS * HOSTS.length * COUNT * 3;
const charts = BENCHMARKS * 3;

new Benchmark.Suite()
  .add(`one chart: ${RUNS} runs × ${HOSTS.length} hosts, spec + SVG`, {
    defer: true,
    fn: (d: Benchmark.Deferred) => void renderSvg(chartSpec(series)).then(() => d.resolve()),
  })
  .add(`whole site: ${BENCHMARKS} benchmarks, ${charts} charts, ${samples} samples`, {
    defer: true,
    minSamples: 5,
    fn: (d: Benchmark.Deferred) => void buildSite({ dbPath, outDir: join(dir, 'site') }).then(() => d.resolve()),
  })
  .on('cycle', (e: Benchmark.Event) => {
    const t = e.target as Benchmark.Target & { stats: Benchmark.Stats };
    const ms = t.stats.mean * 1000;
    console.log(`${t.name}: ${ms.toFixed(1)} ms ±${t.stats.rme.toFixed(1)}% (${t.stats.sample.length} samples)`);
  })
  .on('complete', () => rmSync(dir, { recursive: true, force: true }))
  .run({ async: true });
