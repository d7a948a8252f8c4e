/**
 * The cross-architecture page's data: which commits it offers (the latest
 * history revisions) and, per commit, every benchmark's median and CI on each
 * host that measured it. One data file per commit, so an incremental build
 * rewrites only the commits whose runs changed.
 */
import { createHash } from 'node:crypto';
import { cmp, round } from './chunks.ts';
import { slugify } from './names.ts';
import type { ArchPointReader } from './sources/arch.ts';
import type { RunMeta } from './sources/runs.ts';
import { compareUnits } from './units.ts';

/** One commit the page offers: the history runs that measured it. */
export interface ArchRevision {
  /** File name of its data (arch/<key>.js): a slug and hash of the revision, or run_<id> for a run without one. */
  key: string;
  revision: string | null;
  /** The commit's date (the newest run's x). */
  at: string;
  /** Run ids, ascending. */
  runs: number[];
}

/** A column: one host label, measured with one variant and toolchain. */
export type ArchColumn = [host: string, goarch: string | null, variant: string | null, toolchain: string | null];
/** Median, CI low, CI high. */
export type ArchCell = [number, number | null, number | null];

export interface ArchData {
  key: string;
  revision: string | null;
  at: string;
  runs: number[];
  /**
   * Columns. variant and toolchain are set only when this commit was measured
   * with more than one of them (then "host · variant · toolchain" are separate
   * columns); otherwise they are null and `variants`/`toolchains` say which.
   */
  hosts: ArchColumn[];
  variants: string[];
  toolchains: string[];
  /** [page base, benchmark name, pkg], referenced by rows. */
  pages: [string, string, string | null][];
  /** [page index, unit, per column a cell or null], by pkg, name and unit. */
  rows: [number, string, (ArchCell | null)[]][];
}

/** The data file name of a commit: safe on any file system; the hash keeps two revisions apart. */
export function archKey(revision: string | null, runId: number): string {
  if (revision === null) return `run_${runId}`;
  const hash = createHash('sha256').update(revision).digest('hex').slice(0, 10);
  const slug = slugify(revision).slice(0, 12).replace(/-+$/, '');
  return `${slug === 'benchmark' ? 'rev' : slug}-${hash}`;
}

/**
 * The latest `limit` commits of the history runs, newest first (by the newest
 * run's start, as the front page's "latest"); runs still running are left out.
 */
export function archRevisions(runs: Iterable<RunMeta>, inHistory: (trigger: string) => boolean, limit: number): ArchRevision[] {
  const groups = new Map<string, RunMeta[]>();
  for (const r of runs) {
    if (!inHistory(r.trigger) || r.status === 'running') continue;
    const key = archKey(r.revision, r.id);
    const list = groups.get(key);
    if (list) list.push(r);
    else groups.set(key, [r]);
  }
  const newestFirst = (a: RunMeta, b: RunMeta) => cmp(b.startedAt, a.startedAt) || b.id - a.id;
  const out = [...groups].map(([key, list]) => {
    const newest = [...list].sort(newestFirst)[0]!;
    return { key, newest, rev: { key, revision: newest.revision, at: newest.at, runs: list.map((r) => r.id).sort((a, b) => a - b) } };
  });
  return out
    .sort((a, b) => newestFirst(a.newest, b.newest))
    .slice(0, limit)
    .map((g) => g.rev);
}

/** Whether two windows list the same runs for a commit (else its data is rewritten). */
export function sameRuns(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * A commit's data from its runs' summaries up to the watermark. When a column
 * has two runs' values for one benchmark (a rerun), the later run's are shown.
 */
export function archData(rev: ArchRevision, reader: ArchPointReader, upto: number, runs: Map<number, RunMeta>, pageOf: (benchmarkId: number, pkg: string | null) => [string, string] | null): ArchData {
  const points = rev.runs.flatMap((id) => reader.ofRun(id, upto));
  const variantOf = (runId: number) => runs.get(runId)?.variant ?? null;
  const variants = distinct(points.map((p) => variantOf(p.runId)));
  const toolchains = distinct(points.map((p) => p.toolchain));
  // Variants and toolchains split columns only when this commit has more than one.
  const splitVariant = variants.length + (points.some((p) => variantOf(p.runId) === null) ? 1 : 0) > 1;
  const splitToolchain = toolchains.length + (points.some((p) => p.toolchain === null) ? 1 : 0) > 1;
  const columns = new Map<string, ArchColumn>();
  const columnKey = (c: ArchColumn) => `${c[0]}\0${c[2] ?? '\u0001'}\0${c[3] ?? '\u0001'}`;
  const colOf = points.map((p) => {
    const c: ArchColumn = [p.host, p.goarch, splitVariant ? variantOf(p.runId) : null, splitToolchain ? p.toolchain : null];
    const k = columnKey(c);
    const have = columns.get(k);
    if (!have) columns.set(k, c);
    else if (have[1] === null) have[1] = c[1];
    return k;
  });
  const ordered = [...columns.entries()].sort((a, b) => cmp(a[0], b[0]));
  const index = new Map(ordered.map(([k], i) => [k, i]));
  const pages: ArchData['pages'] = [];
  const pageIndex = new Map<string, number>();
  const rowsByKey = new Map<string, ArchData['rows'][number]>();
  points.forEach((p, i) => {
    const page = pageOf(p.benchmarkId, p.pkg);
    if (!page) return;
    let pi = pageIndex.get(page[0]);
    if (pi === undefined) {
      pageIndex.set(page[0], (pi = pages.length));
      pages.push([page[0], page[1], p.pkg]);
    }
    const key = `${pi}\0${p.unit}`;
    let row = rowsByKey.get(key);
    if (!row) rowsByKey.set(key, (row = [pi, p.unit, ordered.map(() => null)]));
    row[2][index.get(colOf[i]!)!] = [round(p.median), p.lo === null ? null : round(p.lo), p.hi === null ? null : round(p.hi)];
  });
  // Pages by pkg (none last), then name; rows by page, then unit.
  const pageOrder = pages.map((_, i) => i).sort((a, b) => cmp(pages[a]![2] ?? '\uffff', pages[b]![2] ?? '\uffff') || cmp(pages[a]![1], pages[b]![1]) || cmp(pages[a]![0], pages[b]![0]));
  const renumber = new Map(pageOrder.map((old, i) => [old, i]));
  const rows = [...rowsByKey.values()]
    .map((r): ArchData['rows'][number] => [renumber.get(r[0])!, r[1], r[2]])
    .sort((a, b) => a[0] - b[0] || compareUnits(a[1], b[1]));
  return {
    key: rev.key,
    revision: rev.revision,
    at: rev.at,
    runs: rev.runs,
    hosts: ordered.map(([, c]) => c),
    variants,
    toolchains,
    pages: pageOrder.map((i) => pages[i]!),
    rows,
  };
}

function distinct(values: readonly (string | null)[]): string[] {
  return [...new Set(values.filter((v): v is string => v !== null))].sort();
}

/** A commit's data file: the JSON on its own line, as the month files (site/chunks.ts). */
export function archDataScript(a: ArchData): string {
  return `metalbench.arch(\n${JSON.stringify(a)}\n);\n`;
}
