/**
 * The outcome of each screening session, stored so the false-alarm rate of a
 * protocol can be read back: the A/A comparisons of the same spec and number
 * of rounds in this database, on any of its hosts.
 */
import type { Store } from '../../results/store/store.ts';
import { aaRecord, type AaRecord } from '../../results/paired/error-rate.ts';

export function storeOutcome(store: Store, screenId: number, screened: number, confirmed: number | null): void {
  store.db.prepare('UPDATE compare_sessions SET screened = ?, confirmed = ? WHERE run_id = ?').run(screened, confirmed, screenId);
}

/** The record of the spec's complete A/A comparisons at this many rounds, the sessions in `exclude` left out. */
export function readAaRecord(store: Store, specName: string, rounds: number, exclude: readonly number[]): AaRecord {
  const rows = store.db
    .prepare<[string, number], { run_id: number; screened: number; confirmed: number | null }>(
      `SELECT c.run_id, c.screened, c.confirmed FROM compare_sessions c JOIN runs r ON r.id = c.run_id
       WHERE c.role = 'screen' AND c.is_aa = 1 AND c.screened IS NOT NULL AND r.spec_name = ? AND c.rounds = ? AND r.status = 'ok'`,
    )
    .all(specName, rounds)
    .filter((r) => !exclude.includes(r.run_id));
  return aaRecord(rows);
}
