/**
 * What nightly detection stored (tables change_points and alerts, with
 * detect_series and detect_points): open alerts and confirmed change points as
 * the site's findings. A store written before detection existed has none of
 * these tables: no findings.
 */
import type { Finding } from './attention.ts';
import { alertProfileSets } from '../../results/alerts/profiles.ts';
import { profilePageName } from '../profiles.ts';
import type { DB } from './open.ts';

function hasTables(db: DB, names: readonly string[]): boolean {
  const found = db
    .prepare<string[], { n: number }>(`SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name IN (${names.map(() => '?').join(', ')})`)
    .get(...names)!.n;
  return found === names.length;
}

/** Alerts that still need a look. */
const OPEN_STATES = ['new', 'acknowledged'];

export function loadFindings(db: DB): Finding[] {
  if (!hasTables(db, ['alerts', 'change_points', 'detect_series', 'detect_points'])) return [];
  // x of a change: the commit time of the first point after it.
  const xOf = db.prepare<[string, number], { t: string }>('SELECT t FROM detect_points WHERE series_key = ? AND run_id = ?');
  const changePoints = db
    .prepare<[], { id: number; series_key: string; bad_run_id: number | null; last_good: string | null; first_bad: string | null; effect: number; q: number; kind: string; detected_at: string; benchmark: string; unit: string; host: string }>(
      `SELECT c.id, c.series_key, c.bad_run_id, c.last_good, c.first_bad, c.effect, c.q, c.kind, c.detected_at, s.benchmark, s.unit, s.host
       FROM change_points c JOIN detect_series s ON s.key = c.series_key ORDER BY c.id`,
    )
    .all();
  const at = new Map<number, string>();
  const out: Finding[] = [];
  for (const c of changePoints) {
    const t = (c.bad_run_id === null ? undefined : xOf.get(c.series_key, c.bad_run_id)?.t) ?? c.detected_at;
    at.set(c.id, t);
    out.push({
      kind: 'changepoint',
      pkg: undefined,
      benchmark: c.benchmark,
      unit: c.unit,
      host: c.host,
      fromRevision: c.last_good,
      toRevision: c.first_bad,
      at: t,
      change: Math.expm1(c.effect),
      ciLow: null,
      ciHigh: null,
      status: c.kind === 'environment' ? 'environment' : `q=${c.q.toPrecision(2)}`,
    });
  }
  const alerts = db
    .prepare<string[], { id: number; kind: string; state: string; change_point_id: number | null; host: string | null; benchmark: string | null; unit: string | null; last_good: string | null; first_bad: string | null; effect: number | null; message: string; created_at: string }>(
      `SELECT id, kind, state, change_point_id, host, benchmark, unit, last_good, first_bad, effect, message, created_at
       FROM alerts WHERE state IN (${OPEN_STATES.map(() => '?').join(', ')}) ORDER BY id`,
    )
    .all(...OPEN_STATES);
  const profiled = alertProfileSets(db, alerts.filter((a) => a.kind === 'regression' || a.kind === 'improvement'));
  for (const a of alerts) {
    const profiles = profiled.get(a.id)?.map((p) => ({ page: profilePageName(p.run, p.host, p.benchmark), run: p.run, kinds: p.kinds }));
    const performance = a.kind === 'regression' || a.kind === 'improvement';
    out.push({
      kind: performance ? 'alert' : a.kind === 'environment' ? 'environment' : 'liveness',
      pkg: undefined,
      benchmark: a.benchmark ?? '',
      unit: a.unit ?? '',
      host: a.host ?? '',
      fromRevision: a.last_good,
      toRevision: a.first_bad,
      at: (a.change_point_id === null ? undefined : at.get(a.change_point_id)) ?? a.created_at,
      change: a.effect === null ? 0 : Math.expm1(a.effect),
      ciLow: null,
      ciHigh: null,
      status: a.state,
      message: a.message,
      ...(profiles ? { profiles } : {}),
    });
  }
  return out;
}
