/**
 * From a session's stored samples to verdicts: per host × benchmark × unit
 * the per-round log ratios d_r = ln(head_r / base_r), the paired estimate
 * and test, Benjamini–Hochberg across every benchmark × unit of the session,
 * the practical threshold δ = max(--threshold, stored noise floor), and the
 * verdict. Units exact by nature are judged by equality, outside the family.
 */
import type { Store } from '../../results/store/store.ts';
import {
  compareRows,
  minimumDetectableEffect,
  noiseFloor as floorOf,
  type PairedInput,
  type RoundValue,
  type UnitMetadata,
  type VerdictRow,
} from '../../results/paired/index.ts';

export type Verdict = 'regression' | 'improvement' | 'no change' | 'inconclusive';

export interface PairedRow {
  host: string;
  fingerprint: string;
  pin: string;
  benchmark: string;
  unit: string;
  exact: boolean;
  higherIsBetter: boolean;
  /** Complete pairs analysed. */
  pairs: number;
  /** Hodges–Lehmann estimate of ln(head/base) (exact units: ratio of medians); null when undefined. */
  estimate: number | null;
  ciLow: number | null;
  ciHigh: number | null;
  /** Exact two-sided signed-rank p and the one-sided p toward worse. */
  p: number | null;
  pWorse: number | null;
  q: number | null;
  /** Practical threshold used, ln(1 + max(threshold, floor)). */
  delta: number;
  /** The stored noise floor, when there are enough A/A sessions for one. */
  floor: number | null;
  /** Minimum detectable effect (ln units) at this many rounds, 80 % power, at the family's per-test level. */
  mde: number | null;
  /** Rounds that would settle an inconclusive row. */
  roundsFor: number | null;
  verdict: Verdict;
  reason: string;
  baseMedian: number;
  headMedian: number;
  /** Sample ids, base then head, by round. */
  sampleIds: Array<[number | null, number | null]>;
}

/** A row with what confirmation needs from the statistics (not part of the document). */
export interface AnalysedRow extends PairedRow {
  input: PairedInput;
  verdictRow: VerdictRow;
}

