/**
 * `metalbench run SPEC`: the spec and its hosts resolved, every suite built,
 * the jobs planned and recorded, dispatched to the hosts, and the run
 * finished as ok, partial or interrupted. Each phase is its own module
 * (resolve-hosts, build-phase, plan + record-plan, dispatch, finish, plus
 * signals and tuning) so `compare` and `nightly` reuse them.
 */
import { loadSpec, parseSpec, type Spec } from '../spec/spec.ts';
import { ValidationError } from '../spec/validate.ts';
import { checkStorePath, describeStoreError, isStoreError, Store, StoreOpenError, type JobRow } from '../../results/store/store.ts';
import { existsSync } from 'node:fs';
import { planJobs, benchArgs } from './plan.ts';
import { Progress } from './progress.ts';
import { resolveHosts, type ResolvedHosts } from './resolve-hosts.ts';
import { buildPhase, prefetchBuildInputs, type BuildSet } from './build-phase.ts';
import type { ProfileRunSummary } from '../profile/phase.ts';
import { recordNewRun, recordResume, type RecordedPlan } from './record-plan.ts';
import { dispatch, type DispatchJob } from './dispatch.ts';
import { finishRun } from './finish.ts';
import { onStopSignal, SIGNAL_EXIT, type SignalGuard } from './signals.ts';
import { NO_TUNING, tuneHosts, type RunTuning } from './tuning.ts';
import { resumeCommand } from './hint.ts';
import { EXIT_BAD_INPUT, EXIT_PARTIAL, RunStop } from './stop.ts';
import type { ProfileKind } from '../profile/kinds.ts';

export { EXIT_OK, EXIT_FAILED_CHECK, EXIT_BAD_INPUT, EXIT_PARTIAL } from './stop.ts';
export type { RunSummary } from './finish.ts';

export interface RunOptions {
  specPath?: string;
  resumeRunId?: number;
  dbPath: string;
  inventoryPath: string;
  inventoryExplicit?: boolean;
  /** Wait this long for busy hosts (default: each host's lockWaitMs from the inventory). */
  lockWaitMs?: number;
  /** Tune each host for the run and restore it at the end. */
  tune?: boolean;
  /** Root of the hosts' /sys and /proc for tuning; "/" except in tests and containers. */
  sysRoot?: string;
  /** known_hosts files (default: beside the inventory, then ~/.ssh/known_hosts). */
  knownHostsPaths?: string[];
  sshConfigPath?: string;
  trigger: string;
  revision?: string;
  variant?: string;
  /** Profiles to capture after the measured jobs, besides the spec's own `profile:`. */
  profile?: ProfileKind[];
  json: boolean;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WriteStream | NodeJS.WritableStream;
}

/** What the run holds at the moment a signal or an error ends it. */
interface Held {
  store?: Store;
  hosts?: ResolvedHosts;
  tuning: RunTuning;
  runId?: number;
}

export async function runCommand(opts: RunOptions): Promise<number> {
  const err = (s: string) => opts.stderr.write(`${s}\n`);
  const progress = new Progress(opts.stderr, Boolean((opts.stderr as NodeJS.WriteStream).isTTY) && !opts.json);
  const held: Held = { tuning: NO_TUNING };
  let stopping = false;
  const release = async () => {
    await held.tuning.restore();
    await held.hosts?.close();
    held.store?.close();
    held.store = undefined;
  };
  // On a signal the store stays open (a job may still be writing) until the
  // process exits; hosts get a moment to let go of their locks.
  const releaseHosts = async () => {
    await held.tuning.restore();
    if (held.hosts) await Promise.race([held.hosts.close(), new Promise((r) => setTimeout(r, 1000).unref())]);
  };
  // Ctrl-C, a kill or a closed terminal: keep what is stored, say the run was interrupted.
  const guard: SignalGuard = onStopSignal(async (sig) => {
    stopping = true;
    progress.clear();
    let running = false;
    try {
      running = held.store !== undefined && held.runId !== undefined && held.store.getRun(held.runId)?.status === 'running';
    } catch {
      running = true; // the database cannot say: report the run as interrupted
    }
    if (held.store && held.runId !== undefined && running) {
      try {
        held.store.db.prepare("UPDATE jobs SET status = 'interrupted' WHERE run_id = ? AND status = 'running'").run(held.runId);
        held.store.finishRun(held.runId, 'interrupted', `stopped by ${sig}`);
      } catch (e) {
        err(`metalbench: could not mark run ${held.runId} interrupted: ${(e as Error).message}`);
      }
      err(`metalbench: run ${held.runId} interrupted by ${sig}; samples measured so far are stored (resume with: ${resumeCommand(held.runId, opts)})`);
    } else if (held.runId !== undefined) {
      // Every job had ended: the run keeps the status it was given; only its summary is cut short.
      err(`metalbench: stopped by ${sig} after run ${held.runId} was recorded`);
    } else {
      err(`metalbench: stopped by ${sig}; nothing was run`);
    }
    await releaseHosts();
  });
  try {
    return await runPhases(opts, held, progress, () => stopping);
  } catch (e) {
    if (stopping) return SIGNAL_EXIT[guard.received!];
    if (e instanceof RunStop) {
      progress.clear();
      for (const l of e.lines) err(l);
      return e.code;
    }
    throw e;
  } finally {
    if (!guard.received) {
      await release();
      guard.dispose();
    }
  }
}

