/**
 * `metalbench run SPEC`: validate, plan, build, dispatch per host (hosts in
 * parallel, one benchmark process per host at a time), store as results
 * stream in, and finish the run as ok, partial or interrupted.
 */
import { loadSpec, parseSpec, type Spec, type SuiteSpec } from '../spec/spec.ts';
import { ValidationError } from '../spec/validate.ts';
import { buildSuite, BuildError, type BuildTarget, type BuiltBinary } from '../build/build.ts';
import { Store, type JobRow } from '../../results/store/store.ts';
import { planJobs, benchArgs, type PlannedJob } from './plan.ts';
import { executeJob } from './execute-job.ts';
import { Progress } from './progress.ts';
import { openHosts, readInventory, type HostSession, type OpenedHosts } from './hosts.ts';
import type { Inventory } from '../fleet/inventory.ts';
import { SelectionError } from '../fleet/selection.ts';
import { PIN_MARKER, PinningError } from '../host/pinning.ts';
import type { TuneState } from '../host/tune.ts';

export const EXIT_OK = 0;
export const EXIT_FAILED_CHECK = 1;
export const EXIT_BAD_INPUT = 2;
export const EXIT_PARTIAL = 3;

export interface RunOptions {
  specPath?: string;
  resumeRunId?: number;
  dbPath: string;
  inventoryPath: string;
  inventoryExplicit?: boolean;
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
  json: boolean;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WriteStream | NodeJS.WritableStream;
}

export interface RunSummary {
  runId: number;
  status: 'ok' | 'partial' | 'interrupted';
  jobs: number;
  failed: { seq: number; host: string; suite: string; error: string; stderrTail: string }[];
  samples: number;
}

