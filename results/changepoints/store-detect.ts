// `detect` over the results store: load the nightly series, replay every
// night not analysed yet (so each stored night is judged once, with the
// candidates of that night sharing one BH correction), store confirmed
// change points with their environment attribution, raise alerts and the
// liveness checks, and keep per-series state so the next night starts where
// this one ended.

import type { DB } from '../store/store.ts';
import { noiseFloor } from '../paired/threshold.ts';
import { betterDirection, worseSign } from '../paired/units.ts';
import { createAlert, markAlert, type NewAlert } from '../alerts/alerts.ts';
import { describeAttribution, diffEnvironments, isEnvironment, type Attribution } from '../alerts/environment.ts';
import { livenessAlerts } from '../alerts/liveness.ts';
import { DEFAULT_DETECT, detectNight, type DetectOptions, type SeriesInput } from './detector.ts';
import { computeSeries, loadSeries, seriesKey, type Series } from './series.ts';

export class DetectInputError extends Error {}

export interface DetectRunOptions {
  /** ISO date: analyse only nights from then on, from scratch, storing nothing. */
  since?: string;
  /** Only series whose label or key contains this text. */
  filter?: string;
  /** Smallest relative change worth an alert (the noise floor raises it). */
  threshold: number;
  detect?: Partial<Omit<DetectOptions, 'floor'>>;
  /** Host names in the inventory, for the liveness check. */
  inventoryHosts?: readonly string[];
  cadenceHours?: number;
  now?: Date;
}

export interface ChangePointReport {
  id?: number;
  series: string;
  role: Series['role'];
  host: string;
  benchmark: string;
  unit: string;
  index: number;
  lastGood: string | null;
  firstBad: string | null;
  /** ln(after/before) and as a relative change. */
  effect: number;
  relative: number;
  p: number;
  q: number;
  permutations: number;
  block: number;
  kind: 'code' | 'environment';
  environment: string;
  attribution: Attribution;
  alertId?: number;
}

export interface PendingReport {
  /** Series key, for confirming the change later (nightly's A/B). */
  key: string;
  series: string;
  host: string;
  benchmark: string;
  unit: string;
  /** Start of the segment the change was found in. */
  start: number;
  index: number;
  behind: number;
  nights: number;
  relative: number;
  p: number;
  q: number;
  firstBad: string | null;
  lastGood: string | null;
}

export interface DetectRunReport {
  series: number;
  /** Series that had points not analysed before. */
  analysed: number;
  nights: number;
  changePoints: ChangePointReport[];
  pending: PendingReport[];
  alerts: Array<{ id: number; kind: string; message: string }>;
  /** False with --since: a look at a window, nothing stored. */
  stored: boolean;
}

/** A candidate still pending, as kept between nights. */
interface StoredPending {
  index: number;
  nights: number;
  p?: number;
  q?: number;
}

interface State {
  points: number;
  segment_start: number;
  pending_json: string | null;
}

function aaFloor(db: DB, s: Series): number | undefined {
  const has = db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'compare_results'").get()!.n > 0;
  if (!has || s.role !== 'ratio') return undefined;
  const est = db
    .prepare<[string, string, string], { estimate: number }>('SELECT estimate FROM compare_results WHERE is_aa = 1 AND benchmark = ? AND unit = ? AND host = ? AND estimate IS NOT NULL ORDER BY run_id')
    .all(s.benchmark, s.unit, s.host)
    .map((r) => r.estimate);
  return noiseFloor(est)?.value;
}

const med = (a: number[]) => {
  if (a.length === 0) return NaN;
  const s = [...a].sort((x, y) => x - y);
  const h = s.length >> 1;
  return s.length % 2 ? s[h]! : (s[h - 1]! + s[h]!) / 2;
};