async function runPhases(opts: RunOptions, held: Held, progress: Progress, stopped: () => boolean): Promise<number> {
  const log = (l: string) => progress.log(l);
  // The spec: from its file, or from the run being resumed.
  let spec: Spec;
  let resumeJobs: JobRow[] | undefined;
  try {
    if (opts.resumeRunId !== undefined) {
      held.store = openStore(opts.dbPath);
      const run = held.store.getRun(opts.resumeRunId);
      if (!run || run.kind !== 'run' || !run.spec_path) {
        throw new RunStop(EXIT_BAD_INPUT, [`metalbench: run ${opts.resumeRunId} is not a spec run in ${opts.dbPath}; list runs with 'metalbench runs'`]);
      }
      if (run.status === 'running') throw new RunStop(EXIT_BAD_INPUT, [`metalbench: run ${run.id} is still running (pid ${run.pid}); wait for it or stop it first`]);
      const text = held.store.db.prepare<[number], { spec_text: string }>('SELECT spec_text FROM runs WHERE id = ?').get(run.id)!.spec_text;
      spec = parseSpec(text, run.spec_path);
      resumeJobs = held.store.jobsOf(run.id);
    } else {
      spec = loadSpec(opts.specPath!);
    }
  } catch (e) {
    if (e instanceof ValidationError) {
      throw new RunStop(EXIT_BAD_INPUT, [e.message, `metalbench: the spec has ${e.problems.length} problem${e.problems.length === 1 ? '' : 's'}; nothing was run`]);
    }
    throw e;
  }

  // The database before any host is locked: an unusable --db is bad input
  // found while nothing is held. A new database is only created once the
  // run is certain to be recorded (after the builds).
  if (!held.store) {
    if (existsSync(opts.dbPath)) held.store = openStore(opts.dbPath);
    else storeCheck(() => checkStorePath(opts.dbPath));
  }

  // Hashing the module trees and asking Go its version overlap the host probes.
  const buildInputs = prefetchBuildInputs(spec.suites);

  // Hosts first: a tag selector needs facts, and builds need each host's target.
  // A resumed run keeps its hosts, in the order its jobs were numbered.
  const resumeHosts = resumeJobs ? [...new Set([...resumeJobs].sort((a, b) => a.seq - b.seq).map((j) => j.host))] : undefined;
  const hosts = (held.hosts = await resolveHosts(spec.hosts, {
    ...opts,
    specPath: spec.path,
    log,
    show: (t) => progress.show(t),
    ...(resumeHosts ? { names: resumeHosts, retryHint: `resume later with: ${resumeCommand(opts.resumeRunId!, opts)}` } : {}),
  }));
  progress.clear();
  if (!opts.json) for (const h of hosts.sessions) for (const w of h.warnings) log(`warning ${h.name}: ${w}`);

  // Every suite for every host's target, before anything is recorded.
  const targets = new Map(hosts.sessions.map((h) => [`${h.target.goos}/${h.target.goarch}`, h.target]));
  const builds = await buildPhase(
    [...targets.values()].flatMap((target) => spec.suites.map((suite) => ({ suite, target }))),
    (t) => progress.show(t),
    buildInputs,
  );
  progress.clear();

  const planned = planJobs(spec, hosts.names);
  const store = (held.store ??= openStore(opts.dbPath));
  let plan: RecordedPlan;
  try {
    if (opts.resumeRunId !== undefined) {
      plan = recordResume(store, opts.resumeRunId, resumeJobs!, planned);
      log(`resuming run ${plan.runId}: ${plan.todo.length} of ${planned.length} jobs left`);
    } else {
      plan = recordNewRun(
        store,
        { kind: 'run', trigger: opts.trigger, specPath: spec.path, specName: spec.name, specText: spec.text, source: spec.path, revision: opts.revision, variant: opts.variant },
        planned,
      );
    }
  } catch (e) {
    if (isStoreError(e)) throw new RunStop(EXIT_BAD_INPUT, [`metalbench: cannot record the run in ${opts.dbPath}: ${describeStoreError(e)}; nothing was run`]);
    throw e;
  }
  held.runId = plan.runId;

  if (opts.tune) held.tuning = await tuneHosts(hosts.sessions, { dbPath: opts.dbPath, ...(opts.sysRoot !== undefined ? { sysRoot: opts.sysRoot } : {}), log, err: (l) => opts.stderr.write(`${l}\n`) });

  const target = new Map(hosts.sessions.map((h) => [h.name, h.target]));
  const jobs: DispatchJob[] = plan.todo.map((p) => {
    const t = target.get(p.host);
    return {
      seq: p.seq,
      jobId: plan.jobIds.get(p.seq)!,
      host: p.host,
      suite: p.suite,
      // An unavailable host has no target; its jobs fail before they need a binary.
      binary: t ? builds.get({ suite: p.suite, target: t }) : UNBUILT,
      args: benchArgs(p),
      status: `round ${p.round + 1}`,
      label: undefined,
    };
  });
  let result;
  try {
    result = await dispatch(jobs, {
      store,
      runId: plan.runId,
      sessions: hosts.sessions,
      unavailable: hosts.failed,
      show: (t) => progress.show(t),
      log,
      stopped,
    });
  } catch (e) {
    if (!isStoreError(e)) throw e;
    // The samples already committed are kept; the run cannot be completed in this database now.
    try {
      store.finishRun(plan.runId, 'failed', `the results database failed: ${describeStoreError(e)}`);
    } catch {
      // The next command that opens it marks the run interrupted.
    }
    throw new RunStop(EXIT_PARTIAL, [
      `metalbench: writing to ${opts.dbPath} failed: ${describeStoreError(e)}`,
      `metalbench: run ${plan.runId} stopped; what was stored is kept (once the database is writable, resume with: ${resumeCommand(plan.runId, opts)})`,
    ]);
  }
  // Stopped by a signal: its handler records the interruption and exits.
  if (stopped()) throw new RunStop(EXIT_BAD_INPUT, []);
  // Profiles are extra processes after the measured ones, on the same hosts and pins.
  const profiles = await profilePhase(store, plan.runId, spec, opts.profile ?? [], opts.resumeRunId !== undefined, hosts, builds, { log, show: (t) => progress.show(t), stopped });
  if (stopped()) throw new RunStop(EXIT_BAD_INPUT, []);
  await held.tuning.restore();
  await hosts.close();
  progress.clear();
  return finishRun(store, plan.runId, planned.length, result.failed, result.total, { ...opts, ...(profiles ? { profiles } : {}) });
}

