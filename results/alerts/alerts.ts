// Alerts in the results store: created by detect (change points, environment
// events, liveness), triaged by `alerts mark`. Every state change is kept in
// alert_history, so precision can be computed from the marks over time.

import type { DB } from '../store/store.ts';

export const ALERT_STATES = ['new', 'acknowledged', 'true', 'false', 'environment', 'expected'] as const;
export type AlertState = (typeof ALERT_STATES)[number];
export type AlertKind = 'regression' | 'improvement' | 'environment' | 'liveness';
/** States that still need a person. */
export const OPEN_STATES: readonly AlertState[] = ['new', 'acknowledged'];

export interface NewAlert {
  kind: AlertKind;
  changePointId?: number;
  host?: string;
  suite?: string | null;
  benchmark?: string;
  unit?: string;
  lastGood?: string | null;
  firstBad?: string | null;
  effect?: number;
  /** Liveness: one open alert per condition. */
  dedupKey?: string;
  message: string;
}

export interface AlertRow {
  id: number;
  kind: AlertKind;
  state: AlertState;
  change_point_id: number | null;
  host: string | null;
  suite: string | null;
  benchmark: string | null;
  unit: string | null;
  last_good: string | null;
  first_bad: string | null;
  effect: number | null;
  message: string;
  created_at: string;
  updated_at: string;
  /** From the change point's series: architecture / CPU model of the host. */
  family: string | null;
  /** Ordering times of the range ends (commit time, else run start). */
  good_time: string | null;
  bad_time: string | null;
}

/** Insert an alert; a liveness alert whose condition already has an open alert is not repeated (returns undefined). */
export function createAlert(db: DB, a: NewAlert, now = new Date().toISOString()): number | undefined {
  const info = db
    .prepare(
      `INSERT INTO alerts (kind, state, change_point_id, host, suite, benchmark, unit, last_good, first_bad, effect, dedup_key, message, created_at, updated_at)
       VALUES (?, 'new', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dedup_key) DO NOTHING`,
    )
    .run(a.kind, a.changePointId ?? null, a.host ?? null, a.suite ?? null, a.benchmark ?? null, a.unit ?? null, a.lastGood ?? null, a.firstBad ?? null, a.effect ?? null, a.dedupKey ?? null, a.message, now, now);
  if (info.changes === 0) return undefined;
  const id = Number(info.lastInsertRowid);
  db.prepare('INSERT INTO alert_history (alert_id, state, note, at) VALUES (?, ?, ?, ?)').run(id, 'new', null, now);
  return id;
}

export class AlertError extends Error {}

/** Triage: set the state and record it with the note. A closed condition may alert again later. */
export function markAlert(db: DB, id: number, state: string, note?: string, now = new Date().toISOString()): void {
  if (!(ALERT_STATES as readonly string[]).includes(state)) throw new AlertError(`unknown state ${JSON.stringify(state)}; one of ${ALERT_STATES.join(', ')}`);
  db.transaction(() => {
    const row = db.prepare<[number], { id: number }>('SELECT id FROM alerts WHERE id = ?').get(id);
    if (!row) throw new AlertError(`no alert ${id}; list them with 'metalbench alerts --all'`);
    const open = (OPEN_STATES as readonly string[]).includes(state);
    db.prepare(`UPDATE alerts SET state = ?, updated_at = ?${open ? '' : ', dedup_key = NULL'} WHERE id = ?`).run(state, now, id);
    db.prepare('INSERT INTO alert_history (alert_id, state, note, at) VALUES (?, ?, ?, ?)').run(id, state, note ?? null, now);
  })();
}

export function listAlerts(db: DB, o: { all?: boolean } = {}): AlertRow[] {
  return db
    .prepare<[], AlertRow>(
      `SELECT a.id, a.kind, a.state, a.change_point_id, a.host, a.suite, a.benchmark, a.unit, a.last_good, a.first_bad, a.effect,
              a.message, a.created_at, a.updated_at,
              (SELECT s.key FROM detect_series s WHERE s.key = cp.series_key) AS family,
              (SELECT COALESCE(rt.committed_at, r.started_at) FROM runs r LEFT JOIN revision_times rt ON rt.revision = r.revision WHERE r.id = cp.good_run_id) AS good_time,
              (SELECT COALESCE(rt.committed_at, r.started_at) FROM runs r LEFT JOIN revision_times rt ON rt.revision = r.revision WHERE r.id = cp.bad_run_id) AS bad_time
       FROM alerts a LEFT JOIN change_points cp ON cp.id = a.change_point_id
       ${o.all ? '' : "WHERE a.state IN ('new', 'acknowledged')"}
       ORDER BY a.id`,
    )
    .all()
    .map((r) => ({ ...r, family: r.family === null ? null : (r.family.split('|')[3] ?? null) }));
}

export interface HistoryRow {
  alert_id: number;
  state: string;
  note: string | null;
  at: string;
}

export function alertHistory(db: DB, id: number): HistoryRow[] {
  return db.prepare<[number], HistoryRow>('SELECT alert_id, state, note, at FROM alert_history WHERE alert_id = ? ORDER BY id').all(id);
}

export interface PrecisionRow {
  suite: string;
  host: string;
  /** Calendar month of the alert (YYYY-MM). */
  month: string;
  true: number;
  false: number;
  precision: number;
}

/** Precision from the marks: alerts marked true over those marked true or false, per suite, host and month. */
export function precisionByMark(db: DB): PrecisionRow[] {
  return db
    .prepare<[], Omit<PrecisionRow, 'precision'>>(
      `SELECT COALESCE(suite, '') AS suite, COALESCE(host, '') AS host, substr(created_at, 1, 7) AS month,
              SUM(state = 'true') AS "true", SUM(state = 'false') AS "false"
       FROM alerts WHERE kind IN ('regression', 'improvement') AND state IN ('true', 'false')
       GROUP BY 1, 2, 3 ORDER BY 3, 1, 2`,
    )
    .all()
    .map((r) => ({ ...r, precision: r.true / (r.true + r.false) }));
}
