/** Machine-readable twins of the pages: JSON and CSV with values in the stored (tidied) units. */
import type { BenchmarkData, Point } from './data.ts';

export const POINT_COLUMNS = [
  'pkg',
  'benchmark',
  'unit',
  'run_id',
  'run_started_at',
  'revision',
  'variant',
  'host',
  'n',
  'median',
  'q1',
  'q3',
  'min',
  'max',
  'nan',
] as const;

/** One CSV field (RFC 4180): quoted when it holds a comma, quote or line break. */
export function csvField(v: string | number | null): string {
  if (v === null) return '';
  const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : v;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(fields: readonly (string | number | null)[]): string {
  return fields.map(csvField).join(',') + '\r\n';
}

function pointFields(b: BenchmarkData, unit: string, p: Point): (string | number | null)[] {
  return [b.pkg, b.name, unit, p.runId, p.startedAt, p.revision, p.variant, p.host, p.n, p.median, p.q1, p.q3, p.min, p.max, p.nan];
}

/** A benchmark's points as CSV: one row per unit, run and host. */
export function benchmarkCsv(b: BenchmarkData): string {
  let out = csvLine(POINT_COLUMNS);
  for (const s of b.units) for (const p of s.points) out += csvLine(pointFields(b, s.unit, p));
  return out;
}

export function benchmarkJson(b: BenchmarkData): string {
  return JSON.stringify(
    {
      pkg: b.pkg,
      benchmark: b.name,
      units: b.units.map((s) => ({
        unit: s.unit,
        points: s.points.map((p) => ({
          run_id: p.runId,
          run_started_at: p.startedAt,
          revision: p.revision,
          variant: p.variant,
          host: p.host,
          n: p.n,
          median: p.median,
          q1: p.q1,
          q3: p.q3,
          min: p.min,
          max: p.max,
          nan: p.nan,
        })),
      })),
    },
    null,
    2,
  ) + '\n';
}
