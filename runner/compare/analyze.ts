/**
 * From a session's stored samples to verdicts: per host × benchmark × unit
 * the per-round log ratios d_r = ln(head_r / base_r), the paired estimate
 * and test, Benjamini–Hochberg across every benchmark × unit of the session,
 * the practical threshold δ = max(--threshold, stored noise floor), and the
 * verdict. Units exact by nature are judged by equality, outside the family.
 */
import type { Store } from '../../results/store/store.ts';
import { benjaminiHochberg, minimumDetectable, pairedEstimate } from './paired-stats.ts';
import { noiseFloor } from './floors.ts';

export type Verdict = 'regression' | 'improvement' | 'no change' | 'inconclusive';

export interface PairedRow {
  host: string;
  fingerprint: string;
  pin: string;
  benchmark: string;
  unit: string;
  exact: boolean;
  higherIsBetter: boolean;
  pairs: number;
  /** Hodges–Lehmann estimate of ln(head/base); null when undefined (zeros). */
  estimate: number | null;
  ciLow: number | null;
  ciHigh: number | null;
  p: number | null;
  pGreater: number | null;
  pLess: number | null;
  q: number | null;
  /** Practical threshold used, ln(1 + max(threshold, floor)). */
  delta: number;
  /** The stored noise floor, when there is one. */
  floor: number | null;
  mde: number | null;
  roundsFor: number | null;
  verdict: Verdict;
  /** Every pair had equal values (e.g. 0 B/op on both sides). */
  identical: boolean;
  baseMedian: number;
  headMedian: number;
  /** Sample ids, base then head, by round. */
  sampleIds: Array<[number | null, number | null]>;
}

export interface AnalyzeOptions {
  threshold: number;
  rounds: number;
  floorSessions: number;
  /** FDR level for q, and α of the verdicts. */
  level?: number;
}

interface SampleRow {
  id: number;
  host: string;
  side: 'base' | 'head';
  round: number;
  benchmark: string;
  unit: string;
  value: number | null;
  pairs_json: string;
  fingerprint: string | null;
}

/** Units whose values are counts the benchmark fixes, not measurements. */
export function isExactUnit(unit: string, assumeExact: ReadonlySet<string>): boolean {
  return unit === 'allocs/op' || assumeExact.has(unit);
}

/** Throughput-like units improve upward. */
export function higherIsBetter(unit: string): boolean {
  return unit.endsWith('/s');
}

function pinIdentity(config: Record<string, string>): string {
  if (!config['pin-cpus'] || config['pin-cpus'] === 'none') return 'none';
  return `cpus=${config['pin-cpus']} numa=${config['pin-numa'] ?? ''} ${config['pin-policy'] ?? ''}`.trim();
}

const median = (xs: number[]) => {
  const a = [...xs].sort((x, y) => x - y);
  const n = a.length;
  return n === 0 ? NaN : n % 2 ? a[(n - 1) / 2]! : (a[n / 2 - 1]! + a[n / 2]!) / 2;
};

