/**
 * `metalbench compare`: check out both sides, build them, run the paired
 * screening session on every selected host, decide, confirm the regression
 * candidates in a second session, print and write the outcome, and exit
 * 0 / 1 / 2 / 3. `calibrate` is the same with head = base (an A/A session).
 */
import { existsSync, writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { loadSpec, parseSpec, type Spec } from '../spec/spec.ts';
import { ValidationError } from '../spec/validate.ts';
import { BuildError, defaultCacheDir } from '../build/build.ts';
import { Store } from '../../results/store/store.ts';
import type { HostFailure, HostSession } from '../run/hosts.ts';
import { resolveHosts, type ResolvedHosts } from '../run/resolve-hosts.ts';
import { RunStop } from '../run/stop.ts';
import { onStopSignal } from '../run/signals.ts';
import { pathOptions, shellWord } from '../run/hint.ts';
import type { DispatchResult } from '../run/dispatch.ts';
import { Progress } from '../run/progress.ts';
import { GitInputError, repoRoot, resolveCommit, uncommittedChanges, workingTreeCommit, worktreeFor } from './git.ts';
import { binaryKey, buildSides, type Binaries, type SideSource } from './sides.ts';
import { newSeed } from './plan.ts';
import { noteUnreached, readPlan, runSession, SessionError, type HostPlan } from './session.ts';
import { analyzeSession } from './analyze.ts';
import { storeResults } from './floors.ts';
import { readAaRecord, saveScreeningOutcome } from '../../results/store/compare-outcomes.ts';
import { aaRecordLine } from '../../results/paired/error-rate.ts';
import { belongsTo, chooseConfirmHosts, confirmationPlans, decideConfirmations } from './confirm.ts';
import { buildReport } from './report.ts';
import type { ProfileKind } from '../profile/kinds.ts';
import { profileIterations, profileRegressions, REGRESSION_KINDS, type Regression, type RegressionProfiles } from '../profile/regressions.ts';
import { whereMarkdown } from '../profile/where.ts';
import { renderJson, renderMarkdown, summarize, verdictTable, type CompareReport, type ConfirmationSummary, type ReportSummary } from '../../results/paired/index.ts';
import { hostBenchstat, storeSessionTables } from './benchstat-table.ts';
import { runningEstimate } from './running.ts';
import type { FailOn, PairedArgs, ResumeArgs, Side, SideOverrides } from './args.ts';

import { EXIT_BAD_INPUT, EXIT_PARTIAL } from '../run/stop.ts';

export interface CompareIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WriteStream | NodeJS.WritableStream;
}

export interface CompareEnv {
  inventoryPath: string;
  inventoryExplicit: boolean;
  /** The command's argv as typed, for the "reproduce" section. */
  commandLine: string[];
  /** Where the site is published (ends in "/"): the outputs link to the screening session's page. */
  siteUrl?: string;
  /** For tests: known_hosts files and ssh config as for run. */
  knownHostsPaths?: string[];
  sshConfigPath?: string;
}

/** What a session needs to be run again later (--resume) or confirmed. */
interface StoredOptions {
  repo: string;
  threshold: number;
  confirm: boolean;
  confirmRounds?: number;
  floorSessions: number;
  command: string[];
  sides: Record<Side, { ref: string; sha: string; worktree: boolean; overrides: SideOverrides }>;
  /** Profiles of each confirmed regression (absent: the default kinds). */
  profile?: ProfileKind[];
}

class BadInput extends Error {}

