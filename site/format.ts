/** Text for values, verdicts and dates, shared by the pages. */
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

/** "+12% slower (p=0.002)", "~ no significant change (p=0.41)", "no verdict (…)". */
export function verdictText(unit: string, v: Verdict | null): string {
  if (v === null) return 'no verdict (no earlier point in the same environment)';
  const p = `p=${v.p < 0.001 ? v.p.toExponential(0) : v.p.toFixed(3)}, n=${v.n[0]}+${v.n[1]}`;
  if (v.note !== null) return `no verdict (${v.note})`;
  if (!v.significant) return `~ no significant change (${formatChange(v.change)}, ${p})`;
  const worse = higherIsBetter(unit) ? v.change < 0 : v.change > 0;
  const word = unit === 'sec/op' ? (worse ? 'slower' : 'faster') : worse ? 'worse' : 'better';
  return `${formatChange(v.change)} ${word} (${p})`;
}

export function verdictClass(unit: string, v: Verdict | null): string {
  if (v === null || !v.significant) return 'same';
  return (higherIsBetter(unit) ? v.change < 0 : v.change > 0) ? 'worse' : 'better';
}

export const shortDate = (iso: string): string => iso.slice(0, 10);
export const dateTime = (iso: string): string => iso.replace('T', ' ').replace(/(:\d\d)(\.\d+)?Z$/, '$1Z');
export const shortRev = (rev: string | null): string => (rev === null ? '' : rev.length > 12 ? rev.slice(0, 12) : rev);