/** The profile phase when the spec, --profile or an earlier part of a resumed run asks for one. */
async function profilePhase(
  store: Store,
  runId: number,
  spec: Spec,
  extra: readonly ProfileKind[],
  resumed: boolean,
  hosts: ResolvedHosts,
  builds: BuildSet,
  ui: { log: (l: string) => void; show: (t: string) => void; stopped: () => boolean },
): Promise<ProfileRunSummary | undefined> {
  // Only a resumed run can have asked for profiles that neither the spec nor the flags name.
  if (!resumed && extra.length === 0 && spec.suites.every((s) => s.profile.length === 0)) return undefined;
  const { profileRun } = await import('../profile/phase.ts');
  const { ProfileIndex } = await import('../../results/store/profiles.ts');
  const earlier = new ProfileIndex(store).list(runId).map((p) => p.kind);
  const extraKinds = [...new Set([...extra, ...earlier])];
  if (extraKinds.length === 0 && spec.suites.every((s) => s.profile.length === 0)) return undefined;
  return profileRun({
    store,
    runId,
    sessions: hosts.sessions.filter((h) => !h.lost),
    suites: spec.suites,
    extraKinds,
    binaryFor: (suite, target) => builds.get({ suite, target }),
    ...ui,
  });
}

/** Open the store; a database that cannot be opened is bad input (exit 2), reported as such. */
function openStore(path: string): Store {
  return storeCheck(() => new Store(path));
}

function storeCheck<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof StoreOpenError) throw new RunStop(EXIT_BAD_INPUT, [`metalbench: ${e.message}`, 'metalbench: nothing was run']);
    throw e;
  }
}

/** Stands in for the binary of a job on a host that cannot run it. */
const UNBUILT = { cacheKey: '', path: '', sha256: '', goos: '', goarch: '', goVersion: '', cached: false };
