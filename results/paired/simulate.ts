// Simulated comparisons to measure decision rules: the A/A false-alarm rate
// per comparison of m benchmarks, and the power to see a known change.
// Rules compared on the same data:
//   metalbench  paired HL + exact signed-rank, BH over the family, δ, then a
//               confirmation session for the candidates (Holm, one-sided)
//   benchstat   Mann–Whitney U per benchmark on the two sides' samples, p < 0.05
//   asv         ratio of medians beyond 1.1 and Mann–Whitney p < 0.002
// Data come from a RoundSource: a synthetic noise model, or real A/A sessions
// resampled by round (so the compare runner's stored sessions can be fed in).

import { mannWhitneyU } from '../stats/utest.ts';
import { compareRows, type PairedInput } from './verdict.ts';
import { confirmCandidates } from './confirm.ts';
import type { Rng } from './random.ts';

/** One session's per-round values: [benchmark][round]. */
export interface Session {
  base: number[][];
  head: number[][];
}

export interface RoundSource {
  /** A short label for tables, and the full description. */
  describe: string;
  details: string;
  /** Picks the benchmark identities of one comparison of m benchmarks. */
  pick(g: Rng, m: number): number[];
  /** A fresh session of `rounds` interleaved rounds for those benchmarks. */
  session(g: Rng, ids: ReadonlyArray<number>, rounds: number): Session;
  /** The same benchmarks measured sequentially (all base, then all head), when the source can model it. */
  sequential?(g: Rng, ids: ReadonlyArray<number>, rounds: number): Session;
}

/**
 * Synthetic noise on the log scale. A process runs every benchmark once per
 * round (interleaved layout: both sides as fresh processes in every round, order
 * random per round) or all R samples of one side (sequential layout: base
 * `-count R` then head `-count R`, how benchstat is usually fed). For benchmark
 * i, a sample at session position t in process P of side s:
 *   ln x = c_t + p_P + b_{i,P} + w_i·e + drift·t/T + change·[s = head]
 * c_t: common mode of the moment (shared by every benchmark and, interleaved, by
 * both processes of a round, so it cancels in the ratio); p_P: per-process offset
 * shared by every benchmark of the process; b_{i,P}: per-process offset of one
 * benchmark (code layout, alignment); w_i·e: sample noise. σ_i, the per-round
 * log-ratio SD when the common terms are 0, splits as
 *   σ_i² = 2(b_i² + w_i²),  b_i² = share·σ_i²/2.
 * Interleaved, b is fresh every round and averages out; sequential, it is one
 * fixed offset per side that no number of samples removes.
 */
export interface NoiseModel {
  /** Per-round log-ratio SDs, cycled over the benchmarks. */
  sd: number[];
  /** Share of σ² that is per process (b), the rest per sample (w); default 0.5. */
  processShare?: number;
  roundCommon: number;
  processCommon: number;
  /** Total log drift from the first to the last sample of a session. */
  drift: number;
  /** One-sided contamination: this share of samples is slowed by e^(scale·(1 + U)), U uniform in [0, 1). */
  outliers?: { rate: number; scale: number };
}

export type Layout = 'interleaved' | 'sequential';

