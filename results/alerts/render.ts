// How alerts are shown: a text list for the terminal, Markdown for a chat or
// issue post, and their JSON twin. Change-point alerts are grouped by commit
// range; environment and liveness events are listed apart, never blamed on a
// commit. An alert with stored profiles carries its "where" (rendered by
// the profile code for each output) under its line.

import type { AlertRow, PrecisionRow } from './alerts.ts';
import { groupByRange, type AlertGroup } from './group.ts';

/** Where an alert spends its time, from its stored profiles, as text, Markdown and JSON. */
export interface AlertWhere {
  /** The session the profiles are stored under. */
  run: number;
  /** Indented lines under the alert's. */
  text: string;
  /** A collapsed section. */
  markdown: string;
  /** Fields of the alert's `where` in --json, beside `run`. */
  json: Record<string, unknown>;
}

export interface AlertsView {
  regressions: AlertGroup[];
  improvements: AlertGroup[];
  environment: AlertRow[];
  liveness: AlertRow[];
  precision: PrecisionRow[];
  /** Alert id → its where, for the alerts that have profiles. */
  where: ReadonlyMap<number, AlertWhere>;
}

export function viewOf(alerts: readonly AlertRow[], precision: PrecisionRow[], where: ReadonlyMap<number, AlertWhere> = new Map()): AlertsView {
  return {
    regressions: groupByRange(alerts, 'regression'),
    improvements: groupByRange(alerts, 'improvement'),
    environment: alerts.filter((a) => a.kind === 'environment'),
    liveness: alerts.filter((a) => a.kind === 'liveness'),
    precision,
    where,
  };
}

const line = (a: AlertRow) => `  #${a.id} [${a.state}] ${a.message}`;

export function renderText(v: AlertsView): string {
  const out: string[] = [];
  const section = (title: string, body: string[]) => {
    if (body.length) out.push(title, ...body, '');
  };
  const withWhere = (a: AlertRow) => {
    const w = v.where.get(a.id);
    return w ? [line(a), `    where (profiles of run ${w.run}):`, w.text.trimEnd()] : [line(a)];
  };
  section('Regressions', v.regressions.flatMap((g) => [g.summary, ...g.alerts.flatMap(withWhere)]));
  section('Improvements', v.improvements.flatMap((g) => [g.summary, ...g.alerts.flatMap(withWhere)]));
  section('Environment changes (not blamed on a commit)', v.environment.map(line));
  section('Liveness', v.liveness.map(line));
  const anyOpen = out.length > 0;
  if (!anyOpen) out.push('no open alerts', '');
  section(
    'Precision from the marks (true / (true + false))',
    v.precision.map((p) => `  ${p.month} ${p.suite || '(no suite)'} on ${p.host || '?'}: ${(p.precision * 100).toFixed(0)} % (${p.true} true, ${p.false} false)`),
  );
  if (!anyOpen) return out.join('\n');
  return `${out.join('\n')}triage with: metalbench alerts mark ID true|false|environment|expected|acknowledged [--note TEXT]\n`;
}

const md = (s: string) => s.replace(/([\\`*_[\]<>|])/g, '\\$1');

export function renderMarkdown(v: AlertsView): string {
  const out: string[] = [];
  const groups = (title: string, gs: AlertGroup[]) => {
    if (!gs.length) return;
    out.push(`### ${title}`, '');
    for (const g of gs) {
      out.push(`- **${md(g.summary)}**`);
      for (const a of g.alerts) out.push(`  - #${a.id} (${a.state}) ${md(a.message)}`);
    }
    out.push('');
    // Collapsed blocks after the list: a table inside a list item does not render everywhere.
    for (const g of gs) for (const a of g.alerts) if (v.where.has(a.id)) out.push(v.where.get(a.id)!.markdown);
  };
  const list = (title: string, as: AlertRow[]) => {
    if (!as.length) return;
    out.push(`### ${title}`, '', ...as.map((a) => `- #${a.id} (${a.state}) ${md(a.message)}`), '');
  };
  groups('Regressions', v.regressions);
  groups('Improvements', v.improvements);
  list('Environment changes (not blamed on a commit)', v.environment);
  list('Liveness', v.liveness);
  if (v.precision.length) {
    out.push('### Alert precision from triage', '', '| month | suite | host | precision | true | false |', '|---|---|---|---|---|---|');
    for (const p of v.precision) out.push(`| ${p.month} | ${md(p.suite)} | ${md(p.host)} | ${(p.precision * 100).toFixed(0)} % | ${p.true} | ${p.false} |`);
    out.push('');
  }
  return out.length ? out.join('\n') : 'No open alerts.\n';
}

export function renderJson(v: AlertsView): string {
  const alert = (a: AlertRow) => {
    const w = v.where.get(a.id);
    return w ? { ...a, where: { run: w.run, ...w.json } } : a;
  };
  const group = (g: AlertGroup) => ({ summary: g.summary, lastGood: g.lastGood, firstBad: g.firstBad, benchmarks: g.benchmarks, hosts: g.hosts, archs: g.archs, median: g.median, worst: g.worst, alerts: g.alerts.map(alert) });
  return `${JSON.stringify({ regressions: v.regressions.map(group), improvements: v.improvements.map(group), environment: v.environment, liveness: v.liveness, precision: v.precision }, null, 2)}\n`;
}
