/**
 * Storing throughput. Target: ≥ 300,000 samples per second.
 * Two paths: imports (many result lines per transaction) and live runs (one
 * transaction per result line, so each is durable the moment it is read).
 * Run: node --import tsx results/store/store.bench.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readAll, type BenchResult } from '../benchfmt/reader.ts';
import { Store } from './store.ts';

const LINES = 50_000;
const lines: string[] = ['goos: linux\ngoarch: amd64\npkg: example.com/memtable\n'];
for (let i = 0; i < LINES; i++) {
  lines.push(`BenchmarkPut/kv=${[16, 64, 256][i % 3]}-8 1000000 ${1000 + (i % 97)} ns/op 52.31 MB/s 640 B/op 7 allocs/op\n`);
}
const results = readAll(lines.join('')).filter((r): r is BenchResult => r.kind === 'result');
const samplesPerPass = results.reduce((n, r) => n + r.values.length, 0);

const dir = mkdtempSync(join(tmpdir(), 'metalbench-store-bench-'));
function pass(mode: 'batched' | 'per-line', i: number): number {
  const store = new Store(join(dir, `${mode}-${i}.db`));
  const runId = store.createRun({ kind: 'import' });
  const w = store.sampleWriter(runId);
  const t0 = process.hrtime.bigint();
  if (mode === 'batched') {
    for (let k = 0; k < results.length; k += 10_000) w.addMany(results.slice(k, k + 10_000));
  } else {
    for (const r of results) w.add(r);
  }
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  store.close();
  return samplesPerPass / secs;
}

const ROUNDS = 5;
const rates: Record<'batched' | 'per-line', number[]> = { batched: [], 'per-line': [] };
// Interleave the two modes so machine noise hits both alike.
for (let i = 0; i < ROUNDS; i++) {
  rates.batched.push(pass('batched', i));
  rates['per-line'].push(pass('per-line', i));
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
for (const [mode, xs] of Object.entries(rates)) {
  console.log(
    `${mode.padEnd(9)} ${samplesPerPass} samples/pass, median ${Math.round(median(xs)).toLocaleString('en')} samples/s (min ${Math.round(Math.min(...xs)).toLocaleString('en')}, max ${Math.round(Math.max(...xs)).toLocaleString('en')}, ${ROUNDS} passes)`,
  );
}
rmSync(dir, { recursive: true, force: true });
