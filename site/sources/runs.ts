/** Runs as the site shows them: when, what was measured, how it ended. */
import type { DB } from './open.ts';

export interface RunMeta {
  id: number;
  kind: string;
  trigger: string;
  status: string;
  startedAt: string;
  /** The x of the run's points: the measured commit's date, else the run's start. */
  at: string;
  revision: string | null;
  variant: string | null;
}

export function loadRuns(db: DB): Map<number, RunMeta> {
  const rows = db
    .prepare<[], { id: number; kind: string; trigger: string; status: string; started_at: string; at: string; revision: string | null; variant: string | null }>(
      'SELECT id, kind, trigger, status, started_at, COALESCE(commit_date, started_at) AS at, revision, variant FROM runs ORDER BY id',
    )
    .all();
  return new Map(rows.map((r) => [r.id, { id: r.id, kind: r.kind, trigger: r.trigger, status: r.status, startedAt: r.started_at, at: r.at, revision: r.revision, variant: r.variant }]));
}

/**
 * The trigger whose runs make the history lines: nightly when any nightly
 * run exists; otherwise every run that is not a PR (a store of manual runs
 * and imports still gets charts).
 */
export function historyTrigger(runs: Map<number, RunMeta>): 'nightly' | 'non-pr' {
  for (const r of runs.values()) if (r.trigger === 'nightly') return 'nightly';
  return 'non-pr';
}

export function inHistory(history: 'nightly' | 'non-pr', trigger: string): boolean {
  return history === 'nightly' ? trigger === 'nightly' : trigger !== 'pr';
}

export interface HostLiveness {
  host: string;
  run: RunMeta;
  /** Jobs of that run on that host, and how many did not end ok (0 for imports). */
  jobs: number;
  failedJobs: number;
  /** True when the newest history run did not measure this host. */
  missedLatest: boolean;
}

/** The latest history run per host (series label), among the last `window` history runs. */
export function latestPerHost(db: DB, runs: Map<number, RunMeta>, history: 'nightly' | 'non-pr', window = 30): { hosts: HostLiveness[]; newest: RunMeta | null } {
  const recent = [...runs.values()]
    .filter((r) => inHistory(history, r.trigger) && r.status !== 'running')
    .sort((a, b) => (a.startedAt < b.startedAt ? 1 : a.startedAt > b.startedAt ? -1 : b.id - a.id))
    .slice(0, window);
  const hostsOf = db.prepare<[number], { host: string }>('SELECT DISTINCT host FROM summaries WHERE run_id = ?');
  const jobsOf = db.prepare<[number], { host: string; jobs: number; failed: number }>(
    "SELECT host, COUNT(*) AS jobs, SUM(status <> 'ok') AS failed FROM jobs WHERE run_id = ? GROUP BY host",
  );
  const out = new Map<string, HostLiveness>();
  const newest = recent[0] ?? null;
  for (const run of recent) {
    const jobs = new Map(jobsOf.all(run.id).map((j) => [j.host, j]));
    const labels = new Set(hostsOf.all(run.id).map((h) => h.host));
    // A host whose jobs all failed has no summaries; its jobs still say it was tried.
    for (const h of jobs.keys()) if (![...labels].some((l) => l === h || l.startsWith(`${h} `))) labels.add(h);
    for (const label of labels) {
      if (out.has(label)) continue;
      const bare = [...jobs.keys()].find((h) => label === h || label.startsWith(`${h} `));
      const j = bare === undefined ? undefined : jobs.get(bare);
      out.set(label, { host: label, run, jobs: j?.jobs ?? 0, failedJobs: j?.failed ?? 0, missedLatest: newest !== null && run.id !== newest.id });
    }
  }
  return { hosts: [...out.values()].sort((a, b) => (a.host < b.host ? -1 : a.host > b.host ? 1 : 0)), newest };
}
