/**
 * Stored verdicts: every session's rows go to compare_results, keyed by
 * benchmark × unit × host fingerprint × pin × protocol (R), so the noise
 * floor (analyze.ts reads the last K A/A estimates) can be computed later.
 */
import type { Store } from '../../results/store/store.ts';
import type { PairedRow } from './analyze.ts';

export function storeResults(store: Store, runId: number, role: 'screen' | 'confirm', isAA: boolean, rounds: number, rows: readonly PairedRow[]): void {
  const ins = store.db.prepare(
    `INSERT INTO compare_results (run_id, role, is_aa, host, host_fingerprint, pin, benchmark, unit, rounds, pairs, estimate, ci_low, ci_high, p, q, delta, mde, verdict, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (run_id, host, benchmark, unit) DO UPDATE SET
       pairs = excluded.pairs, estimate = excluded.estimate, ci_low = excluded.ci_low, ci_high = excluded.ci_high, p = excluded.p,
       q = excluded.q, delta = excluded.delta, mde = excluded.mde, verdict = excluded.verdict, created_at = excluded.created_at`,
  );
  const now = new Date().toISOString();
  store.db.transaction(() => {
    for (const r of rows) {
      ins.run(runId, role, isAA ? 1 : 0, r.host, r.fingerprint, r.pin, r.benchmark, r.unit, rounds, r.pairs, r.estimate, r.ciLow, r.ciHigh, r.p, r.q, r.delta, r.mde, r.verdict, now);
    }
  })();
}