export function analyzeSession(store: Store, runId: number, o: AnalyzeOptions): PairedRow[] {
  const level = o.level ?? 0.05;
  const rows = store.db
    .prepare<[number], SampleRow>(
      `SELECT s.id, j.host, j.side, j.round, b.name AS benchmark, s.unit, s.value, c.pairs_json, h.fingerprint
       FROM samples s JOIN jobs j ON j.id = s.job_id JOIN benchmarks b ON b.id = s.benchmark_id
       JOIN config_sets c ON c.id = s.config_id LEFT JOIN host_envs h ON h.id = j.host_env_id
       WHERE s.run_id = ? AND j.side IS NOT NULL AND j.status = 'ok' ORDER BY s.id`,
    )
    .all(runId);
  const assumeExact = new Set(
    store.db.prepare<[number], { unit: string }>("SELECT unit FROM unit_meta WHERE run_id = ? AND key = 'assume' AND value = 'exact'").all(runId).map((r) => r.unit),
  );
  interface Group {
    host: string;
    fingerprint: string;
    pin: string;
    benchmark: string;
    unit: string;
    byRound: Map<number, { base?: { v: number | null; id: number }; head?: { v: number | null; id: number } }>;
  }
  const groups = new Map<string, Group>();
  const configCache = new Map<string, Record<string, string>>();
  for (const r of rows) {
    const key = `${r.host}\0${r.benchmark}\0${r.unit}`;
    let g = groups.get(key);
    if (!g) {
      let cfg = configCache.get(r.pairs_json);
      if (!cfg) configCache.set(r.pairs_json, (cfg = Object.fromEntries(JSON.parse(r.pairs_json) as [string, string][])));
      g = { host: r.host, fingerprint: r.fingerprint ?? cfg['host-fingerprint'] ?? '', pin: pinIdentity(cfg), benchmark: r.benchmark, unit: r.unit, byRound: new Map() };
      groups.set(key, g);
    }
    const slot = g.byRound.get(r.round) ?? {};
    slot[r.side] ??= { v: r.value, id: r.id };
    g.byRound.set(r.round, slot);
  }

  const out: PairedRow[] = [];
  for (const g of groups.values()) {
    const rounds = [...g.byRound.keys()].sort((a, b) => a - b);
    const complete = rounds.map((r) => g.byRound.get(r)!).filter((s) => s.base && s.head && s.base.v !== null && s.head.v !== null);
    const base = complete.map((s) => s.base!.v!);
    const head = complete.map((s) => s.head!.v!);
    const exact = isExactUnit(g.unit, assumeExact);
    const floor = noiseFloor(store, { benchmark: g.benchmark, unit: g.unit, fingerprint: g.fingerprint, pin: g.pin, rounds: o.rounds, sessions: o.floorSessions });
    const delta = Math.max(Math.log1p(o.threshold), floor ?? 0);
    const row: PairedRow = {
      host: g.host,
      fingerprint: g.fingerprint,
      pin: g.pin,
      benchmark: g.benchmark,
      unit: g.unit,
      exact,
      higherIsBetter: higherIsBetter(g.unit),
      pairs: complete.length,
      estimate: null,
      ciLow: null,
      ciHigh: null,
      p: null,
      pGreater: null,
      pLess: null,
      q: null,
      delta,
      floor,
      mde: null,
      roundsFor: null,
      verdict: 'inconclusive',
      identical: complete.length > 0 && base.every((v, i) => v === head[i]),
      baseMedian: median(base),
      headMedian: median(head),
      sampleIds: rounds.map((r) => [g.byRound.get(r)!.base?.id ?? null, g.byRound.get(r)!.head?.id ?? null]),
    };
    const positive = base.every((v) => v > 0) && head.every((v) => v > 0);
    if (positive && complete.length > 0) {
      const d = complete.map((_, i) => Math.log(head[i]! / base[i]!));
      const e = pairedEstimate(d);
      Object.assign(row, { estimate: e.estimate, ciLow: e.ciLow, ciHigh: e.ciHigh, p: e.p, pGreater: e.pGreater, pLess: e.pLess });
      const m = minimumDetectable(e.sd, e.n, delta);
      row.mde = Number.isFinite(m.mde) ? m.mde : null;
      row.roundsFor = m.roundsFor;
    } else if (row.baseMedian > 0 && row.headMedian > 0) {
      row.estimate = Math.log(row.headMedian / row.baseMedian);
    }
    out.push(row);
  }

  // One family: every benchmark × unit × host that is measured, not counted.
  const family = out.filter((r) => !r.exact && r.p !== null);
  const q = benjaminiHochberg(family.map((r) => r.p!));
  family.forEach((r, i) => (r.q = q[i]!));
  for (const r of out) r.verdict = verdictOf(r, level);
  return out.sort((a, b) => (a.host < b.host ? -1 : a.host > b.host ? 1 : a.benchmark < b.benchmark ? -1 : a.benchmark > b.benchmark ? 1 : a.unit < b.unit ? -1 : 1));
}

/** Signed so that positive is worse (slower, more memory, less throughput). */
export function worseBy(r: Pick<PairedRow, 'higherIsBetter'>, x: number): number {
  return r.higherIsBetter ? -x : x;
}

function verdictOf(r: PairedRow, level: number): Verdict {
  if (r.identical) return 'no change';
  if (r.exact) {
    if (r.pairs === 0) return 'inconclusive';
    if (r.baseMedian === r.headMedian) return 'no change';
    return worseBy(r, r.headMedian - r.baseMedian) > 0 ? 'regression' : 'improvement';
  }
  if (r.ciLow === null || r.ciHigh === null || r.q === null) return 'inconclusive';
  const lo = Math.min(worseBy(r, r.ciLow), worseBy(r, r.ciHigh));
  const hi = Math.max(worseBy(r, r.ciLow), worseBy(r, r.ciHigh));
  if (r.q <= level && lo > r.delta) return 'regression';
  if (r.q <= level && hi < -r.delta) return 'improvement';
  if (lo > -r.delta && hi < r.delta) return 'no change';
  return 'inconclusive';
}

/** One-sided p in the worse direction. */
export function pWorse(r: PairedRow): number | null {
  return r.higherIsBetter ? r.pLess : r.pGreater;
}
