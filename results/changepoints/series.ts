// Nightly series read from the results store. One series per benchmark × unit
// × host × fingerprint family (architecture and CPU model) × pin identity ×
// GOMAXPROCS × emulation × toolchain, and per role: the paired log ratio to
// the anchor (anchored nights), the absolute median (every night) and the
// anchor's own absolute median (the host's environment series). Points are
// ordered by the measured commit's time when known, else by the run's start.

import type { DB } from '../store/store.ts';
import { hodgesLehmann } from '../paired/hodges-lehmann.ts';
import { logRatios, roundValue } from '../paired/log-ratios.ts';
import { summarize } from '../stats/summary.ts';

export type Role = 'ratio' | 'absolute' | 'anchor';

export interface Identity {
  benchmark: string;
  unit: string;
  host: string;
  suite: string | null;
  /** Architecture and CPU model: a host keeps its series across kernel or firmware changes, not across hardware. */
  family: string;
  pin: string;
  gomaxprocs: string;
  emulation: string;
  toolchain: string;
}

export interface Point {
  runId: number;
  revision: string | null;
  /** Commit time when known, else run start (ISO). */
  time: string;
  /** Log scale: ln(head/anchor) for ratios, ln(median) for absolute values. */
  value: number;
  lo: number;
  hi: number;
  hostEnvId: number | null;
}

export interface Series extends Identity {
  key: string;
  role: Role;
  label: string;
  points: Point[];
}

export function seriesKey(id: Identity, role: Role): string {
  return [id.benchmark, id.unit, id.host, id.family, id.pin, id.gomaxprocs, id.emulation, id.toolchain, role].join('|');
}

export function seriesLabel(id: Identity, role: Role): string {
  const extras = [id.pin && id.pin !== 'none' ? `cpus ${id.pin}` : id.pin === 'none' ? 'unpinned' : '', id.emulation ? 'emulated' : '', id.toolchain].filter(Boolean);
  const what = role === 'ratio' ? 'vs anchor' : role === 'anchor' ? 'anchor' : 'absolute';
  return `${id.benchmark} ${id.unit} on ${id.host} (${what}${extras.length ? `, ${extras.join(', ')}` : ''})`;
}

interface Row {
  run_id: number;
  run_kind: string;
  revision: string | null;
  t: string;
  host: string | null;
  suite: string | null;
  benchmark: string;
  unit: string;
  value: number;
  config_json: string;
  host_env_id: number | null;
  facts_json: string | null;
  go_version: string | null;
  side: string | null;
  round: number | null;
}

function configValue(json: string, key: string): string {
  let v = '';
  try {
    for (const p of JSON.parse(json) as unknown[]) if (Array.isArray(p) && p[0] === key && typeof p[1] === 'string') v = p[1];
  } catch {
    /* unreadable configuration: no value */
  }
  return v;
}

function familyOf(facts: string | null, config: string): string {
  if (facts) {
    try {
      const f = JSON.parse(facts) as { goarch?: string; cpu?: { model?: string } };
      return `${f.goarch ?? ''}/${f.cpu?.model ?? ''}`;
    } catch {
      /* fall through */
    }
  }
  return `${configValue(config, 'goarch')}/${configValue(config, 'cpu')}`;
}

export interface LoadOptions {
  /** Only runs started at or after this ISO time. */
  since?: string;
  /** Only runs not yet in detect_runs (or finished again since): the points not cached yet. */
  uncached?: boolean;
}

/**
 * Every nightly series in the store, its points cached in detect_points: a
 * run's points are computed from its samples once, when it has finished.
 */
