// The verdict table for a terminal, one per host, laid out by the same text
// grid as benchstat's tables (left-aligned names, right-aligned numbers).

import { TextTable } from '../stat/texttab.ts';
import { describeSkipped } from './log-ratios.ts';
import { changeCells, confirmationIndex, pValue, verdictText } from './format.ts';
import type { CompareReport } from './report.ts';
import type { VerdictRow } from './verdict.ts';

/** The verdict table of one host's rows (no trailing blank line). */
export function verdictTable(rows: ReadonlyArray<VerdictRow>, report: Pick<CompareReport, 'confirmation' | 'protocol'>): string {
  const conf = confirmationIndex(report.confirmation);
  const ran = report.confirmation !== undefined;
  const level = Math.round(report.protocol.confidence * 100);
  const t = new TextTable();
  t.row().cell('name').cell('unit', 'left', '  ').cell('Δ', 'right', '  ').cell(`${level}% CI`, 'left', '  ').cell('δ', 'right', '  ').cell('q', 'right', '  ').cell('verdict', 'left', '  ');
  const notes: string[] = [];
  for (const r of rows) {
    const c = changeCells(r);
    t.row().cell(r.benchmark).cell(r.unit, 'left', '  ').cell(c.delta, 'right', '  ').cell(c.ci, 'left', '  ').cell(c.threshold, 'right', '  ').cell(pValue(r.q), 'right', '  ').cell(verdictText(r, conf, ran), 'left', '  ');
    if (r.paired) {
      const skipped = describeSkipped(r.paired);
      if (skipped) notes.push(`${r.benchmark} ${r.unit}: ${r.paired.rounds} rounds used; ${skipped}`);
      if (r.paired.ciLevel < report.protocol.confidence - 1e-9) notes.push(`${r.benchmark} ${r.unit}: ${r.paired.rounds} rounds allow only a ${(r.paired.ciLevel * 100).toFixed(1)}% interval`);
    }
  }
  return t.format() + notes.map((n) => `  note: ${n}\n`).join('');
}

/** All hosts: a heading per host, its verdict table, then the confirmation line. */
export function renderVerdictText(report: CompareReport): string {
  const out: string[] = [];
  const p = report.protocol;
  if (report.kind === 'unpaired') {
    out.push('unpaired comparison: no rounds, so no paired verdict (benchstat\'s table above is the whole comparison)\n');
    return out.join('');
  }
  const hosts = report.hosts.length > 0 ? report.hosts.map((h) => h.name) : [...new Set(report.rows.map((r) => r.host))];
  const family = report.rows.filter((r) => r.q !== undefined).length;
  for (const name of hosts) {
    const h = report.hosts.find((x) => x.name === name);
    const rows = report.rows.filter((r) => r.host === name);
    out.push(`${name}${h ? ` (${h.arch})` : ''}: paired verdict over ${p.rounds} rounds; Δ = Hodges–Lehmann estimate of head/base, exact signed-rank CI, BH q over ${family} rows, α = ${p.alpha}\n`);
    if (h?.invalid) out.push(`  session invalid on this host: ${h.invalid}\n`);
    out.push(rows.length > 0 ? verdictTable(rows, report) : '  no rows\n');
    if (h && (h.added.length > 0 || h.removed.length > 0)) {
      if (h.added.length > 0) out.push(`  added (head only): ${h.added.join(', ')}\n`);
      if (h.removed.length > 0) out.push(`  removed (base only): ${h.removed.join(', ')}\n`);
    }
    out.push('\n');
  }
  if (report.confirmation) out.push(`confirmation (${p.confirmRounds ?? '?'} rounds, new session, Holm one-sided α = ${p.alpha}): ${report.confirmation.line}\n`);
  else out.push('confirmation skipped\n');
  return out.join('');
}
