// Confirmation of regression candidates by a new session (new seed and order,
// after the screening session ended). The screening's data are not reused:
// correlated noise within a session would confirm itself. A candidate is
// confirmed only when the confirmation session alone
//   - rejects "no change" one-sided toward worse at α, Holm-adjusted across the
//     paired candidates (family-wise control over the few candidates),
//   - estimates a change in the same direction, and
//   - clears δ: the one-sided lower confidence bound (level 1 − α) of the worse
//     change exceeds δ, i.e. the shifted test of "change ≤ δ" rejects too.
// Exact units are re-judged by equality and must be worse again.

import { holm } from './multiplicity.ts';
import { hodgesLehmann } from './hodges-lehmann.ts';
import { logRatios, toRelative } from './log-ratios.ts';
import { judgeExact } from './exact-units.ts';
import { signRankTest } from './signrank.ts';
import { worseSign } from './units.ts';
import { rowKey, type PairedInput, type VerdictRow } from './verdict.ts';

export interface ConfirmationRow {
  host: string;
  benchmark: string;
  unit: string;
  /** The host the confirmation ran on (may differ: another host of the same class). */
  confirmHost?: string;
  /** The screening change (relative). */
  screenedChange: number;
  confirmed: boolean;
  reason: string;
  /** Rounds of the confirmation session used. */
  rounds: number;
  /** Confirmation's change (relative), its one-sided lower bound on the worse change (relative), p and Holm-adjusted p. */
  change?: number;
  worseBound?: number;
  pOneSided?: number;
  pHolm?: number;
}

export interface ConfirmationSummary {
  screened: number;
  confirmed: number;
  rows: ConfirmationRow[];
  /** "screened k → confirmed j". */
  line: string;
}

export interface ConfirmationPair {
  candidate: VerdictRow;
  /** The confirmation session's rounds for this candidate; undefined when it was not re-measured. */
  confirmation: PairedInput | undefined;
}

/** Confirms regression candidates; `alpha` is the one-sided level (default 0.05). */
export function confirmCandidates(pairs: ReadonlyArray<ConfirmationPair>, alpha = 0.05): ConfirmationSummary {
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be in (0, 1), got ${alpha}`);
  for (const { candidate } of pairs) {
    if (candidate.verdict !== 'regression') throw new RangeError(`confirmation candidate ${candidate.benchmark} ${candidate.unit} on ${candidate.host} is ${candidate.verdict}, not a regression`);
  }
  const seen = new Set<string>();
  for (const { candidate } of pairs) {
    const k = rowKey(candidate);
    if (seen.has(k)) throw new RangeError(`confirmation candidate ${candidate.benchmark} ${candidate.unit} on ${candidate.host} appears twice`);
    seen.add(k);
  }
  // One-sided p per paired candidate, then Holm across them.
  interface Stage {
    row: ConfirmationRow;
    p: number;
    d: number[];
    exact?: PairedInput;
  }
  const stage = pairs.map(({ candidate: c, confirmation: inp }): Stage => {
    const base: ConfirmationRow = { host: c.host, benchmark: c.benchmark, unit: c.unit, screenedChange: c.change, confirmed: false, reason: '', rounds: 0 };
    if (inp && inp.host !== c.host) base.confirmHost = inp.host;
    if (!inp) return { row: { ...base, reason: 'not re-measured' }, p: NaN, d: [] };
    if (c.exact) return { row: base, p: NaN, d: [], exact: inp };
    const lr = logRatios(inp.base, inp.head);
    base.rounds = lr.d.length;
    if (lr.d.length === 0) return { row: { ...base, reason: 'no round with both sides' }, p: NaN, d: [] };
    const t = signRankTest(lr.d);
    return { row: base, p: c.better === 'lower' ? t.pGreater : t.pLess, d: lr.d };
  });
  const adj = holm(stage.map((s) => s.p));
  const rows = stage.map((s, i): ConfirmationRow => {
    const row = s.row;
    const c = pairs[i]!.candidate;
    if (s.exact) {
      const j = judgeExact(s.exact.base, s.exact.head, c.better);
      row.rounds = Math.min(s.exact.base.length, s.exact.head.length);
      row.change = j.change;
      row.confirmed = j.outcome === 'regression';
      row.reason = row.confirmed ? 'worse again (exact)' : `exact: ${j.outcome === 'no-change' ? 'equal' : j.reason}`;
      return row;
    }
    if (s.d.length === 0) return row;
    const sgn = worseSign(c.better);
    const hl = hodgesLehmann(s.d, 1 - alpha);
    // The lower bound on the worse change: for lower-is-better the lower bound of ln ratio, else minus the upper bound.
    const worseBound = sgn === 1 ? hl.lower.lo : -hl.upper.hi;
    row.change = toRelative(hl.estimate);
    row.worseBound = toRelative(worseBound);
    row.pOneSided = s.p;
    row.pHolm = adj[i]!;
    const reasons: string[] = [];
    if (!(adj[i]! <= alpha)) reasons.push(`Holm p ${adj[i]!.toPrecision(2)} > ${alpha}`);
    if (!(sgn * hl.estimate > 0)) reasons.push('direction differs');
    if (!(worseBound > c.delta.value)) reasons.push('bound does not clear δ');
    row.confirmed = reasons.length === 0;
    row.reason = row.confirmed ? `Holm p ≤ ${alpha}, bound clears δ` : reasons.join('; ');
    return row;
  });
  const confirmed = rows.filter((r) => r.confirmed).length;
  return { screened: rows.length, confirmed, rows, line: `screened ${rows.length} → confirmed ${confirmed}` };
}