export function loadSeries(db: DB): Series[] {
  db.transaction(() => {
    const fresh = computeSeries(db, { uncached: true });
    const runs = db
      .prepare<[], { id: number; finished_at: string | null }>(
        `SELECT r.id, r.finished_at FROM runs r LEFT JOIN detect_runs d ON d.run_id = r.id
         WHERE r.trigger = 'nightly' AND r.status IN ('ok', 'partial') AND (d.run_id IS NULL OR d.finished_at IS NOT r.finished_at)`,
      )
      .all();
    const drop = db.prepare('DELETE FROM detect_points WHERE run_id = ?');
    const mark = db.prepare('INSERT INTO detect_runs (run_id, finished_at) VALUES (?, ?) ON CONFLICT (run_id) DO UPDATE SET finished_at = excluded.finished_at');
    for (const r of runs) {
      drop.run(r.id);
      mark.run(r.id, r.finished_at);
    }
    const ins = db.prepare('INSERT INTO detect_points (series_key, identity_json, run_id, revision, t, value, lo, hi, host_env_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
    for (const s of fresh) {
      const id: Identity & { role: Role } = { benchmark: s.benchmark, unit: s.unit, host: s.host, suite: s.suite, family: s.family, pin: s.pin, gomaxprocs: s.gomaxprocs, emulation: s.emulation, toolchain: s.toolchain, role: s.role };
      const json = JSON.stringify(id);
      for (const p of s.points) ins.run(s.key, json, p.runId, p.revision, p.time, p.value, finite(p.lo), finite(p.hi), p.hostEnvId);
    }
  })();
  const out = new Map<string, Series>();
  for (const r of db
    .prepare<[], { series_key: string; identity_json: string; run_id: number; revision: string | null; t: string; value: number; lo: number | null; hi: number | null; host_env_id: number | null }>(
      'SELECT series_key, identity_json, run_id, revision, t, value, lo, hi, host_env_id FROM detect_points ORDER BY series_key, t, run_id',
    )
    .iterate()) {
    let s = out.get(r.series_key);
    if (!s) {
      const id = JSON.parse(r.identity_json) as Identity & { role: Role };
      out.set(r.series_key, (s = { ...id, key: r.series_key, label: seriesLabel(id, id.role), points: [] }));
    }
    s.points.push({ runId: r.run_id, revision: r.revision, time: r.t, value: r.value, lo: r.lo ?? -Infinity, hi: r.hi ?? Infinity, hostEnvId: r.host_env_id });
  }
  return [...out.values()];
}

/** SQLite has no infinities: an open CI end is stored as NULL. */
const finite = (x: number) => (Number.isFinite(x) ? x : null);

/** Series computed from the samples (all nightly runs, or those since a time, or only the uncached ones). */
export function computeSeries(db: DB, o: LoadOptions = {}): Series[] {
  const rows = db
    .prepare<{ since: string }, Row>(
      `SELECT v.run_id, v.run_kind, v.revision, COALESCE(rt.committed_at, v.run_started_at) AS t,
              COALESCE(v.host, '') AS host, v.suite, v.benchmark, v.unit, v.value, v.config_json,
              j.host_env_id, he.facts_json, bu.go_version,
              json_extract(j.params_json, '$.side') AS side, json_extract(j.params_json, '$.round') AS round
       FROM sample_view v
       JOIN runs r ON r.id = v.run_id
       LEFT JOIN jobs j ON j.id = v.job_id
       LEFT JOIN host_envs he ON he.id = j.host_env_id
       LEFT JOIN builds bu ON bu.id = j.build_id
       LEFT JOIN revision_times rt ON rt.revision = v.revision
       WHERE r.trigger = 'nightly' AND r.status IN ('ok', 'partial') AND v.value IS NOT NULL AND v.run_started_at >= @since
       ${o.uncached ? 'AND NOT EXISTS (SELECT 1 FROM detect_runs d WHERE d.run_id = r.id AND d.finished_at IS r.finished_at)' : ''}`,
    )
    .all({ since: o.since ?? '' });
  // identity key → run → side → round → values
  type Cell = { id: Identity; run: Row; sides: Map<string, Map<number, number[]>>; hostEnvId: number | null };
  const cells = new Map<string, Map<number, Cell>>();
  for (const r of rows) {
    const host = r.host || configValue(r.config_json, 'host') || '(unknown host)';
    const id: Identity = {
      benchmark: r.benchmark,
      unit: r.unit,
      host,
      suite: r.suite,
      family: familyOf(r.facts_json, r.config_json),
      pin: configValue(r.config_json, 'pin-cpus'),
      gomaxprocs: configValue(r.config_json, 'gomaxprocs'),
      emulation: configValue(r.config_json, 'emulated'),
      toolchain: r.go_version ?? configValue(r.config_json, 'go'),
    };
    const k = seriesKey(id, 'absolute');
    let runs = cells.get(k);
    if (!runs) cells.set(k, (runs = new Map()));
    let cell = runs.get(r.run_id);
    if (!cell) runs.set(r.run_id, (cell = { id, run: r, sides: new Map(), hostEnvId: r.host_env_id }));
    const side = r.run_kind === 'compare' ? (r.side ?? 'head') : 'head';
    let rounds = cell.sides.get(side);
    if (!rounds) cell.sides.set(side, (rounds = new Map()));
    const round = r.run_kind === 'compare' ? (r.round ?? 0) : 0;
    let vals = rounds.get(round);
    if (!vals) rounds.set(round, (vals = []));
    vals.push(r.value);
  }
  const out = new Map<string, Series>();
  const add = (id: Identity, role: Role, p: Point) => {
    const k = seriesKey(id, role);
    let s = out.get(k);
    if (!s) out.set(k, (s = { ...id, key: k, role, label: seriesLabel(id, role), points: [] }));
    s.points.push(p);
  };
  for (const runs of cells.values()) {
    for (const cell of runs.values()) {
      const base = { runId: cell.run.run_id, revision: cell.run.revision, time: cell.run.t, hostEnvId: cell.hostEnvId };
      const absolute = (rounds: Map<number, number[]>) => {
        // One value per process (round): their median, with benchstat's CI.
        const vals = [...rounds.values()].flatMap((v) => (rounds.size > 1 ? [roundValue(v)!] : v)).sort((a, b) => a - b);
        const s = summarize(vals, 0.95, 'nothing');
        return { value: Math.log(s.center), lo: Math.log(s.lo), hi: Math.log(s.hi) };
      };
      const head = cell.sides.get('head');
      const anchor = cell.sides.get('base');
      if (head && head.size > 0 && [...head.values()].every((v) => v.every((x) => x > 0))) add(cell.id, 'absolute', { ...base, ...absolute(head) });
      if (anchor && anchor.size > 0 && [...anchor.values()].every((v) => v.every((x) => x > 0))) add(cell.id, 'anchor', { ...base, ...absolute(anchor) });
      if (head && anchor) {
        const n = Math.max(...head.keys(), ...anchor.keys()) + 1;
        const per = (m: Map<number, number[]>) => Array.from({ length: n }, (_, i) => (m.has(i) ? roundValue(m.get(i)!) : null));
        const lr = logRatios(per(anchor), per(head));
        if (lr.d.length > 0) {
          const hl = hodgesLehmann(lr.d);
          add(cell.id, 'ratio', { ...base, value: hl.estimate, lo: hl.ci.lo, hi: hl.ci.hi });
        }
      }
    }
  }
  const series = [...out.values()];
  for (const s of series) s.points.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : a.runId - b.runId));
  return series.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
