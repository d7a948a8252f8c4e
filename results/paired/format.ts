// Small formatters shared by the text, markdown and JSON renderings.

import type { VerdictKind, VerdictRow } from './verdict.ts';
import type { ConfirmationRow, ConfirmationSummary } from './confirm.ts';

/** A relative change as a signed percentage: 0.0412 → "+4.12%". */
export function signedPct(x: number, digits = 2): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? '?' : x > 0 ? '+∞' : '−∞';
  const s = (x * 100).toFixed(digits);
  if (/^-0\.?0*$/.test(s)) return `+${s.slice(1)}%`;
  return `${x >= 0 ? '+' : ''}${s}%`;
}

/** An unsigned percentage: 0.01 → "1.00%". */
export function pct(x: number, digits = 2): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? '?' : '∞';
  return `${(x * 100).toFixed(digits)}%`;
}

/** p and q values: three decimals, scientific below 0.001. */
export function pValue(p: number | undefined): string {
  if (p === undefined || Number.isNaN(p)) return '';
  if (p >= 0.001) return p.toFixed(3);
  return p.toExponential(1);
}

export const VERDICT_LABEL: Record<VerdictKind, string> = {
  regression: 'regression',
  improvement: 'improvement',
  'no-change': 'no change',
  inconclusive: 'inconclusive',
};

export function rowKeyOf(r: { host: string; benchmark: string; unit: string }): string {
  return `${r.host}\u0000${r.benchmark}\u0000${r.unit}`;
}

/** Confirmation rows by the screened row's key. */
export function confirmationIndex(c: ConfirmationSummary | undefined): Map<string, ConfirmationRow> {
  const m = new Map<string, ConfirmationRow>();
  if (c) for (const r of c.rows) m.set(rowKeyOf(r), r);
  return m;
}

/** Verdict words for a row, with its confirmation status and, when inconclusive, what would settle it. */
export function verdictText(r: VerdictRow, conf: Map<string, ConfirmationRow>, confirmationRan: boolean): string {
  let s = VERDICT_LABEL[r.verdict];
  if (r.verdict === 'regression' && confirmationRan) {
    const c = conf.get(rowKeyOf(r));
    s += c ? (c.confirmed ? ', confirmed' : `, not confirmed (${c.reason})`) : ', not re-measured';
  }
  if (r.verdict === 'inconclusive' && r.mde !== undefined) {
    s += ` (MDE ${pct(r.mde, 1)}`;
    if (r.roundsNeeded !== undefined && Number.isFinite(r.roundsNeeded) && r.roundsTarget !== undefined) s += `; ${r.roundsNeeded} rounds for ${pct(r.roundsTarget, 1)}`;
    s += ')';
  } else if (r.verdict === 'inconclusive') {
    // Exact units that vary, rows without a usable round: say why.
    s += ` (${r.reason})`;
  }
  return s;
}

/** Δ, CI and δ cells for a row. */
export function changeCells(r: VerdictRow): { delta: string; ci: string; threshold: string } {
  if (r.exact) {
    const j = r.exactJudgement;
    const sides = j && j.base !== undefined && j.head !== undefined ? `${j.base} → ${j.head}` : 'exact';
    return { delta: r.verdict === 'no-change' ? '~' : signedPct(r.change), ci: sides, threshold: 'exact' };
  }
  if (r.ciLo === undefined || r.ciHi === undefined) return { delta: '?', ci: '', threshold: pct(r.delta.relative) };
  return { delta: signedPct(r.change), ci: `[${signedPct(r.ciLo)}, ${signedPct(r.ciHi)}]`, threshold: pct(r.delta.relative) };
}

/** POSIX shell quoting of an argv, for the reproduce command. */
export function shellQuote(argv: ReadonlyArray<string>): string {
  return argv.map((a) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}
