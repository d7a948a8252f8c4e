/**
 * Display units: samples are stored tidied (sec/op in seconds, B/s in bytes
 * per second); people read nanoseconds, KiB and MB/s.
 */

export interface DisplayUnit {
  /** Stored value ÷ factor = displayed value. */
  factor: number;
  /** The unit of the displayed value, e.g. "µs/op". */
  label: string;
}

interface Step {
  factor: number;
  prefix: string;
}

const TIME: readonly Step[] = [
  { factor: 1e-9, prefix: 'ns' },
  { factor: 1e-6, prefix: 'µs' },
  { factor: 1e-3, prefix: 'ms' },
  { factor: 1, prefix: 's' },
];
// B/op counts memory, which Go and benchstat scale in powers of two.
const BINARY_BYTES: readonly Step[] = [
  { factor: 1, prefix: 'B' },
  { factor: 1024, prefix: 'KiB' },
  { factor: 1024 ** 2, prefix: 'MiB' },
  { factor: 1024 ** 3, prefix: 'GiB' },
];
// Throughput (B/s, from MB/s) is decimal, as `go test` prints it.
const DECIMAL_BYTES: readonly Step[] = [
  { factor: 1, prefix: 'B' },
  { factor: 1e3, prefix: 'kB' },
  { factor: 1e6, prefix: 'MB' },
  { factor: 1e9, prefix: 'GB' },
];

/** The largest step that keeps the typical value at or above 1 in it. */
function pick(steps: readonly Step[], typical: number): Step {
  let best = steps[0]!;
  for (const s of steps) if (Math.abs(typical) >= s.factor) best = s;
  return best;
}

/**
 * The display unit for a tidied unit, chosen so that `typical` (for example
 * the largest median of a chart) reads as a number of at least 1.
 */
export function displayUnit(unit: string, typical: number): DisplayUnit {
  const slash = unit.indexOf('/');
  const base = slash < 0 ? unit : unit.slice(0, slash);
  const rest = slash < 0 ? '' : unit.slice(slash);
  const t = Number.isFinite(typical) ? typical : 0;
  let steps: readonly Step[] | undefined;
  if (base === 'sec') steps = TIME;
  else if (base === 'B') steps = rest === '/s' ? DECIMAL_BYTES : BINARY_BYTES;
  if (!steps) return { factor: 1, label: unit };
  const s = pick(steps, t);
  return { factor: s.factor, label: s.prefix + rest };
}

/** A value with four significant digits and its display unit, e.g. "1.234 µs/op". */
export function formatValue(value: number, unit: DisplayUnit): string {
  if (!Number.isFinite(value)) return String(value);
  return `${formatNumber(value / unit.factor)} ${unit.label}`;
}

export function formatNumber(x: number): string {
  if (x === 0) return '0';
  if (Math.abs(x) >= 1e4) return Math.round(x).toLocaleString('en-US');
  return String(Number(x.toPrecision(4)));
}

/** A relative change as a signed percentage, e.g. "+3.1%"; "~" when there is nothing to compare. */
export function formatChange(change: number | null): string {
  if (change === null || !Number.isFinite(change)) return '~';
  const pct = change * 100;
  const text = Math.abs(pct) >= 10 ? pct.toFixed(0) : pct.toFixed(1);
  if (Number(text) === 0) return '0.0%';
  return `${pct > 0 ? '+' : ''}${text}%`;
}

/** Order units the way benchstat does: time first, then memory, then the rest by name. */
export function compareUnits(a: string, b: string): number {
  const rank = (u: string) => (u === 'sec/op' ? 0 : u === 'B/op' ? 1 : u === 'allocs/op' ? 2 : 3);
  return rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0);
}
