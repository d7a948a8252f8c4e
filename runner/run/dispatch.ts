/**
 * The dispatch phase: run planned jobs on their hosts — hosts in parallel,
 * one benchmark process per host at a time, in the order given — and stream
 * every sample into the store as it is read. A job that fails is recorded
 * and the others go on; a pin policy a host cannot meet skips that suite's
 * later jobs there; a lost host fails its remaining jobs. `run`, `compare`
 * and `nightly` all dispatch through here.
 */
import type { BuiltBinary } from '../build/build.ts';
import { PinningError } from '../host/pinning.ts';
import type { SuiteSpec } from '../spec/spec.ts';
import { isStoreError, type Store } from '../../results/store/store.ts';
import { executeJob } from './execute-job.ts';
import type { HostFailure, HostSession } from './hosts.ts';

/** One benchmark process to run. `T` is the caller's own label (e.g. compare's side). */
export interface DispatchJob<T = undefined> {
  /** Position in the run, for messages; unique within the run. */
  seq: number;
  /** The job's row in the store (recorded by the plan phase). */
  jobId: number;
  host: string;
  /** Pin policy, working directory, timeout and base environment come from the suite. */
  suite: SuiteSpec;
  /** Which built binary this job runs (compare runs two builds of one suite). */
  binary: BuiltBinary;
  /** The test binary's arguments, every one its own argv element. */
  args: string[];
  /** Extra environment, merged over the suite's. */
  env?: Readonly<Record<string, string>>;
  /** Short text for the status line, e.g. "round 3". */
  status?: string;
  label: T;
}

export interface FailedJob {
  seq: number;
  host: string;
  suite: string;
  error: string;
  stderrTail: string;
}

export interface JobDone<T> {
  job: DispatchJob<T>;
  ok: boolean;
  /** Result lines stored for the job. */
  results: number;
  error?: string;
  /** Jobs finished so far (ok or failed, this one included) and in all. */
  done: number;
  total: number;
}

export interface DispatchOptions<T> {
  store: Store;
  runId: number;
  /** Connected, locked hosts. */
  sessions: readonly HostSession[];
  /** Chosen hosts that cannot run: their jobs fail with the reason, named once. */
  unavailable?: readonly HostFailure[];
  /** Status line (terminals) and lines that stay. */
  show: (text: string) => void;
  log: (line: string) => void;
  /** True once the command is stopping: no new job starts. */
  stopped: () => boolean;
  /** After every job, in completion order (compare's running estimate). */
  onJobDone?: (d: JobDone<T>) => void;
}

export interface DispatchResult {
  failed: FailedJob[];
  /** Jobs that ran or were recorded as failed; less than the total when stopped. */
  done: number;
  total: number;
}

