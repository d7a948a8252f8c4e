// Speed: `metalbench stat` against the real benchstat on two files of 100,000
// result lines each (3 units per line), shaped as 5, 10, 20 and 50 samples
// per benchmark; process start included, runs interleaved. The figure that
// counts is the real command line (bin/metalbench.js stat); the standalone
// entry (dist/results/stat/main.js) shows the cost of the CLI.
// Run: npx tsc -p . && node --import tsx results/stat/stat.bench.ts
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchstatPath, mulberry32 } from './test-harness.ts';

const ROOT = resolve(fileURLToPath(new URL('../../', import.meta.url)));
const CLI = join(ROOT, 'bin/metalbench.js');
const MAIN = join(ROOT, 'dist/results/stat/main.js');
const LINES = 100_000;
const RUNS = Number(process.env.STAT_BENCH_RUNS ?? 5);
const SHAPES = [5, 10, 20, 50];

/**
 * LINES / perBench benchmarks × perBench samples, go test style with
 * -benchmem; B/op varies a little so that both exact U-test paths (with and
 * without ties) are exercised.
 */
function makeFile(seed: number, shift: number, perBench: number): string {
  const r = mulberry32(seed);
  const out = ['goos: linux', 'goarch: amd64', 'pkg: example.com/speed', 'cpu: Example CPU', ''];
  const benches = LINES / perBench;
  for (let i = 0; i < LINES; i++) {
    const b = i % benches;
    const base = 10 + ((b * 7919) % 100_000);
    const ns = Math.round(base * shift * (1 + (r() - 0.5) * 0.05));
    out.push(`BenchmarkOp${b}/size=${b % 16}-8   \t${1000 + b}\t${ns} ns/op\t${64 + (b % 5) + Math.round(r() * 2)} B/op\t${b % 3} allocs/op`);
  }
  return `${out.join('\n')}\n`;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

interface Tool {
  name: string;
  cmd: string;
  args: string[];
}

function timeRun(t: Tool, cwd: string, env: NodeJS.ProcessEnv): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(t.cmd, t.args, { cwd, env, stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) throw new Error(`${t.name} exited with ${r.status}`);
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/** Runs the tools in turn, RUNS times; returns each one's times. */
function measure(tools: Tool[], cwd: string, env: NodeJS.ProcessEnv): Map<Tool, number[]> {
  const times = new Map<Tool, number[]>(tools.map((t) => [t, []]));
  for (let i = 0; i < RUNS; i++) for (const t of tools) times.get(t)!.push(timeRun(t, cwd, env));
  return times;
}

function report(times: Map<Tool, number[]>, base: Tool): void {
  const mb = median(times.get(base)!);
  for (const [t, xs] of times) {
    const m = median(xs);
    const ratio = t === base ? '' : `  ratio to benchstat ${(m / mb).toFixed(2)}`;
    console.log(`  ${t.name.padEnd(24)} median ${m.toFixed(0).padStart(4)} ms${ratio}  (${xs.map((x) => x.toFixed(0)).join(', ')})`);
  }
}

if (!existsSync(MAIN)) throw new Error(`${MAIN} missing: run npx tsc -p . first`);
const benchstat = benchstatPath();
const dir = mkdtempSync(join(tmpdir(), 'stat-bench-'));
const summary: string[] = [];
try {
  for (const per of SHAPES) {
    const a = `a${per}.txt`;
    const b = `b${per}.txt`;
    writeFileSync(join(dir, a), makeFile(1, 1, per));
    writeFileSync(join(dir, b), makeFile(2, 1.01, per));
    const cli: Tool = { name: 'metalbench stat (CLI)', cmd: process.execPath, args: [CLI, 'stat', a, b] };
    const main: Tool = { name: 'stat entry (main.js)', cmd: process.execPath, args: [MAIN, a, b] };
    const go: Tool = { name: 'benchstat', cmd: benchstat, args: [a, b] };
    // Same bytes first: a fast wrong answer is no answer.
    const ours = execFileSync(process.execPath, cli.args, { cwd: dir, maxBuffer: 1 << 26 });
    const theirs = execFileSync(benchstat, go.args, { cwd: dir, maxBuffer: 1 << 26 });
    if (!ours.equals(theirs)) throw new Error(`${per} samples per benchmark: metalbench stat and benchstat print different tables`);
    console.log(`two files × ${LINES} result lines, ${LINES / per} benchmarks × ${per} samples × 3 units; ${RUNS} interleaved runs, wall clock with process start`);
    const withCerts = measure([cli, main, go], dir, process.env);
    report(withCerts, go);
    const ratio = (t: Map<Tool, number[]>) => (median(t.get(cli)!) / median(t.get(go)!)).toFixed(2);
    let line = `${String(per).padStart(2)} samples/benchmark: CLI/benchstat ${ratio(withCerts)}`;
    if (process.env.NODE_EXTRA_CA_CERTS) {
      // Node loads every certificate of that file at start-up, before any of
      // our code runs; benchstat does not read it. Shown apart, for machines
      // that do not set it.
      const env = { ...process.env };
      delete env.NODE_EXTRA_CA_CERTS;
      console.log('  the same without NODE_EXTRA_CA_CERTS:');
      const without = measure([cli, go], dir, env);
      report(without, go);
      line += ` with NODE_EXTRA_CA_CERTS, ${ratio(without)} without`;
    }
    summary.push(line);
  }
  console.log(summary.join('\n'));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
