/**
 * Stored `metalbench compare` sessions and their verdicts (tables
 * compare_sessions and compare_results), and the A/A noise floors they give.
 * A store written before comparisons existed has neither table: no sessions.
 */
import type { DB } from './open.ts';

export interface CompareRow {
  host: string;
  fingerprint: string;
  pin: string;
  benchmark: string;
  unit: string;
  pairs: number;
  /** Hodges–Lehmann estimate of ln(head/base) and its CI; null when there were too few pairs. */
  estimate: number | null;
  ciLow: number | null;
  ciHigh: number | null;
  p: number | null;
  q: number | null;
  /** The practical threshold, as ln(1 + threshold). */
  delta: number;
  mde: number | null;
  verdict: string;
}

export interface CompareSession {
  runId: number;
  role: string;
  parentRunId: number | null;
  baseRef: string;
  headRef: string;
  baseSha: string;
  headSha: string;
  headWorktree: boolean;
  isAa: boolean;
  rounds: number;
  startedAt: string;
  status: string;
  specPath: string | null;
  specName: string | null;
  results: CompareRow[];
}

function hasTables(db: DB): boolean {
  const n = db
    .prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name IN ('compare_sessions', 'compare_results')")
    .get()!.n;
  return n === 2;
}

export function loadComparisons(db: DB): CompareSession[] {
  if (!hasTables(db)) return [];
  const sessions = db
    .prepare<[], { run_id: number; role: string; parent_run_id: number | null; base_ref: string; head_ref: string; base_sha: string; head_sha: string; head_worktree: number; is_aa: number; rounds: number; started_at: string; status: string; spec_path: string | null; spec_name: string | null }>(
      `SELECT c.run_id, c.role, c.parent_run_id, c.base_ref, c.head_ref, c.base_sha, c.head_sha, c.head_worktree, c.is_aa, c.rounds,
              r.started_at, r.status, r.spec_path, r.spec_name
       FROM compare_sessions c JOIN runs r ON r.id = c.run_id ORDER BY c.run_id`,
    )
    .all();
  const results = db.prepare<[number], { host: string; host_fingerprint: string; pin: string; benchmark: string; unit: string; pairs: number; estimate: number | null; ci_low: number | null; ci_high: number | null; p: number | null; q: number | null; delta: number; mde: number | null; verdict: string }>(
    `SELECT host, host_fingerprint, pin, benchmark, unit, pairs, estimate, ci_low, ci_high, p, q, delta, mde, verdict
     FROM compare_results WHERE run_id = ? ORDER BY benchmark, unit, host`,
  );
  return sessions.map((s) => ({
    runId: s.run_id,
    role: s.role,
    parentRunId: s.parent_run_id,
    baseRef: s.base_ref,
    headRef: s.head_ref,
    baseSha: s.base_sha,
    headSha: s.head_sha,
    headWorktree: s.head_worktree === 1,
    isAa: s.is_aa === 1,
    rounds: s.rounds,
    startedAt: s.started_at,
    status: s.status,
    specPath: s.spec_path,
    specName: s.spec_name,
    results: results.all(s.run_id).map((r) => ({
      host: r.host,
      fingerprint: r.host_fingerprint,
      pin: r.pin,
      benchmark: r.benchmark,
      unit: r.unit,
      pairs: r.pairs,
      estimate: r.estimate,
      ciLow: r.ci_low,
      ciHigh: r.ci_high,
      p: r.p,
      q: r.q,
      delta: r.delta,
      mde: r.mde,
      verdict: r.verdict,
    })),
  }));
}

export interface NoiseFloor {
  /** Smallest detectable effect of the latest A/A session, as a relative change. */
  mde: number | null;
  /** Half-width of the latest A/A confidence interval, as a relative change. */
  halfWidth: number | null;
  sessions: number;
}

/** A/A noise floors per host, benchmark and unit (key "host\0benchmark\0unit"), from the latest A/A session. */
export function noiseFloors(sessions: readonly CompareSession[]): Map<string, NoiseFloor> {
  const out = new Map<string, NoiseFloor>();
  for (const s of sessions) {
    if (!s.isAa) continue;
    for (const r of s.results) {
      const key = `${r.host}\0${r.benchmark}\0${r.unit}`;
      const n = (out.get(key)?.sessions ?? 0) + 1;
      const half = r.ciLow !== null && r.ciHigh !== null ? (Math.expm1(r.ciHigh) - Math.expm1(r.ciLow)) / 2 : null;
      out.set(key, { mde: r.mde === null ? null : Math.expm1(r.mde), halfWidth: half, sessions: n });
    }
  }
  return out;
}

/** The command that measures the same comparison again. */
export function reproduceCommand(s: CompareSession): string {
  const spec = s.specPath ?? 'SPEC';
  return `metalbench compare ${shellWord(spec)} --base ${shellWord(s.baseSha)} --head ${shellWord(s.headSha)} --rounds ${s.rounds}`;
}

function shellWord(w: string): string {
  return /^[A-Za-z0-9_./:=@+-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`;
}

