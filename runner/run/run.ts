/**
 * `metalbench run SPEC`: validate, plan, build, dispatch per host (hosts in
 * parallel, one benchmark process per host at a time), store as results
 * stream in, and finish the run as ok, partial or interrupted.
 */
import { loadSpec, parseSpec, type Spec } from '../spec/spec.ts';
import { ValidationError } from '../spec/validate.ts';
import { buildSuite, BuildError, hostGoEnv, type BuiltBinary } from '../build/build.ts';
import { Store, type JobRow } from '../../results/store/store.ts';
import { planJobs, benchArgs, type PlannedJob } from './plan.ts';
import { executeJob } from './execute-job.ts';
import { Progress } from './progress.ts';
import { openHost, resolveHostNames, type HostSession } from './hosts.ts';

export const EXIT_OK = 0;
export const EXIT_FAILED_CHECK = 1;
export const EXIT_BAD_INPUT = 2;
export const EXIT_PARTIAL = 3;

export interface RunOptions {
  specPath?: string;
  resumeRunId?: number;
  dbPath: string;
  inventoryPath: string;
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

  let hostNames: string[];
  try {
    hostNames = resolveHostNames(spec.hosts, opts.inventoryPath);
  } catch (e) {
    err(`${spec.path}: hosts: ${(e as Error).message}`);
    store?.close();
    return EXIT_BAD_INPUT;
  }

  const progress = new Progress(opts.stderr, Boolean((opts.stderr as NodeJS.WriteStream).isTTY) && !opts.json);
  const planned = planJobs(spec, hostNames);

  // Compile every suite for this machine before anything is recorded: a
  // compile error is bad input and must not leave a half-made run behind.
  // Builds for other targets happen per host, from the same cache.
  try {
    const env = await hostGoEnv();
    for (const suite of spec.suites) {
      progress.show(`building ${suite.name} (${suite.package})`);
      await buildSuite(suite, { goos: env.GOHOSTOS, goarch: env.GOHOSTARCH });
    }
    progress.clear();
  } catch (e) {
    progress.clear();
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

  // Ctrl-C or a kill: keep what is stored, say the run was interrupted.
  let interrupted = false;
  const onSignal = (sig: NodeJS.Signals) => {
    interrupted = true;
    progress.clear();
    db.db.prepare("UPDATE jobs SET status = 'interrupted' WHERE run_id = ? AND status = 'running'").run(runId);
    db.finishRun(runId, 'interrupted', `stopped by ${sig}`);
    err(`metalbench: run ${runId} interrupted by ${sig}; samples measured so far are stored (resume with: metalbench run --resume ${runId})`);
    process.exit(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const failed: RunSummary['failed'] = [];
  const byHost = new Map<string, PlannedJob[]>();
  for (const j of todo) byHost.set(j.host, [...(byHost.get(j.host) ?? []), j]);
  let done = 0;
  const total = todo.length;

  await Promise.all(
    [...byHost].map(async ([hostName, jobs]) => {
      let host: HostSession;
      try {
        host = await openHost(hostName, opts.inventoryPath);
      } catch (e) {
        const msg = `host ${hostName}: ${(e as Error).message}`;
        progress.log(`metalbench: ${msg}`);
        for (const j of jobs) {
          db.finishJob(jobIds.get(j.seq)!, { status: 'failed', error: msg });
          failed.push({ seq: j.seq, host: hostName, suite: j.suite.name, error: msg, stderrTail: '' });
        }
        return;
      }
      try {
        const hostEnvId = db.upsertHostEnv(hostName, host.fingerprint, host.facts);
        const binaries = new Map<string, { built: BuiltBinary; remote: string }>();
        const skipped = new Set<number>();
        for (const job of jobs) {
          if (interrupted) return;
          if (skipped.has(job.seq)) continue;
          const jobId = jobIds.get(job.seq)!;
          progress.show(`[${done + 1}/${total}] ${hostName} ${job.suite.name} ${job.suite.bench} (round ${job.round + 1})`);
          try {
            let bin = binaries.get(job.suite.name);
            if (!bin) {
              const built = await buildSuite(job.suite, host.target);
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
            const pin = host.pinFor(job.suite);
            const report = await executeJob({
              transport: host.transport,
              argv: [...pin.launcher, bin.remote, ...benchArgs(job)],
              env: { ...job.suite.env, ...pin.env },
              cwd: host.cwdFor(job.suite),
              timeoutMs: job.suite.timeoutMs,
              extraConfig: [...host.config, ...pin.config],
              writer: db.sampleWriter(runId, jobId),
              verifyStderr: pin.verify,
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
            const msg = e instanceof BuildError ? e.message : `${(e as Error).message}`;
            db.finishJob(jobId, { status: 'failed', error: msg, hostEnvId });
            failed.push({ seq: job.seq, host: hostName, suite: job.suite.name, error: msg, stderrTail: '' });
            progress.log(`FAIL ${hostName} ${job.suite.name} (job ${job.seq}): ${msg}`);
            if (e instanceof BuildError) {
              // The same build would fail for every later job of this suite.
              for (const rest of jobs.filter((r) => r.suite.name === job.suite.name && r.seq > job.seq)) {
                db.finishJob(jobIds.get(rest.seq)!, { status: 'failed', error: 'not run: its build failed' });
                failed.push({ seq: rest.seq, host: hostName, suite: rest.suite.name, error: 'not run: its build failed', stderrTail: '' });
                skipped.add(rest.seq);
              }
            }
            if (host.lost) {
              for (const rest of jobs.filter((r) => r.seq > job.seq)) {
                db.finishJob(jobIds.get(rest.seq)!, { status: 'failed', error: `not run: host ${hostName} was lost` });
                failed.push({ seq: rest.seq, host: hostName, suite: rest.suite.name, error: `not run: host ${hostName} was lost`, stderrTail: '' });
              }
              return;
            }
          }
          done++;
        }
      } finally {
        await host.close();
      }
    }),
  );
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
      const tail = f.stderrTail.trim().split('\n').slice(-8);
      if (tail.length > 0 && tail[0] !== '') for (const l of tail) out(`    | ${l}`);
    }
    out(`re-run only the missing jobs with: metalbench run --resume ${s.runId}${opts.dbPath !== 'results/metalbench.db' ? ` --db ${opts.dbPath}` : ''}`);
  }
}