export async function comparePaired(a: PairedArgs & { db: string }, io: CompareIO, env: CompareEnv): Promise<number> {
  const err = (s: string) => io.stderr.write(`${s}\n`);
  let spec: Spec;
  try {
    spec = loadSpec(a.spec);
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    err(e.message);
    err(`metalbench compare: the spec has ${e.problems.length} problem${e.problems.length === 1 ? '' : 's'}; nothing was run`);
    return EXIT_BAD_INPUT;
  }
  let sides: Record<Side, SideSource>;
  let repo: string;
  try {
    repo = await repoRoot(a.repo ?? spec.suites[0]!.moduleDir);
    for (const s of spec.suites) {
      const rel = relative(repo, s.moduleDir);
      if (rel.startsWith('..') || resolve(repo, rel) !== s.moduleDir) throw new BadInput(`suite ${s.name}: module ${s.moduleDir} is outside the repository ${repo}`);
    }
    const baseSha = await resolveCommit(repo, a.base, '--base');
    const headIsTree = a.head === '.';
    if (!headIsTree && !a.calibrate) {
      const dirty = await uncommittedChanges(repo);
      if (dirty.length > 0) {
        throw new BadInput(
          `${repo} has uncommitted changes (${dirty.slice(0, 5).join(', ')}${dirty.length > 5 ? ', …' : ''}); --head ${a.head} would not measure them. Commit them, or compare the working tree as it is with --head .`,
        );
      }
    }
    const headSha = headIsTree ? await workingTreeCommit(repo) : await resolveCommit(repo, a.head, '--head');
    const cache = defaultCacheDir();
    sides = {
      base: { side: 'base', ref: a.base, sha: baseSha, root: await worktreeFor(repo, baseSha, cache), worktree: false, overrides: a.overrides.base },
      head: headIsTree
        ? { side: 'head', ref: '.', sha: headSha, root: repo, worktree: true, overrides: a.overrides.head }
        : { side: 'head', ref: a.head, sha: headSha, root: await worktreeFor(repo, headSha, cache), worktree: false, overrides: a.overrides.head },
    };
  } catch (e) {
    if (e instanceof GitInputError || e instanceof BadInput) {
      err(`metalbench compare: ${e.message}; nothing was run`);
      return EXIT_BAD_INPUT;
    }
    throw e;
  }
  const rounds = a.rounds ?? spec.rounds;
  const opts: StoredOptions = {
    repo,
    threshold: a.threshold,
    confirm: a.confirm,
    ...(a.confirmRounds !== undefined ? { confirmRounds: a.confirmRounds } : {}),
    floorSessions: a.floorSessions,
    ...(a.profile ? { profile: a.profile } : {}),
    command: env.commandLine,
    sides: {
      base: { ref: sides.base.ref, sha: sides.base.sha, worktree: false, overrides: sides.base.overrides },
      head: { ref: sides.head.ref, sha: sides.head.sha, worktree: sides.head.worktree, overrides: sides.head.overrides },
    },
  };
  return runComparison({ spec, sides, repo, rounds, seed: a.seed ?? newSeed(), opts, failOn: a.failOn, out: a, lockWaitMs: a.lockWaitMs, db: a.db }, io, env);
}

export async function compareResume(a: ResumeArgs & { db: string }, io: CompareIO, env: CompareEnv): Promise<number> {
  const err = (s: string) => io.stderr.write(`${s}\n`);
  if (!existsSync(a.db)) {
    err(`metalbench compare: no database ${a.db}; nothing to resume`);
    return EXIT_BAD_INPUT;
  }
  const store = new Store(a.db);
  const run = store.getRun(a.runId);
  const row = store.db.prepare<[number], { role: string; parent_run_id: number | null; rounds: number; seed: string; plan_json: string }>('SELECT role, parent_run_id, rounds, seed, plan_json FROM compare_sessions WHERE run_id = ?').get(a.runId);
  if (!run || run.kind !== 'compare' || !row) {
    store.close();
    err(`metalbench compare: run ${a.runId} is not a compare session in ${a.db}; list runs with 'metalbench runs'`);
    return EXIT_BAD_INPUT;
  }
  if (run.status === 'running') {
    store.close();
    err(`metalbench compare: run ${a.runId} is still running (pid ${run.pid}); wait for it or stop it first`);
    return EXIT_BAD_INPUT;
  }
  // A confirmation is resumed through its screening session; a screening id finds its confirmation.
  const screenId = row.role === 'confirm' ? row.parent_run_id! : a.runId;
  const confirmOf = store.db.prepare<[number], { run_id: number }>("SELECT run_id FROM compare_sessions WHERE parent_run_id = ? AND role = 'confirm' ORDER BY run_id DESC").get(screenId)?.run_id;
  const screen = store.db.prepare<[number], { rounds: number; seed: string; plan_json: string }>('SELECT rounds, seed, plan_json FROM compare_sessions WHERE run_id = ?').get(screenId)!;
  const specText = store.db.prepare<[number], { spec_text: string; spec_path: string }>('SELECT spec_text, spec_path FROM runs WHERE id = ?').get(screenId)!;
  store.close();
  const opts = (JSON.parse(screen.plan_json) as { options: StoredOptions }).options;
  let spec: Spec;
  try {
    spec = parseSpec(specText.spec_text, specText.spec_path);
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    err(e.message);
    return EXIT_BAD_INPUT;
  }
  const cache = defaultCacheDir();
  let sides: Record<Side, SideSource>;
  try {
    const src = async (side: Side): Promise<SideSource> => {
      const s = opts.sides[side];
      const root = s.worktree ? opts.repo : await worktreeFor(opts.repo, s.sha, cache);
      return { side, ref: s.ref, sha: s.sha, root, worktree: s.worktree, overrides: s.overrides };
    };
    sides = { base: await src('base'), head: await src('head') };
  } catch (e) {
    err(`metalbench compare: cannot check out the session's commits again: ${(e as Error).message}`);
    return EXIT_BAD_INPUT;
  }
  return runComparison(
    { spec, sides, repo: opts.repo, rounds: screen.rounds, seed: screen.seed, opts, failOn: a.failOn, out: a, lockWaitMs: a.lockWaitMs, db: a.db, resume: { screenId, confirmId: row.role === 'confirm' ? a.runId : confirmOf } },
    io,
    env,
  );
}