export async function runCommand(opts: RunOptions): Promise<number> {
  const err = (s: string) => opts.stderr.write(`${s}\n`);
  let store: Store | undefined;
  let spec: Spec;
  let resumeJobs: JobRow[] | undefined;
  try {
    if (opts.resumeRunId !== undefined) {
      store = new Store(opts.dbPath);
      const run = store.getRun(opts.resumeRunId);
      if (!run || run.kind !== 'run' || !run.spec_path) {
        err(`metalbench: run ${opts.resumeRunId} is not a spec run in ${opts.dbPath}; list runs with 'metalbench runs'`);
        return EXIT_BAD_INPUT;
      }
      if (run.status === 'running') {
        err(`metalbench: run ${run.id} is still running (pid ${run.pid}); wait for it or stop it first`);
        return EXIT_BAD_INPUT;
      }
      const text = store.db.prepare<[number], { spec_text: string }>('SELECT spec_text FROM runs WHERE id = ?').get(run.id)!.spec_text;
      spec = parseSpec(text, run.spec_path);
      resumeJobs = store.jobsOf(run.id);
    } else {
      spec = loadSpec(opts.specPath!);
    }
  } catch (e) {
    if (e instanceof ValidationError) {
      err(e.message);
      err(`metalbench: the spec has ${e.problems.length} problem${e.problems.length === 1 ? '' : 's'}; nothing was run`);
      store?.close();
      return EXIT_BAD_INPUT;
    }
    throw e;
  }

  // Hosts first: a tag selector needs facts, and builds need each host's target.
  let inv: Inventory;
  let opened: OpenedHosts;
  const resumeHosts = resumeJobs ? [...new Set(resumeJobs.sort((a, b) => a.seq - b.seq).map((j) => j.host))] : undefined;
  try {
    inv = readInventory(opts);
    opened = await openHosts(spec.hosts, inv, { ...opts, ...(resumeHosts ? { names: resumeHosts } : {}) });
  } catch (e) {
    if (e instanceof ValidationError) err(e.message);
    else if (e instanceof SelectionError) err(`${spec.path}: hosts: ${e.message} (inventory: ${opts.inventoryPath})`);
    else throw e;
    store?.close();
    return EXIT_BAD_INPUT;
  }
  const sessions = new Map(opened.sessions.map((h) => [h.name, h]));
  const closeAll = () => Promise.all(opened.sessions.map((h) => h.close().catch(() => undefined)));
  for (const u of opened.unknown) err(`metalbench: host ${u.name} is unreachable, so whether the selector matches it is unknown: ${u.error}`);
  if (opened.sessions.length === 0 && opened.failed.length === 0) {
    err(`${spec.path}: hosts: no reachable host matches; nothing was run`);
    store?.close();
    return opened.unknown.length > 0 ? EXIT_PARTIAL : EXIT_BAD_INPUT;
  }
  const order = (n: string) => inv.hosts.findIndex((e) => e.name === n);
  const hostNames = resumeHosts ?? [...opened.sessions.map((h) => h.name), ...opened.failed.map((f) => f.name)].sort((a, b) => order(a) - order(b));

  const progress = new Progress(opts.stderr, Boolean((opts.stderr as NodeJS.WriteStream).isTTY) && !opts.json);
  const planned = planJobs(spec, hostNames);
  if (!opts.json) {
    for (const h of opened.sessions) for (const w of h.warnings) progress.log(`warning ${h.name}: ${w}`);
  }

  // Compile every suite for every host's target before anything is recorded:
  // a compile error is bad input and must not leave a half-made run behind.
  // The job loop takes the same binaries from here.
  const builds = new Map<string, Promise<BuiltBinary>>();
  const binaryFor = (suite: SuiteSpec, target: BuildTarget): Promise<BuiltBinary> => {
    const key = `${target.goos}/${target.goarch}\0${suite.name}`;
    let b = builds.get(key);
    if (!b) builds.set(key, (b = buildSuite(suite, target)));
    return b;
  };
  try {
    const targets = new Map(opened.sessions.map((h) => [`${h.target.goos}/${h.target.goarch}`, h.target]));
    for (const [key, target] of targets) {
      for (const suite of spec.suites) {
        progress.show(`building ${suite.name} (${suite.package}) for ${key}`);
        await binaryFor(suite, target);
      }
    }
    progress.clear();
  } catch (e) {
    progress.clear();
    await closeAll();
    if (e instanceof BuildError) {
      err(e.message);
      err('metalbench: nothing was run');
      store?.close();
      return EXIT_BAD_INPUT;
    }
    throw e;
  }
  store ??= new Store(opts.dbPath);
  const db = store;

  let runId: number;
  const jobIds = new Map<number, number>();
  let todo: PlannedJob[];
  if (opts.resumeRunId !== undefined) {
    runId = opts.resumeRunId;
    const bySeq = new Map(resumeJobs!.map((j) => [j.seq, j]));
    todo = planned.filter((p) => bySeq.get(p.seq)?.status !== 'ok');
    db.reopenRun(runId);
    for (const p of planned) {
      const row = bySeq.get(p.seq);
      if (row) {
        jobIds.set(p.seq, row.id);
        if (row.status !== 'ok') db.resetJob(row.id);
      } else {
        jobIds.set(p.seq, db.addJob({ runId, seq: p.seq, suite: p.suite.name, host: p.host, bench: p.suite.bench, params: jobParams(p) }));
      }
    }
    progress.log(`resuming run ${runId}: ${todo.length} of ${planned.length} jobs left`);
  } else {
    runId = db.createRun({
      kind: 'run',
      trigger: opts.trigger,
      specPath: spec.path,
      specName: spec.name,
      specText: spec.text,
      source: spec.path,
      revision: opts.revision,
      variant: opts.variant,
    });
    db.db.transaction(() => {
      for (const p of planned) {
        jobIds.set(p.seq, db.addJob({ runId, seq: p.seq, suite: p.suite.name, host: p.host, bench: p.suite.bench, params: jobParams(p) }));
      }
    })();
    todo = planned;
  }

  // Opt-in tuning: every change is recorded and undone when the run ends.
  const tuned = new Map<string, HostSession>();
  if (opts.tune) {
    const { tuneAndSave, tuneStatePath } = await import('../host/tune-command.ts');
    for (const h of opened.sessions) {
      try {
        const state: TuneState = await tuneAndSave(h.transport, tuneStatePath(opts.dbPath, h.name), opts.sysRoot);
        tuned.set(h.name, h);
        progress.log(`tuned ${h.name}: ${state.changes.length} change${state.changes.length === 1 ? '' : 's'}${state.failed.length ? `; not changed: ${state.failed.join('; ')}` : ''}`);
      } catch (e) {
        progress.log(`warning ${h.name}: not tuned: ${(e as Error).message}`);
      }
    }
  }
  const untune = async () => {
    if (tuned.size === 0) return;
    const { resetFromState, tuneStatePath } = await import('../host/tune-command.ts');
    for (const [name, h] of tuned) {
      try {
        const problems = await resetFromState(h.transport, tuneStatePath(opts.dbPath, name));
        for (const p of problems) err(`metalbench: ${name}: not restored: ${p} (retry with: metalbench hosts reset ${name})`);
      } catch (e) {
        err(`metalbench: ${name}: tuning not undone: ${(e as Error).message} (retry with: metalbench hosts reset ${name})`);
      }
    }
    tuned.clear();
  };

  // Ctrl-C or a kill: keep what is stored, say the run was interrupted.
  let interrupted = false;
  const onSignal = (sig: NodeJS.Signals) => {
    if (interrupted) process.exit(130);
    interrupted = true;
    progress.clear();
    db.db.prepare("UPDATE jobs SET status = 'interrupted' WHERE run_id = ? AND status = 'running'").run(runId);
    db.finishRun(runId, 'interrupted', `stopped by ${sig}`);
    err(`metalbench: run ${runId} interrupted by ${sig}; samples measured so far are stored (resume with: metalbench run --resume ${runId})`);
    const exit = () => process.exit(130);
    if (tuned.size === 0) exit();
    // Give tuned hosts their values back, but never hang on a dead host.
    setTimeout(exit, 15_000).unref();
    void untune().then(exit, exit);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const failed: RunSummary['failed'] = [];
  const fail = (job: PlannedJob, error: string, stderrTail = '', hostEnvId?: number) => {
    db.finishJob(jobIds.get(job.seq)!, { status: 'failed', error, ...(stderrTail ? { stderrTail } : {}), ...(hostEnvId !== undefined ? { hostEnvId } : {}) });
    failed.push({ seq: job.seq, host: job.host, suite: job.suite.name, error, stderrTail });
  };
  const byHost = new Map<string, PlannedJob[]>();
  for (const j of todo) byHost.set(j.host, [...(byHost.get(j.host) ?? []), j]);
  let done = 0;
  const total = todo.length;

  await Promise.all(
    [...byHost].map(async ([hostName, jobs]) => {
      const host = sessions.get(hostName);
      if (!host) {
        const why = opened.failed.find((f) => f.name === hostName)?.error ?? 'not reachable';
        // Connection errors already start with "host NAME"; name it once.
        const msg = why.startsWith(`host ${hostName} `) || why.startsWith(`host ${hostName}:`) ? why : `host ${hostName}: ${why}`;
        progress.log(`metalbench: ${msg}`);
        for (const j of jobs) fail(j, msg);
        return;
      }
      const hostEnvId = db.upsertHostEnv(hostName, host.fingerprint, host.facts);
      const binaries = new Map<string, { built: BuiltBinary; remote: string }>();
      const skipped = new Set<number>();
      const shownWarnings = new Set<string>();
      const skipSuite = (job: PlannedJob, why: string) => {
        for (const rest of jobs.filter((r) => r.suite.name === job.suite.name && r.seq > job.seq && !skipped.has(r.seq))) {
          fail(rest, `not run: ${why}`, '', hostEnvId);
          skipped.add(rest.seq);
        }
      };
      for (const job of jobs) {
        if (interrupted) return;
        if (skipped.has(job.seq)) continue;
        const jobId = jobIds.get(job.seq)!;
        progress.show(`[${done + 1}/${total}] ${hostName} ${job.suite.name} ${job.suite.bench} (round ${job.round + 1})`);
        try {
          const pin = host.pinFor(job.suite);
          for (const w of pin.warnings) {
            if (!shownWarnings.has(w)) progress.log(`warning ${hostName} ${job.suite.name}: ${w}`);
            shownWarnings.add(w);
          }
          let bin = binaries.get(job.suite.name);
          if (!bin) {
            const built = await binaryFor(job.suite, host.target);
            const buildId = db.recordBuild({
              cacheKey: built.cacheKey,
              suite: job.suite.name,
              pkg: job.suite.package,
              goos: built.goos,
              goarch: built.goarch,
              goVersion: built.goVersion,
              sha256: built.sha256,
              path: built.path,
            });
            const remote = await host.transport.putFile(built.path, built.sha256, `${job.suite.name}.test`);
            bin = { built, remote };
            binaries.set(job.suite.name, bin);
            db.startJob(jobId, buildId);
          } else {
            db.startJob(jobId);
          }
          const report = await executeJob({
            transport: host.transport,
            argv: pin.wrap([bin.remote, ...benchArgs(job)]),
            env: job.suite.env,
            cwd: host.cwdFor(job.suite),
            timeoutMs: job.suite.timeoutMs,
            extraConfig: [...host.config, ...pin.config],
            writer: db.sampleWriter(runId, jobId),
            ...(pin.verify ? { verifyStderr: pin.verify } : {}),
            onUnitMeta: (unit, origUnit, key, value) => db.addUnitMeta(runId, unit, origUnit, key, value),
          });
          for (const w of report.warnings) progress.log(`${hostName} ${job.suite.name}: output line ${w.line}: ${w.message}: ${w.text}`);
          db.finishJob(jobId, {
            status: report.ok ? 'ok' : 'failed',
            exitCode: report.exec.code,
            signal: report.exec.signal,
            error: report.error,
            stderrTail: report.exec.stderrTail,
            cpus: pin.cpus,
            hostEnvId,
          });
          if (!report.ok) {
            failed.push({ seq: job.seq, host: hostName, suite: job.suite.name, error: report.error!, stderrTail: report.exec.stderrTail });
            progress.log(`FAIL ${hostName} ${job.suite.name} (job ${job.seq}): ${report.error}`);
          }
        } catch (e) {
          const msg = (e as Error).message;
          fail(job, msg, '', hostEnvId);
          progress.log(`FAIL ${hostName} ${job.suite.name} (job ${job.seq}): ${msg}`);
          // The same build or the same pin policy would fail every later job of this suite here.
          if (e instanceof BuildError) skipSuite(job, 'its build failed');
          if (e instanceof PinningError) skipSuite(job, `host ${hostName} cannot satisfy the pin policy`);
          if (host.lost) {
            for (const rest of jobs.filter((r) => r.seq > job.seq && !skipped.has(r.seq))) fail(rest, `not run: host ${hostName} was lost`, '', hostEnvId);
            return;
          }
        }
        done++;
      }
    }),
  );
  await untune();
  await closeAll();
  process.removeListener('SIGINT', onSignal);
  process.removeListener('SIGTERM', onSignal);
  progress.clear();

  const status = failed.length > 0 ? 'partial' : 'ok';
  const msg = failed.length > 0 ? `${failed.length} of ${total} jobs failed` : undefined;
  db.finishRun(runId, status, msg);
  const run = db.getRun(runId)!;
  const summary: RunSummary = { runId, status, jobs: planned.length, failed, samples: run.samples };
  await printRunSummary(db, summary, opts);
  db.close();
  return status === 'ok' ? EXIT_OK : EXIT_PARTIAL;
}

function jobParams(p: PlannedJob): Record<string, unknown> {
  const s = p.suite;
  return {
    package: s.package,
    benchtime: s.benchtime,
    count: p.count,
    round: p.round,
    benchmem: s.benchmem,
    cpu: s.cpu ?? null,
    pin: s.pin ?? null,
    env: s.env,
    timeoutMs: s.timeoutMs,
    ldflags: s.ldflags ?? null,
  };
}

async function printRunSummary(db: Store, s: RunSummary, opts: RunOptions): Promise<void> {
  if (opts.json) {
    opts.stdout.write(`${JSON.stringify(s, null, 2)}\n`);
    return;
  }
  const { renderRunTable } = await import('../../results/report/run-table.ts');
  opts.stdout.write(renderRunTable(db, s.runId));
  const out = (t: string) => opts.stdout.write(`${t}\n`);
  out('');
  out(`run ${s.runId}: ${s.status}, ${s.jobs} jobs, ${s.samples} samples stored in ${opts.dbPath}`);
  if (s.failed.length > 0) {
    out(`failed jobs (${s.failed.length}):`);
    for (const f of s.failed) {
      out(`  job ${f.seq} on ${f.host}, suite ${f.suite}: ${f.error}`);
      // The pinning wrapper's own report line is for the runner, not the reader.
      const tail = f.stderrTail.trim().split('\n').filter((l) => !l.startsWith(`${PIN_MARKER} `)).slice(-8);
      if (tail.length > 0 && tail[0] !== '') for (const l of tail) out(`    | ${l}`);
    }
    out(`re-run only the missing jobs with: metalbench run --resume ${s.runId}${opts.dbPath !== 'results/metalbench.db' ? ` --db ${opts.dbPath}` : ''}`);
  }
}
