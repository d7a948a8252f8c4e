/**
 * Capture profiles of one benchmark in one extra process on a host: the same
 * binary, host and pinned CPUs as the measured jobs, after them. Profiling
 * perturbs timing, so nothing this process prints is stored as a sample;
 * its result line is read only for context (iterations, ns/op). The profiles
 * are written into a scratch directory on the host, fetched (SFTP, or a copy
 * on the local host), checked against the sha256 the host computes, and the
 * scratch directory is removed whatever happens.
 */
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BenchReader, type BenchRecord } from '../../results/benchfmt/reader.ts';
import type { BuiltBinary } from '../build/build.ts';
import type { SuiteSpec } from '../spec/spec.ts';
import type { HostSession } from '../run/hosts.ts';
import { appendTail } from '../transport/transport.ts';
import { exactBenchmark } from './filter.ts';
import { gcPerOp, parseGcTrace, type GcPerOp } from './gctrace.ts';
import type { ProfileKind } from './kinds.ts';

/** What capture needs of a host session. */
export type ProfileHost = Pick<HostSession, 'name' | 'transport' | 'pinFor' | 'cwdFor'>;

export interface CaptureRequest {
  host: ProfileHost;
  binary: BuiltBinary;
  suite: SuiteSpec;
  /** The stored benchmark name (after "Benchmark", with its -N suffix). */
  benchmark: string;
  kinds: readonly ProfileKind[];
  /**
   * b.N of the measured results: the profiled process runs exactly this many
   * iterations (-test.benchtime=Nx), so base and head do comparable work and
   * costs divide into per-op figures. Without it the suite's benchtime is used.
   */
  iterations?: number;
  /** Environment over the suite's (a comparison side's own, e.g. GOAMD64). */
  env?: Readonly<Record<string, string>>;
}

export interface CaptureOptions {
  /** Local directory the fetched files are written into. */
  localDir: string;
  /** Parent of the host's scratch directory (default: $TMPDIR or /tmp on the host). */
  scratchParent?: string;
  /** Refuse to start when the scratch file system has less free space than this (default 64 MiB). */
  minFreeBytes?: number;
  /** Leave the scratch directory on the host (to inspect what it wrote); removed by default. */
  keepScratch?: boolean;
}

export interface CapturedFile {
  kind: ProfileKind;
  /** Local path of the fetched file. */
  path: string;
  sha256: string;
  bytes: number;
}

export interface CaptureResult {
  ok: boolean;
  /** Why nothing (or not everything) was captured, in one line naming the host and benchmark. */
  error?: string;
  files: CapturedFile[];
  /** Operations the profiled process ran in all (b.N plus the first run of 1). */
  ops?: number;
  /** The profiled process's own ns/op: context, never a sample. */
  nsPerOp?: number;
  gc?: GcPerOp;
  /** Things worth knowing that do not make the profiles wrong. */
  notes: string[];
  stderrTail: string;
  /** The argv that ran, for messages and reproduction. */
  argv: string[];
  /** The scratch directory on the host (gone unless keepScratch). */
  hostDir?: string;
}

const FILE_FOR: Record<Exclude<ProfileKind, 'gc'>, { flag: string; file: string }> = {
  cpu: { flag: '-test.cpuprofile', file: 'cpu.pprof' },
  alloc: { flag: '-test.memprofile', file: 'alloc.pprof' },
  block: { flag: '-test.blockprofile', file: 'block.pprof' },
  mutex: { flag: '-test.mutexprofile', file: 'mutex.pprof' },
};

export const DEFAULT_MIN_FREE_BYTES = 64 << 20;

/** Make a scratch directory and report the free space under it (KiB), in one round trip. */
const SCRATCH_SCRIPT = [
  'p=${1:-${TMPDIR:-/tmp}}',
  'd=$(mktemp -d "$p/metalbench-profile.XXXXXX") || exit 4',
  'printf "%s\\n" "$d"',
  'df -Pk -- "$d" | awk \'NR==2 {print $4}\'',
].join('\n');

const SUMS_SCRIPT = 'cd -- "$1" || exit 1; for f in *.pprof; do if [ -f "$f" ]; then sha256sum -- "$f"; fi; done';