export function syntheticSource(model: NoiseModel): RoundSource {
  if (model.sd.length === 0) throw new RangeError('noise model needs at least one SD');
  const share = model.processShare ?? 0.5;
  if (!(share >= 0 && share <= 1)) throw new RangeError(`processShare must be in [0, 1], got ${share}`);
  const out = model.outliers;
  if (out && !(out.rate >= 0 && out.rate < 1 && out.scale >= 0)) throw new RangeError('outliers need a rate in [0, 1) and a scale ≥ 0');
  // Draws only when contamination is configured, so clean models replay the same stream.
  const bump = (g: Rng): number => (out && out.rate > 0 && g.next() < out.rate ? out.scale * (1 + g.next()) : 0);
  const split = (id: number) => {
    const v = model.sd[id % model.sd.length]! ** 2 / 2;
    return { b: Math.sqrt(share * v), w: Math.sqrt((1 - share) * v) };
  };
  return {
    describe: `synthetic σ ${model.sd.map((s) => `${(s * 100).toFixed(1)}%`).join('/')}${out ? `, ${(out.rate * 100).toFixed(0)}% outliers` : ''}`,
    details: `per-round log-ratio SD ${model.sd.map((s) => `${(s * 100).toFixed(1)}%`).join('/')} (per-process share ${share}), round common mode ${(model.roundCommon * 100).toFixed(1)}%, per-process common ${(model.processCommon * 100).toFixed(1)}%, drift ${(model.drift * 100).toFixed(1)}% per session${out ? `; ${(out.rate * 100).toFixed(0)}% of samples slowed by ${(out.scale * 100).toFixed(0)}–${(out.scale * 200).toFixed(0)}% (log)` : ''}`,
    pick: (_g, m) => Array.from({ length: m }, (_, i) => i),
    session(g, ids, rounds) {
      const base: number[][] = ids.map(() => []);
      const head: number[][] = ids.map(() => []);
      const sp = ids.map(split);
      const span = Math.max(1, 2 * rounds - 1);
      for (let r = 0; r < rounds; r++) {
        const c = model.roundCommon * g.normal();
        const headFirst = g.next() < 0.5;
        const tBase = 2 * r + (headFirst ? 1 : 0);
        const tHead = 2 * r + (headFirst ? 0 : 1);
        const pb = model.processCommon * g.normal() + (model.drift * tBase) / span;
        const ph = model.processCommon * g.normal() + (model.drift * tHead) / span;
        ids.forEach((_, i) => {
          const { b, w } = sp[i]!;
          base[i]!.push(Math.exp(c + pb + b * g.normal() + w * g.normal() + bump(g)));
          head[i]!.push(Math.exp(c + ph + b * g.normal() + w * g.normal() + bump(g)));
        });
      }
      return { base, head };
    },
    sequential(g, ids, rounds) {
      const sp = ids.map(split);
      const span = Math.max(1, 2 * rounds - 1);
      const side = (t0: number): number[][] => {
        const p = model.processCommon * g.normal();
        const offsets = sp.map(({ b }) => b * g.normal());
        const c = Array.from({ length: rounds }, () => model.roundCommon * g.normal());
        return sp.map(({ w }, i) => Array.from({ length: rounds }, (_, r) => Math.exp(c[r]! + p + offsets[i]! + w * g.normal() + bump(g) + (model.drift * (t0 + r)) / span)));
      };
      const base = side(0);
      const head = side(rounds);
      return { base, head };
    },
  };
}

/** A stored A/A session: per benchmark, per-round values of the two (identical) sides. */
export interface AaSession {
  benchmarks: Array<{ name: string; base: ReadonlyArray<number>; head: ReadonlyArray<number> }>;
}

/**
 * Real A/A sessions resampled by round: a comparison's session is drawn from
 * one stored session (rounds with replacement, the same round indices for every
 * benchmark so cross-benchmark correlation survives; base and head swapped per
 * round at random, which the null allows). A confirmation draws a new session.
 */
