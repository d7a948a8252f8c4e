// The stored profiles of an alert: base and head profiles taken in a paired
// session whose base and head are exactly the alert's last good and first
// bad revisions, of its benchmark on its host (nightly stores them under the
// A/B session that confirmed the alert; a compare of the same range counts
// too). The newest such session wins. `alerts` diffs them; the pages link to
// their profile page.

import type { DB } from '../store/store.ts';

export interface AlertProfileSet {
  /** The session the profiles are stored under. */
  run: number;
  /** The host as the profiles name it (an alert's host may carry pinning after it). */
  host: string;
  /** As stored, with -N. */
  benchmark: string;
  /** Kinds with both a base and a head profile, canonical order. */
  kinds: string[];
}

export interface AlertKey {
  id: number;
  host: string | null;
  benchmark: string | null;
  last_good: string | null;
  first_bad: string | null;
}

const KIND_ORDER = ['cpu', 'alloc', 'block', 'mutex', 'gc'];

function hasTables(db: DB, names: readonly string[]): boolean {
  const n = db.prepare<string[], { n: number }>(`SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name IN (${names.map(() => '?').join(', ')})`).get(...names)!.n;
  return n === names.length;
}

/** Same host: equal, or the alert's label is the host name followed by its pinning. */
const sameHost = (profiled: string, alerted: string) => alerted === profiled || alerted.startsWith(`${profiled} `);
/** Same benchmark: the stored name is the alert's, maybe with its -N suffix. */
const sameBenchmark = (stored: string, alerted: string) => stored === alerted || stored.replace(/-[0-9]+$/, '') === alerted;

/** Alert id → its profile sets (one per profiled benchmark name, from the newest session); alerts without profiles are absent. */
export function alertProfileSets(db: DB, alerts: readonly AlertKey[]): Map<number, AlertProfileSet[]> {
  const out = new Map<number, AlertProfileSet[]>();
  if (alerts.length === 0 || !hasTables(db, ['profiles', 'compare_sessions'])) return out;
  const rowsOf = db.prepare<[string, string], { run_id: number; host: string; benchmark: string; kind: string; side: string }>(
    `SELECT p.run_id, p.host, p.benchmark, p.kind, p.side FROM profiles p JOIN compare_sessions cs ON cs.run_id = p.run_id
     WHERE p.status = 'ok' AND p.side IN ('base', 'head') AND cs.base_sha = ? AND cs.head_sha = ?
     ORDER BY p.run_id DESC, p.benchmark`,
  );
  for (const a of alerts) {
    if (a.host === null || a.benchmark === null || a.last_good === null || a.first_bad === null) continue;
    const rows = rowsOf.all(a.last_good, a.first_bad).filter((r) => sameHost(r.host, a.host!) && sameBenchmark(r.benchmark, a.benchmark!));
    const sets = new Map<string, AlertProfileSet & { sides: Map<string, Set<string>> }>();
    for (const r of rows) {
      const key = `${r.run_id}\0${r.host}\0${r.benchmark}`;
      let s = sets.get(key);
      if (!s) sets.set(key, (s = { run: r.run_id, host: r.host, benchmark: r.benchmark, kinds: [], sides: new Map() }));
      s.sides.set(r.kind, (s.sides.get(r.kind) ?? new Set()).add(r.side));
    }
    const complete = [...sets.values()]
      .map(({ sides, ...s }) => ({ ...s, kinds: KIND_ORDER.filter((k) => sides.get(k)?.size === 2) }))
      .filter((s) => s.kinds.length > 0);
    const newest = complete[0]?.run;
    if (newest !== undefined) out.set(a.id, complete.filter((s) => s.run === newest));
  }
  return out;
}
