// Alerts grouped by commit range: a change point names the last good and the
// first bad revision; ranges that overlap in time (commit time, else run
// start) across benchmarks and hosts are one event, summarised in one line:
// "a1b2c3d..d4e5f6a: 14 benchmarks on 3 hosts (amd64, arm64), median +6.1 %,
//  worst +11.8 % (memtable Insert on graviton)".

import type { AlertRow } from './alerts.ts';

export interface AlertGroup {
  lastGood: string | null;
  firstBad: string | null;
  kind: AlertRow['kind'];
  alerts: AlertRow[];
  benchmarks: number;
  hosts: string[];
  archs: string[];
  /** Relative changes of the measured values (e^effect − 1): + is slower for sec/op, faster for B/s. */
  median: number;
  worst: number;
  worstAlert: AlertRow;
  summary: string;
}

const short = (r: string | null) => (r === null ? '?' : r.slice(0, 7));
const pct = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(1)} %`;

function medianOf(a: number[]): number {
  const s = [...a].sort((x, y) => x - y);
  const h = s.length >> 1;
  return s.length % 2 ? s[h]! : (s[h - 1]! + s[h]!) / 2;
}

/** Group change-point alerts of one kind by overlapping commit ranges; other alerts are left out. */
export function groupByRange(alerts: readonly AlertRow[], kind: AlertRow['kind']): AlertGroup[] {
  const rows = alerts.filter((a) => a.kind === kind && a.change_point_id !== null && a.effect !== null);
  const span = (a: AlertRow) => [a.good_time ?? a.created_at, a.bad_time ?? a.created_at] as const;
  rows.sort((a, b) => (span(a)[0] < span(b)[0] ? -1 : span(a)[0] > span(b)[0] ? 1 : a.id - b.id));
  const groups: AlertRow[][] = [];
  let end = '';
  for (const a of rows) {
    const [s, e] = span(a);
    const cur = groups[groups.length - 1];
    // Ranges overlap when one starts before the other ends (sharing the bad end counts).
    if (cur && s < end) {
      cur.push(a);
      if (e > end) end = e;
    } else {
      groups.push([a]);
      end = e;
    }
  }
  return groups.map((g) => summarise(g, kind));
}

function summarise(g: AlertRow[], kind: AlertRow['kind']): AlertGroup {
  const first = g.reduce((a, b) => ((a.good_time ?? '') <= (b.good_time ?? '') ? a : b));
  const last = g.reduce((a, b) => ((a.bad_time ?? '') >= (b.bad_time ?? '') ? a : b));
  const rel = g.map((a) => Math.expm1(a.effect!));
  const mag = rel.map(Math.abs);
  const wi = mag.indexOf(Math.max(...mag));
  const hosts = [...new Set(g.map((a) => a.host ?? '?'))].sort();
  const archs = [...new Set(g.map((a) => (a.family ?? '').split('/')[0] || '?'))].sort();
  const benchmarks = new Set(g.map((a) => a.benchmark)).size;
  const median = medianOf(rel);
  const worstAlert = g[wi]!;
  const range = `${short(first.last_good)}..${short(last.first_bad)}`;
  const summary =
    `${range}: ${benchmarks} benchmark${benchmarks === 1 ? '' : 's'} on ${hosts.length} host${hosts.length === 1 ? '' : 's'} (${archs.join(', ')}), ` +
    `median ${pct(median)}, worst ${pct(rel[wi]!)} (${worstAlert.benchmark} on ${worstAlert.host})${kind === 'regression' ? '' : ` [${kind}]`}`;
  return { lastGood: first.last_good, firstBad: last.first_bad, kind, alerts: g, benchmarks, hosts, archs, median, worst: rel[wi]!, worstAlert, summary };
}
