/**
 * The profiling phase: after the measured jobs, one extra process per side
 * per benchmark on the same host session, its profiles stored beside the
 * database and indexed by run, job, side, benchmark, kind and binary. A
 * capture that fails is recorded with its reason and never touches samples.
 *
 * `profileSides` is the building block (compare calls it for each confirmed
 * regression with base and head binaries); `profileRun` is what `run` does.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BuiltBinary } from '../build/build.ts';
import type { SuiteSpec } from '../spec/spec.ts';
import type { Store } from '../../results/store/store.ts';
import { ProfileIndex, profileKey } from '../../results/store/profiles.ts';
import { captureProfiles, type CaptureOptions, type CaptureResult, type ProfileHost } from './capture.ts';
import { canonicalKinds, type ProfileKind } from './kinds.ts';
import { summarize, DEFAULT_SAMPLE_TYPE } from './read.ts';

export interface ProfileSide {
  /** "base", "head", or a run's variant ("run" when it has none). */
  side: string;
  binary: BuiltBinary;
  /** b.N of that side's measured results (see CaptureRequest.iterations). */
  iterations?: number;
  /** The measured job the profile belongs to. */
  jobId?: number;
  /** Environment of this side's process over the suite's (compare's --head-env …). */
  env?: Readonly<Record<string, string>>;
}

export interface ProfileSidesRequest {
  store: Store;
  runId: number;
  host: ProfileHost;
  suite: SuiteSpec;
  benchmark: string;
  kinds: readonly ProfileKind[];
  /** Captured in this order, one process each. */
  sides: readonly ProfileSide[];
  log: (line: string) => void;
  capture?: Omit<CaptureOptions, 'localDir'>;
}

export interface SideOutcome {
  side: string;
  ok: boolean;
  error?: string;
  kinds: ProfileKind[];
  notes: string[];
}

/** Profile one benchmark on one host for each side; every outcome is recorded. */
export async function profileSides(r: ProfileSidesRequest): Promise<SideOutcome[]> {
  const index = new ProfileIndex(r.store);
  const kinds = canonicalKinds(r.kinds);
  const out: SideOutcome[] = [];
  for (const s of r.sides) {
    const localDir = mkdtempSync(join(tmpdir(), 'metalbench-profile-'));
    try {
      let cap: CaptureResult;
      try {
        cap = await captureProfiles(
          { host: r.host, binary: s.binary, suite: r.suite, benchmark: r.benchmark, kinds, ...(s.iterations !== undefined ? { iterations: s.iterations } : {}), ...(s.env ? { env: s.env } : {}) },
          { ...r.capture, localDir },
        );
      } catch (e) {
        // A lost host or a failed upload: this side has no profile; the caller's results stand.
        cap = { ok: false, error: `host ${r.host.name}, Benchmark${r.benchmark}: ${(e as Error).message}`, files: [], notes: [], stderrTail: '', argv: [] };
      }
      const buildId = buildIdOf(r.store, s.binary);
      const base = {
        runId: r.runId,
        jobId: s.jobId ?? null,
        buildId,
        host: r.host.name,
        suite: r.suite.name,
        side: s.side,
        benchmark: r.benchmark,
        binarySha256: s.binary.sha256,
        ...(cap.ops !== undefined ? { ops: cap.ops } : {}),
        ...(cap.nsPerOp !== undefined ? { nsPerOp: cap.nsPerOp } : {}),
      };
      const stored: ProfileKind[] = [];
      for (const kind of kinds) {
        const file = cap.files.find((f) => f.kind === kind);
        const problem = file ? await checkContent(kind, file.path) : undefined;
        if (file && !problem) {
          index.record({ ...base, kind, status: 'ok', file: file.path, notes: cap.notes });
          stored.push(kind);
        } else {
          const error = problem ? `host ${r.host.name}, Benchmark${r.benchmark}: ${problem}` : (cap.error ?? `no ${kind} profile was written`);
          index.record({ ...base, kind, status: 'failed', error, notes: cap.notes });
        }
      }
      const failedKinds = kinds.filter((k) => !stored.includes(k));
      const error = cap.error ?? (failedKinds.length > 0 ? `${failedKinds.join(', ')} not stored` : undefined);
      if (error) r.log(`profile ${s.side}: ${error}`);
      for (const n of cap.notes) r.log(`profile ${s.side} ${r.host.name} Benchmark${r.benchmark}: note: ${n}`);
      out.push({ side: s.side, ok: failedKinds.length === 0, ...(error ? { error } : {}), kinds: stored, notes: cap.notes });
    } finally {
      rmSync(localDir, { recursive: true, force: true });
    }
  }
  return out;
}

