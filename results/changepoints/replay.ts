// Night-by-night replay of synthetic series and the figures computed from it.
// A tool reports, after each night (each prefix of the series), the change
// points it stands by; an alert event is a change point first reported on
// some night; it is withdrawn when a later night no longer reports it. An
// event is true when a real change lies within ±2 points of it.

import { detectNight, type DetectOptions } from './detector.ts';
import type { SyntheticSeries } from './synthetic.ts';

export interface AlertEvent {
  index: number;
  /** Prefix length (points seen) on the night it was first reported. */
  night: number;
  withdrawnAt?: number;
}

export const MATCH = 2;

/** Our detector replayed: per series, its confirmed change points as events (confirmed ones are never revisited). */
export function replayOurs(series: readonly SyntheticSeries[], from: number, options: Partial<DetectOptions> = {}): { events: Map<string, AlertEvent[]>; pendingTail: number } {
  const logs = series.map((s) => s.values.map(Math.log));
  const starts = series.map(() => 0);
  const pending = new Map<string, { index: number; nights: number }>();
  const events = new Map<string, AlertEvent[]>(series.map((s) => [s.id, []]));
  const n = Math.max(...series.map((s) => s.values.length));
  let pendingTail = 0;
  for (let t = from; t <= n; t++) {
    const inputs = series.map((s, i) => ({ id: s.id, values: logs[i]!.slice(0, t), start: starts[i]!, ...(pending.has(s.id) ? { pending: pending.get(s.id)! } : {}) }));
    pending.clear();
    for (const c of detectNight(inputs, options)) {
      const i = series.findIndex((s) => s.id === c.id);
      if (c.status === 'pending') pending.set(c.id, { index: c.index, nights: c.nights });
      if (c.status === 'confirmed') {
        events.get(c.id)!.push({ index: c.index, night: t });
        starts[i] = c.index;
      } else if (c.status === 'pending' && t === n && series[i]!.tailOutlier && c.index >= t - MATCH) pendingTail++;
    }
  }
  return { events, pendingTail };
}

export interface Figures {
  family: string;
  series: number;
  seriesNights: number;
  events: number;
  truePositives: number;
  changes: number;
  found: number;
  precision: number;
  recall: number;
  f1: number;
  falsePer1000: number;
  withdrawn: number;
  /** Median points after the change on the night it was first reported. */
  delay: number;
  /** Events first reported on the final night at the outlier (latest-point-outlier family). */
  tailOutlierAlerts: number;
}

const median = (a: number[]) => {
  if (a.length === 0) return NaN;
  const s = [...a].sort((x, y) => x - y);
  const h = s.length >> 1;
  return s.length % 2 ? s[h]! : (s[h - 1]! + s[h]!) / 2;
};

export function score(family: string, series: readonly SyntheticSeries[], events: Map<string, AlertEvent[]>, from: number): Figures {
  let ev = 0;
  let tp = 0;
  let changes = 0;
  let found = 0;
  let withdrawn = 0;
  let tail = 0;
  let nights = 0;
  const delays: number[] = [];
  for (const s of series) {
    const n = s.values.length;
    nights += n - from + 1;
    const es = events.get(s.id) ?? [];
    ev += es.length;
    for (const e of es) {
      if (s.changes.some((c) => Math.abs(c - e.index) <= MATCH)) tp++;
      if (e.withdrawnAt !== undefined) withdrawn++;
      if (s.tailOutlier && e.night === n && e.index >= n - 1 - MATCH) tail++;
    }
    for (const c of s.changes) {
      changes++;
      const hit = es.filter((e) => Math.abs(c - e.index) <= MATCH);
      if (hit.length > 0) {
        found++;
        delays.push(Math.min(...hit.map((e) => e.night)) - c);
      }
    }
  }
  const precision = ev === 0 ? NaN : tp / ev;
  const recall = changes === 0 ? NaN : found / changes;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : NaN;
  return {
    family,
    series: series.length,
    seriesNights: nights,
    events: ev,
    truePositives: tp,
    changes,
    found,
    precision,
    recall,
    f1,
    falsePer1000: ((ev - tp) / nights) * 1000,
    withdrawn,
    delay: median(delays),
    tailOutlierAlerts: tail,
  };
}
