/** Which run × host × benchmark has a profile page (a profile captured without error). */
import type { DB } from './open.ts';

export interface Profiled {
  runId: number;
  host: string;
  benchmark: string;
}

export function profiledBenchmarks(db: DB): Profiled[] {
  const has = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'profiles'").get() !== undefined;
  if (!has) return [];
  return db
    .prepare<[], { run_id: number; host: string; benchmark: string }>("SELECT DISTINCT run_id, host, benchmark FROM profiles WHERE status = 'ok' ORDER BY run_id, host, benchmark")
    .all()
    .map((r) => ({ runId: r.run_id, host: r.host, benchmark: r.benchmark }));
}