/** Did the anchor of the same identity move across the change (beyond the floor)? */
function anchorMoved(all: Map<string, Series>, s: Series, start: number, idx: number, floor: number): boolean {
  if (s.role === 'anchor') return true;
  const anchor = all.get(seriesKey(s, 'anchor'));
  if (!anchor) return false;
  const before = new Set(s.points.slice(start, idx).map((p) => p.runId));
  const after = new Set(s.points.slice(idx).map((p) => p.runId));
  const a = med(anchor.points.filter((p) => before.has(p.runId)).map((p) => p.value));
  const b = med(anchor.points.filter((p) => after.has(p.runId)).map((p) => p.value));
  return Number.isFinite(a) && Number.isFinite(b) && Math.abs(b - a) > floor;
}

export function runDetect(db: DB, o: DetectRunOptions): DetectRunReport {
  const nightlies = db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM runs WHERE trigger = 'nightly'").get()!.n;
  if (nightlies === 0) throw new DetectInputError("no nightly runs in this database: record some with 'metalbench run SPEC --trigger nightly' (or 'metalbench nightly SPEC'), or pass the --db that holds them");
  // --since looks at a window from scratch; otherwise the cached points plus the new runs'.
  let series = o.since !== undefined ? computeSeries(db, { since: o.since }) : loadSeries(db);
  if (series.length === 0) throw new DetectInputError(o.since !== undefined ? `no nightly results since ${o.since}; try an earlier --since` : 'the nightly runs in this database hold no results yet');
  const byKey = new Map(series.map((s) => [s.key, s]));
  if (o.filter !== undefined) {
    const f = o.filter;
    const picked = series.filter((s) => s.label.includes(f) || s.key.includes(f));
    if (picked.length === 0) {
      const examples = series.slice(0, 3).map((s) => `"${s.label}"`).join(', ');
      throw new DetectInputError(`no series matches --series ${JSON.stringify(f)}; ${series.length} series exist, e.g. ${examples}`);
    }
    series = picked;
  }
  const stored = o.since === undefined;
  const opts: DetectOptions = { ...DEFAULT_DETECT, ...o.detect, floor: Math.log1p(o.threshold) };
  const states = new Map<string, State>();
  if (stored) for (const r of db.prepare<[], State & { key: string }>('SELECT key, points, segment_start, pending_json FROM detect_series').all()) states.set(r.key, r);

  // Per series: where it stands; the nights still to judge are its points from `done` on.
  const live = series.map((s) => {
    const st = states.get(s.key);
    // A series that shrank (history deleted) is judged again from scratch.
    const fresh = !st || st.points > s.points.length;
    return {
      s,
      start: fresh ? 0 : st.segment_start,
      done: fresh ? 0 : st.points,
      pending: !fresh && st.pending_json ? (JSON.parse(st.pending_json) as StoredPending) : undefined,
      floor: aaFloor(db, s),
    };
  });
  // Nights = the runs of points not judged yet, in time order.
  const nightKeys = new Map<number, string>();
  for (const l of live) for (const p of l.s.points.slice(l.done)) nightKeys.set(p.runId, p.time);
  const nights = [...nightKeys].sort((a, b) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : a[0] - b[0])).map(([id]) => id);
  const index = live.map((l) => new Map(l.s.points.map((p, i) => [p.runId, i])));

  const report: DetectRunReport = { series: series.length, analysed: live.filter((l) => l.done < l.s.points.length).length, nights: nights.length, changePoints: [], pending: [], alerts: [], stored };
  const found: Array<{ l: (typeof live)[number]; c: ReturnType<typeof detectNight>[number]; start: number }> = [];
  for (const night of nights) {
    const inputs: SeriesInput[] = [];
    const who: number[] = [];
    live.forEach((l, i) => {
      const at = index[i]!.get(night);
      if (at === undefined || at < l.done) return;
      inputs.push({ id: l.s.key, values: l.s.points.slice(0, at + 1).map((p) => p.value), start: l.start, ...(l.floor !== undefined ? { floor: l.floor } : {}), ...(l.pending ? { pending: l.pending } : {}) });
      who.push(i);
    });
    const byId = new Map(who.map((i) => [live[i]!.s.key, live[i]!]));
    for (const l of byId.values()) l.pending = undefined;
    for (const c of detectNight(inputs, opts)) {
      const l = byId.get(c.id)!;
      if (c.status === 'pending') l.pending = { index: c.index, nights: c.nights, p: c.test.p, q: c.q };
      else if (c.status === 'confirmed') {
        found.push({ l, c, start: l.start });
        l.start = c.index;
      }
    }
  }
  for (const l of live) {
    l.done = l.s.points.length;
    if (l.pending) {
      const p = l.s.points;
      const i = l.pending.index;
      const c = { key: l.s.key, series: l.s.label, host: l.s.host, benchmark: l.s.benchmark, unit: l.s.unit, start: l.start, index: i, behind: p.length - i, nights: l.pending.nights, relative: Math.expm1(med(p.slice(i).map((x) => x.value)) - med(p.slice(l.start, i).map((x) => x.value))), p: l.pending.p ?? 1, q: l.pending.q ?? 1, lastGood: p[i - 1]?.revision ?? null, firstBad: p[i]?.revision ?? null };
      report.pending.push(c);
    }
  }

  // From every series, not only the filtered ones: a ratio series speaks for its identity either way.
  const hasRatio = new Set([...byKey.values()].filter((s) => s.role === 'ratio').map((s) => seriesKey(s, 'absolute')));
  const write = () => {
    // Series rows first: change points refer to them.
    if (stored) {
      const now = (o.now ?? new Date()).toISOString();
      const up = db.prepare(
        `INSERT INTO detect_series (key, benchmark, unit, host, role, suite, points, segment_start, pending_json, last_point_at, last_run_id, updated_at)
         VALUES (@key, @benchmark, @unit, @host, @role, @suite, @points, @start, @pending, @lastAt, @lastRun, @now)
         ON CONFLICT (key) DO UPDATE SET points = excluded.points, segment_start = excluded.segment_start, pending_json = excluded.pending_json,
           last_point_at = excluded.last_point_at, last_run_id = excluded.last_run_id, updated_at = excluded.updated_at`,
      );
      for (const l of live) {
        const last = l.s.points[l.s.points.length - 1]!;
        up.run({ key: l.s.key, benchmark: l.s.benchmark, unit: l.s.unit, host: l.s.host, role: l.s.role, suite: l.s.suite, points: l.s.points.length, start: l.start, pending: l.pending ? JSON.stringify(l.pending) : null, lastAt: last.time, lastRun: last.runId, now });
      }
    }
    for (const { l, c, start } of found) {
      const cp = describeChange(db, byKey, l.s, c.index, start, { effect: c.effect, p: c.test.p, q: c.q, permutations: c.test.permutations, block: c.test.block }, Math.max(opts.floor, l.floor ?? 0));
      if (stored) {
        const a = storeChange(db, cp, l.s, hasRatio.has(seriesKey(l.s, 'absolute')), o.now ?? new Date());
        if (a) report.alerts.push(a);
      }
      report.changePoints.push(cp);
    }
    if (!stored) return;
    for (const a of livenessAlerts(db, { now: o.now ?? new Date(), ...(o.inventoryHosts ? { inventoryHosts: o.inventoryHosts } : {}), ...(o.cadenceHours !== undefined ? { cadenceHours: o.cadenceHours } : {}) })) {
      const id = createAlert(db, a);
      if (id !== undefined) report.alerts.push({ id, kind: 'liveness', message: a.message });
    }
  };
  if (stored) db.transaction(write)();
  else write();
  return report;
}

