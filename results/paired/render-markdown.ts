// The pull-request comment: the first line says what matters (counts and the
// worst confirmed regression), then the non-neutral rows per host, then
// everything else collapsed: full tables, host facts, pin identity, binaries,
// sessions and the exact command to reproduce.

import { summarize, type CompareReport, type HostReport } from './report.ts';
import { changeCells, confirmationIndex, pValue, shellQuote, signedPct, verdictText } from './format.ts';
import { renderVerdictText } from './render-text.ts';
import { aaRecordLine } from './error-rate.ts';

/** Escapes text for a markdown table cell. */
function cell(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ').replace(/([*_`<>[\]])/g, '\\$1');
}

/** A fenced block whose fence is longer than any backtick run inside. */
function fenced(text: string, lang = ''): string {
  const longest = Math.max(2, ...Array.from(text.matchAll(/`+/g), (m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${lang}\n${text.endsWith('\n') ? text : `${text}\n`}${fence}\n`;
}

/** A URL as a markdown link target: parentheses and spaces would end it. */
function linkTarget(url: string): string {
  return url.replace(/[()\s<>]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The comment's first line. */
export function headline(report: CompareReport): string {
  const s = summarize(report);
  if (report.kind === 'unpaired') return '**metalbench compare** (unpaired: two files or runs without rounds, no verdict)';
  const parts = [
    s.confirmationSkipped ? plural(s.confirmed, 'regression') + ' (unconfirmed)' : `${plural(s.confirmed, 'confirmed regression')} (screened ${s.screened} → confirmed ${s.confirmed})`,
    plural(s.counts.improvement, 'improvement'),
    `${s.counts['no-change']} no change`,
    `${s.counts.inconclusive} inconclusive`,
  ];
  let line = `**metalbench compare**: ${parts.join(', ')}`;
  if (s.worst) {
    const w = s.worst;
    const ci = w.ciLo !== undefined && w.ciHi !== undefined ? ` [${signedPct(w.ciLo, 1)}, ${signedPct(w.ciHi, 1)}]` : '';
    line += `; worst: ${cell(w.benchmark)} ${w.unit} ${signedPct(w.change, 1)}${ci} on ${cell(w.host)}`;
  }
  if (report.hosts.some((h) => h.invalid !== undefined)) line += '; **session invalid on some hosts**';
  return line;
}

function hostDetails(h: HostReport): string {
  const out: string[] = [];
  out.push(`#### ${cell(h.name)} (${h.arch})\n\n`);
  out.push(fenced(h.benchstat, 'text'));
  out.push('\n| fact | value |\n|---|---|\n');
  out.push(`| fingerprint | ${cell(h.fingerprint)} |\n`);
  out.push(`| pin identity | ${cell(h.pin.identity)} |\n`);
  if (h.pin.cpus !== undefined) out.push(`| pinned CPUs | ${cell(h.pin.cpus)} |\n`);
  if (h.pin.gomaxprocs !== undefined) out.push(`| GOMAXPROCS | ${h.pin.gomaxprocs} |\n`);
  for (const k of Object.keys(h.facts).sort()) out.push(`| ${cell(k)} | ${cell(h.facts[k]!)} |\n`);
  out.push(`| seed | ${cell(h.session.seed)} |\n`);
  out.push(`| orders | ${cell(h.session.orders.join(' '))} |\n`);
  for (const side of ['base', 'head'] as const) {
    for (const b of h.binaries[side]) out.push(`| ${side} binary ${cell(b.suite)} ${cell(b.target)} | \`${b.sha256}\` |\n`);
  }
  if (h.added.length > 0) out.push(`| added (head only) | ${cell(h.added.join(', '))} |\n`);
  if (h.removed.length > 0) out.push(`| removed (base only) | ${cell(h.removed.join(', '))} |\n`);
  return out.join('');
}

export function renderMarkdown(report: CompareReport): string {
  const out: string[] = [headline(report), '\n\n'];
  if (report.pageUrl) out.push(`[Comparison page](${linkTarget(report.pageUrl)}): benchstat's tables, hosts, profiles and the confirmation\n\n`);
  const conf = confirmationIndex(report.confirmation);
  const ran = report.confirmation !== undefined;
  const level = Math.round(report.protocol.confidence * 100);
  const sideLine = (name: string, s: CompareReport['base']) => `${name} \`${s.sha ? s.sha.slice(0, 12) : s.ref}\`${s.dirty ? ' (uncommitted changes)' : ''}`;
  out.push(`${sideLine('base', report.base)} · ${sideLine('head', report.head)} · ${report.protocol.rounds} rounds per host, δ ≥ ${(report.protocol.threshold * 100).toFixed(1)}%\n\n`);
  if (report.aaRecord) out.push(`${cell(aaRecordLine(report.aaRecord))}\n\n`);
  const hosts = report.hosts.map((h) => h.name);
  for (const r of report.rows) if (!hosts.includes(r.host)) hosts.push(r.host);
  for (const name of hosts) {
    const rows = report.rows.filter((r) => r.host === name && r.verdict !== 'no-change');
    const h = report.hosts.find((x) => x.name === name);
    out.push(`### ${cell(name)}${h ? ` (${h.arch})` : ''}\n\n`);
    if (h?.invalid) out.push(`Session invalid on this host: ${cell(h.invalid)}\n\n`);
    if (rows.length === 0) {
      out.push('No change beyond δ.\n\n');
      continue;
    }
    out.push(`| benchmark | unit | Δ | ${level}% CI | δ | q | verdict |\n|---|---|--:|---|--:|--:|---|\n`);
    for (const r of rows) {
      const c = changeCells(r);
      out.push(`| ${cell(r.benchmark)} | ${cell(r.unit)} | ${c.delta} | ${cell(c.ci)} | ${c.threshold} | ${pValue(r.q)} | ${cell(verdictText(r, conf, ran))} |\n`);
    }
    out.push('\n');
  }
  out.push('<details><summary>Full tables, host facts, pin identity and how to reproduce</summary>\n\n');
  for (const h of report.hosts) out.push(hostDetails(h), '\n');
  out.push('#### Verdicts\n\n', fenced(renderVerdictText(report), 'text'), '\n');
  out.push('#### Reproduce\n\n', fenced(shellQuote(report.reproduce), 'sh'));
  out.push('\n</details>\n');
  return out.join('');
}
