/**
 * The table `metalbench run` prints at the end: per benchmark and unit, the
 * number of samples, the median and the spread (min, max, coefficient of
 * variation). Medians follow benchstat (R8 quantile, which for the 0.5
 * quantile is the usual middle value or the midpoint of the two middle ones).
 */
import { median, sampleStandardDeviation, mean } from 'simple-statistics';
import type { Store } from '../store/store.ts';

interface Row {
  /** Host and package: rows from different hosts (or emulation) are never pooled. */
  section: string;
  pkg: string | null;
  name: string;
  unit: string;
  values: number[];
}

export function renderRunTable(store: Store, runId: number): string {
  const rows = store.db
    .prepare<[number], { name: string; unit: string; value: number | null; pairs_json: string }>(
      `SELECT b.name, s.unit, s.value, c.pairs_json FROM samples s
       JOIN benchmarks b ON b.id = s.benchmark_id JOIN config_sets c ON c.id = s.config_id
       WHERE s.run_id = ? ORDER BY s.result_seq, s.pos`,
    )
    .all(runId);
  const groups = new Map<string, Row>();
  for (const r of rows) {
    const pairs = new Map(JSON.parse(r.pairs_json) as [string, string][]);
    const pkg = pairs.get('pkg') ?? null;
    const host = pairs.get('host') ?? '';
    const emulated = pairs.get('emulated');
    const section = `${host}${emulated ? ` (emulated: ${emulated})` : ''}\0${pkg}`;
    const key = `${section}\0${r.name}\0${r.unit}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { section, pkg, name: r.name, unit: r.unit, values: [] }));
    // NULL is a NaN the benchmark reported (e.g. a run cut short); it has no median.
    if (r.value !== null) g.values.push(r.value);
  }
  if (groups.size === 0) return 'no results\n';
  const header = ['benchmark', 'unit', 'n', 'median', 'min', 'max', 'cv'];
  const table: string[][] = [];
  const sorted = [...groups.values()].sort((a, b) => (a.section < b.section ? -1 : a.section > b.section ? 1 : 0));
  const manyHosts = new Set(sorted.map((g) => g.section.split('\0')[0])).size > 1;
  let lastSection: string | undefined;
  for (const g of sorted) {
    if (g.values.length === 0) continue;
    if (g.section !== lastSection) {
      const host = g.section.split('\0')[0];
      table.push([`${manyHosts ? `host: ${host}  ` : ''}pkg: ${g.pkg ?? '(none)'}`]);
      lastSection = g.section;
    }
    const m = median(g.values);
    const cv = g.values.length > 1 && mean(g.values) !== 0 ? sampleStandardDeviation(g.values) / Math.abs(mean(g.values)) : NaN;
    table.push([
      g.name,
      g.unit,
      String(g.values.length),
      formatValue(m, g.unit),
      formatValue(Math.min(...g.values), g.unit),
      formatValue(Math.max(...g.values), g.unit),
      Number.isNaN(cv) ? '-' : `${(cv * 100).toFixed(1)}%`,
    ]);
  }
  const widths = header.map((h, i) => Math.max(h.length, ...table.filter((r) => r.length > 1).map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i >= 2 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  const out = [line(header)];
  for (const r of table) out.push(r.length === 1 ? r[0]! : line(r));
  return `${out.join('\n')}\n`;
}

const SI: Array<[number, string]> = [
  [1e9, 'G'],
  [1e6, 'M'],
  [1e3, 'k'],
  [1, ''],
  [1e-3, 'm'],
  [1e-6, 'µ'],
  [1e-9, 'n'],
  [1e-12, 'p'],
];

/** Three or four significant digits with an SI prefix: 2.483µ sec/op reads as 2.483µs. */
function formatValue(v: number, unit: string): string {
  if (v === 0 || !Number.isFinite(v)) return String(v);
  if (unit === 'allocs/op' || unit === 'B/op') return Number.isInteger(v) ? String(v) : v.toPrecision(4);
  const [scale, prefix] = SI.find(([s]) => Math.abs(v) >= s * 0.99995) ?? SI[SI.length - 1]!;
  const suffix = unit === 'sec/op' ? 's' : '';
  return `${(v / scale).toPrecision(4)}${prefix}${suffix}`;
}