export async function captureProfiles(req: CaptureRequest, o: CaptureOptions): Promise<CaptureResult> {
  const { host, suite } = req;
  const t = host.transport;
  const exact = exactBenchmark(req.benchmark);
  const where = `host ${host.name}, ${exact.goName}`;
  const notes: string[] = [];
  let hostDir: string | undefined;
  const result = (r: Partial<CaptureResult> & { ok: boolean }): CaptureResult => ({ files: [], notes, stderrTail: '', argv: [], ...(hostDir ? { hostDir } : {}), ...r });
  const fileKinds = req.kinds.filter((k): k is Exclude<ProfileKind, 'gc'> => k !== 'gc');

  if (t.emulated) notes.push('profiled under qemu-user emulation: costs are those of the translated code on the emulating machine, not of the target hardware');

  const pin = host.pinFor(suite);
  const remoteBin = await t.putFile(req.binary.path, req.binary.sha256, `${suite.name}.test`);
  const scratch = await t.exec(['sh', '-c', SCRATCH_SCRIPT, 'scratch', o.scratchParent ?? '']);
  const [dir, freeText] = scratch.stdout.trim().split('\n');
  // The directory is removed afterwards: only ever one that mktemp just made.
  if (scratch.code !== 0 || !dir || !/^\/.*\/metalbench-profile\.[A-Za-z0-9]+$/.test(dir)) {
    return result({ ok: false, error: `${where}: cannot make a directory for profiles in ${o.scratchParent ?? '$TMPDIR or /tmp'}: ${scratch.stderrTail.trim() || `exit ${scratch.code}`}; free space there or set TMPDIR on the host` });
  }
  hostDir = dir;
  try {
    const freeBytes = Number(freeText) * 1024;
    const minFree = o.minFreeBytes ?? DEFAULT_MIN_FREE_BYTES;
    if (Number.isFinite(freeBytes) && freeBytes < minFree) {
      return result({ ok: false, error: `${where}: only ${mib(freeBytes)} free in ${dir}; profiles need at least ${mib(minFree)}; free space on the host (timing results are not affected)` });
    }
    const args = [
      remoteBin,
      '-test.run=^$',
      `-test.bench=${exact.filter}`,
      '-test.count=1',
      `-test.benchtime=${req.iterations !== undefined ? `${req.iterations}x` : suite.benchtime}`,
      `-test.cpu=${exact.procs}`,
      '-test.timeout=0',
    ];
    if (suite.benchmem) args.push('-test.benchmem');
    for (const k of fileKinds) args.push(`${FILE_FOR[k].flag}=${dir}/${FILE_FOR[k].file}`);
    const env: Record<string, string> = { ...suite.env, ...req.env };
    if (req.kinds.includes('gc')) env.GODEBUG = env.GODEBUG ? `${env.GODEBUG},gctrace=1` : 'gctrace=1';
    const argv = pin.wrap(args);

    // Stdout is read for the one result line; stderr for gctrace and testing's own complaints.
    const reader = new BenchReader();
    let iters: number | undefined;
    let nsPerOp: number | undefined;
    let failLine: string | undefined;
    let outTail = '';
    const take = (recs: BenchRecord[]) => {
      for (const r of recs) {
        if (r.kind !== 'result') continue;
        iters = r.iters;
        nsPerOp = r.values.find((v) => v.origUnit === 'ns/op')?.origValue;
      }
    };
    let stderrAll = '';
    let errTail = '';
    // gctrace may print many lines: every one is kept, line by line, apart from the tail.
    const gcLines: string[] = [];
    let partial = '';
    const exec = await t.exec(argv, {
      env,
      ...(host.cwdFor(suite) !== undefined ? { cwd: host.cwdFor(suite) } : {}),
      timeoutMs: suite.timeoutMs,
      onStdout: (chunk) => {
        outTail = appendTail(outTail, chunk, 4096);
        for (const line of chunk.split('\n')) if (line === 'FAIL' || line.startsWith('--- FAIL') || line.startsWith('panic:')) failLine ??= line;
        take(reader.push(chunk));
      },
      onStderr: (chunk) => {
        errTail = appendTail(errTail, chunk);
        if (stderrAll.length < 1 << 16) stderrAll += chunk;
        const lines = (partial + chunk).split('\n');
        partial = lines.pop()!;
        for (const l of lines) if (l.startsWith('gc ')) gcLines.push(l);
      },
    });
    take(reader.end());
    if (partial.startsWith('gc ')) gcLines.push(partial);
    const tail = (errTail.split('\n').filter((l) => !l.startsWith('gc ')).join('\n').trim() || outTail.trim()).slice(-4096);
    const testingComplaint = /^testing: .*$/m.exec(stderrAll + errTail)?.[0];
    // A panic's first line may arrive on stderr (the runtime) rather than stdout.
    failLine ??= /^panic: .*$/m.exec(stderrAll + errTail)?.[0];
    let error: string | undefined;
    if (exec.timedOut) error = `timed out after ${suite.timeoutMs / 1000}s; the process group was killed`;
    else if (exec.signal) error = `killed by ${exec.signal}`;
    else if (exec.code !== 0) error = `exited with status ${exec.code}${failLine ? ` (${failLine})` : testingComplaint ? ` (${testingComplaint})` : ''}`;
    else if (failLine) error = `reported failure: ${failLine}`;
    else if (iters === undefined) error = 'printed no result: the benchmark no longer exists in this binary';
    else {
      const mismatch = pin.verify?.(stderrAll) ?? null;
      if (mismatch) error = `pinning check failed: ${mismatch}`;
    }
    if (error) return result({ ok: false, error: `${where}: the profiled process ${error}; no profile stored (timing results are not affected)`, stderrTail: tail, argv });

    const ops = req.iterations !== undefined ? totalOps(req.iterations) : totalOps(iters!);
    if (req.iterations === undefined) notes.push(`ran for ${suite.benchtime} (no measured iteration count): per-op figures count only the final b.N`);

    // What the host wrote, by name and sha256.
    const sums = await t.exec(['sh', '-c', SUMS_SCRIPT, 'sums', dir]);
    const hostSums = new Map<string, string>();
    for (const line of sums.stdout.split('\n')) {
      const m = /^([0-9a-f]{64})\s+\*?(.+)$/.exec(line.trim());
      if (m) hostSums.set(m[2]!, m[1]!);
    }
    const files: CapturedFile[] = [];
    const missing: string[] = [];
    const empty: string[] = [];
    for (const k of fileKinds) {
      const name = FILE_FOR[k].file;
      const want = hostSums.get(name);
      if (!want) {
        missing.push(k);
        continue;
      }
      const local = join(o.localDir, name);
      await t.getFile(`${dir}/${name}`, local);
      const bytes = await readFile(local);
      const got = createHash('sha256').update(bytes).digest('hex');
      if (got !== want) return result({ ok: false, error: `${where}: ${name} arrived with sha256 ${got}, the host has ${want}; nothing stored`, argv, stderrTail: tail });
      if (bytes.length === 0) {
        empty.push(k);
        continue;
      }
      files.push({ kind: k, path: local, sha256: got, bytes: bytes.length });
    }
    const gcText = gcLines.length > 0 ? `${gcLines.join('\n')}\n` : '';
    if (req.kinds.includes('gc')) {
      const local = join(o.localDir, 'gctrace.txt');
      await writeFile(local, gcText);
      files.push({ kind: 'gc', path: local, sha256: createHash('sha256').update(gcText).digest('hex'), bytes: Buffer.byteLength(gcText) });
      if (gcText === '') notes.push('no gctrace line: the benchmark triggered no collection');
    }
    const gc = req.kinds.includes('gc') ? gcPerOp(parseGcTrace(gcText), ops) : undefined;
    if (missing.length > 0 || empty.length > 0) {
      const why = [
        ...(missing.length > 0 ? [`wrote no ${missing.join(', ')} profile`] : []),
        // Go drops write errors of the CPU profile: an empty file is what a full disk leaves.
        ...(empty.length > 0 ? [`left an empty ${empty.join(', ')} profile in ${dir} (is the host's file system full?)`] : []),
      ];
      return result({
        ok: false,
        error: `${where}: the test binary ${why.join(' and ')}${testingComplaint ? ` (${testingComplaint})` : ''}`,
        files,
        ops,
        ...(nsPerOp !== undefined ? { nsPerOp } : {}),
        ...(gc ? { gc } : {}),
        stderrTail: tail,
        argv,
      });
    }
    return result({ ok: true, files, ops, ...(nsPerOp !== undefined ? { nsPerOp } : {}), ...(gc ? { gc } : {}), stderrTail: tail, argv });
  } finally {
    if (!o.keepScratch) await t.exec(['rm', '-rf', '--', dir]).catch(() => undefined);
  }
}

/** testing runs b.N = 1 first, then the requested N (when above 1). */
export function totalOps(n: number): number {
  return n > 1 ? n + 1 : 1;
}

function mib(bytes: number): string {
  return `${(bytes / (1 << 20)).toFixed(1)} MiB`;
}
