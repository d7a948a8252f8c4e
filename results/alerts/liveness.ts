// Liveness: silence is not "no regression". Per host × suite the expected
// cadence is learned from the nightly history (the median gap between its
// nights, overridable); an alert is raised when a host or suite stops
// reporting, when a host with history is no longer in the inventory, when a
// suite's failure rate jumps, when a series disappears (a renamed or deleted
// benchmark), and when a host's A/A noise floor worsens more than 2×.

import type { DB } from '../store/store.ts';
import type { NewAlert } from './alerts.ts';

export interface LivenessOptions {
  now: Date;
  /** Expected hours between nights, instead of the learned cadence. */
  cadenceHours?: number;
  /** Host names of the inventory; hosts with history that are not listed raise an alert. */
  inventoryHosts?: readonly string[];
}

interface Night {
  run_id: number;
  host: string;
  suite: string;
  started_at: string;
  jobs: number;
  failed: number;
}

const HOUR = 3_600_000;

function median(a: number[]): number {
  const s = [...a].sort((x, y) => x - y);
  const h = s.length >> 1;
  return s.length % 2 ? s[h]! : (s[h - 1]! + s[h]!) / 2;
}

export function livenessAlerts(db: DB, o: LivenessOptions): NewAlert[] {
  const out: NewAlert[] = [];
  const nights = db
    .prepare<[], Night>(
      `SELECT r.id AS run_id, j.host, j.suite, r.started_at, COUNT(*) AS jobs, SUM(j.status <> 'ok') AS failed
       FROM runs r JOIN jobs j ON j.run_id = r.id
       WHERE r.trigger = 'nightly' AND r.status <> 'running'
       GROUP BY r.id, j.host, j.suite ORDER BY r.started_at, r.id`,
    )
    .all();
  const byHostSuite = new Map<string, Night[]>();
  for (const n of nights) {
    const k = `${n.host}\0${n.suite}`;
    const l = byHostSuite.get(k) ?? [];
    l.push(n);
    byHostSuite.set(k, l);
  }
  for (const [k, list] of byHostSuite) {
    const [host, suite] = k.split('\0') as [string, string];
    const last = list[list.length - 1]!;
    const times = list.map((n) => Date.parse(n.started_at));
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    const cadence = o.cadenceHours !== undefined ? o.cadenceHours * HOUR : gaps.length >= 2 ? median(gaps) : undefined;
    if (cadence !== undefined && cadence > 0) {
      const silent = o.now.getTime() - times[times.length - 1]!;
      // Two missed nights: one late night is not an incident.
      if (silent > 2 * cadence + HOUR) {
        out.push({
          kind: 'liveness',
          host,
          suite,
          dedupKey: `stopped\0${host}\0${suite}`,
          message: `${suite} on ${host} has not reported for ${(silent / HOUR).toFixed(0)} h (expected every ${(cadence / HOUR).toFixed(0)} h; last night ${last.started_at.slice(0, 16)})`,
        });
      }
    }
    if (list.length >= 4) {
      const before = list.slice(0, -1);
      const rate = (n: Night) => n.failed / n.jobs;
      const usual = median(before.map(rate));
      const now = rate(last);
      if (now >= 0.2 && now > 3 * usual) {
        out.push({
          kind: 'liveness',
          host,
          suite,
          dedupKey: `failures\0${host}\0${suite}\0${last.run_id}`,
          message: `${suite} on ${host}: ${last.failed} of ${last.jobs} jobs failed in run ${last.run_id} (usually ${(usual * 100).toFixed(0)} %)`,
        });
      }
    }
  }
  if (o.inventoryHosts) {
    const listed = new Set(o.inventoryHosts);
    for (const host of new Set(nights.map((n) => n.host))) {
      if (!listed.has(host)) {
        out.push({ kind: 'liveness', host, dedupKey: `inventory\0${host}`, message: `host ${host} has nightly history but is no longer in the inventory: its series stop here` });
      }
    }
  }
  out.push(...vanishedSeries(db), ...floorWorsened(db));
  return out;
}

/**
 * Benchmarks a host × suite reported on its previous night but not on its
 * latest one, when that night had no failed job (a failure is its own alert,
 * and explains a missing result).
 */
function vanishedSeries(db: DB): NewAlert[] {
  const out: NewAlert[] = [];
  const failed = new Set(
    db
      .prepare<[], { k: string }>("SELECT DISTINCT run_id || char(0) || host || char(0) || suite AS k FROM jobs WHERE status <> 'ok'")
      .all()
      .map((r) => r.k),
  );
  const rows = db
    .prepare<[], { host: string; suite: string; run_id: number; benchmark: string }>(
      `SELECT DISTINCT j.host, j.suite, s.run_id, b.name AS benchmark
       FROM samples s JOIN jobs j ON j.id = s.job_id JOIN runs r ON r.id = s.run_id JOIN benchmarks b ON b.id = s.benchmark_id
       WHERE r.trigger = 'nightly' AND r.status IN ('ok', 'partial')`,
    )
    .all();
  const runs = new Map<string, Map<number, Set<string>>>();
  for (const r of rows) {
    const k = `${r.host}\0${r.suite}`;
    let m = runs.get(k);
    if (!m) runs.set(k, (m = new Map()));
    let s = m.get(r.run_id);
    if (!s) m.set(r.run_id, (s = new Set()));
    s.add(r.benchmark);
  }
  for (const [k, m] of runs) {
    const ids = [...m.keys()].sort((a, b) => a - b);
    if (ids.length < 2) continue;
    const prev = m.get(ids[ids.length - 2]!)!;
    const last = m.get(ids[ids.length - 1]!)!;
    const [host, suite] = k.split('\0') as [string, string];
    if (failed.has(`${ids[ids.length - 1]}\0${host}\0${suite}`)) continue;
    for (const b of prev) {
      if (!last.has(b)) {
        out.push({ kind: 'liveness', host, suite, benchmark: b, dedupKey: `vanished\0${host}\0${suite}\0${b}`, message: `${b} (${suite}) was not reported on ${host} in run ${ids[ids.length - 1]} (renamed or deleted?); its series ends there` });
      }
    }
  }
  return out;
}

/** Per host: median |A/A estimate| of its latest 5 A/A comparisons against the 5 before, when compare stored any. */
function floorWorsened(db: DB): NewAlert[] {
  const has = db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'compare_results'").get()!.n > 0;
  if (!has) return [];
  const out: NewAlert[] = [];
  const rows = db
    .prepare<[], { host: string; run_id: number; est: number }>(
      `SELECT host, run_id, AVG(ABS(estimate)) AS est FROM compare_results WHERE is_aa = 1 AND estimate IS NOT NULL GROUP BY host, run_id ORDER BY host, run_id`,
    )
    .all();
  const byHost = new Map<string, number[]>();
  for (const r of rows) byHost.set(r.host, [...(byHost.get(r.host) ?? []), r.est]);
  for (const [host, e] of byHost) {
    if (e.length < 10) continue;
    const recent = median(e.slice(-5));
    const before = median(e.slice(-10, -5));
    if (before > 0 && recent > 2 * before) {
      out.push({ kind: 'liveness', host, dedupKey: `floor\0${host}`, message: `host ${host}: its A/A noise floor worsened ${(recent / before).toFixed(1)}× (mean |A/A| ${(recent * 100).toFixed(2)} % over the last 5 sessions, ${(before * 100).toFixed(2)} % before)` });
    }
  }
  return out;
}