export async function dispatch<T>(jobs: readonly DispatchJob<T>[], o: DispatchOptions<T>): Promise<DispatchResult> {
  const db = o.store;
  const failed: FailedJob[] = [];
  const total = jobs.length;
  let done = 0;
  const finished = (job: DispatchJob<T>, ok: boolean, results: number, error?: string) => {
    done++;
    o.onJobDone?.({ job, ok, results, ...(error !== undefined ? { error } : {}), done, total });
  };
  const fail = (job: DispatchJob<T>, error: string, stderrTail = '', hostEnvId?: number) => {
    db.finishJob(job.jobId, { status: 'failed', error, ...(stderrTail ? { stderrTail } : {}), ...(hostEnvId !== undefined ? { hostEnvId } : {}) });
    failed.push({ seq: job.seq, host: job.host, suite: job.suite.name, error, stderrTail });
    finished(job, false, 0, error);
  };
  // A failing database stops every host: nothing more could be recorded.
  let storeFailure: unknown;
  const halted = () => storeFailure !== undefined || o.stopped();
  const sessions = new Map(o.sessions.map((h) => [h.name, h]));
  const byHost = new Map<string, DispatchJob<T>[]>();
  for (const j of jobs) byHost.set(j.host, [...(byHost.get(j.host) ?? []), j]);

  const runHost = async (hostName: string, hostJobs: DispatchJob<T>[]) => {
    const host = sessions.get(hostName);
    if (!host) {
      const why = o.unavailable?.find((f) => f.name === hostName)?.error ?? 'not reachable';
      // Connection errors already start with "host NAME"; name it once.
      const msg = why.startsWith(`host ${hostName} `) || why.startsWith(`host ${hostName}:`) ? why : `host ${hostName}: ${why}`;
      o.log(`metalbench: ${msg}`);
      for (const j of hostJobs) fail(j, msg);
      return;
    }
    const hostEnvId = db.upsertHostEnv(hostName, host.fingerprint, host.facts);
    // Per binary on this host: its build row and where it lies on the host.
    const placed = new Map<string, { buildId: number; remote: string }>();
    const skipped = new Set<number>();
    const shownWarnings = new Set<string>();
    const skipSuite = (job: DispatchJob<T>, why: string) => {
      for (const rest of hostJobs.filter((r) => r.suite.name === job.suite.name && r.seq > job.seq && !skipped.has(r.seq))) {
        skipped.add(rest.seq);
        fail(rest, `not run: ${why}`, '', hostEnvId);
      }
    };
    for (const job of hostJobs) {
      if (halted()) return;
      if (skipped.has(job.seq)) continue;
      o.show(`[${done + 1}/${total}] ${hostName} ${job.suite.name} ${job.suite.bench}${job.status ? ` (${job.status})` : ''}`);
      try {
        const pin = host.pinFor(job.suite);
        for (const w of pin.warnings) {
          if (!shownWarnings.has(w)) o.log(`warning ${hostName} ${job.suite.name}: ${w}`);
          shownWarnings.add(w);
        }
        const bin = job.binary;
        let place = placed.get(bin.cacheKey);
        if (!place) {
          const buildId = db.recordBuild({
            cacheKey: bin.cacheKey,
            suite: job.suite.name,
            pkg: job.suite.package,
            goos: bin.goos,
            goarch: bin.goarch,
            goVersion: bin.goVersion,
            sha256: bin.sha256,
            path: bin.path,
          });
          const remote = await host.transport.putFile(bin.path, bin.sha256, `${job.suite.name}.test`);
          place = { buildId, remote };
          placed.set(bin.cacheKey, place);
        }
        db.startJob(job.jobId, place.buildId);
        const report = await executeJob({
          transport: host.transport,
          argv: pin.wrap([place.remote, ...job.args]),
          env: job.env ? { ...job.suite.env, ...job.env } : job.suite.env,
          cwd: host.cwdFor(job.suite),
          timeoutMs: job.suite.timeoutMs,
          extraConfig: [...host.config, ...pin.config],
          writer: db.sampleWriter(o.runId, job.jobId),
          verify: { path: place.remote, sha256: bin.sha256 },
          ...(pin.verify ? { verifyStderr: pin.verify } : {}),
          onUnitMeta: (unit, origUnit, key, value) => db.addUnitMeta(o.runId, unit, origUnit, key, value),
        });
        for (const w of report.warnings) o.log(`${hostName} ${job.suite.name}: output line ${w.line}: ${w.message}: ${w.text}`);
        db.finishJob(job.jobId, {
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
          o.log(`FAIL ${hostName} ${job.suite.name} (job ${job.seq}): ${report.error}`);
        }
        finished(job, report.ok, report.results, report.error);
      } catch (e) {
        if (isStoreError(e)) {
          storeFailure ??= e;
          return;
        }
        if (halted()) return;
        const msg = (e as Error).message;
        fail(job, msg, '', hostEnvId);
        o.log(`FAIL ${hostName} ${job.suite.name} (job ${job.seq}): ${msg}`);
        // The same pin policy would fail every later job of this suite here.
        if (e instanceof PinningError) skipSuite(job, `host ${hostName} cannot satisfy the pin policy`);
        if (host.lost) {
          for (const rest of hostJobs.filter((r) => r.seq > job.seq && !skipped.has(r.seq))) fail(rest, `not run: host ${hostName} was lost`, '', hostEnvId);
          return;
        }
      }
    }
  };
  const settled = await Promise.allSettled(
    [...byHost].map(([name, hostJobs]) =>
      runHost(name, hostJobs).catch((e: unknown) => {
        if (!isStoreError(e)) throw e;
        storeFailure ??= e;
      }),
    ),
  );
  if (storeFailure !== undefined) throw storeFailure;
  for (const s of settled) if (s.status === 'rejected') throw s.reason;
  return { failed, done, total };
}