export function resampledSource(sessions: ReadonlyArray<AaSession>): RoundSource {
  const names = [...new Set(sessions.flatMap((s) => s.benchmarks.map((b) => b.name)))].sort();
  if (names.length === 0) throw new RangeError('resampling needs at least one stored A/A session with a benchmark');
  const index = sessions.map((s) => new Map(s.benchmarks.map((b) => [b.name, b])));
  for (const [si, s] of sessions.entries()) {
    for (const b of s.benchmarks) {
      if (b.base.length !== b.head.length || b.base.length === 0) throw new RangeError(`A/A session ${si}, ${b.name}: base and head need the same, non-zero number of rounds`);
      if (![...b.base, ...b.head].every((x) => x > 0 && Number.isFinite(x))) throw new RangeError(`A/A session ${si}, ${b.name}: values must be positive`);
    }
  }
  return {
    describe: `resampled A/A (${sessions.length} sessions)`,
    details: `${sessions.length} stored A/A sessions, ${names.length} benchmarks, rounds resampled with replacement, sides swapped at random`,
    pick(g, m) {
      // Distinct benchmarks while the pool lasts, then with replacement.
      if (m > names.length) return Array.from({ length: m }, () => g.int(names.length));
      const all = names.map((_, i) => i);
      for (let i = 0; i < m; i++) {
        const j = i + g.int(all.length - i);
        [all[i], all[j]] = [all[j]!, all[i]!];
      }
      return all.slice(0, m);
    },
    session(g, ids, rounds) {
      const s = g.int(sessions.length);
      const base: number[][] = [];
      const head: number[][] = [];
      // Round indices and swaps are drawn per stored session so benchmarks of one session move together.
      const picks = new Map<number, { idx: number[]; swap: boolean[] }>();
      const draw = (si: number, len: number) => {
        let p = picks.get(si);
        if (!p) {
          p = { idx: Array.from({ length: rounds }, () => g.int(len)), swap: Array.from({ length: rounds }, () => g.next() < 0.5) };
          picks.set(si, p);
        }
        return p;
      };
      for (const id of ids) {
        const name = names[id % names.length]!;
        let si = s;
        if (!index[si]!.has(name)) {
          const holders = index.flatMap((m, i) => (m.has(name) ? [i] : []));
          si = holders[g.int(holders.length)]!;
        }
        const b = index[si]!.get(name)!;
        const p = draw(si, b.base.length);
        const bb: number[] = [];
        const hh: number[] = [];
        for (let r = 0; r < rounds; r++) {
          const k = p.idx[r]! % b.base.length;
          const x = b.base[k]!;
          const y = b.head[k]!;
          bb.push(p.swap[r] ? y : x);
          hh.push(p.swap[r] ? x : y);
        }
        base.push(bb);
        head.push(hh);
      }
      return { base, head };
    },
  };
}

export interface RuleOptions {
  rounds: number;
  /** Confirmation rounds (default = rounds). */
  confirmRounds?: number;
  /** metalbench threshold (relative, default 0.01) and α (0.05). */
  threshold?: number;
  alpha?: number;
}

/** Which benchmarks a rule flagged, split by direction (worse = slower, units are time-like). */
export interface Flags {
  worse: number[];
  better: number[];
}

function sorted(xs: ReadonlyArray<number>): number[] {
  return [...xs].sort((a, b) => a - b);
}

function median(s: number[]): number {
  const h = s.length >> 1;
  return s.length % 2 === 1 ? s[h]! : (s[h - 1]! + s[h]!) / 2;
}

/** benchstat: Mann–Whitney U p < α on the two sides' values, direction by the medians. */
export function benchstatFlags(s: Session, only?: ReadonlyArray<number>, alpha = 0.05): Flags {
  const out: Flags = { worse: [], better: [] };
  for (const i of only ?? s.base.map((_, i) => i)) {
    const a = sorted(s.base[i]!);
    const b = sorted(s.head[i]!);
    if (!(mannWhitneyU(a, b).p < alpha)) continue;
    (median(b) > median(a) ? out.worse : out.better).push(i);
  }
  return out;
}

/** asv continuous: ratio of medians beyond `factor` and Mann–Whitney p < 0.002. */
export function asvFlags(s: Session, only?: ReadonlyArray<number>, factor = 1.1, alpha = 0.002): Flags {
  const out: Flags = { worse: [], better: [] };
  for (const i of only ?? s.base.map((_, i) => i)) {
    const a = sorted(s.base[i]!);
    const b = sorted(s.head[i]!);
    const ratio = median(b) / median(a);
    if (!(ratio > factor || ratio < 1 / factor)) continue;
    if (!(mannWhitneyU(a, b).p < alpha)) continue;
    (ratio > 1 ? out.worse : out.better).push(i);
  }
  return out;
}

