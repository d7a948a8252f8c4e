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
import { buildSides, type Binaries, type SideSource } from './sides.ts';
import { newSeed, roundOrders } from './plan.ts';
import { readPlan, runSession, SessionError, type HostPlan } from './session.ts';
import { analyzeSession, type PairedRow } from './analyze.ts';
import { storeResults } from './floors.ts';
import { chooseConfirmHosts, confirmationPlans, decideConfirmations, hostClass, type Confirmation } from './confirm.ts';
import { countVerdicts, resultDoc, type CompareDoc, type HostDoc, type SessionDoc } from './document.ts';
import { confirmedKeys, summaryLines, toMarkdown, verdictTable } from './render.ts';
import { hostBenchstat } from './benchstat-table.ts';
import { runningEstimate } from './running.ts';
import type { FailOn, PairedArgs, ResumeArgs, Side, SideOverrides } from './args.ts';
import type { HostFacts } from '../host/facts.ts';

export const EXIT_OK = 0;
export const EXIT_REGRESSION = 1;
export const EXIT_BAD_INPUT = 2;
export const EXIT_PARTIAL = 3;

export interface CompareIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WriteStream | NodeJS.WritableStream;
}

export interface CompareEnv {
  inventoryPath: string;
  inventoryExplicit: boolean;
  /** The command line as typed, for the "reproduce" section. */
  commandLine: string;
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
  command: string;
  sides: Record<Side, { ref: string; sha: string; worktree: boolean; overrides: SideOverrides }>;
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
  // A confirmation is resumed through its screening session.
  const screenId = row.role === 'confirm' ? row.parent_run_id! : a.runId;
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
    { spec, sides, repo: opts.repo, rounds: screen.rounds, seed: screen.seed, opts, failOn: a.failOn, out: a, lockWaitMs: a.lockWaitMs, db: a.db, resume: { screenId, confirmId: row.role === 'confirm' ? a.runId : undefined } },
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
    for (const h of Object.keys(readPlan(s, c.resume.screenId).hosts)) if (!resumeHosts.includes(h)) resumeHosts.push(h);
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
    if (c.resume) store.reopenRun(screenId);
    activeRuns.push(screenId);
    const screenRun = store.getRun(screenId)!;
    let screenOutcome: DispatchResult | undefined;
    let sessionError: string | undefined;
    if (!c.resume || screenRun.status !== 'ok' || c.resume.confirmId === undefined) {
      try {
        screenOutcome = await runPairs(store, screenId, c, opened.sessions, opened.failed, c.rounds, c.seed, binaries, progress, () => interrupted);
      } catch (e) {
        if (!(e instanceof SessionError)) throw e;
        sessionError = e.message;
        err(`metalbench compare: ${e.message}`);
      }
      finishSession(store, screenId, screenOutcome, opened, sessionError);
    }
    activeRuns.pop();
    const screenRows = analyzeSession(store, screenId, { threshold: c.opts.threshold, rounds: c.rounds, floorSessions: c.opts.floorSessions });
    storeResults(store, screenId, 'screen', isAA, c.rounds, screenRows);

    // Confirmation of the regression candidates, in a new session.
    const candidates = screenRows.filter((r) => r.verdict === 'regression');
    let confirmations: Confirmation[] = [];
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
      confirmations = decideConfirmations(cands, confirmRows);
      if (confirmError) sessionError ??= confirmError;
    }

    // The outcome.
    const sessionIds = confirmId !== undefined ? [screenId, confirmId] : [screenId];
    const runs = sessionIds.map((id) => store.getRun(id)!);
    const partial = runs.some((r) => r.status !== 'ok') || sessionError !== undefined;
    const confirmedCount = confirmations.filter((x) => x.confirmed).length;
    const anyInconclusive = screenRows.some((r) => r.verdict === 'inconclusive');
    let code = EXIT_OK;
    let reason = 'no confirmed regression';
    const regressions = c.opts.confirm ? confirmedCount : candidates.length;
    if (c.failOn !== 'never' && regressions > 0) {
      code = EXIT_REGRESSION;
      reason = `${regressions} ${c.opts.confirm ? 'confirmed ' : ''}regression${regressions === 1 ? '' : 's'}`;
    } else if (partial) {
      code = EXIT_PARTIAL;
      reason = sessionError ?? `partial session: ${runs.map((r) => `run ${r.id} ${r.status}`).join(', ')}; finish it with metalbench compare --resume ${runs.find((r) => r.status !== 'ok')?.id ?? screenId}`;
    } else if (c.failOn === 'inconclusive' && anyInconclusive) {
      code = EXIT_REGRESSION;
      reason = 'inconclusive results and --fail-on inconclusive';
    } else if (c.failOn === 'never' && regressions > 0) {
      reason = `${regressions} regression${regressions === 1 ? '' : 's'}, not failing (--fail-on never)`;
    }
    const doc = buildDoc(store, c, isAA, sessionIds, opened.sessions, binaries, screenRows, confirmations, { code, reason });
    const tables = new Map<string, string>();
    for (const h of doc.hosts) tables.set(h.name, await hostBenchstat(store, [screenId], h.name));
    writeOutputs(doc, tables, c.out, io);
    return code;
  } finally {
    guard.dispose();
    progress.clear();
    await closeAll();
    store.close();
  }
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
    onRound: (host: string, round: number) => {
      const est = runningEstimate(store, runId, host);
      progress.show(`${host}: round ${round + 1}/${rounds}${est ? ` · ${est}` : ''}`);
    },
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

