// The verdict for every benchmark × unit of a comparison. Paired rows get a
// Hodges–Lehmann estimate with an exact signed-rank CI and p-value; their
// p-values form one Benjamini–Hochberg family. Exact units are judged by
// equality, outside the family. The rule is equivalence-style (oriented so
// that "worse" is positive for the unit's direction):
//   regression    q ≤ α and the CI's lower bound > +δ
//   improvement   q ≤ α and the CI's upper bound < −δ
//   no change     the CI lies inside (−δ, +δ)
//   inconclusive  otherwise, with the MDE at this R and the rounds needed.

import { logRatios, toRelative, type RoundValue } from './log-ratios.ts';
import { signRankTest } from './signrank.ts';
import { hodgesLehmann } from './hodges-lehmann.ts';
import { benjaminiHochberg } from './multiplicity.ts';
import { betterDirection, isExactUnit, worseSign, type Better, type UnitMetadata } from './units.ts';
import { judgeExact, type ExactJudgement } from './exact-units.ts';
import { practicalThreshold, DEFAULT_THRESHOLD, type NoiseFloor, type PracticalThreshold } from './threshold.ts';
import { logRatioSd, minimumDetectableEffect, roundsNeeded } from './power.ts';

export type VerdictKind = 'regression' | 'improvement' | 'no-change' | 'inconclusive';

/** What the comparison runner supplies for one host × benchmark × unit. */
export interface PairedInput {
  host: string;
  benchmark: string;
  /** Tidied unit (sec/op, B/s, B/op, allocs/op, …). */
  unit: string;
  /** Per-round values, index = round; null where that side has no value in the round. */
  base: ReadonlyArray<RoundValue>;
  head: ReadonlyArray<RoundValue>;
  /** The benchfmt Unit metadata of this unit (better=, assume=). */
  meta?: UnitMetadata;
  /** The stored noise floor of this benchmark × host fingerprint × pin × unit, if any. */
  floor?: NoiseFloor;
}

export interface VerdictOptions {
  /** FDR level for q and the confirmation level (default 0.05). */
  alpha?: number;
  /** CI confidence (default 0.95). */
  confidence?: number;
  /** User threshold, a relative change (default 0.01 = 1 %). */
  threshold?: number;
  /** Power used for MDE and rounds needed (default 0.8). */
  power?: number;
}

/** The paired analysis of one row, all on the log-ratio scale. */
export interface PairedAnalysis {
  /** Rounds with both sides. */
  rounds: number;
  /** Rounds skipped: a side missing, or a value not positive. */
  missing: number;
  invalid: number;
  /** d = 0 rounds (dropped by the signed-rank test) and whether |d| tied. */
  zeros: number;
  ties: boolean;
  method: 'exact' | 'normal';
  /** Signed-rank statistic V (sum of ranks of positive d). */
  v: number;
  /** Hodges–Lehmann estimate of ln(head/base). */
  estimate: number;
  /** Two-sided CI on ln(head/base) and the confidence the order statistics achieve. */
  ciLo: number;
  ciHi: number;
  ciLevel: number;
  /** Two-sided exact p, and one-sided p toward "worse". */
  p: number;
  pWorse: number;
  /** SD of the per-round log ratios. */
  sd: number;
}

export interface VerdictRow {
  host: string;
  benchmark: string;
  unit: string;
  better: Better;
  exact: boolean;
  verdict: VerdictKind;
  /** Why, in a few words ("q ≤ 0.05, CI above +δ"). */
  reason: string;
  /** head/base − 1: HL estimate for paired rows, medians' ratio for exact rows. */
  change: number;
  /** Two-sided CI of the change (relative), paired rows only. */
  ciLo?: number;
  ciHi?: number;
  delta: PracticalThreshold;
  /** Two-sided p and BH q (paired rows only). */
  p?: number;
  q?: number;
  paired?: PairedAnalysis;
  exactJudgement?: ExactJudgement;
  /** Inconclusive rows: MDE at these rounds (relative, ∞ when unreachable) and the rounds to detect `roundsTarget`. */
  mde?: number;
  roundsNeeded?: number;
  roundsTarget?: number;
}

/** Stable identity of a row across sessions (host, benchmark, unit). */
export function rowKey(r: { host: string; benchmark: string; unit: string }): string {
  return `${r.host}\u0000${r.benchmark}\u0000${r.unit}`;
}

/** Paired analysis of one row's rounds (undefined when no round has both sides). */
export function analysePaired(base: ReadonlyArray<RoundValue>, head: ReadonlyArray<RoundValue>, better: Better, confidence = 0.95): PairedAnalysis | undefined {
  const lr = logRatios(base, head);
  if (lr.d.length === 0) return undefined;
  const t = signRankTest(lr.d);
  const hl = hodgesLehmann(lr.d, confidence);
  return {
    rounds: lr.d.length,
    missing: lr.missing,
    invalid: lr.invalid,
    zeros: t.zeros,
    ties: t.ties,
    method: t.method,
    v: t.v,
    estimate: hl.estimate,
    ciLo: hl.ci.lo,
    ciHi: hl.ci.hi,
    ciLevel: hl.ci.level,
    p: t.p,
    pWorse: better === 'lower' ? t.pGreater : t.pLess,
    sd: logRatioSd(lr.d),
  };
}

function fmtPct(x: number): string {
  return `${(x * 100).toFixed(1)} %`;
}

/**
 * The verdict of one paired row given its q-value. `testAlpha` is the per-test
 * level used for the MDE (α/m for a family of m).
 */