export interface ChangeEvidence {
  effect: number;
  p: number;
  q: number;
  permutations: number;
  block: number;
}

/** A change point of a series described with its range and environment attribution. */
export function describeChange(db: DB, all: Map<string, Series>, s: Series, index: number, start: number, e: ChangeEvidence, floor: number): ChangePointReport {
  const before = s.points[index - 1]!;
  const after = s.points[index]!;
  const env = diffEnvironments(db, before.hostEnvId, after.hostEnvId);
  const attribution: Attribution = { ...env, anchorMoved: anchorMoved(all, s, start, index, floor) };
  return {
    series: s.label, role: s.role, host: s.host, benchmark: s.benchmark, unit: s.unit, index,
    lastGood: before.revision, firstBad: after.revision, effect: e.effect, relative: Math.expm1(e.effect),
    p: e.p, q: e.q, permutations: e.permutations, block: e.block, kind: isEnvironment(attribution) ? 'environment' : 'code', environment: describeAttribution(attribution),
    attribution,
  };
}

/**
 * Store a change point and raise its alert (a code change in an absolute
 * series whose identity also has an anchored ratio series is kept without an
 * alert: the ratio speaks for it; an environment change is always listed). Returns the new alert, if any; fills cp.id and cp.alertId.
 */
export function storeChange(db: DB, cp: ChangePointReport, s: Series, ratioExists: boolean, now: Date, state?: { state: 'false'; note: string }): { id: number; kind: string; message: string } | undefined {
  const before = s.points[cp.index - 1]!;
  const after = s.points[cp.index]!;
  const info = db
    .prepare(
      `INSERT INTO change_points (series_key, idx, good_run_id, bad_run_id, last_good, first_bad, effect, p, q, permutations, block, kind, env_json, detected_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (series_key, idx) DO NOTHING`,
    )
    .run(s.key, cp.index, before.runId, after.runId, before.revision, after.revision, cp.effect, cp.p, cp.q, cp.permutations, cp.block, cp.kind, JSON.stringify(cp.attribution), now.toISOString());
  if (info.changes === 0) return undefined;
  cp.id = Number(info.lastInsertRowid);
  // A code change in an absolute series whose identity has an anchored ratio is the ratio's to report.
  if (s.role === 'absolute' && ratioExists && cp.kind === 'code') return undefined;
  const worse = cp.effect * worseSign(betterDirection(s.unit)) > 0;
  const kind = cp.kind === 'environment' ? 'environment' : worse ? 'regression' : 'improvement';
  const a: NewAlert = {
    kind, changePointId: cp.id, host: s.host, suite: s.suite, benchmark: s.benchmark, unit: s.unit,
    lastGood: before.revision, firstBad: after.revision, effect: cp.effect,
    message: `${s.label}: ${cp.relative >= 0 ? '+' : '−'}${Math.abs(cp.relative * 100).toFixed(1)} % between ${(before.revision ?? `run ${before.runId}`).slice(0, 12)} and ${(after.revision ?? `run ${after.runId}`).slice(0, 12)}${cp.environment ? ` (${cp.environment})` : ''}`,
  };
  const id = createAlert(db, a, now.toISOString());
  if (id === undefined) return undefined;
  if (state) markAlert(db, id, state.state, state.note, now.toISOString());
  cp.alertId = id;
  return { id, kind, message: a.message };
}

