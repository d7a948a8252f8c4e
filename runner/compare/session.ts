/**
 * One paired session (a screening or a confirmation): per host, calibrate
 * the iterations once on base, record every planned process as a job with
 * its side and round, and run them back to back (hosts in parallel, one
 * process per host at a time), storing each result line as it arrives.
 * A session killed at any point is finished by running only its jobs that
 * are not ok; nothing measured is lost or measured twice.
 */
import type { Store } from '../../results/store/store.ts';
import { BenchReader } from '../../results/benchfmt/reader.ts';
import { executeJob } from '../run/execute-job.ts';
import type { HostSession } from '../run/hosts.ts';
import type { Progress } from '../run/progress.ts';
import type { Spec, SuiteSpec } from '../spec/spec.ts';
import { binaryKey, suitesOf, type Binaries, type SideSource } from './sides.ts';
import { exactPattern, PAD_VAR, planHost, stripProcs, type Measured, type PlannedPair } from './plan.ts';
import type { Side } from './args.ts';

export interface HostPlan {
  benches: Measured[];
  /** Benchmarks only head has / only base has (reported, not measured). */
  added: string[];
  removed: string[];
}

export interface SessionPlan {
  /** Per host: what is measured; absent until the host is calibrated. */
  hosts: Record<string, HostPlan>;
  orders?: Record<string, Side[][]>;
}

export interface SessionContext {
  store: Store;
  runId: number;
  spec: Spec;
  repoRoot: string;
  sides: Record<Side, SideSource>;
  binaries: Binaries;
  rounds: number;
  seed: string;
  progress: Progress;
  /** Called after a host finishes a round (progress). */
  onRound?: (host: string, round: number) => void;
  isInterrupted: () => boolean;
}

export interface HostOutcome {
  host: string;
  failed: Array<{ seq: number; error: string }>;
  lost: boolean;
}

const PLAN_STRIDE = 1_000_000;

export function readPlan(store: Store, runId: number): SessionPlan {
  const row = store.db.prepare<[number], { plan_json: string }>('SELECT plan_json FROM compare_sessions WHERE run_id = ?').get(runId);
  return row ? (JSON.parse(row.plan_json) as { session: SessionPlan }).session : { hosts: {} };
}

function savePlan(store: Store, runId: number, update: (p: SessionPlan) => void): void {
  store.db.transaction(() => {
    const row = store.db.prepare<[number], { plan_json: string }>('SELECT plan_json FROM compare_sessions WHERE run_id = ?').get(runId)!;
    const doc = JSON.parse(row.plan_json) as { session: SessionPlan };
    update(doc.session);
    store.db.prepare('UPDATE compare_sessions SET plan_json = ? WHERE run_id = ?').run(JSON.stringify(doc), runId);
  })();
}

interface JobParams {
  side: Side;
  round: number;
  suite: string;
  benchmark: string;
  iters: number;
  pad: number;
}

