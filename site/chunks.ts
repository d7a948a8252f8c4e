/**
 * Data files: one per benchmark page and month of x, loaded by the page with
 * a <script> element (browsers refuse fetch() from file://). Each file is one
 * JSON object in `metalbench.chunk(` … `);`, the JSON on its own line, so a
 * program reads it by dropping the first and last line.
 */
import type { RunMeta } from './sources/runs.ts';
import type { FullPointRow } from './sources/summaries.ts';
import { compareUnits } from './units.ts';

/** Significant digits kept in data files: far below run-to-run noise, a third of the bytes. */
const DIGITS = 6;

export const round = (x: number): number => (x === 0 || !Number.isFinite(x) ? x : Number(x.toPrecision(DIGITS)));
const roundOrNull = (x: number | null): number | null => (x === null ? null : round(x));

export interface ChunkJson {
  page: string;
  month: string;
  /** run id → [x (ISO), revision, variant, trigger]. */
  runs: Record<string, [string, string | null, string | null, string]>;
  series: {
    unit: string;
    host: string;
    trigger: string;
    /** [run id, fingerprint, n, median, ci low, ci high, q1, q3, min, max, NaN count], in x order. */
    points: [number, string | null, number, number, number | null, number | null, number, number, number, number, number][];
  }[];
}

export function chunkJson(page: string, month: string, rows: readonly FullPointRow[], runs: Map<number, RunMeta>): ChunkJson {
  const series = new Map<string, ChunkJson['series'][number]>();
  const usedRuns: ChunkJson['runs'] = {};
  for (const r of rows) {
    const run = runs.get(r.runId);
    if (!run) continue;
    usedRuns[String(r.runId)] = [r.at, run.revision, run.variant, run.trigger];
    const key = `${r.unit}\0${r.host}\0${r.trigger}`;
    let s = series.get(key);
    if (!s) series.set(key, (s = { unit: r.unit, host: r.host, trigger: r.trigger, points: [] }));
    s.points.push([r.runId, r.fingerprint, r.n, round(r.median), roundOrNull(r.lo), roundOrNull(r.hi), round(r.q1), round(r.q3), round(r.min), round(r.max), r.nan]);
  }
  const ordered = [...series.values()].sort(
    (a, b) => compareUnits(a.unit, b.unit) || cmp(a.host, b.host) || cmp(a.trigger, b.trigger),
  );
  return { page, month, runs: usedRuns, series: ordered };
}

export function chunkScript(c: ChunkJson): string {
  return `metalbench.chunk(\n${JSON.stringify(c)}\n);\n`;
}

export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The JSON of a data file written by chunkScript. */
export function parseChunk(text: string): ChunkJson | null {
  const start = text.indexOf('\n');
  const end = text.lastIndexOf('\n);');
  if (start < 0 || end <= start) return null;
  try {
    return JSON.parse(text.slice(start + 1, end)) as ChunkJson;
  } catch {
    return null;
  }
}

/**
 * A month's data file with new points appended, when every new point comes
 * after every point already there (a new nightly): the same JSON chunkJson
 * makes from all the month's points. null otherwise (a backfill): the month
 * must be read again.
 */
export function appendChunk(old: ChunkJson, rows: readonly FullPointRow[], runs: Map<number, RunMeta>): ChunkJson | null {
  let last = '';
  for (const r of Object.values(old.runs)) if (r[0] > last) last = r[0];
  for (const r of rows) if (r.at <= last) return null;
  const series = new Map(old.series.map((s) => [`${s.unit}\0${s.host}\0${s.trigger}`, s]));
  const added = chunkJson(old.page, old.month, rows, runs);
  for (const s of added.series) {
    const have = series.get(`${s.unit}\0${s.host}\0${s.trigger}`);
    if (have) have.points.push(...s.points);
    else series.set(`${s.unit}\0${s.host}\0${s.trigger}`, s);
  }
  const ordered = [...series.values()].sort((a, b) => compareUnits(a.unit, b.unit) || cmp(a.host, b.host) || cmp(a.trigger, b.trigger));
  return { page: old.page, month: old.month, runs: { ...old.runs, ...added.runs }, series: ordered };
}