/** A profile that decodes but cannot show anything is refused with the reason. */
async function checkContent(kind: ProfileKind, path: string): Promise<string | undefined> {
  if (kind === 'gc') return undefined;
  try {
    const s = summarize(await readFile(path), DEFAULT_SAMPLE_TYPE[kind]);
    if (kind === 'cpu' && s.samples === 0) {
      return 'the CPU profile holds no samples: the process received no SIGPROF (the benchmark ran too briefly, or the host or its emulator does not deliver profiling signals)';
    }
    return undefined;
  } catch (e) {
    return `the ${kind} profile cannot be read: ${(e as Error).message}`;
  }
}

function buildIdOf(store: Store, b: BuiltBinary): number | null {
  return store.db.prepare<[string], { id: number }>('SELECT id FROM builds WHERE cache_key = ?').get(b.cacheKey)?.id ?? null;
}

export interface ProfileRunRequest {
  store: Store;
  runId: number;
  /** Connected hosts of the run. */
  sessions: readonly (ProfileHost & { target: { goos: string; goarch: string } })[];
  suites: readonly SuiteSpec[];
  /** Kinds from --profile, added to each suite's own `profile:`. */
  extraKinds: readonly ProfileKind[];
  binaryFor: (suite: SuiteSpec, target: { goos: string; goarch: string }) => BuiltBinary;
  log: (line: string) => void;
  show: (text: string) => void;
  stopped: () => boolean;
  capture?: Omit<CaptureOptions, 'localDir'>;
}

export interface ProfileRunSummary {
  captured: number;
  failed: { host: string; benchmark: string; side: string; error: string }[];
}

/**
 * `run`'s profiling: every benchmark measured in the run, on each host, for
 * each suite that asks for profiles. Captures already stored (a resumed run)
 * are not taken again. Hosts in parallel, one process per host at a time.
 */
export async function profileRun(r: ProfileRunRequest): Promise<ProfileRunSummary> {
  const summary: ProfileRunSummary = { captured: 0, failed: [] };
  const run = r.store.getRun(r.runId);
  const side = run?.variant ?? 'run';
  const done = new ProfileIndex(r.store).doneKeys(r.runId);
  const measured = r.store.db.prepare<[number, string, string], { benchmark: string; iters: number; job_id: number }>(
    // One row per benchmark: the median b.N of its measured results and its last job.
    `SELECT benchmark, iters, job_id FROM (
       SELECT benchmark, iters, MAX(job_id) OVER (PARTITION BY benchmark) AS job_id,
              ROW_NUMBER() OVER (PARTITION BY benchmark ORDER BY iters) AS k,
              COUNT(*) OVER (PARTITION BY benchmark) AS n
       FROM sample_view WHERE run_id = ? AND host = ? AND suite = ? AND orig_unit = 'ns/op')
     WHERE k = (n + 1) / 2 ORDER BY benchmark`,
  );
  await Promise.all(
    r.sessions.map(async (host) => {
      for (const suite of r.suites) {
        const kinds = canonicalKinds([...suite.profile, ...r.extraKinds]);
        if (kinds.length === 0) continue;
        for (const m of measured.all(r.runId, host.name, suite.name)) {
          if (r.stopped()) return;
          const todo = kinds.filter((k) => !done.has(profileKey(host.name, side, m.benchmark, k)));
          if (todo.length === 0) continue;
          r.show(`profiling ${host.name} ${suite.name} Benchmark${m.benchmark} (${todo.join(', ')})`);
          const [o] = await profileSides({
            store: r.store,
            runId: r.runId,
            host,
            suite,
            benchmark: m.benchmark,
            kinds: todo,
            sides: [{ side, binary: r.binaryFor(suite, host.target), iterations: m.iters, jobId: m.job_id }],
            log: r.log,
            ...(r.capture ? { capture: r.capture } : {}),
          });
          summary.captured += o!.kinds.length;
          if (o!.error) summary.failed.push({ host: host.name, benchmark: m.benchmark, side, error: o!.error });
        }
      }
    }),
  );
  return summary;
}
