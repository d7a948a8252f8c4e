/**
 * The "where" section of a PR comment or alert: for each confirmed
 * regression that was profiled, the functions whose cost per op changed
 * most, base vs head, in a collapsed block so the verdict stays on top.
 * Compare calls profileSides, then diffStored, then this.
 */
import type { DiffResult } from './command.ts';
import { fmtBytes, fmtNs, pct, unitFormatter } from './format.ts';

/** Markdown cell text: pipes and line breaks would end the cell. */
function cell(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ');
}

export function whereMarkdown(diffs: readonly DiffResult[], o: { top?: number; title?: string } = {}): string {
  if (diffs.length === 0) return '';
  const top = o.top ?? 5;
  const out: string[] = [`<details><summary>${o.title ?? `Where: profiles of ${diffs.length} regression${diffs.length === 1 ? '' : 's'}`}</summary>`, ''];
  for (const r of diffs) {
    const name = `\`Benchmark${cell(r.benchmark)}\` on ${cell(r.host)}, ${r.kind}`;
    if (r.diff) {
      const d = r.diff;
      const f = unitFormatter(d.unit);
      out.push(`**${name}**: ${cell(d.sampleType)} per op ${f(d.baseTotal)} → ${f(d.headTotal)} (${pct(d.headTotal, d.baseTotal)})`, '');
      out.push('| function | base | head | Δ flat | ratio |', '|---|--:|--:|--:|--:|');
      for (const c of d.byFlat.slice(0, top)) {
        const ratio = c.flatRatio === null ? 'new' : c.headFlat === 0 ? 'gone' : `${c.flatRatio.toFixed(2)}×`;
        out.push(`| \`${cell(c.name)}\` | ${f(c.baseFlat)} | ${f(c.headFlat)} | ${c.flatDelta > 0 ? '+' : '−'}${f(Math.abs(c.flatDelta))} | ${ratio} |`);
      }
    } else if (r.gc) {
      const { base: b, head: h } = r.gc;
      out.push(`**${name}**`, '', '| per op | base | head | change |', '|---|--:|--:|--:|');
      out.push(`| collections | ${b.collectionsPerOp.toPrecision(3)} | ${h.collectionsPerOp.toPrecision(3)} | ${pct(h.collectionsPerOp, b.collectionsPerOp)} |`);
      out.push(`| GC pause | ${fmtNs(b.pauseNsPerOp)} | ${fmtNs(h.pauseNsPerOp)} | ${pct(h.pauseNsPerOp, b.pauseNsPerOp)} |`);
      out.push(`| heap goal (median) | ${b.heapGoalMedianBytes === null ? '-' : fmtBytes(b.heapGoalMedianBytes)} | ${h.heapGoalMedianBytes === null ? '-' : fmtBytes(h.heapGoalMedianBytes)} | ${b.heapGoalMedianBytes && h.heapGoalMedianBytes ? pct(h.heapGoalMedianBytes, b.heapGoalMedianBytes) : '-'} |`);
    }
    for (const n of r.notes) out.push('', `_${cell(n)}_`);
    out.push('');
  }
  out.push('</details>', '');
  return out.join('\n');
}
