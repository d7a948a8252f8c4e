/**
 * Where a confirmed nightly alert spends its time: once its A/B session
 * (last good against first bad) has finished, base and head of each
 * benchmark the alert concerns are profiled on the host that confirmed it,
 * pinned as the session was, with the binaries it ran (the build cache
 * gives them back), as extra processes that are never samples. They are
 * stored under the A/B session's run id, whose base and head are the
 * alert's range: that is how `alerts` and the pages find them. The same
 * profileRegressions compare uses does the work; a failure is reported as
 * a line and never changes the alert or the exit code.
 */
import { BuildError, defaultCacheDir } from '../build/build.ts';
import { worktreeFor } from '../compare/git.ts';
import { binaryKey, buildSides, type SideSource } from '../compare/sides.ts';
import { readPlan } from '../compare/session.ts';
import { belongsTo } from '../compare/confirm.ts';
import type { Side } from '../compare/args.ts';
import { profileIterations, profileRegressions, type Regression, type RegressionProfiles } from '../profile/regressions.ts';
import type { ProfileKind } from '../profile/kinds.ts';
import { resolveHosts, type ResolvedHosts } from '../run/resolve-hosts.ts';
import { RunStop } from '../run/stop.ts';
import { onStopSignal } from '../run/signals.ts';
import type { Spec } from '../spec/spec.ts';
import { Store } from '../../results/store/store.ts';

export interface AlertProfileRequest {
  dbPath: string;
  spec: Spec;
  repo: string;
  /** The A/B session that confirmed the alert. */
  runId: number;
  /** The host that confirmed it. */
  host: string;
  /** As the session's results name them, e.g. Spin-2. */
  benchmarks: readonly string[];
  kinds: readonly ProfileKind[];
  inventoryPath: string;
  inventoryExplicit: boolean;
  /** How long to wait for the host if another metalbench holds it. */
  lockWaitMs?: number;
  log: (line: string) => void;
}

export async function profileAlert(r: AlertProfileRequest): Promise<RegressionProfiles> {
  const none = (why: string): RegressionProfiles => ({ diffs: [], lines: r.benchmarks.map((b) => `where: Benchmark${b} on ${r.host}: not profiled: ${why}`) });
  if (r.kinds.length === 0 || r.benchmarks.length === 0) return { diffs: [], lines: [] };
  const store = new Store(r.dbPath);
  let hosts: ResolvedHosts | undefined;
  let stopped = false;
  const guard = onStopSignal(async () => {
    stopped = true;
    await hosts?.close();
  });
  try {
    const session = store.db.prepare<[number], { base_sha: string; head_sha: string }>('SELECT base_sha, head_sha FROM compare_sessions WHERE run_id = ?').get(r.runId);
    const plan = readPlan(store, r.runId).hosts[r.host];
    if (!session || !plan) return none(`run ${r.runId} has no paired session on ${r.host}`);
    const wanted = r.benchmarks.map((benchmark) => {
      const bench = plan.benches.find((b) => belongsTo(benchmark, b.name));
      const suite = bench && r.spec.suites.find((s) => s.name === bench.suite);
      return { benchmark, bench, suite };
    });
    const suites = [...new Set(wanted.flatMap((w) => (w.suite ? [w.suite] : [])))];
    if (suites.length === 0) return none(`run ${r.runId} did not measure it on ${r.host}`);

    try {
      hosts = await resolveHosts(r.spec.hosts, { inventoryPath: r.inventoryPath, inventoryExplicit: r.inventoryExplicit, specPath: r.spec.path, log: r.log, names: [r.host], ...(r.lockWaitMs !== undefined ? { lockWaitMs: r.lockWaitMs } : {}) });
    } catch (e) {
      if (!(e instanceof RunStop)) throw e;
      return none(e.lines.join('; '));
    }
    const host = hosts.sessions.find((h) => h.name === r.host);
    if (!host) return none(hosts.failed.map((f) => f.error).join('; ') || 'the host could not be opened');

    // The session's own binaries: same commits, suites, target and (empty) overrides, so the build cache answers.
    const cache = defaultCacheDir();
    const side = async (s: Side, sha: string): Promise<SideSource> => ({ side: s, ref: sha, sha, root: await worktreeFor(r.repo, sha, cache), worktree: false, overrides: { env: {} } });
    let binaries;
    try {
      const sides = { base: await side('base', session.base_sha), head: await side('head', session.head_sha) };
      binaries = await buildSides({ ...r.spec, suites }, r.repo, sides, [host.target], cache, () => undefined);
    } catch (e) {
      if (!(e instanceof BuildError)) throw e;
      return none(e.message);
    }
    const regressions: Regression[] = [];
    for (const w of wanted) {
      if (!w.bench || !w.suite) continue;
      const base = binaries.get(binaryKey('base', host.target, w.suite.name));
      const head = binaries.get(binaryKey('head', host.target, w.suite.name));
      if (!base || !head) continue;
      const iterations = profileIterations(store, r.runId, r.host, w.benchmark, w.bench.iters);
      regressions.push({ host, suite: w.suite, benchmark: w.benchmark, iterations, base, head });
    }
    return await profileRegressions({ store, runId: r.runId, dbPath: r.dbPath, regressions, kinds: r.kinds, log: r.log, stopped: () => stopped });
  } finally {
    guard.dispose();
    await hosts?.close();
    store.close();
  }
}
