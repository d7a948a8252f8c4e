/**
 * What `metalbench run` adds to the benchmark processes themselves:
 * `metalbench run benchmarks/smoke.yaml` with a warm build cache, against the
 * same 30 processes started bare, one after the other — the same binaries,
 * argv, environment, working directory and pinning wrapper. The two
 * alternate, so load on the machine hits both alike. Target: ≤ 1.05× wall.
 * The fixed start-up cost is the same comparison for a one-job spec.
 * Needs the compiled CLI (npm run build). Run: node --import tsx runner/run/overhead.bench.ts [ROUNDS]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { loadSpec, type Spec } from '../spec/spec.ts';
import { buildSuite } from '../build/build.ts';
import { benchArgs, planJobs } from './plan.ts';
import { openHosts, readInventory } from './hosts.ts';

const root = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
const ROUNDS = Number(process.argv[2] ?? 5);
const dir = mkdtempSync(join(tmpdir(), 'metalbench-overhead-'));
const smokePath = join(root, 'benchmarks/smoke.yaml');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Run a command to completion, reading its output as metalbench would; wall time in ms. */
function timed(cmd: string, args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}): Promise<number> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stdout.on('data', () => undefined);
    child.stderr.on('data', (b: Buffer) => (err = (err + b.toString()).slice(-2000)));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(performance.now() - t0) : reject(new Error(`${cmd} exited ${code}: ${err}`))));
  });
}

/** The exact processes metalbench starts for a spec on `local`, in its order. */
async function bareJobs(spec: Spec): Promise<Array<{ argv: string[]; cwd: string; env: Record<string, string> }>> {
  const inv = readInventory({ inventoryPath: join(dir, 'none.yaml') });
  const opened = await openHosts(spec.hosts, inv, { inventoryPath: join(dir, 'none.yaml') });
  try {
    const host = opened.sessions[0]!;
    const jobs = [];
    for (const job of planJobs(spec, [host.name])) {
      const bin = await buildSuite(job.suite, host.target);
      jobs.push({ argv: host.pinFor(job.suite).wrap([bin.path, ...benchArgs(job)]), cwd: host.cwdFor(job.suite)!, env: job.suite.env });
    }
    return jobs;
  } finally {
    for (const h of opened.sessions) await h.close();
  }
}

async function compare(name: string, specPath: string): Promise<{ metalbench: number; bare: number; jobs: number; ratios: number[] }> {
  const spec = loadSpec(specPath);
  const jobs = await bareJobs(spec);
  const cli = () => timed(process.execPath, [join(root, 'bin/metalbench.js'), 'run', specPath, '--db', join(dir, `${name}.db`)]);
  await cli(); // warms the build cache (and the page cache)
  const m: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    m.push(await cli());
    let t = 0;
    for (const j of jobs) t += await timed(j.argv[0]!, j.argv.slice(1), { cwd: j.cwd, env: j.env });
    b.push(t);
  }
  // Each round's two measurements are adjacent in time, so their ratio cancels drift the two medians do not.
  return { metalbench: median(m), bare: median(b), jobs: jobs.length, ratios: m.map((x, i) => x / b[i]!) };
}

try {
  const smoke = await compare('smoke', smokePath);
  console.log(
    `smoke spec, ${smoke.jobs} processes, median of ${ROUNDS}: metalbench run ${smoke.metalbench.toFixed(0)} ms, bare ${smoke.bare.toFixed(0)} ms: ` +
      `${(smoke.metalbench / smoke.bare).toFixed(3)}× wall (target ≤ 1.05×), ${(smoke.metalbench - smoke.bare).toFixed(0)} ms added; ` +
      `per round (adjacent pairs): median ${median(smoke.ratios).toFixed(3)}×, range ${Math.min(...smoke.ratios).toFixed(3)}–${Math.max(...smoke.ratios).toFixed(3)}×`,
  );
  // One job: what every run pays once (node start, spec, host probe, build cache check, database, summary).
  const onePath = join(dir, 'one.yaml');
  const one = loadSpec(smokePath);
  writeFileSync(
    onePath,
    stringify({ name: 'one', hosts: 'local', benchtime: '50ms', count: 1, pin: 1, suites: [{ name: 'calibration', package: './calibration', module: join(root, 'benchmarks'), bench: one.suites[0]!.bench }] }),
  );
  const single = await compare('one', onePath);
  console.log(`one job, median of ${ROUNDS}: metalbench run ${single.metalbench.toFixed(0)} ms, bare ${single.bare.toFixed(0)} ms: fixed start-up cost ${(single.metalbench - single.bare).toFixed(0)} ms`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
