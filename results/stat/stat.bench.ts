// Speed: `metalbench stat` (compiled, process start included) against the real
// benchstat on two files of 100,000 result lines each, runs interleaved.
// Run: npx tsc -p . && node --import tsx results/stat/stat.bench.ts
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('../../', import.meta.url)));
const MAIN = join(ROOT, 'dist/results/stat/main.js');
const LINES = 100_000;
const RUNS = 5;

function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** 1,000 benchmarks × 100 samples, go test style with -benchmem. */
function makeFile(seed: number, shift: number): string {
  const r = seeded(seed);
  const out = ['goos: linux', 'goarch: amd64', 'pkg: example.com/speed', 'cpu: Example CPU', ''];
  const benches = 1000;
  for (let i = 0; i < LINES; i++) {
    const b = i % benches;
    const base = 10 + ((b * 7919) % 100_000);
    const ns = Math.round(base * shift * (1 + (r() - 0.5) * 0.05));
    out.push(`BenchmarkOp${b}/size=${b % 16}-8   \t${1000 + b}\t${ns} ns/op\t${64 + (b % 5)} B/op\t${b % 3} allocs/op`);
  }
  return `${out.join('\n')}\n`;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function timeRun(cmd: string, args: string[], cwd: string): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd, stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) throw new Error(`${cmd} exited with ${r.status}`);
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

if (!existsSync(MAIN)) throw new Error(`${MAIN} missing: run npx tsc -p . first`);
const gopath = execFileSync('go', ['env', 'GOPATH'], { encoding: 'utf8' }).trim();
const benchstat = join(gopath, 'bin', 'benchstat');
if (!existsSync(benchstat)) throw new Error('benchstat missing: go install golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da');
const dir = mkdtempSync(join(tmpdir(), 'stat-bench-'));
try {
  writeFileSync(join(dir, 'a.txt'), makeFile(1, 1));
  writeFileSync(join(dir, 'b.txt'), makeFile(2, 1.01));
  const ours: number[] = [];
  const theirs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    ours.push(timeRun(process.execPath, [MAIN, 'a.txt', 'b.txt'], dir));
    theirs.push(timeRun(benchstat, ['a.txt', 'b.txt'], dir));
  }
  const mo = median(ours);
  const mt = median(theirs);
  console.log(`two files × ${LINES} result lines, ${RUNS} interleaved runs`);
  console.log(`metalbench stat: median ${mo.toFixed(0)} ms  (${ours.map((x) => x.toFixed(0)).join(', ')})`);
  console.log(`benchstat:       median ${mt.toFixed(0)} ms  (${theirs.map((x) => x.toFixed(0)).join(', ')})`);
  console.log(`ratio metalbench/benchstat: ${(mo / mt).toFixed(2)}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
