/**
 * The "where" section of a PR comment or alert: for each confirmed
 * regression that was profiled, the functions whose cost per op changed
 * most, base vs head, in a collapsed block so the verdict stays on top.
 * Compare calls profileSides, then diffStored, then whereMarkdown; `alerts`
 * shows the same tables as text (whereText) and Markdown.
 */
import type { DiffResult } from './command.ts';
import { fmtBytes, fmtNs, pct, unitFormatter } from './format.ts';

/** One diff as a heading and a table: the same figures for every output. */
interface WhereTable {
  /** What was profiled: benchmark, host, kind. */
  name: { benchmark: string; host: string; kind: string };
  /** The total line of a function diff (sample type, base → head), absent for gc. */
  total?: string;
  header: string[];
  rows: string[][];
  /** Rows' first cell is a function name (shown as code). */
  functions: boolean;
  notes: string[];
}

function tableOf(r: DiffResult, top: number): WhereTable {
  const name = { benchmark: r.benchmark, host: r.host, kind: r.kind };
  if (r.diff) {
    const d = r.diff;
    const f = unitFormatter(d.unit);
    const rows = d.byFlat.slice(0, top).map((c) => {
      const ratio = c.flatRatio === null ? 'new' : c.headFlat === 0 ? 'gone' : `${c.flatRatio.toFixed(2)}×`;
      return [c.name, f(c.baseFlat), f(c.headFlat), `${c.flatDelta > 0 ? '+' : '−'}${f(Math.abs(c.flatDelta))}`, ratio];
    });
    return { name, total: `${d.sampleType} per op ${f(d.baseTotal)} → ${f(d.headTotal)} (${pct(d.headTotal, d.baseTotal)})`, header: ['function', 'base', 'head', 'Δ flat', 'ratio'], rows, functions: true, notes: r.notes };
  }
  const rows: string[][] = [];
  if (r.gc) {
    const { base: b, head: h } = r.gc;
    rows.push(['collections', b.collectionsPerOp.toPrecision(3), h.collectionsPerOp.toPrecision(3), pct(h.collectionsPerOp, b.collectionsPerOp)]);
    rows.push(['GC pause', fmtNs(b.pauseNsPerOp), fmtNs(h.pauseNsPerOp), pct(h.pauseNsPerOp, b.pauseNsPerOp)]);
    rows.push([
      'heap goal (median)',
      b.heapGoalMedianBytes === null ? '-' : fmtBytes(b.heapGoalMedianBytes),
      h.heapGoalMedianBytes === null ? '-' : fmtBytes(h.heapGoalMedianBytes),
      b.heapGoalMedianBytes && h.heapGoalMedianBytes ? pct(h.heapGoalMedianBytes, b.heapGoalMedianBytes) : '-',
    ]);
  }
  return { name, header: ['per op', 'base', 'head', 'change'], rows, functions: false, notes: r.notes };
}

/** Markdown cell text: pipes and line breaks would end the cell. */
function cell(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ');
}

export function whereMarkdown(diffs: readonly DiffResult[], o: { top?: number; title?: string } = {}): string {
  if (diffs.length === 0) return '';
  const top = o.top ?? 5;
  const out: string[] = [`<details><summary>${o.title ?? `Where: profiles of ${diffs.length} regression${diffs.length === 1 ? '' : 's'}`}</summary>`, ''];
  for (const r of diffs) {
    const t = tableOf(r, top);
    const name = `\`Benchmark${cell(t.name.benchmark)}\` on ${cell(t.name.host)}, ${t.name.kind}`;
    if (r.diff || r.gc) {
      out.push(t.total ? `**${name}**: ${cell(t.total)}` : `**${name}**`, '');
      out.push(`| ${t.header.join(' | ')} |`, `|---|${t.header.slice(1).map(() => '--:').join('|')}|`);
      for (const row of t.rows) out.push(`| ${row.map((c, i) => (i === 0 && t.functions ? `\`${cell(c)}\`` : cell(c))).join(' | ')} |`);
    }
    for (const n of t.notes) out.push('', `_${cell(n)}_`);
    out.push('');
  }
  out.push('</details>', '');
  return out.join('\n');
}

/** The same tables for a terminal, each line starting with `indent`. */
export function whereText(diffs: readonly DiffResult[], o: { top?: number; indent?: string } = {}): string {
  const top = o.top ?? 5;
  const pad = o.indent ?? '';
  const out: string[] = [];
  for (const r of diffs) {
    const t = tableOf(r, top);
    out.push(`${pad}Benchmark${t.name.benchmark} on ${t.name.host}, ${t.name.kind}${t.total ? `: ${t.total}` : ''}`);
    if (t.rows.length > 0) {
      const all = [t.header, ...t.rows];
      const widths = t.header.map((_, i) => Math.max(...all.map((row) => [...(row[i] ?? '')].length)));
      for (const row of all) out.push(`${pad}  ${row.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd()}`);
    } else if (r.diff) out.push(`${pad}  (no change)`);
    for (const n of t.notes) out.push(`${pad}  note: ${n}`);
  }
  return out.length > 0 ? `${out.join('\n')}\n` : '';
}