/**
 * The outcome of the A/B run that checked a pending change: confirmed, it
 * becomes a change point with its alert and the series' segment starts there;
 * dismissed, it is kept as an alert marked false with the reason, and the
 * series goes on as before.
 */
export function settlePending(db: DB, pending: PendingReport, outcome: { confirmed: boolean; note: string }, now = new Date()): { id: number; kind: string; message: string } | undefined {
  const series = loadSeries(db);
  const all = new Map(series.map((x) => [x.key, x]));
  const s = all.get(pending.key);
  if (!s || pending.index >= s.points.length) return undefined;
  const vals = s.points.map((p) => p.value);
  const effect = med(vals.slice(pending.index)) - med(vals.slice(pending.start, pending.index));
  const cp = describeChange(db, all, s, pending.index, pending.start, { effect, p: pending.p, q: pending.q, permutations: 0, block: 1 }, 0);
  const ratioExists = all.has(seriesKey(s, 'ratio'));
  return db.transaction(() => {
    const a = storeChange(db, cp, s, ratioExists, now, outcome.confirmed ? undefined : { state: 'false', note: outcome.note });
    if (outcome.confirmed) db.prepare('UPDATE detect_series SET segment_start = ?, pending_json = NULL WHERE key = ?').run(pending.index, pending.key);
    if (a && outcome.confirmed) db.prepare('INSERT INTO alert_history (alert_id, state, note, at) VALUES (?, ?, ?, ?)').run(a.id, 'new', outcome.note, now.toISOString());
    return a;
  })();
}
