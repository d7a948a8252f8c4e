/**
 * `metalbench nightly SPEC [--revision REF] [--site DIR]`: the whole nightly
 * job. Head (default the module's HEAD) runs in paired rounds against the
 * spec's `anchor: REF` on every host (the compare machinery: the anchor's
 * checkout and binaries are cached, so it is built once), the session is
 * recorded as a nightly, detect runs, and every pending change is checked by
 * an A/B comparison of its last good revision against its first bad one
 * (R = 20 by default): confirmed → alert, not confirmed → kept, dismissed;
 * with --bisect a confirmed range of several commits is searched for the
 * first bad commit by the same test. Every confirmed alert's benchmarks are
 * then profiled, base and head, on the host that confirmed it, and stored
 * under the A/B session (--profile KINDS|none, as compare).
 * Exit 1 when the night produced a new confirmed regression alert, 3 when
 * the run was partial, 2 on bad input, 0 otherwise.
 */
import { execFileSync } from 'node:child_process';
import { DEFAULT_INVENTORY, parseCommand, UsageError, type CliIO } from '../cli/options.ts';
import { LOCK_WAIT_OPTION, NIGHTLY_LOCK_WAIT, parseLockWait } from '../run/lock-wait.ts';
import { parseProfileOption, type ProfileKind } from '../profile/kinds.ts';
import { REGRESSION_KINDS } from '../profile/regressions.ts';