interface Comparison {
  spec: Spec;
  sides: Record<Side, SideSource>;
  repo: string;
  rounds: number;
  seed: string;
  opts: StoredOptions;
  failOn: FailOn;
  out: { markdown?: string; json?: string };
  lockWaitMs?: number;
  db: string;
  resume?: { screenId: number; confirmId?: number };
}

async function runComparison(c: Comparison, io: CompareIO, env: CompareEnv): Promise<number> {
  const err = (s: string) => io.stderr.write(`${s}\n`);
  const progress = new Progress(io.stderr, Boolean((io.stderr as NodeJS.WriteStream).isTTY));
  const isAA = c.sides.base.sha === c.sides.head.sha && JSON.stringify(c.sides.base.overrides) === JSON.stringify(c.sides.head.overrides) && !c.sides.head.worktree;

  // Hosts: as run does (tag selection, locks), with the session's hosts on resume.
  let resumeHosts: string[] | undefined;
  if (c.resume) {
    const s = new Store(c.db);
    resumeHosts = [...new Set(s.jobsOf(c.resume.screenId).map((j) => j.host))];
    const plan = readPlan(s, c.resume.screenId);
    for (const h of [...Object.keys(plan.hosts), ...(plan.unreached ?? [])]) if (!resumeHosts.includes(h)) resumeHosts.push(h);
    s.close();
  }
  let opened: ResolvedHosts;
  try {
    opened = await resolveHosts(c.spec.hosts, {
      inventoryPath: env.inventoryPath,
      inventoryExplicit: env.inventoryExplicit,
      specPath: c.spec.path,
      log: (l) => progress.log(l),
      ...(c.lockWaitMs !== undefined ? { lockWaitMs: c.lockWaitMs } : {}),
      ...(resumeHosts && resumeHosts.length > 0 ? { names: resumeHosts } : {}),
      ...(env.knownHostsPaths ? { knownHostsPaths: env.knownHostsPaths } : {}),
      ...(env.sshConfigPath ? { sshConfigPath: env.sshConfigPath } : {}),
    });
  } catch (e) {
    if (!(e instanceof RunStop)) throw e;
    for (const l of e.lines) err(l);
    return e.code;
  }
  const closeAll = () => opened.close();
  for (const f of opened.failed) err(`metalbench compare: host ${f.name}: ${f.error}`);
  if (opened.sessions.length === 0) {
    await closeAll();
    err(`${c.spec.path}: hosts: no reachable host; nothing was run`);
    return EXIT_PARTIAL;
  }
  for (const h of opened.sessions) for (const w of h.warnings) progress.log(`warning ${h.name}: ${w}`);

  // Every side, suite and target is built before anything is recorded.
  let binaries: Binaries;
  try {
    const targets = [...new Map(opened.sessions.map((h) => [`${h.target.goos}/${h.target.goarch}`, h.target])).values()];
    binaries = await buildSides(c.spec, c.repo, c.sides, targets, defaultCacheDir(), (w) => progress.show(w));
    progress.clear();
  } catch (e) {
    progress.clear();
    await closeAll();
    if (e instanceof BuildError) {
      err(`metalbench compare: ${e.message}`);
      err('metalbench compare: the suite does not build on that side; nothing was run');
      return EXIT_BAD_INPUT;
    }
    throw e;
  }

  const store = new Store(c.db);
  if (c.resume && !sameBinaries(store, c.resume.screenId, binaries)) {
    await closeAll();
    store.close();
    err(`metalbench compare: the sources or toolchain changed since run ${c.resume.screenId} was measured (a test binary differs); start a new comparison instead of resuming`);
    return EXIT_BAD_INPUT;
  }
  let interrupted = false;
  const activeRuns: number[] = [];
  const guard = onStopSignal(async (sig) => {
    interrupted = true;
    progress.clear();
    for (const id of activeRuns) {
      store.db.prepare("UPDATE jobs SET status = 'interrupted' WHERE run_id = ? AND status = 'running'").run(id);
      store.finishRun(id, 'interrupted', `stopped by ${sig}`);
    }
    const id = activeRuns[activeRuns.length - 1];
    err(`metalbench compare: interrupted by ${sig}; samples measured so far are stored${id !== undefined ? ` (resume with: ${['metalbench', 'compare', '--resume', String(id), ...pathOptions({ dbPath: c.db, inventoryPath: env.inventoryPath })].map(shellWord).join(' ')})` : ''}`);
    await Promise.race([closeAll(), new Promise((r) => setTimeout(r, 1000).unref())]);
  });
  try {
    // Screening.
    const screenId = c.resume?.screenId ?? createSession(store, c, 'screen', null, c.rounds, c.seed, isAA);
    noteUnreached(store, screenId, opened.failed.map((f) => f.name));
    const screenRun = store.getRun(screenId)!;
    let screenOutcome: DispatchResult | undefined;
    let sessionError: string | undefined;
    // A resumed comparison whose screening finished goes straight to its confirmation.
    if (!c.resume || screenRun.status !== 'ok' || c.resume.confirmId === undefined) {
      if (c.resume) store.reopenRun(screenId);
      activeRuns.push(screenId);
      try {
        screenOutcome = await runPairs(store, screenId, c, opened.sessions, opened.failed, c.rounds, c.seed, binaries, progress, () => interrupted);
      } catch (e) {
        if (!(e instanceof SessionError)) throw e;
        sessionError = e.message;
        err(`metalbench compare: ${e.message}`);
      }
      finishSession(store, screenId, screenOutcome, opened, sessionError);
      activeRuns.pop();
    }
    const screenRows = analyzeSession(store, screenId, { threshold: c.opts.threshold, rounds: c.rounds, floorSessions: c.opts.floorSessions });
    storeResults(store, screenId, 'screen', isAA, c.rounds, screenRows);
    // benchstat's tables are stored with the verdicts: the site shows them without rereading samples.
    const screenTables = await storeSessionTables(store, screenId);

    // Confirmation of the regression candidates, in a new session.
    const candidates = screenRows.filter((r) => r.verdict === 'regression');
    let confirmation: ConfirmationSummary | undefined = c.opts.confirm ? decideConfirmations([], []).summary : undefined;
    let confirmId: number | undefined = c.resume?.confirmId;
    const confirmRounds = Math.max(c.rounds, c.opts.confirmRounds ?? c.rounds);
    if (c.opts.confirm && candidates.length > 0 && !sessionError) {
      const cands = chooseConfirmHosts(candidates, opened.sessions);
      const plans = confirmationPlans(cands, readPlan(store, screenId).hosts);
      const seed = newSeed();
      confirmId ??= createSession(store, c, 'confirm', screenId, confirmRounds, seed, isAA);
      if (c.resume?.confirmId !== undefined) store.reopenRun(confirmId);
      activeRuns.push(confirmId);
      const confirmSeed = store.db.prepare<[number], { seed: string }>('SELECT seed FROM compare_sessions WHERE run_id = ?').get(confirmId)!.seed;
      const hosts = opened.sessions.filter((h) => plans[h.name]);
      progress.log(`confirming ${candidates.length} regression candidate${candidates.length === 1 ? '' : 's'} in session ${confirmId} (${confirmRounds} rounds${hosts.some((h) => cands.some((x) => x.confirmHost === h.name && x.row.host !== h.name)) ? ', on other hosts of the same class' : ''})`);
      let confirmError: string | undefined;
      let outcome: DispatchResult | undefined;
      try {
        outcome = await runPairs(store, confirmId, c, hosts, [], confirmRounds, confirmSeed, binaries, progress, () => interrupted, plans);
      } catch (e) {
        if (!(e instanceof SessionError)) throw e;
        confirmError = e.message;
        err(`metalbench compare: ${e.message}`);
      }
      finishSession(store, confirmId, outcome, opened, confirmError);
      activeRuns.pop();
      const confirmRows = analyzeSession(store, confirmId, { threshold: c.opts.threshold, rounds: confirmRounds, floorSessions: c.opts.floorSessions });
      storeResults(store, confirmId, 'confirm', isAA, confirmRounds, confirmRows);
      await storeSessionTables(store, confirmId);
      confirmation = decideConfirmations(cands, confirmRows).summary;
      if (confirmError) sessionError ??= confirmError;
    }

    // The outcome, for the false-alarm record of A/A comparisons (a session cut short counts for nothing).
    if (!sessionError && !interrupted) saveScreeningOutcome(store.db, screenId, candidates.length, c.opts.confirm ? (confirmation?.confirmed ?? 0) : null);
    const record = readAaRecord(store.db, c.spec.name, c.rounds, screenId);

    // Where: each confirmed regression profiled, base and head, on the host that confirmed it.
    let where: RegressionProfiles | undefined;
    const kinds = c.opts.profile ?? REGRESSION_KINDS;
    if (confirmation && confirmId !== undefined && kinds.length > 0 && !interrupted) {
      where = await profileConfirmed(store, c, confirmId, screenId, confirmation, opened.sessions, binaries, kinds, progress, () => interrupted);
    }

    // The outcome: results/paired's report, summary and exit code.
    const sessionIds = confirmId !== undefined ? [screenId, confirmId] : [screenId];
    const invalid = new Map<string, string>();
    for (const f of opened.failed) invalid.set(f.name, `unreachable: ${f.error}`);
    for (const id of sessionIds) {
      const notOk = store.db.prepare<[number], { host: string; n: number }>("SELECT host, COUNT(*) AS n FROM jobs WHERE run_id = ? AND status <> 'ok' GROUP BY host").all(id);
      for (const r of notOk) if (!invalid.has(r.host)) invalid.set(r.host, `${r.n} processes of run ${id} did not finish; finish them with ${resumeHint(id, c, env)}`);
    }
    if (sessionError) for (const h of opened.sessions) if (!invalid.has(h.name)) invalid.set(h.name, sessionError);
    const benchstat = new Map<string, string>();
    for (const h of opened.sessions) benchstat.set(h.name, screenTables.get(h.name) ?? (await hostBenchstat(store, [screenId], h.name)));
    const report = buildReport({
      store,
      specPath: c.spec.path,
      sides: c.sides,
      rounds: c.rounds,
      confirmRounds,
      threshold: c.opts.threshold,
      floorSessions: c.opts.floorSessions,
      failOn: c.failOn,
      screenId,
      ...(confirmId !== undefined ? { confirmId } : {}),
      hosts: opened.sessions,
      binaries,
      suites: c.spec.suites.map((x) => x.name),
      rows: screenRows,
      ...(confirmation ? { confirmation } : {}),
      invalid,
      unreached: opened.failed.map((f) => f.name),
      benchstat,
      reproduce: c.opts.command,
      aaRecord: record,
      ...(env.siteUrl !== undefined ? { pageUrl: comparisonPageUrl(env.siteUrl, screenId) } : {}),
    });
    const summary = summarize(report);
    writeOutputs(report, summary, c.out, io, isAA, where);
    return summary.exitCode;
  } finally {
    guard.dispose();
    progress.clear();
    await closeAll();
    store.close();
  }
}

