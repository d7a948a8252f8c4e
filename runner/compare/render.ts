/**
 * The comparison for people: the verdict table under benchstat's table on
 * stdout, and the pull-request comment (markdown). Both read the document.
 */
import type { CompareDoc, ResultDoc } from './document.ts';

const signed = (x: number | null, digits = 2) => (x === null ? '–' : `${x >= 0 ? '+' : ''}${x.toFixed(digits)}%`);
const fmtQ = (q: number | null) => (q === null ? '–' : q < 0.0001 ? q.toExponential(1) : q.toFixed(4));

function ci(r: ResultDoc): string {
  if (r.exact) return r.baseMedian === r.headMedian ? `= ${r.baseMedian}` : `${r.baseMedian} → ${r.headMedian}`;
  return r.ciLowPct === null ? '–' : `[${signed(r.ciLowPct)}, ${signed(r.ciHighPct)}]`;
}

function note(r: ResultDoc): string {
  if (r.verdict !== 'inconclusive' || r.exact) return '';
  const mde = r.mdePct !== null ? `MDE ${r.mdePct.toFixed(1)}%` : 'too few pairs';
  return r.roundsFor !== null ? `${mde}; ~${r.roundsFor} rounds would settle it` : mde;
}

function columns(rows: string[][]): string {
  const w = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(w[i]!)).join('  ').trimEnd()).join('\n');
}

/** The verdict table of one host's rows. */
export function verdictTable(rows: readonly ResultDoc[], confirmedKeys: ReadonlySet<string>): string {
  const head = ['benchmark', 'unit', 'Δ', '95% CI', 'δ', 'q', 'verdict', ''];
  const body = rows.map((r) => {
    const key = `${r.host}\0${r.benchmark}\0${r.unit}`;
    const v = r.verdict === 'regression' && confirmedKeys.has(key) ? 'regression (confirmed)' : r.verdict;
    return [r.benchmark, r.unit, r.exact ? '' : signed(r.changePct), ci(r), r.exact ? 'exact' : `${r.deltaPct.toFixed(2)}%`, r.exact ? '' : fmtQ(r.q), v, note(r)];
  });
  return `${columns([head, ...body])}\n`;
}

export function confirmedKeys(doc: CompareDoc): Set<string> {
  return new Set(doc.confirmation.items.filter((c) => c.confirmed).map((c) => `${c.host}\0${c.benchmark}\0${c.unit}`));
}

/** The summary lines printed after the tables. */
export function summaryLines(doc: CompareDoc): string[] {
  const out: string[] = [];
  const c = doc.counts;
  out.push(`${doc.aa ? 'A/A ' : ''}verdicts: ${c.regression} regression, ${c.improvement} improvement, ${c['no change']} no change, ${c.inconclusive} inconclusive (${doc.results.length} benchmark × unit × host)`);
  if (doc.confirmation.skipped) out.push(`screened ${doc.screened} → not confirmed (--no-confirm)`);
  else out.push(`screened ${doc.screened} → confirmed ${doc.confirmation.confirmed}`);
  for (const i of doc.confirmation.items) {
    out.push(`  ${i.confirmed ? 'confirmed' : 'dismissed'}: ${i.host} ${i.benchmark} ${i.unit}${i.confirmHost !== i.host ? ` (re-measured on ${i.confirmHost})` : ''}: ${i.again ? signed(i.again.changePct) : '–'}; ${i.reason}`);
  }
  for (const a of doc.added) out.push(`added (head only, not compared): ${a.host} ${a.benchmark}`);
  for (const r of doc.removed) out.push(`removed (base only, not compared): ${r.host} ${r.benchmark}`);
  return out;
}

function worstConfirmed(doc: CompareDoc): ResultDoc | undefined {
  const items = doc.confirmation.items.filter((i) => i.confirmed);
  const rows = items.map((i) => doc.results.find((r) => r.host === i.host && r.benchmark === i.benchmark && r.unit === i.unit)!).filter(Boolean);
  const worse = (r: ResultDoc) => (r.changePct === null ? 0 : r.higherIsBetter ? -r.changePct : r.changePct);
  return rows.sort((a, b) => worse(b) - worse(a))[0];
}