export async function nightlyCommand(args: string[], io: CliIO): Promise<number> {
  const fail = (m: string) => {
    io.stderr.write(`metalbench nightly: ${m}\n`);
    return 2;
  };
  const { values: v, positionals } = parseCommand(args, {
    revision: { type: 'string', default: 'HEAD' },
    site: { type: 'string' },
    rounds: { type: 'string' },
    'confirm-rounds': { type: 'string', default: '20' },
    threshold: { type: 'string', default: '0.02' },
    'no-confirm': { type: 'boolean', default: false },
    bisect: { type: 'boolean', default: false },
    profile: { type: 'string' },
    ...LOCK_WAIT_OPTION,
  });
  if (positionals.length !== 1) throw new UsageError('expected exactly one spec file, e.g. metalbench nightly benchmarks/nightly.yaml');
  const specPath = positionals[0]!;
  // Nobody is there to retry a night that found its hosts busy: it waits (a PR comparison holding them ends).
  const lockWait = parseLockWait(v['lock-wait'] ?? NIGHTLY_LOCK_WAIT);
  if (typeof lockWait === 'object') throw new UsageError(lockWait.error);
  const threshold = Number(v.threshold);
  if (!(threshold >= 0 && threshold < 1)) return fail(`--threshold ${JSON.stringify(v.threshold)} must be a relative change in [0, 1), e.g. 0.02`);
  const intFlag = (name: string, s: string | undefined, min: number) => {
    if (s === undefined) return undefined;
    if (!/^[0-9]+$/.test(s) || Number(s) < min) throw new Error(`--${name} ${JSON.stringify(s)} must be a whole number ≥ ${min}`);
    return Number(s);
  };
  let rounds: number | undefined;
  let confirmRounds: number;
  let profileKinds: readonly ProfileKind[];
  try {
    rounds = intFlag('rounds', v.rounds, 6);
    confirmRounds = intFlag('confirm-rounds', v['confirm-rounds'], 6)!;
    profileKinds = v.profile === undefined ? REGRESSION_KINDS : parseProfileOption(v.profile);
  } catch (e) {
    return fail((e as Error).message);
  }

  const { loadSpec } = await import('../spec/spec.ts');
  const { ValidationError } = await import('../spec/validate.ts');
  let spec;
  try {
    spec = loadSpec(specPath);
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    return fail(`${e.message}\nthe spec has problems; nothing was run`);
  }
  if (spec.anchor === undefined) return fail(`${specPath}: the spec has no \`anchor: REF\`; add the reference revision every night is measured against (e.g. anchor: v1.4.0)`);
  const git = await import('../compare/git.ts');
  let repo: string;
  let headSha: string;
  let anchorSha: string;
  try {
    repo = await git.repoRoot(spec.suites[0]!.moduleDir);
    headSha = await git.resolveCommit(repo, v.revision, '--revision');
    anchorSha = await git.resolveCommit(repo, spec.anchor, 'anchor');
  } catch (e) {
    if (e instanceof git.GitInputError) return fail(`${e.message}; nothing was run`);
    throw e;
  }

  const { comparePaired } = await import('../compare/command.ts');
  const { Store } = await import('../../results/store/store.ts');
  // With --json, stdout carries only the night's document; compare's tables go to stderr.
  const out = v.json ? io.stderr : io.stdout;
  const compareIO = { stdout: out, stderr: io.stderr };
  const inventory = v.inventory ?? DEFAULT_INVENTORY;
  const env = { inventoryPath: inventory, inventoryExplicit: v.inventory !== undefined, commandLine: ['metalbench', 'nightly', ...args] };
  const session = async (base: string, head: string, r: number | undefined, trigger: string) => {
    const store = new Store(v.db);
    const before = store.db.prepare<[], { n: number }>('SELECT COALESCE(MAX(id), 0) AS n FROM runs').get()!.n;
    store.close();
    const code = await comparePaired(
      {
        mode: 'paired', spec: specPath, base, head, repo, ...(r !== undefined ? { rounds: r } : {}), threshold, confirm: false, failOn: 'never',
        floorSessions: 20, overrides: { base: { env: {} }, head: { env: {} } }, db: v.db, lockWaitMs: lockWait, ...(v.inventory !== undefined ? { inventory: v.inventory } : {}),
      },
      compareIO,
      env,
    );
    const s = new Store(v.db);
    try {
      const runs = s.db.prepare<[number], { id: number }>("SELECT id FROM runs WHERE id > ? AND kind = 'compare'").all(before).map((x) => x.id);
      for (const id of runs) s.db.prepare('UPDATE runs SET trigger = ? WHERE id = ?').run(trigger, id);
      return { code, runs };
    } finally {
      s.close();
    }
  };

  const night = await session(anchorSha, headSha, rounds, 'nightly');
  if (night.code === 2) return 2;
  const partial = night.code === 3;
  const committed = (sha: string) => {
    try {
      return execFileSync('git', ['show', '-s', '--format=%cI', sha], { cwd: repo, encoding: 'utf8' }).trim();
    } catch {
      return undefined;
    }
  };

  const { runDetect, settlePending, DetectInputError } = await import('../../results/changepoints/store-detect.ts');
  let store = new Store(v.db);
  let report;
  try {
    const t = committed(headSha);
    if (t) store.db.prepare('INSERT INTO revision_times (revision, committed_at) VALUES (?, ?) ON CONFLICT DO NOTHING').run(headSha, t);
    let inventoryHosts: string[] | undefined;
    try {
      const { loadInventory } = await import('../fleet/inventory.ts');
      inventoryHosts = loadInventory(inventory, { required: v.inventory !== undefined }).hosts.map((h) => h.name);
    } catch {
      inventoryHosts = undefined;
    }
    try {
      report = runDetect(store.db, { threshold, ...(inventoryHosts ? { inventoryHosts } : {}) });
    } catch (e) {
      // A night that stored no result at all (every host down) leaves nothing to detect; the exit says partial.
      if (!(e instanceof DetectInputError)) throw e;
      io.stderr.write(`metalbench nightly: detect: ${e.message}\n`);
      report = { series: 0, analysed: 0, nights: 0, changePoints: [], pending: [], alerts: [], stored: false };
    }
  } finally {
    store.close();
  }

  // Pending changes: an A/B run on the same hosts decides each once.
  const ab: Array<{
    series: string;
    lastGood: string;
    firstBad: string;
    confirmed: boolean;
    runIds: number[];
    culprit?: string;
    alert?: { id: number; kind: string; message: string };
    /** The alert's profiles: the session they are stored under and a line per benchmark and kind. */
    where?: { run: number; lines: string[] };
  }> = [];
  const newAlerts = [...report.alerts];
  type Pending = (typeof report.pending)[number];
  // Does an A/B of good against bad find the series' change (same host, benchmark, unit, direction)?
  const abTest = async (p: Pending, good: string, bad: string, trigger: string) => {
    const r = await session(good, bad, confirmRounds, trigger);
    if (r.code === 2) return undefined;
    const s = new Store(v.db);
    try {
      const strip = (b: string) => b.replace(/-\d+$/, '');
      const verdicts = s.db
        .prepare<[], { host: string; benchmark: string; unit: string; verdict: string; estimate: number | null }>(
          `SELECT host, benchmark, unit, verdict, estimate FROM compare_results WHERE run_id IN (${r.runs.map(Number).join(',') || 'NULL'})`,
        )
        .all()
        .filter((x) => x.host === p.host && strip(x.benchmark) === strip(p.benchmark) && x.unit === p.unit);
      const dir = Math.sign(p.relative);
      const moved = verdicts.filter((x) => (x.verdict === 'regression' || x.verdict === 'improvement') && Math.sign(x.estimate ?? 0) === dir);
      const changed = moved.length > 0;
      return { changed, benchmarks: [...new Set(moved.map((x) => x.benchmark))], runs: r.runs, note: `A/B ${good.slice(0, 12)} vs ${bad.slice(0, 12)}, run ${r.runs.join(', ')}: ${verdicts.map((x) => x.verdict).join(', ') || 'no result'}` };
    } finally {
      s.close();
    }
  };
  // The commits after good up to bad, oldest first (the first-parent path between them).
  const between = (good: string, bad: string) =>
    execFileSync('git', ['rev-list', '--reverse', '--first-parent', `${good}..${bad}`], { cwd: repo, encoding: 'utf8' }).split('\n').filter(Boolean);

  if (!v['no-confirm']) {
    for (const p of report.pending) {
      if (p.lastGood === null || p.firstBad === null) continue;
      const t = await abTest(p, p.lastGood, p.firstBad, 'nightly-confirm');
      if (!t) continue;
      let culprit: string | undefined;
      const notes = [t.note];
      if (t.changed && v.bisect) {
        // Binary search over the range with the same test against the last good revision.
        const path = [p.lastGood, ...between(p.lastGood, p.firstBad)];
        let good = 0;
        let bad = path.length - 1;
        while (bad - good > 1) {
          const mid = (good + bad) >> 1;
          const m = await abTest(p, p.lastGood, path[mid]!, 'nightly-bisect');
          if (!m) break;
          notes.push(m.note);
          if (m.changed) bad = mid;
          else good = mid;
        }
        if (bad - good === 1) culprit = path[bad];
        if (culprit) notes.push(`bisected to ${culprit}`);
      }
      store = new Store(v.db);
      let alert;
      try {
        alert = settlePending(store.db, p, { confirmed: t.changed, note: notes.join('; ') });
        if (alert && t.changed) newAlerts.push(alert);
      } finally {
        store.close();
      }
      // Where: the confirmed alert's benchmarks profiled on its host, after the A/B session's measured rounds.
      let where: { run: number; lines: string[] } | undefined;
      const abRun = t.runs[t.runs.length - 1];
      if (alert && t.changed && abRun !== undefined && profileKinds.length > 0) {
        const { profileAlert } = await import('./alert-profiles.ts');
        const profiled = await profileAlert({
          dbPath: v.db,
          spec,
          repo,
          runId: abRun,
          host: p.host,
          benchmarks: t.benchmarks,
          kinds: profileKinds,
          inventoryPath: inventory,
          inventoryExplicit: v.inventory !== undefined,
          lockWaitMs: lockWait,
          log: (l) => io.stderr.write(`${l}\n`),
        }).catch((e: unknown) => ({ diffs: [], lines: [`where: ${p.series}: not profiled: ${e instanceof Error ? e.message : String(e)}`] }));
        where = { run: abRun, lines: profiled.lines };
      }
      ab.push({ series: p.series, lastGood: p.lastGood, firstBad: p.firstBad, confirmed: t.changed, runIds: t.runs, ...(culprit ? { culprit } : {}), ...(alert ? { alert } : {}), ...(where ? { where } : {}) });
    }
  }

  let site: { pages: number; outDir: string } | undefined;
  if (v.site !== undefined) {
    const { buildSite } = await import('../../site/build.ts');
    site = await buildSite({ dbPath: v.db, outDir: v.site });
  }
  const regression = newAlerts.some((a) => a.kind === 'regression');
  const code = regression ? 1 : partial ? 3 : 0;
  if (v.json) {
    io.stdout.write(`${JSON.stringify({ revision: headSha, anchor: anchorSha, runs: night.runs, partial, detect: report, confirmations: ab, alerts: newAlerts, ...(site ? { site } : {}), exitCode: code }, null, 2)}\n`);
  } else {
    io.stdout.write(`nightly ${headSha.slice(0, 12)} against anchor ${spec.anchor} (${anchorSha.slice(0, 12)}): run ${night.runs.join(', ')}${partial ? ' (partial)' : ''}\n`);
    io.stdout.write(`detect: ${report.series} series, ${report.changePoints.length} change point${report.changePoints.length === 1 ? '' : 's'}, ${report.pending.length} pending\n`);
    for (const c of ab) {
      io.stdout.write(`A/B ${c.lastGood.slice(0, 12)} vs ${c.firstBad.slice(0, 12)} (${c.series}): ${c.confirmed ? `confirmed${c.culprit ? `, bisected to ${c.culprit.slice(0, 12)}` : ''}` : 'not confirmed, dismissed'}\n`);
      for (const l of c.where?.lines ?? []) io.stdout.write(`  ${l}\n`);
    }
    for (const a of newAlerts) io.stdout.write(`alert #${a.id} (${a.kind}) ${a.message}\n`);
    if (site) io.stdout.write(`pages: ${site.outDir}/index.html\n`);
    io.stdout.write(regression ? 'exit 1: a new confirmed regression\n' : partial ? 'exit 3: the run was partial\n' : 'exit 0: no new confirmed regression\n');
  }
  return code;
}