export interface AnalyzeOptions {
  threshold: number;
  rounds: number;
  floorSessions: number;
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

function pinIdentity(config: Record<string, string>): string {
  if (!config['pin-cpus'] || config['pin-cpus'] === 'none') return 'none';
  return `cpus=${config['pin-cpus']} numa=${config['pin-numa'] ?? ''} ${config['pin-policy'] ?? ''}`.trim();
}

const median = (xs: number[]) => {
  const a = [...xs].sort((x, y) => x - y);
  const n = a.length;
  return n === 0 ? NaN : n % 2 ? a[(n - 1) / 2]! : (a[n / 2 - 1]! + a[n / 2]!) / 2;
};

const finite = (x: number | undefined): number | null => (x !== undefined && Number.isFinite(x) ? x : null);

/** The stored A/A estimates of one benchmark × unit × host fingerprint × pin at R rounds, oldest first (the last K). */
export function aaEstimates(store: Store, k: { benchmark: string; unit: string; fingerprint: string; pin: string; rounds: number; sessions: number }): number[] {
  return store.db
    .prepare<[string, string, string, string, number, number], { estimate: number }>(
      `SELECT estimate FROM compare_results
       WHERE is_aa = 1 AND role = 'screen' AND estimate IS NOT NULL AND benchmark = ? AND unit = ? AND host_fingerprint = ? AND pin = ? AND rounds = ?
       ORDER BY run_id DESC LIMIT ?`,
    )
    .all(k.benchmark, k.unit, k.fingerprint, k.pin, k.rounds, k.sessions)
    .map((r) => r.estimate)
    .reverse();
}

export function analyzeSession(store: Store, runId: number, o: AnalyzeOptions): AnalysedRow[] {
  const rows = store.db
    .prepare<[number], SampleRow>(
      `SELECT s.id, j.host, j.side, j.round, b.name AS benchmark, s.unit, s.value, c.pairs_json, h.fingerprint
       FROM samples s JOIN jobs j ON j.id = s.job_id JOIN benchmarks b ON b.id = s.benchmark_id
       JOIN config_sets c ON c.id = s.config_id LEFT JOIN host_envs h ON h.id = j.host_env_id
       WHERE s.run_id = ? AND j.side IS NOT NULL AND j.status = 'ok' ORDER BY s.id`,
    )
    .all(runId);
  const meta = new Map<string, Record<string, string>>();
  for (const m of store.db.prepare<[number], { unit: string; key: string; value: string }>('SELECT unit, key, value FROM unit_meta WHERE run_id = ?').all(runId)) {
    meta.set(m.unit, { ...(meta.get(m.unit) ?? {}), [m.key]: m.value });
  }
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

  const list = [...groups.values()];
  const inputs: PairedInput[] = list.map((g) => {
    const n = Math.max(-1, ...g.byRound.keys()) + 1;
    const base: RoundValue[] = new Array<RoundValue>(n).fill(null);
    const head: RoundValue[] = new Array<RoundValue>(n).fill(null);
    for (const [r, slot] of g.byRound) {
      base[r] = slot.base?.v ?? null;
      head[r] = slot.head?.v ?? null;
    }
    const floor = floorOf(aaEstimates(store, { benchmark: g.benchmark, unit: g.unit, fingerprint: g.fingerprint, pin: g.pin, rounds: o.rounds, sessions: o.floorSessions }), o.floorSessions);
    const m: UnitMetadata | undefined = meta.get(g.unit);
    return { host: g.host, benchmark: g.benchmark, unit: g.unit, base, head, ...(m ? { meta: m } : {}), ...(floor ? { floor } : {}) };
  });
  const verdicts = compareRows(inputs, { threshold: o.threshold });
  const family = verdicts.filter((v) => v.paired).length;
  const out: AnalysedRow[] = list.map((g, i) => {
    const v = verdicts[i]!;
    const inp = inputs[i]!;
    const a = v.paired;
    const both = inp.base.map((b, r) => [b, inp.head[r]] as const).filter(([b, h]) => b !== null && b !== undefined && h !== null && h !== undefined);
    const mde = a ? minimumDetectableEffect(a.rounds, { sd: a.sd, delta: v.delta.value, testAlpha: 0.05 / Math.max(1, family) }) : NaN;
    return {
      host: g.host,
      fingerprint: g.fingerprint,
      pin: g.pin,
      benchmark: g.benchmark,
      unit: g.unit,
      exact: v.exact,
      higherIsBetter: v.better === 'higher',
      pairs: a?.rounds ?? both.length,
      estimate: a ? a.estimate : Number.isFinite(v.change) ? Math.log1p(v.change) : null,
      ciLow: finite(a?.ciLo),
      ciHigh: finite(a?.ciHi),
      p: finite(a?.p),
      pWorse: finite(a?.pWorse),
      q: finite(v.q),
      delta: v.delta.value,
      floor: v.delta.floor?.value ?? null,
      mde: finite(mde),
      roundsFor: finite(v.roundsNeeded),
      verdict: v.verdict === 'no-change' ? 'no change' : v.verdict,
      reason: v.reason,
      baseMedian: median(both.map(([b]) => b!)),
      headMedian: median(both.map(([, h]) => h!)),
      sampleIds: [...g.byRound.keys()].sort((x, y) => x - y).map((r) => [g.byRound.get(r)!.base?.id ?? null, g.byRound.get(r)!.head?.id ?? null]),
      input: inp,
      verdictRow: v,
    };
  });
  return out.sort((a, b) => (a.host < b.host ? -1 : a.host > b.host ? 1 : a.benchmark < b.benchmark ? -1 : a.benchmark > b.benchmark ? 1 : a.unit < b.unit ? -1 : 1));
}

/** Signed so that positive is worse (slower, more memory, less throughput). */
export function worseBy(r: Pick<PairedRow, 'higherIsBetter'>, x: number): number {
  return r.higherIsBetter ? -x : x;
}