export function decide(a: PairedAnalysis, q: number, better: Better, delta: PracticalThreshold, opts: Required<VerdictOptions>, testAlpha: number): Pick<VerdictRow, 'verdict' | 'reason' | 'mde' | 'roundsNeeded' | 'roundsTarget'> {
  const s = worseSign(better);
  const lo = Math.min(s * a.ciLo, s * a.ciHi);
  const hi = Math.max(s * a.ciLo, s * a.ciHi);
  const d = delta.value;
  const sig = q <= opts.alpha;
  const qs = `q ${sig ? '≤' : '>'} ${opts.alpha}`;
  if (sig && lo > d) return { verdict: 'regression', reason: `${qs}, CI above +δ` };
  if (sig && hi < -d) return { verdict: 'improvement', reason: `${qs}, CI below −δ` };
  // "No change" is a claim at the requested confidence: with too few rounds for
  // that level (R ≤ 5 at 95 %) the interval is weaker and proves nothing.
  const fullLevel = a.ciLevel >= opts.confidence - 1e-12;
  if (lo > -d && hi < d && fullLevel) return { verdict: 'no-change', reason: 'CI inside ±δ' };
  const inp = { sd: a.sd, delta: d, testAlpha, ciAlpha: 1 - opts.confidence, power: opts.power };
  const target = Math.max(2 * d, Math.abs(a.estimate));
  const mde = minimumDetectableEffect(a.rounds, inp);
  const need = roundsNeeded(target, inp);
  // Beyond δ but not significant after BH, or a CI that straddles ±δ.
  const where = !fullLevel ? `${a.rounds} rounds give only a ${(a.ciLevel * 100).toFixed(1)} % interval` : !sig && (lo > d || hi < -d) ? qs : 'CI crosses ±δ';
  return {
    verdict: 'inconclusive',
    reason: `${where}; MDE ${Number.isFinite(mde) ? fmtPct(toRelative(mde)) : '∞'} at ${a.rounds} rounds`,
    mde: toRelative(mde),
    roundsNeeded: need,
    roundsTarget: toRelative(target),
  };
}

function fullOptions(o: VerdictOptions): Required<VerdictOptions> {
  const out = { alpha: o.alpha ?? 0.05, confidence: o.confidence ?? 0.95, threshold: o.threshold ?? DEFAULT_THRESHOLD, power: o.power ?? 0.8 };
  if (!(out.alpha > 0 && out.alpha < 1)) throw new RangeError(`alpha must be in (0, 1), got ${out.alpha}`);
  if (!(out.confidence > 0 && out.confidence < 1)) throw new RangeError(`confidence must be in (0, 1), got ${out.confidence}`);
  if (!(out.power > 0 && out.power < 1)) throw new RangeError(`power must be in (0, 1), got ${out.power}`);
  practicalThreshold(out.threshold); // checks the threshold once, even for an empty comparison
  return out;
}

/**
 * Verdicts for every row of one comparison (all hosts together): BH across all
 * paired rows, exact units by equality. Rows keep the input order.
 */
export function compareRows(inputs: ReadonlyArray<PairedInput>, options: VerdictOptions = {}): VerdictRow[] {
  const opts = fullOptions(options);
  const seen = new Set<string>();
  for (const inp of inputs) {
    const k = rowKey(inp);
    if (seen.has(k)) throw new RangeError(`comparison rows: ${inp.benchmark} ${inp.unit} on ${inp.host} appears twice`);
    seen.add(k);
  }
  const prepared = inputs.map((inp) => {
    const better = betterDirection(inp.unit, inp.meta);
    const exact = isExactUnit(inp.unit, inp.meta);
    const delta = practicalThreshold(opts.threshold, inp.floor);
    const paired = exact ? undefined : analysePaired(inp.base, inp.head, better, opts.confidence);
    return { inp, better, exact, delta, paired };
  });
  const family: number[] = [];
  const pos: number[] = [];
  prepared.forEach((r, i) => {
    if (r.paired) {
      pos[i] = family.length;
      family.push(r.paired.p);
    }
  });
  const q = benjaminiHochberg(family);
  const testAlpha = opts.alpha / Math.max(1, family.length);
  return prepared.map((r, i): VerdictRow => {
    const head = { host: r.inp.host, benchmark: r.inp.benchmark, unit: r.inp.unit, better: r.better, exact: r.exact, delta: r.delta };
    if (r.exact) {
      const j = judgeExact(r.inp.base, r.inp.head, r.better);
      return { ...head, verdict: j.outcome, reason: j.reason, change: j.change, exactJudgement: j };
    }
    const a = r.paired;
    if (!a) {
      // Zeros on both sides (0 B/op) have no ratio, but equal in every round is no change.
      if (equalInEveryRound(r.inp.base, r.inp.head)) return { ...head, verdict: 'no-change', reason: 'equal in every round', change: 0 };
      const lr = logRatios(r.inp.base, r.inp.head);
      return { ...head, verdict: 'inconclusive', reason: lr.invalid > 0 ? 'no round with two positive values' : 'no round with both sides', change: NaN };
    }
    const qi = q[pos[i]!]!;
    return {
      ...head,
      ...decide(a, qi, r.better, r.delta, opts, testAlpha),
      change: toRelative(a.estimate),
      ciLo: toRelative(a.ciLo),
      ciHi: toRelative(a.ciHi),
      p: a.p,
      q: qi,
      paired: a,
    };
  });
}

/** Some round has both sides, and every such round has the same value on both. */
function equalInEveryRound(base: ReadonlyArray<RoundValue>, head: ReadonlyArray<RoundValue>): boolean {
  let both = 0;
  for (let i = 0; i < Math.min(base.length, head.length); i++) {
    const b = base[i];
    const h = head[i];
    if (b === null || b === undefined || h === null || h === undefined) continue;
    if (b !== h) return false;
    both++;
  }
  return both > 0;
}
