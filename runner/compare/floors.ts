/**
 * Stored verdicts and the noise floor they feed: every session's rows go to
 * compare_results; the floor of a benchmark × unit × host fingerprint × pin
 * at a protocol (R rounds) is the 95th percentile of |estimate| over the
 * last K A/A sessions measured that way.
 */
import type { Store } from '../../results/store/store.ts';
import type { PairedRow } from './analyze.ts';

export interface FloorKey {
  benchmark: string;
  unit: string;
  fingerprint: string;
  pin: string;
  rounds: number;
  /** Look back over this many A/A sessions (K). */
  sessions: number;
}

/** Type-7 (R's default) quantile of sorted values. */
function quantile(sorted: readonly number[], p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/** The noise floor in ln units, or null when no A/A session matches. */
export function noiseFloor(store: Store, k: FloorKey): number | null {
  const rows = store.db
    .prepare<[string, string, string, string, number, number], { estimate: number }>(
      `SELECT estimate FROM compare_results
       WHERE is_aa = 1 AND estimate IS NOT NULL AND benchmark = ? AND unit = ? AND host_fingerprint = ? AND pin = ? AND rounds = ?
       ORDER BY run_id DESC LIMIT ?`,
    )
    .all(k.benchmark, k.unit, k.fingerprint, k.pin, k.rounds, k.sessions);
  if (rows.length === 0) return null;
  return quantile(rows.map((r) => Math.abs(r.estimate)).sort((a, b) => a - b), 0.95);
}

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
