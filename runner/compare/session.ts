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
import { dispatch, type DispatchJob, type DispatchResult } from '../run/dispatch.ts';
import type { HostFailure, HostSession } from '../run/hosts.ts';
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
  /** Chosen hosts that could not be reached: --resume tries them again. */
  unreached?: string[];
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
  /** Called when a host has finished every process of a round (progress). */
  onRound?: (host: string, round: number) => void;
  /** The running estimate of a host, for the status line. */
  estimate?: (host: string) => string | undefined;
  isInterrupted: () => boolean;
}

/** Jobs of one host are numbered from hostIndex × PLAN_STRIDE, so hosts planned apart never collide. */
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

/** Remember the chosen hosts that could not be reached, so --resume includes them. */
export function noteUnreached(store: Store, runId: number, names: readonly string[]): void {
  if (names.length === 0) return;
  savePlan(store, runId, (p) => {
    p.unreached = [...new Set([...(p.unreached ?? []), ...names])];
  });
}

interface JobParams {
  side: Side;
  round: number;
  suite: string;
  benchmark: string;
  iters: number;
  pad: number;
}

/**
 * Run a session on its hosts: each host not yet planned is calibrated and
 * its processes recorded as jobs; then every job that is not ok runs through
 * the shared dispatch phase (hosts in parallel, pinning, faults as in run).
 */
export async function runSession(ctx: SessionContext, hosts: readonly HostSession[], unavailable: readonly HostFailure[], presets?: Record<string, HostPlan>): Promise<DispatchResult> {
  const { store, runId } = ctx;
  const suitesOfSide = new Map<Side, Map<string, SuiteSpec>>();
  for (const side of ['base', 'head'] as const) suitesOfSide.set(side, new Map(suitesOf(ctx.spec, ctx.repoRoot, ctx.sides[side]).map((s) => [s.name, s])));
  const existing = store.jobsOf(runId);
  const recorded = new Set(existing.map((j) => j.host));
  const firstBlock = existing.length === 0 ? 0 : Math.floor(Math.max(...existing.map((j) => j.seq)) / PLAN_STRIDE) + 1;
  await Promise.all(
    hosts.filter((h) => !recorded.has(h.name)).map(async (host, i) => {
      const plan = presets?.[host.name] ?? (await calibrateHost(ctx, host, suitesOfSide));
      savePlan(store, runId, (p) => {
        p.hosts[host.name] = plan;
      });
      const pairs = planHost(host.name, plan.benches, ctx.rounds, ctx.seed, (firstBlock + i) * PLAN_STRIDE);
      store.db.transaction(() => {
        for (const p of pairs) addPairJob(store, runId, p, suitesOfSide.get(p.side)!.get(p.bench.suite)!);
      })();
    }),
  );
  ctx.progress.clear();

  const all = store.jobsOf(runId);
  const left = new Map<string, number>();
  const roundKey = (host: string, round: number) => `${host}\0${round}`;
  const todo: DispatchJob<JobParams>[] = [];
  const targets = new Map(hosts.map((h) => [h.name, h.target]));
  for (const j of all) {
    if (j.status === 'ok') continue;
    const p = JSON.parse(j.params_json) as JobParams;
    // A job that started and did not finish: its partial samples go, it runs again.
    if (j.status !== 'pending') store.resetJob(j.id);
    left.set(roundKey(j.host, p.round), (left.get(roundKey(j.host, p.round)) ?? 0) + 1);
    const suite = suitesOfSide.get(p.side)!.get(p.suite)!;
    const target = targets.get(j.host);
    todo.push({
      seq: j.seq,
      jobId: j.id,
      host: j.host,
      suite,
      // A host that is not open fails its jobs in dispatch; any binary will do for the record.
      binary: ctx.binaries.get(binaryKey(p.side, target ?? { goos: 'linux', goarch: 'amd64' }, p.suite)) ?? [...ctx.binaries.values()][0]!,
      args: pairArgs(suite, p),
      env: { [PAD_VAR]: 'x'.repeat(p.pad) },
      // Read when the status line is drawn, so it carries the latest running estimate.
      get status() {
        const est = ctx.estimate?.(j.host);
        return `${p.side} ${p.benchmark}, round ${p.round + 1}/${ctx.rounds}${est ? ` · ${est}` : ''}`;
      },
      label: p,
    });
  }
  return dispatch(todo, {
    store,
    runId,
    sessions: hosts,
    unavailable,
    show: (t) => ctx.progress.show(t),
    log: (l) => ctx.progress.log(l),
    stopped: ctx.isInterrupted,
    onJobDone: (d) => {
      const k = roundKey(d.job.host, d.job.label.round);
      const n = (left.get(k) ?? 1) - 1;
      left.set(k, n);
      if (n === 0) ctx.onRound?.(d.job.host, d.job.label.round);
    },
  });
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
async function calibrateHost(ctx: SessionContext, host: HostSession, suites: Map<Side, Map<string, SuiteSpec>>): Promise<HostPlan> {
  const plan: HostPlan = { benches: [], added: [], removed: [] };
  for (const suite of ctx.spec.suites) {
    const found: Record<Side, Map<string, number>> = { base: new Map(), head: new Map() };
    for (const side of ['base', 'head'] as const) {
      const s = suites.get(side)!.get(suite.name)!;
      ctx.progress.show(`${host.name}: calibrating ${suite.name} on ${side}`);
      const built = ctx.binaries.get(binaryKey(side, host.target, suite.name))!;
      const remote = await host.transport.putFile(built.path, built.sha256, `${suite.name}.test`);
      const pin = host.pinFor(s);
      const benchtime = side === 'base' ? s.benchtime : '1x';
      const argv = pin.wrap([remote, '-test.run=^$', `-test.bench=${s.bench}`, '-test.count=1', `-test.benchtime=${benchtime}`, '-test.timeout=0', ...(s.cpu ? [`-test.cpu=${s.cpu.join(',')}`] : [])]);
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