function inputs(s: Session): PairedInput[] {
  return s.base.map((b, i) => ({ host: 'sim', benchmark: String(i), unit: 'sec/op', base: b, head: s.head[i]! }));
}

export interface MetalbenchOutcome {
  /** Screening verdicts: regressions and improvements. */
  screened: Flags;
  /** Regressions confirmed by a new session. */
  confirmed: number[];
}

/**
 * metalbench: screening on `s`, then a new session (from `confirm`) for the
 * regression candidates only.
 */
export function metalbenchOutcome(s: Session, confirm: (indices: number[]) => Session, opts: RuleOptions): MetalbenchOutcome {
  const rows = compareRows(inputs(s), { threshold: opts.threshold ?? 0.01, alpha: opts.alpha ?? 0.05 });
  const screened: Flags = { worse: [], better: [] };
  rows.forEach((r, i) => {
    if (r.verdict === 'regression') screened.worse.push(i);
    else if (r.verdict === 'improvement') screened.better.push(i);
  });
  if (screened.worse.length === 0) return { screened, confirmed: [] };
  const c = confirm(screened.worse);
  const summary = confirmCandidates(screened.worse.map((i, k) => ({
    candidate: rows[i]!,
    confirmation: { host: 'sim', benchmark: String(i), unit: 'sec/op', base: c.base[k]!, head: c.head[k]! },
  })), opts.alpha ?? 0.05);
  return { screened, confirmed: screened.worse.filter((_, k) => summary.rows[k]!.confirmed) };
}

/** Multiplies the head values of the given benchmarks by (1 + change). */
function inject(s: Session, which: ReadonlyArray<number>, change: number): Session {
  if (change === 0 || which.length === 0) return s;
  const head = s.head.map((h, i) => (which.includes(i) ? h.map((x) => x * (1 + change)) : h));
  return { base: s.base, head };
}

export interface RateEstimate {
  /** Fraction of trials with the event, and its binomial standard error. */
  rate: number;
  se: number;
  count: number;
  trials: number;
}

function rate(count: number, trials: number): RateEstimate {
  const p = trials === 0 ? NaN : count / trials;
  return { rate: p, se: Math.sqrt((p * (1 - p)) / Math.max(1, trials)), count, trials };
}

export interface FalseAlarmResult {
  m: number;
  rounds: number;
  source: string;
  /**
   * ≥ 1 regression (worse direction) per comparison, by rule; metalbench after
   * confirmation and at screening; benchstat and asv on the same interleaved
   * rounds, and benchstat on sequential data (its usual protocol) when the source models it.
   */
  regression: { metalbench: RateEstimate; metalbenchScreen: RateEstimate; metalbenchNoDelta: RateEstimate; benchstat: RateEstimate; asv: RateEstimate; benchstatSequential?: RateEstimate };
  /** ≥ 1 flag in either direction per comparison. */
  anyDirection: { metalbenchScreen: RateEstimate; benchstat: RateEstimate; asv: RateEstimate; benchstatSequential?: RateEstimate };
  /** Flagged benchmarks per comparison (mean), by rule. */
  perBenchmark: { metalbench: number; benchstat: number; asv: number };
}

export interface TrialOptions extends RuleOptions {
  m: number;
  trials: number;
  seed: number;
}