/** Run one host's part of the session: calibrate if needed, plan, then every job not yet ok. */
export async function runHost(ctx: SessionContext, host: HostSession, hostIndex: number, preset?: HostPlan): Promise<HostOutcome> {
  const { store, runId } = ctx;
  const outcome: HostOutcome = { host: host.name, failed: [], lost: false };
  const hostEnvId = store.upsertHostEnv(host.name, host.fingerprint, host.facts);
  const suites = new Map<Side, Map<string, SuiteSpec>>();
  for (const side of ['base', 'head'] as const) suites.set(side, new Map(suitesOf(ctx.spec, ctx.repoRoot, ctx.sides[side]).map((s) => [s.name, s])));
  const remote = new Map<string, { path: string; buildId: number }>();
  const binaryOn = async (side: Side, suite: string) => {
    const key = binaryKey(side, host.target, suite);
    let r = remote.get(key);
    if (!r) {
      const built = ctx.binaries.get(key)!;
      const s = suites.get(side)!.get(suite)!;
      const buildId = store.recordBuild({ cacheKey: built.cacheKey, suite, pkg: s.package, goos: built.goos, goarch: built.goarch, goVersion: built.goVersion, sha256: built.sha256, path: built.path });
      r = { path: await host.transport.putFile(built.path, built.sha256, `${suite}-${side}.test`), buildId };
      remote.set(key, r);
    }
    return r;
  };

  let jobs = store.jobsOf(runId).filter((j) => j.host === host.name);
  if (jobs.length === 0) {
    const plan = preset ?? (await calibrateHost(ctx, host, suites, binaryOn));
    savePlan(store, runId, (p) => {
      p.hosts[host.name] = plan;
    });
    const pairs = planHost(host.name, plan.benches, ctx.rounds, ctx.seed, hostIndex * PLAN_STRIDE);
    store.db.transaction(() => {
      for (const p of pairs) addPairJob(store, runId, p, suites.get(p.side)!.get(p.bench.suite)!);
    })();
    jobs = store.jobsOf(runId).filter((j) => j.host === host.name);
  }

  const todo = jobs.filter((j) => j.status !== 'ok');
  const lastRound = new Map<number, number>();
  for (const j of jobs) {
    const r = (JSON.parse(j.params_json) as JobParams).round;
    lastRound.set(r, (lastRound.get(r) ?? 0) + 1);
  }
  for (const job of todo) {
    if (ctx.isInterrupted()) return outcome;
    const p = JSON.parse(job.params_json) as JobParams;
    if (job.status !== 'pending') store.resetJob(job.id);
    const suite = suites.get(p.side)!.get(p.suite)!;
    try {
      const pin = host.pinFor(suite);
      const bin = await binaryOn(p.side, p.suite);
      store.startJob(job.id, bin.buildId);
      const report = await executeJob({
        transport: host.transport,
        argv: pin.wrap([bin.path, ...pairArgs(suite, p)]),
        env: { ...suite.env, [PAD_VAR]: 'x'.repeat(p.pad) },
        cwd: host.cwdFor(suite),
        timeoutMs: suite.timeoutMs,
        extraConfig: [...host.config, ...pin.config],
        writer: store.sampleWriter(runId, job.id),
        ...(pin.verify ? { verifyStderr: pin.verify } : {}),
        onUnitMeta: (unit, origUnit, key, value) => store.addUnitMeta(runId, unit, origUnit, key, value),
      });
      store.finishJob(job.id, { status: report.ok ? 'ok' : 'failed', exitCode: report.exec.code, signal: report.exec.signal, error: report.error, stderrTail: report.exec.stderrTail, cpus: pin.cpus, hostEnvId });
      if (!report.ok) {
        outcome.failed.push({ seq: job.seq, error: report.error! });
        ctx.progress.log(`FAIL ${host.name} ${p.side} ${p.suite} ${p.benchmark} (round ${p.round + 1}): ${report.error}`);
      }
    } catch (e) {
      const msg = (e as Error).message;
      store.finishJob(job.id, { status: 'failed', error: msg, hostEnvId });
      outcome.failed.push({ seq: job.seq, error: msg });
      ctx.progress.log(`FAIL ${host.name} ${p.side} ${p.suite} ${p.benchmark}: ${msg}`);
      if (host.lost) {
        outcome.lost = true;
        return outcome;
      }
    }
    const left = (lastRound.get(p.round) ?? 1) - 1;
    lastRound.set(p.round, left);
    if (left === 0) ctx.onRound?.(host.name, p.round);
  }
  return outcome;
}

