/**
 * The index's data: the script the front page loads (compact), and its
 * machine-readable twins index.json and index.csv (full precision).
 */
import { round } from './chunks.ts';
import { historyTrigger, type SiteContext } from './pages.ts';
import type { SiteState } from './state.ts';
import { sparkOf } from './rows.ts';
import { significantAfterCorrection } from './significance.ts';

export const INDEX_COLUMNS = [
  'pkg',
  'benchmark',
  'page',
  'unit',
  'host',
  'trigger',
  'goarch',
  'latest_run_id',
  'latest_at',
  'latest_revision',
  'latest_median',
  'latest_ci_low',
  'latest_ci_high',
  'latest_n',
  'change',
  'p',
  'q',
  'significant',
  'verdict_note',
] as const;

/** One CSV field (RFC 4180): quoted when it holds a comma, quote or line break. */
export function csvField(v: string | number | boolean | null): string {
  if (v === null) return '';
  const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(fields: readonly (string | number | boolean | null)[]): string {
  return fields.map(csvField).join(',') + '\r\n';
}

function rows(state: SiteState, ctx: SiteContext): (string | number | boolean | null)[][] {
  const out: (string | number | boolean | null)[][] = [];
  for (const base of Object.keys(state.pages).sort()) {
    const p = state.pages[base]!;
    for (const s of p.series) {
      const v = s.verdict;
      out.push([
        p.pkg,
        p.name,
        `bench/${base}.html`,
        s.unit,
        s.host,
        s.trigger,
        s.goarch,
        s.latest.runId,
        s.latest.at,
        ctx.runs.get(s.latest.runId)?.revision ?? null,
        s.latest.median,
        s.latest.lo,
        s.latest.hi,
        s.latest.n,
        v?.change ?? null,
        v?.p ?? null,
        ctx.q.get(s) ?? null,
        v && v.note === null && ctx.q.has(s) ? significantAfterCorrection(ctx.q.get(s)) : null,
        v?.note ?? null,
      ]);
    }
  }
  return out;
}

export function indexCsv(state: SiteState, ctx: SiteContext): string {
  return csvLine(INDEX_COLUMNS) + rows(state, ctx).map(csvLine).join('');
}

export function indexJson(state: SiteState, ctx: SiteContext): string {
  const series = rows(state, ctx).map((r) => Object.fromEntries(INDEX_COLUMNS.map((c, i) => [c, r[i]])));
  return JSON.stringify({ title: ctx.config.title, history: ctx.history, series }, null, 1) + '\n';
}

/** Sparkline levels: each median as 0–61 between the line's min and max, one character each. */
const LEVELS = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
export function sparkText(values: readonly number[]): string {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) (lo = Math.min(lo, v)), (hi = Math.max(hi, v));
  return values.map((v) => LEVELS[hi === lo ? 31 : Math.round(((v - lo) / (hi - lo)) * (LEVELS.length - 1))]).join('');
}

/**
 * The front page's rows: pages [base, pkg, name]; rows [page, unit, host,
 * trigger, goarch, in history (1/0), latest median, ci low, ci high, x, run,
 * revision, verdict [change, p, significant after correction 1/0, note, q] or null, sparkline].
 */
export function indexDataScript(state: SiteState, ctx: SiteContext): string {
  const bases = Object.keys(state.pages).sort();
  const pages = bases.map((b) => [b, state.pages[b]!.pkg, state.pages[b]!.name]);
  const hosts = state.hosts;
  const out: unknown[] = [];
  bases.forEach((b, i) => {
    for (const s of state.pages[b]!.series) {
      const v = s.verdict;
      out.push([
        i,
        s.unit,
        hosts.indexOf(s.host),
        s.trigger,
        s.goarch,
        historyTrigger(ctx, s.trigger) ? 1 : 0,
        round(s.latest.median),
        s.latest.lo === null ? null : round(s.latest.lo),
        s.latest.hi === null ? null : round(s.latest.hi),
        s.latest.at.slice(0, 10),
        s.latest.runId,
        ctx.runs.get(s.latest.runId)?.revision ?? null,
        v ? [round(v.change), round(v.p), significantAfterCorrection(ctx.q.get(s)) ? 1 : 0, v.note, ctx.q.has(s) ? round(ctx.q.get(s)!) : null] : null,
        sparkText(sparkOf(s)),
      ]);
    }
  });
  return `metalbench.index(\n${JSON.stringify({ hosts, pages, rows: out })}\n);\n`;
}
