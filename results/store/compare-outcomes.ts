/**
 * The outcome of each screening session (compare_sessions.screened and
 * .confirmed), stored so the false-alarm rate of a protocol can be read
 * back: the A/A comparisons of the same spec and number of rounds in this
 * database, on any of its hosts. Written by compare, read by compare and
 * the site.
 */
import type { DB } from './store.ts';
import { aaRecord, type AaRecord } from '../paired/error-rate.ts';

export function saveScreeningOutcome(db: DB, screenId: number, screened: number, confirmed: number | null): void {
  db.prepare('UPDATE compare_sessions SET screened = ?, confirmed = ? WHERE run_id = ?').run(screened, confirmed, screenId);
}

/** The record of the spec's complete A/A comparisons at this many rounds, the session `exclude` left out. */
export function readAaRecord(db: DB, specName: string, rounds: number, exclude: number): AaRecord {
  const rows = db
    .prepare<[string, number, number], { screened: number; confirmed: number | null }>(
      `SELECT c.screened, c.confirmed FROM compare_sessions c JOIN runs r ON r.id = c.run_id
       WHERE c.role = 'screen' AND c.is_aa = 1 AND c.screened IS NOT NULL AND r.spec_name = ? AND c.rounds = ? AND r.status = 'ok' AND c.run_id <> ?`,
    )
    .all(specName, rounds, exclude);
  return aaRecord(rows);
}