function buildDoc(
  store: Store,
  c: Comparison,
  isAA: boolean,
  sessionIds: number[],
  hosts: readonly HostSession[],
  binaries: Binaries,
  rows: PairedRow[],
  confirmations: Confirmation[],
  exit: { code: number; reason: string },
): CompareDoc {
  const sessions: SessionDoc[] = sessionIds.map((id) => {
    const s = store.db.prepare<[number], { role: 'screen' | 'confirm'; seed: string; rounds: number }>('SELECT role, seed, rounds FROM compare_sessions WHERE run_id = ?').get(id)!;
    const run = store.getRun(id)!;
    const plan = readPlan(store, id);
    const orders = Object.fromEntries(Object.keys(plan.hosts).map((h) => [h, roundOrders(s.rounds, s.seed, h)]));
    return { runId: id, role: s.role, seed: s.seed, rounds: s.rounds, status: run.status, orders, plans: plan.hosts, failedJobs: run.failed_jobs };
  });
  const screenPlan = readPlan(store, sessionIds[0]!);
  const hostDocs: HostDoc[] = hosts
    .filter((h) => screenPlan.hosts[h.name] || rows.some((r) => r.host === h.name))
    .map((h) => {
      const f = h.facts as Partial<HostFacts>;
      const bins: Record<Side, Record<string, string>> = { base: {}, head: {} };
      for (const side of ['base', 'head'] as const) {
        for (const s of c.spec.suites) {
          const b = binaries.get(`${side}\0${h.target.goos}/${h.target.goarch}\0${s.name}`);
          if (b) bins[side][s.name] = b.sha256;
        }
      }
      return {
        name: h.name,
        fingerprint: h.fingerprint,
        pin: rows.find((r) => r.host === h.name)?.pin ?? 'none',
        cpu: f.cpu?.model ?? hostClass(h),
        kernel: f.kernel ?? '',
        goarch: h.target.goarch,
        binaries: bins,
      };
    });
  const added = Object.entries(screenPlan.hosts).flatMap(([host, p]) => p.added.map((b) => ({ host, benchmark: b })));
  const removed = Object.entries(screenPlan.hosts).flatMap(([host, p]) => p.removed.map((b) => ({ host, benchmark: b })));
  return {
    schema: 'metalbench-compare/1',
    paired: true,
    command: c.opts.command,
    spec: c.spec.path,
    repo: c.repo,
    aa: isAA,
    threshold: c.opts.threshold,
    base: { ref: c.sides.base.ref, sha: c.sides.base.sha, overrides: c.sides.base.overrides },
    head: { ref: c.sides.head.ref, sha: c.sides.head.sha, workingTree: c.sides.head.worktree, overrides: c.sides.head.overrides },
    sessions,
    hosts: hostDocs,
    added,
    removed,
    results: rows.map(resultDoc),
    screened: rows.filter((r) => r.verdict === 'regression').length,
    confirmation: {
      skipped: !c.opts.confirm,
      confirmed: confirmations.filter((x) => x.confirmed).length,
      items: confirmations.map((x) => ({
        host: x.candidate.row.host,
        benchmark: x.candidate.row.benchmark,
        unit: x.candidate.row.unit,
        confirmHost: x.candidate.confirmHost,
        confirmed: x.confirmed,
        reason: x.reason,
        again: x.again ? resultDoc(x.again) : null,
      })),
    },
    counts: countVerdicts(rows),
    exit,
  };
}

function writeOutputs(doc: CompareDoc, tables: Map<string, string>, out: { markdown?: string; json?: string }, io: CompareIO): void {
  const keys = confirmedKeys(doc);
  const w = (s: string) => io.stdout.write(s);
  for (const h of doc.hosts) {
    w(`host ${h.name} (${h.cpu}, fingerprint ${h.fingerprint.slice(0, 12)}, pin ${h.pin})\n\n`);
    w(tables.get(h.name) ?? '');
    w(`\npaired verdicts, ${doc.sessions[0]!.rounds} rounds (Δ: Hodges–Lehmann estimate of head/base, exact 95% CI; q: Benjamini–Hochberg):\n`);
    w(verdictTable(doc.results.filter((r) => r.host === h.name), keys));
    w('\n');
  }
  for (const l of summaryLines(doc)) w(`${l}\n`);
  w(`exit ${doc.exit.code}: ${doc.exit.reason}\n`);
  if (out.markdown) writeFileSync(out.markdown, toMarkdown(doc, tables));
  if (out.json) writeFileSync(out.json, `${JSON.stringify(doc, null, 2)}\n`);
}