/** The page `metalbench site` writes for a session, at the published address. */
export function comparisonPageUrl(siteUrl: string, runId: number): string {
  return `${siteUrl}compare/${runId}.html`;
}

function createSession(store: Store, c: Comparison, role: 'screen' | 'confirm', parent: number | null, rounds: number, seed: string, isAA: boolean): number {
  return store.db.transaction(() => {
    const runId = store.createRun({
      kind: 'compare',
      trigger: role === 'confirm' ? 'confirm' : 'manual',
      specPath: c.spec.path,
      specName: c.spec.name,
      specText: c.spec.text,
      source: c.spec.path,
      revision: c.sides.head.sha,
    });
    const plan = { options: c.opts, session: { hosts: {} } };
    store.db
      .prepare(
        `INSERT INTO compare_sessions (run_id, role, parent_run_id, base_ref, head_ref, base_sha, head_sha, head_worktree, is_aa, rounds, seed, plan_json)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(runId, role, parent, c.sides.base.ref, c.sides.head.ref, c.sides.base.sha, c.sides.head.sha, c.sides.head.worktree ? 1 : 0, isAA ? 1 : 0, rounds, seed, JSON.stringify(plan));
    return runId;
  })();
}

async function runPairs(
  store: Store,
  runId: number,
  c: Comparison,
  hosts: readonly HostSession[],
  unavailable: readonly HostFailure[],
  rounds: number,
  seed: string,
  binaries: Binaries,
  progress: Progress,
  isInterrupted: () => boolean,
  presets?: Record<string, HostPlan>,
): Promise<DispatchResult> {
  const tty = Boolean((process.stderr as NodeJS.WriteStream).isTTY);
  const estimates = new Map<string, string | undefined>();
  const ctx = {
    store,
    runId,
    spec: c.spec,
    repoRoot: c.repo,
    sides: c.sides,
    binaries,
    rounds,
    seed,
    progress,
    isInterrupted,
    // Recomputed once per finished round, shown with every job's status line.
    onRound: (host: string) => {
      if (tty) estimates.set(host, runningEstimate(store, runId, host));
    },
    estimate: (host: string) => estimates.get(host),
  };
  return runSession(ctx, hosts, unavailable, presets);
}

function finishSession(store: Store, runId: number, outcome: DispatchResult | undefined, opened: { failed: readonly HostFailure[] }, error?: string): void {
  const pending = store.db.prepare<[number], { n: number }>("SELECT COUNT(*) AS n FROM jobs WHERE run_id = ? AND status <> 'ok'").get(runId)!.n;
  const missingHosts = opened.failed.length;
  if (error) store.finishRun(runId, 'failed', error);
  else if ((outcome?.failed.length ?? 0) > 0 || pending > 0 || missingHosts > 0) store.finishRun(runId, 'partial', `${pending} jobs not ok${missingHosts ? `; ${missingHosts} hosts unreachable` : ''}`);
  else store.finishRun(runId, 'ok');
}

function sameBinaries(store: Store, runId: number, binaries: Binaries): boolean {
  const recorded = store.db
    .prepare<[number], { sha256: string }>('SELECT DISTINCT b.sha256 FROM jobs j JOIN builds b ON b.id = j.build_id WHERE j.run_id = ?')
    .all(runId)
    .map((r) => r.sha256);
  const now = new Set([...binaries.values()].map((b) => b.sha256));
  return recorded.every((s) => now.has(s));
}

function resumeHint(runId: number, c: Comparison, env: CompareEnv): string {
  return ['metalbench', 'compare', '--resume', String(runId), ...pathOptions({ dbPath: c.db, inventoryPath: env.inventoryPath })].map(shellWord).join(' ');
}

function exitReason(s: ReportSummary, failOn: FailOn): string {
  const regressions = `${s.confirmed} ${s.confirmationSkipped ? '' : 'confirmed '}regression${s.confirmed === 1 ? '' : 's'}`;
  if (s.exitCode === 3) return 'the session is incomplete';
  if (s.exitCode === 1) return s.confirmed > 0 ? regressions : 'inconclusive rows and --fail-on inconclusive';
  return s.confirmed > 0 && failOn === 'never' ? `${regressions}, not failing (--fail-on never)` : 'no confirmed regression';
}

/** stdout: per host benchstat's table then the verdict table; then the confirmation and the outcome. */
function writeOutputs(report: CompareReport, summary: ReportSummary, out: { markdown?: string; json?: string }, io: CompareIO, isAA: boolean, where?: RegressionProfiles): void {
  const w = (s: string) => io.stdout.write(s);
  const fam = report.rows.filter((r) => r.q !== undefined).length;
  for (const h of report.hosts) {
    if (h.fingerprint === '') {
      w(`host ${h.name}: not measured: ${h.invalid ?? 'unreachable'}\n\n`);
      continue;
    }
    w(`host ${h.name} (${h.arch}, ${h.facts.cpu ?? '?'}, fingerprint ${h.fingerprint.slice(0, 12)}, pin ${h.pin.identity})\n\n`);
    w(h.benchstat);
    w(`\n${isAA ? 'A/A ' : ''}paired verdicts over ${report.protocol.rounds} rounds (Δ: Hodges–Lehmann estimate of head/base, exact ${Math.round(report.protocol.confidence * 100)}% CI; q: Benjamini–Hochberg over ${fam} rows):\n`);
    w(verdictTable(report.rows.filter((r) => r.host === h.name), report));
    for (const a of h.added) w(`added (head only, not compared): ${a}\n`);
    for (const r of h.removed) w(`removed (base only, not compared): ${r}\n`);
    if (h.invalid) w(`session incomplete on this host: ${h.invalid}\n`);
    w('\n');
  }
  const c = summary.counts;
  w(`verdicts: ${c.regression} regression, ${c.improvement} improvement, ${c['no-change']} no change, ${c.inconclusive} inconclusive\n`);
  w(report.confirmation ? `${report.confirmation.line}\n` : `screened ${summary.screened} → not confirmed (--no-confirm)\n`);
  for (const r of report.confirmation?.rows ?? []) w(`  ${r.confirmed ? 'confirmed' : 'dismissed'}: ${r.host} ${r.benchmark} ${r.unit}${r.confirmHost ? ` (re-measured on ${r.confirmHost})` : ''}: ${r.reason}\n`);
  if (report.aaRecord) w(`${aaRecordLine(report.aaRecord)}\n`);
  for (const l of where?.lines ?? []) w(`${l}\n`);
  if (report.pageUrl) w(`comparison page (once the site is rebuilt and published): ${report.pageUrl}\n`);
  w(`exit ${summary.exitCode}: ${exitReason(summary, report.protocol.failOn)}\n`);
  if (out.markdown) writeFileSync(out.markdown, renderMarkdown(report) + (where && where.diffs.length > 0 ? `\n${whereMarkdown(where.diffs)}` : ''));
  if (out.json) writeFileSync(out.json, renderJson(report));
}

/** Base and head profiles of every confirmed regression (once per host and benchmark), stored under the confirmation session. */
async function profileConfirmed(
  store: Store,
  c: Comparison,
  confirmId: number,
  screenId: number,
  confirmation: ConfirmationSummary,
  sessions: readonly HostSession[],
  binaries: Binaries,
  kinds: readonly ProfileKind[],
  progress: Progress,
  stopped: () => boolean,
): Promise<RegressionProfiles> {
  const plans = readPlan(store, screenId).hosts;
  const regressions: Regression[] = [];
  const seen = new Set<string>();
  for (const row of confirmation.rows.filter((r) => r.confirmed)) {
    const hostName = row.confirmHost ?? row.host;
    const host = sessions.find((h) => h.name === hostName);
    const bench = plans[row.host]?.benches.find((b) => belongsTo(row.benchmark, b.name));
    const suite = bench && c.spec.suites.find((s) => s.name === bench.suite);
    const key = `${hostName}\0${row.benchmark}`;
    if (!host || !bench || !suite || seen.has(key)) continue;
    seen.add(key);
    const base = binaries.get(binaryKey('base', host.target, suite.name));
    const head = binaries.get(binaryKey('head', host.target, suite.name));
    if (!base || !head) continue;
    const iterations = profileIterations(store, screenId, row.host, row.benchmark, bench.iters);
    regressions.push({ host, suite, benchmark: row.benchmark, iterations, base, head, env: { base: c.sides.base.overrides.env, head: c.sides.head.overrides.env } });
  }
  if (regressions.length === 0) return { diffs: [], lines: [] };
  progress.show(`profiling ${regressions.length} confirmed regression${regressions.length === 1 ? '' : 's'} (${kinds.join(', ')})`);
  try {
    return await profileRegressions({ store, runId: confirmId, dbPath: c.db, regressions, kinds, log: (l) => progress.log(l), stopped });
  } finally {
    progress.clear();
  }
}
