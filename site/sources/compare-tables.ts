/**
 * benchstat's tables of the stored compare sessions, per host.
 *
 * compare stores them when it analyses a session (table compare_tables), so
 * a build reads text and never the samples. Sessions stored before that
 * table existed have none: their tables are computed here from the samples,
 * once, and written back to the store, so later builds read them like any
 * other (an old store holds few sessions; the write is short, as the
 * summaries' catch-up in open.ts is). Sessions still running are left alone.
 */
import { loadCompareTables, saveCompareTables, type CompareTable } from '../../results/store/compare-tables.ts';
import { Store } from '../../results/store/store.ts';
import { sessionBenchstat } from '../../runner/compare/benchstat-table.ts';
import type { CompareSession } from './comparisons.ts';
import type { DB } from './open.ts';

export type { CompareTable };

export async function compareTables(db: DB, dbPath: string, sessions: readonly CompareSession[]): Promise<Map<number, CompareTable[]>> {
  const stored = loadCompareTables(db);
  const missing = sessions.filter((s) => !stored.has(s.runId) && s.status !== 'running');
  if (missing.length === 0) return stored;
  const computed = new Map<number, Map<string, string>>();
  for (const s of missing) {
    const tables = await sessionBenchstat({ db }, s.runId);
    if (tables.size === 0) continue;
    computed.set(s.runId, tables);
    stored.set(
      s.runId,
      [...tables].map(([host, text]) => ({ runId: s.runId, host, text })),
    );
  }
  if (computed.size > 0) {
    const store = new Store(dbPath);
    try {
      for (const [runId, tables] of computed) saveCompareTables(store.db, runId, tables);
    } finally {
      store.close();
    }
  }
  return stored;
}