/** A pull-request comment: the counts and the worst confirmed regression first. */
export function toMarkdown(doc: CompareDoc, benchstatByHost: ReadonlyMap<string, string>): string {
  const L: string[] = [];
  const c = doc.counts;
  const worst = worstConfirmed(doc);
  const regress = doc.confirmation.skipped ? `${c.regression} regression (unconfirmed)` : `${doc.confirmation.confirmed} confirmed regression${doc.confirmation.confirmed === 1 ? '' : 's'}`;
  L.push(
    `**metalbench compare**: ${regress}, ${c.improvement} improvement${c.improvement === 1 ? '' : 's'}, ${c['no change']} no change, ${c.inconclusive} inconclusive` +
      (worst ? `; worst: \`${worst.benchmark}\` ${worst.unit} ${signed(worst.changePct)} [${signed(worst.ciLowPct)}, ${signed(worst.ciHighPct)}] on ${worst.host}` : ''),
  );
  L.push('');
  L.push(`\`${doc.base.ref}\` (${doc.base.sha.slice(0, 12)}) → \`${doc.head.ref}\` (${doc.head.sha.slice(0, 12)}${doc.head.workingTree ? ', working tree' : ''}); ${doc.sessions[0]?.rounds ?? 0} paired rounds per host; screened ${doc.screened} → confirmed ${doc.confirmation.confirmed}`);
  const keys = confirmedKeys(doc);
  for (const h of doc.hosts) {
    const rows = doc.results.filter((r) => r.host === h.name && r.verdict !== 'no change');
    L.push('');
    L.push(`### ${h.name}`);
    if (rows.length === 0) {
      L.push('No change beyond δ in any benchmark.');
      continue;
    }
    L.push('');
    L.push('| benchmark | unit | Δ | 95% CI | δ | q | verdict |');
    L.push('|---|---|---:|---|---:|---:|---|');
    for (const r of rows) {
      const v = r.verdict === 'regression' ? (keys.has(`${r.host}\0${r.benchmark}\0${r.unit}`) ? '**regression (confirmed)**' : doc.confirmation.skipped ? 'regression' : 'regression (not confirmed)') : r.verdict;
      L.push(`| \`${r.benchmark}\` | ${r.unit} | ${r.exact ? '' : signed(r.changePct)} | ${ci(r)} | ${r.exact ? 'exact' : `${r.deltaPct.toFixed(2)}%`} | ${r.exact ? '' : fmtQ(r.q)} | ${v}${note(r) ? ` (${note(r)})` : ''} |`);
    }
  }
  if (doc.added.length + doc.removed.length > 0) {
    L.push('');
    for (const a of doc.added) L.push(`- added (head only): \`${a.benchmark}\` on ${a.host}`);
    for (const r of doc.removed) L.push(`- removed (base only): \`${r.benchmark}\` on ${r.host}`);
  }
  L.push('');
  L.push('<details><summary>Full tables, hosts and how to reproduce</summary>');
  L.push('');
  for (const h of doc.hosts) {
    L.push(`#### ${h.name}: ${h.cpu}, ${h.goarch}, kernel ${h.kernel}; fingerprint \`${h.fingerprint.slice(0, 12)}\`; pin ${h.pin}`);
    L.push('');
    L.push('```');
    L.push((benchstatByHost.get(h.name) ?? '').trimEnd());
    L.push('');
    L.push(verdictTable(doc.results.filter((r) => r.host === h.name), keys).trimEnd());
    L.push('```');
    L.push('');
  }
  L.push('Sessions: ' + doc.sessions.map((s) => `run ${s.runId} (${s.role}, seed ${s.seed}, ${s.rounds} rounds, ${s.status})`).join('; '));
  L.push('');
  L.push('Reproduce:');
  L.push('');
  L.push('```sh');
  L.push(doc.command);
  L.push('```');
  L.push('');
  L.push('Δ is the Hodges–Lehmann estimate of head/base over paired rounds with its exact 95% CI; q is the Benjamini–Hochberg adjusted signed-rank p; δ = max(threshold, noise floor). benchstat\'s table above is for reading; the verdict comes from the paired analysis.');
  L.push('</details>');
  return `${L.join('\n')}\n`;
}