/** A/A: no benchmark changes; how often does each rule call ≥ 1 regression? */
export function falseAlarms(source: RoundSource, g: Rng, opts: TrialOptions): FalseAlarmResult {
  const c = { mb: 0, mbs: 0, mb0: 0, bs: 0, asv: 0, mbsAny: 0, bsAny: 0, asvAny: 0, nMb: 0, nBs: 0, nAsv: 0, seq: 0, seqAny: 0 };
  for (let t = 0; t < opts.trials; t++) {
    const ids = source.pick(g, opts.m);
    const s = source.session(g, ids, opts.rounds);
    const mb = metalbenchOutcome(s, (idx) => source.session(g, idx.map((i) => ids[i]!), opts.confirmRounds ?? opts.rounds), opts);
    // The statistics alone (BH, then Holm on a new session), without δ.
    const mb0 = metalbenchOutcome(s, (idx) => source.session(g, idx.map((i) => ids[i]!), opts.confirmRounds ?? opts.rounds), { ...opts, threshold: 0 });
    if (mb0.confirmed.length > 0) c.mb0++;
    const bs = benchstatFlags(s);
    const asv = asvFlags(s);
    if (mb.confirmed.length > 0) c.mb++;
    if (mb.screened.worse.length > 0) c.mbs++;
    if (mb.screened.worse.length + mb.screened.better.length > 0) c.mbsAny++;
    if (bs.worse.length > 0) c.bs++;
    if (bs.worse.length + bs.better.length > 0) c.bsAny++;
    if (asv.worse.length > 0) c.asv++;
    if (asv.worse.length + asv.better.length > 0) c.asvAny++;
    c.nMb += mb.confirmed.length;
    c.nBs += bs.worse.length + bs.better.length;
    c.nAsv += asv.worse.length + asv.better.length;
    if (source.sequential) {
      const q = benchstatFlags(source.sequential(g, ids, opts.rounds));
      if (q.worse.length > 0) c.seq++;
      if (q.worse.length + q.better.length > 0) c.seqAny++;
    }
  }
  const n = opts.trials;
  const out: FalseAlarmResult = {
    m: opts.m,
    rounds: opts.rounds,
    source: source.describe,
    regression: { metalbench: rate(c.mb, n), metalbenchScreen: rate(c.mbs, n), metalbenchNoDelta: rate(c.mb0, n), benchstat: rate(c.bs, n), asv: rate(c.asv, n) },
    anyDirection: { metalbenchScreen: rate(c.mbsAny, n), benchstat: rate(c.bsAny, n), asv: rate(c.asvAny, n) },
    perBenchmark: { metalbench: c.nMb / n, benchstat: c.nBs / n, asv: c.nAsv / n },
  };
  if (source.sequential) {
    out.regression.benchstatSequential = rate(c.seq, n);
    out.anyDirection.benchstatSequential = rate(c.seqAny, n);
  }
  return out;
}

export interface PowerResult {
  m: number;
  rounds: number;
  change: number;
  source: string;
  /** P(the changed benchmark is called a regression): metalbench confirmed, at screening, benchstat, asv. */
  metalbench: RateEstimate;
  metalbenchScreen: RateEstimate;
  benchstat: RateEstimate;
  asv: RateEstimate;
  benchstatSequential?: RateEstimate;
}

/** One benchmark (the first) of m slows down by `change`, in screening and confirmation alike. */
export function power(source: RoundSource, g: Rng, change: number, opts: TrialOptions): PowerResult {
  let mb = 0;
  let mbs = 0;
  let bs = 0;
  let asv = 0;
  let seq = 0;
  for (let t = 0; t < opts.trials; t++) {
    const ids = source.pick(g, opts.m);
    const s = inject(source.session(g, ids, opts.rounds), [0], change);
    const out = metalbenchOutcome(s, (idx) => inject(source.session(g, idx.map((i) => ids[i]!), opts.confirmRounds ?? opts.rounds), idx.includes(0) ? [idx.indexOf(0)] : [], change), opts);
    if (out.confirmed.includes(0)) mb++;
    if (out.screened.worse.includes(0)) mbs++;
    if (benchstatFlags(s, [0]).worse.includes(0)) bs++;
    if (asvFlags(s, [0]).worse.includes(0)) asv++;
    if (source.sequential && benchstatFlags(inject(source.sequential(g, [ids[0]!], opts.rounds), [0], change), [0]).worse.includes(0)) seq++;
  }
  const n = opts.trials;
  const out: PowerResult = { m: opts.m, rounds: opts.rounds, change, source: source.describe, metalbench: rate(mb, n), metalbenchScreen: rate(mbs, n), benchstat: rate(bs, n), asv: rate(asv, n) };
  if (source.sequential) out.benchstatSequential = rate(seq, n);
  return out;
}