function addPairJob(store: Store, runId: number, p: PlannedPair, suite: SuiteSpec): void {
  const params: JobParams & Record<string, unknown> = {
    side: p.side,
    round: p.round,
    suite: suite.name,
    benchmark: p.bench.name,
    iters: p.bench.iters,
    pad: p.pad,
    package: suite.package,
    benchtime: `${p.bench.iters}x`,
    benchmem: suite.benchmem,
    cpu: suite.cpu ?? null,
    pin: suite.pin ?? null,
    env: suite.env,
    timeoutMs: suite.timeoutMs,
    ldflags: suite.ldflags ?? null,
  };
  const id = store.addJob({ runId, seq: p.seq, suite: suite.name, host: p.host, bench: exactPattern(p.bench.name), params });
  store.db.prepare('UPDATE jobs SET side = ?, round = ? WHERE id = ?').run(p.side, p.round, id);
}

/** Test flags of one paired process: one benchmark, one sample, fixed iterations. */
function pairArgs(suite: SuiteSpec, p: JobParams): string[] {
  const args = ['-test.run=^$', `-test.bench=${exactPattern(p.benchmark)}`, '-test.count=1', `-test.benchtime=${p.iters}x`, '-test.timeout=0'];
  if (suite.benchmem) args.push('-test.benchmem');
  if (suite.cpu) args.push(`-test.cpu=${suite.cpu.join(',')}`);
  return args;
}

/**
 * Once per host: run base with the spec's benchtime and read how many
 * iterations each benchmark reached (that count is the fixed work of every
 * paired sample), and list head's benchmarks with one iteration each, so
 * benchmarks on one side only are reported instead of failing.
 */
async function calibrateHost(
  ctx: SessionContext,
  host: HostSession,
  suites: Map<Side, Map<string, SuiteSpec>>,
  binaryOn: (side: Side, suite: string) => Promise<{ path: string }>,
): Promise<HostPlan> {
  const plan: HostPlan = { benches: [], added: [], removed: [] };
  for (const suite of ctx.spec.suites) {
    const found: Record<Side, Map<string, number>> = { base: new Map(), head: new Map() };
    for (const side of ['base', 'head'] as const) {
      const s = suites.get(side)!.get(suite.name)!;
      ctx.progress.show(`${host.name}: calibrating ${suite.name} on ${side}`);
      const bin = await binaryOn(side, suite.name);
      const pin = host.pinFor(s);
      const benchtime = side === 'base' ? s.benchtime : '1x';
      const argv = pin.wrap([bin.path, '-test.run=^$', `-test.bench=${s.bench}`, '-test.count=1', `-test.benchtime=${benchtime}`, '-test.timeout=0', ...(s.cpu ? [`-test.cpu=${s.cpu.join(',')}`] : [])]);
      const r = await host.transport.exec(argv, { env: s.env, cwd: host.cwdFor(s), timeoutMs: s.timeoutMs });
      const results = new BenchReader().push(`${r.stdout}\n`).filter((x) => x.kind === 'result');
      if (r.code !== 0 || r.timedOut) {
        throw new SessionError(`${host.name}: calibrating suite ${suite.name} on ${side} failed (${r.timedOut ? 'timed out' : `exit ${r.code ?? r.signal}`}):\n${(r.stderrTail || r.stdout.slice(-2000)).trimEnd()}`);
      }
      const names = stripProcs(results.map((x) => x.name));
      results.forEach((x, i) => {
        const n = names[i]!;
        // With a -cpu sweep the smallest count keeps every variant's work bounded.
        found[side].set(n, Math.min(found[side].get(n) ?? Infinity, x.iters));
      });
    }
    for (const [name, iters] of found.base) {
      if (found.head.has(name)) plan.benches.push({ suite: suite.name, name, iters });
      else plan.removed.push(`${suite.name}: ${name}`);
    }
    for (const name of found.head.keys()) if (!found.base.has(name)) plan.added.push(`${suite.name}: ${name}`);
  }
  ctx.progress.clear();
  return plan;
}

/** A session cannot go on (calibration failed): the session is invalid, exit 3. */
export class SessionError extends Error {
  override name = 'SessionError';
}
