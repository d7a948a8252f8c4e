/** Text for values, verdicts and dates, shared by the pages. */
import { significantAfterCorrection } from './significance.ts';
import type { Verdict } from './verdict.ts';
import { displayUnit, formatChange, formatValue } from './units.ts';

/** Units where a larger value is better (throughput); for the rest smaller is better. */
export function higherIsBetter(unit: string): boolean {
  return unit.endsWith('/s');
}

export function valueText(unit: string, v: number): string {
  return formatValue(v, displayUnit(unit, v));
}

export function ciText(unit: string, median: number, lo: number | null, hi: number | null): string {
  if (lo === null || hi === null) return 'CI needs more samples';
  const du = displayUnit(unit, median);
  return `95% CI ${formatValue(lo, du).replace(` ${du.label}`, '')}–${formatValue(hi, du)}`;
}

const pText = (p: number) => (p < 0.001 ? p.toExponential(0) : p.toFixed(3));

/**
 * The verdict as text. With the row's q-value (front page, index):
 * "+12% slower (p=1e-5, q=0.002, n=10+10)" or "~ no significant change (…)".
 * Without it (a benchmark page, which is not rewritten when other series
 * change): the test alone, "+12% (U test p=1e-5, n=10+10)".
 */
export function verdictText(unit: string, v: Verdict | null, q?: number): string {
  if (v === null) return 'no verdict (no earlier point in the same environment)';
  if (v.note !== null) return `no verdict (${v.note})`;
  const n = `n=${v.n[0]}+${v.n[1]}`;
  if (q === undefined) return `${v.p <= 0.05 ? '' : '~ '}${formatChange(v.change)} (U test p=${pText(v.p)}, ${n})`;
  const stats = `p=${pText(v.p)}, q=${pText(q)}, ${n}`;
  if (!significantAfterCorrection(q)) return `~ no significant change (${formatChange(v.change)}, ${stats})`;
  const worse = higherIsBetter(unit) ? v.change < 0 : v.change > 0;
  const word = unit === 'sec/op' ? (worse ? 'slower' : 'faster') : worse ? 'worse' : 'better';
  return `${formatChange(v.change)} ${word} (${stats})`;
}

export function verdictClass(unit: string, v: Verdict | null, q: number | undefined): string {
  if (v === null || v.note !== null || !significantAfterCorrection(q)) return 'same';
  return (higherIsBetter(unit) ? v.change < 0 : v.change > 0) ? 'worse' : 'better';
}

export const shortDate = (iso: string): string => iso.slice(0, 10);
export const dateTime = (iso: string): string => iso.replace('T', ' ').replace(/(:\d\d)(\.\d+)?Z$/, '$1Z');
export const shortRev = (rev: string | null): string => (rev === null ? '' : rev.length > 12 ? rev.slice(0, 12) : rev);
