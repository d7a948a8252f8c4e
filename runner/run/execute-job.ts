/**
 * One job: launch the test binary on its host, parse its output as it
 * streams, store every result line the moment it is read, and decide
 * whether the process succeeded.
 */
import { BenchReader, type BenchRecord, type BenchResult, type Config, type ReadWarning } from '../../results/benchfmt/reader.ts';
import type { SampleWriter } from '../../results/store/store.ts';
import type { ExecResult, Transport } from '../transport/transport.ts';

export interface JobLaunch {
  transport: Transport;
  /** Full argv: launcher (pinning wrapper), binary, test flags. */
  argv: string[];
  env: Record<string, string>;
  cwd?: string;
  timeoutMs: number;
  /** Configuration lines added to every result (host, pinning, fingerprint). */
  extraConfig: ReadonlyArray<readonly [string, string]>;
  writer: SampleWriter;
  /** The binary and its sha256, verified by the transport immediately before the exec. */
  verify?: { path: string; sha256: string };
  /** Checks the launched process's own report (pinning); returns a mismatch or null. */
  verifyStderr?: (stderr: string) => string | null;
  onResult?: (r: BenchResult) => void;
  onUnitMeta?: (unit: string, origUnit: string, key: string, value: string) => void;
}

export interface JobReport {
  ok: boolean;
  results: number;
  warnings: ReadWarning[];
  exec: ExecResult;
  /** Why the job failed, in one line, when it did. */
  error?: string;
}

export async function executeJob(launch: JobLaunch): Promise<JobReport> {
  const reader = new BenchReader();
  const warnings: ReadWarning[] = [];
  let results = 0;
  let failLine: string | undefined;
  let stderrAll = '';
  let storeError: string | undefined;
  const merged = new Map<Config, Config>();

  const handle = (recs: BenchRecord[]) => {
    for (const rec of recs) {
      if (rec.kind === 'result') {
        // The same config array is shared by consecutive results; merge once.
        let config = merged.get(rec.config);
        if (!config) {
          config = mergeConfig(rec.config, launch.extraConfig);
          merged.set(rec.config, config);
        }
        const r: BenchResult = { ...rec, config };
        try {
          launch.writer.add(r);
        } catch (e) {
          storeError ??= `storing line ${rec.line} failed: ${(e as Error).message}`;
          continue;
        }
        results++;
        launch.onResult?.(r);
      } else if (rec.kind === 'warning') {
        warnings.push(rec);
      } else if (rec.kind === 'unit') {
        launch.onUnitMeta?.(rec.unit, rec.origUnit, rec.key, rec.value);
      }
    }
  };
  let outTail = '';
  const exec = await launch.transport.exec(launch.argv, {
    env: launch.env,
    cwd: launch.cwd,
    timeoutMs: launch.timeoutMs,
    ...(launch.verify ? { verify: launch.verify } : {}),
    onStdout: (chunk) => {
      outTail = (outTail + chunk).slice(-4096);
      for (const line of chunk.split('\n')) {
        if (line === 'FAIL' || line.startsWith('--- FAIL') || line.startsWith('panic:')) failLine ??= line;
      }
      handle(reader.push(chunk));
    },
    onStderr: (chunk) => {
      if (stderrAll.length < 65536) stderrAll += chunk;
    },
  });
  handle(reader.end());

  let error: string | undefined;
  const pinMismatch = launch.verifyStderr?.(stderrAll) ?? null;
  if (exec.timedOut) error = `timed out after ${launch.timeoutMs / 1000}s; the process group was killed`;
  else if (exec.signal) error = `killed by ${exec.signal}`;
  else if (exec.code !== 0) error = `exited with status ${exec.code}${failLine ? ` (${failLine})` : ''}`;
  else if (failLine) error = `benchmark reported failure: ${failLine}`;
  else if (storeError) error = storeError;
  else if (pinMismatch) error = `pinning check failed: ${pinMismatch}`;
  else if (results === 0) error = 'no benchmark results: the bench pattern matched nothing';
  if (error && exec.stderrTail.trim() === '' && outTail.trim() !== '') {
    // go test writes panics and FAIL lines to stdout; keep them as the tail.
    exec.stderrTail = outTail;
  }
  return { ok: error === undefined, results, warnings, exec, error };
}

function mergeConfig(base: Config, extra: ReadonlyArray<readonly [string, string]>): Config {
  if (extra.length === 0) return base;
  const m = new Map<string, string>(base);
  for (const [k, v] of extra) m.set(k, v);
  return Array.from(m, ([k, v]) => [k, v] as const);
}
