/**
 * Where each confirmed regression of a comparison spends its time: base and
 * head profiled (profileSides) on the host that confirmed it, with the
 * binaries and iterations the paired rounds used, then diffed per kind. The
 * result is a line per regression for the terminal and the diffs for the
 * PR comment's "where" section (whereMarkdown). A failure here is reported
 * and never changes a verdict or the exit code.
 */
import type { BuiltBinary } from '../build/build.ts';
import type { HostSession } from '../run/hosts.ts';
import type { SuiteSpec } from '../spec/spec.ts';
import type { Store } from '../../results/store/store.ts';
import { diffStored, ProfileDiffError, type DiffResult } from './command.ts';
import type { ProfileKind } from './kinds.ts';
import { profileSides } from './phase.ts';
import { shellWord } from '../run/hint.ts';

export interface Regression {
  host: HostSession;
  suite: SuiteSpec;
  /** As the results name it, e.g. Spin-2. */
  benchmark: string;
  /** b.N of the paired rounds. */
  iterations?: number;
  base: BuiltBinary;
  head: BuiltBinary;
  /** Each side's own process environment, over the suite's. */
  env?: { base?: Readonly<Record<string, string>>; head?: Readonly<Record<string, string>> };
}

/** What a confirmed regression is profiled for unless --profile says otherwise. */
export const REGRESSION_KINDS: readonly ProfileKind[] = ['cpu', 'alloc', 'gc'];

/** Seconds of base work a regression's profile aims at. */
export const PROFILE_SECONDS = 1;

/**
 * b.N for a regression's profiled processes: at least the measured rounds'
 * iterations, and about PROFILE_SECONDS of base work at the median base
 * sec/op the session stored for that host and benchmark (rounds may be
 * short; a profile needs about a second to say much, and costs are per op
 * either way).
 */
export function profileIterations(store: Store, runId: number, host: string, benchmark: string, measuredIters: number): number {
  const secs = store.db
    .prepare<[number, string, string], { value: number }>(
      `SELECT s.value FROM samples s JOIN jobs j ON j.id = s.job_id JOIN benchmarks b ON b.id = s.benchmark_id
       WHERE s.run_id = ? AND j.host = ? AND j.side = 'base' AND b.name = ? AND s.unit = 'sec/op' AND s.value > 0 ORDER BY s.value`,
    )
    .all(runId, host, benchmark)
    .map((r) => r.value);
  const secPerOp = secs[secs.length >> 1];
  return secPerOp ? Math.max(measuredIters, Math.min(Math.ceil(PROFILE_SECONDS / secPerOp), 1e9)) : measuredIters;
}

export interface RegressionProfiles {
  diffs: DiffResult[];
  /** One line per regression and kind, for the terminal. */
  lines: string[];
}

export async function profileRegressions(o: {
  store: Store;
  /** The session the profiles are stored under (the confirmation's). */
  runId: number;
  dbPath: string;
  regressions: readonly Regression[];
  kinds: readonly ProfileKind[];
  log: (line: string) => void;
  stopped: () => boolean;
}): Promise<RegressionProfiles> {
  const out: RegressionProfiles = { diffs: [], lines: [] };
  for (const r of o.regressions) {
    if (o.stopped() || r.host.lost) break;
    const sides = await profileSides({
      store: o.store,
      runId: o.runId,
      host: r.host,
      suite: r.suite,
      benchmark: r.benchmark,
      kinds: o.kinds,
      sides: [
        { side: 'base', binary: r.base, ...(r.iterations !== undefined ? { iterations: r.iterations } : {}), ...(r.env?.base ? { env: r.env.base } : {}) },
        { side: 'head', binary: r.head, ...(r.iterations !== undefined ? { iterations: r.iterations } : {}), ...(r.env?.head ? { env: r.env.head } : {}) },
      ],
      log: o.log,
    });
    const both = o.kinds.filter((k) => sides.every((s) => s.kinds.includes(k)));
    for (const kind of both) {
      try {
        const d = await diffStored(o.store, { runId: o.runId, benchmark: r.benchmark, kind, host: r.host.name });
        out.diffs.push(d);
        const top = d.diff?.byFlat[0];
        const cmd = ['metalbench', 'profile', 'diff', '--run', String(o.runId), r.benchmark, '--kind', kind, '--host', r.host.name, '--db', o.dbPath].map(shellWord).join(' ');
        out.lines.push(
          `where: Benchmark${r.benchmark} on ${r.host.name}, ${kind}: ${top ? `${top.name} ${top.flatDelta > 0 ? 'grew' : 'shrank'} most (${top.flatRatio === null ? 'new' : `${top.flatRatio.toFixed(2)}×`} per op)` : d.gc ? `${d.gc.base.collectionsPerOp.toPrecision(3)} → ${d.gc.head.collectionsPerOp.toPrecision(3)} collections/op` : 'no change'}; details: ${cmd}`,
        );
      } catch (e) {
        if (!(e instanceof ProfileDiffError)) throw e;
        out.lines.push(`where: Benchmark${r.benchmark} on ${r.host.name}, ${kind}: ${e.message}`);
      }
    }
    for (const s of sides) if (s.error) out.lines.push(`where: Benchmark${r.benchmark} on ${r.host.name}, ${s.side}: not profiled: ${s.error}`);
  }
  return out;
}
