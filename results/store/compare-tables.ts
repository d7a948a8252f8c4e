/**
 * benchstat's table of each compare session per host (table compare_tables):
 * written when the session is analysed (again on --resume, replacing), read
 * by the site.
 */
import type { DB } from './store.ts';

export interface CompareTable {
  runId: number;
  host: string;
  text: string;
}

export function saveCompareTables(db: DB, runId: number, tables: ReadonlyMap<string, string>): void {
  const put = db.prepare('INSERT OR REPLACE INTO compare_tables (run_id, host, text, created_at) VALUES (?, ?, ?, ?)');
  const at = new Date().toISOString();
  db.transaction(() => {
    for (const [host, text] of tables) put.run(runId, host, text, at);
  })();
}

/** Every stored table, by run id, hosts in name order. */
export function loadCompareTables(db: DB): Map<number, CompareTable[]> {
  const out = new Map<number, CompareTable[]>();
  const rows = db.prepare<[], { run_id: number; host: string; text: string }>('SELECT run_id, host, text FROM compare_tables ORDER BY run_id, host').all();
  for (const r of rows) {
    const list = out.get(r.run_id) ?? [];
    list.push({ runId: r.run_id, host: r.host, text: r.text });
    out.set(r.run_id, list);
  }
  return out;
}
