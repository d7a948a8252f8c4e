/**
 * Vega-Lite chart of one unit of one benchmark across runs: a point at each
 * run's median, a thick bar over the interquartile range, a thin rule from
 * min to max, and a line through the medians; one colour per host.
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { Point, UnitSeries } from './data.ts';
import { displayUnit, formatNumber, formatValue, type DisplayUnit } from './units.ts';

/** One chart point, values already in the display unit. */
export interface ChartDatum {
  run: string;
  runId: number;
  date: string;
  revision: string;
  variant: string;
  host: string;
  n: number;
  median: number;
  q1: number;
  q3: number;
  min: number;
  max: number;
  medianText: string;
  iqrText: string;
  rangeText: string;
}

export const CHART_WIDTH = 640;
export const CHART_HEIGHT = 260;

/** The display unit for a series: scaled to its largest median. */
export function seriesDisplayUnit(series: UnitSeries): DisplayUnit {
  let typical = 0;
  for (const p of series.points) typical = Math.max(typical, Math.abs(p.median));
  return displayUnit(series.unit, typical);
}

export function runLabel(runId: number): string {
  return `#${runId}`;
}

export function chartData(series: UnitSeries, du: DisplayUnit): ChartDatum[] {
  const s = (x: number) => x / du.factor;
  return series.points.map((p: Point) => ({
    run: runLabel(p.runId),
    runId: p.runId,
    date: p.startedAt,
    revision: p.revision ?? '',
    variant: p.variant ?? '',
    host: p.host,
    n: p.n,
    median: s(p.median),
    q1: s(p.q1),
    q3: s(p.q3),
    min: s(p.min),
    max: s(p.max),
    medianText: formatValue(p.median, du),
    iqrText: `${formatNumber(s(p.q1))} – ${formatNumber(s(p.q3))} ${du.label}`,
    rangeText: `${formatNumber(s(p.min))} – ${formatNumber(s(p.max))} ${du.label}`,
  }));
}

/** At most this many labelled runs on the x axis; the rest are in tooltips and tables. */
const MAX_X_LABELS = 24;

/** The Vega-Lite spec for one unit's chart. */
export function chartSpec(series: UnitSeries): TopLevelSpec {
  const du = seriesDisplayUnit(series);
  const data = chartData(series, du);
  // Runs in start order. x is a number: the run's position, nudged per host so
  // several hosts in one run sit side by side and each host's line connects.
  const runs: number[] = [];
  for (const d of data) if (!runs.includes(d.runId)) runs.push(d.runId);
  const hosts = [...new Set(data.map((d) => d.host))].sort();
  const slot = 0.5 / hosts.length;
  const positioned = data.map((d) => ({
    ...d,
    x: runs.indexOf(d.runId) + (hosts.indexOf(d.host) - (hosts.length - 1) / 2) * slot,
  }));
  const every = Math.ceil(runs.length / MAX_X_LABELS);
  const ticks = runs.map((_, i) => i).filter((i) => (runs.length - 1 - i) % every === 0);
  // Labels are run ids (integers), so the expression holds no text from the database.
  const labelExpr = `[${runs.map((id) => `'${runLabel(id)}'`).join(',')}][datum.value] || ''`;
  const x = {
    field: 'x',
    type: 'quantitative' as const,
    title: 'run (oldest → newest)',
    scale: { domain: [-0.5, runs.length - 0.5], nice: false, zero: false },
    axis: { values: ticks, labelExpr, grid: false, labelOverlap: true },
  };
  const color = {
    field: 'host',
    type: 'nominal' as const,
    title: 'host',
    scale: { domain: hosts },
    legend: hosts.length > 1 ? { symbolOpacity: 1 } : null,
  };
  // Marks shrink as runs crowd the axis, so a year of nightly runs stays readable.
  const pxPerPoint = CHART_WIDTH / (runs.length * hosts.length);
  const pointSize = Math.round(Math.max(8, Math.min(60, pxPerPoint * pxPerPoint * 0.5)));
  const barWidth = Math.max(1, Math.min(6, Math.floor(pxPerPoint * 0.4)));
  let lo = Infinity;
  let hi = -Infinity;
  for (const d of data) (lo = Math.min(lo, d.min)), (hi = Math.max(hi, d.max));
  if (lo === hi) {
    // A flat series still needs a visible range around its one value.
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    (lo -= pad), (hi += pad);
  }
  const y = {
    type: 'quantitative' as const,
    scale: { domain: [lo, hi], zero: false, nice: true },
    axis: { format: ',~r' },
    title: `median (${du.label})`,
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    description: `Median of ${series.unit} per run with interquartile range and min–max`,
    width: CHART_WIDTH,
    height: CHART_HEIGHT,
    data: { values: positioned as unknown as Record<string, unknown>[] },
    encoding: { x, color },
    // Only the points carry screen-reader labels (the spread is in the table
    // under each chart); labels on every rule would triple the page size.
    layer: [
      {
        mark: { type: 'rule', strokeWidth: 1, aria: false },
        encoding: { y: { ...y, field: 'min' }, y2: { field: 'max' } },
      },
      {
        mark: { type: 'rule', strokeWidth: barWidth, strokeCap: 'butt', opacity: 0.45, aria: false },
        encoding: { y: { ...y, field: 'q1' }, y2: { field: 'q3' } },
      },
      {
        mark: { type: 'line', strokeWidth: 1, opacity: 0.5, aria: false },
        encoding: { y: { ...y, field: 'median' }, detail: { field: 'host', type: 'nominal' } },
      },
      {
        mark: { type: 'point', filled: true, size: pointSize, opacity: 1 },
        encoding: {
          y: { ...y, field: 'median' },
          tooltip: [
            { field: 'run', title: 'run' },
            { field: 'date', title: 'date' },
            { field: 'revision', title: 'revision' },
            { field: 'variant', title: 'variant' },
            { field: 'host', title: 'host' },
            { field: 'medianText', title: 'median' },
            { field: 'n', title: 'n' },
            { field: 'iqrText', title: 'IQR' },
            { field: 'rangeText', title: 'min – max' },
          ],
        },
      },
    ],
    config: { font: 'sans-serif', axis: { labelFontSize: 11, titleFontSize: 12 } },
  };
}

/** Render a Vega-Lite spec to a standalone SVG string in Node (no browser, no canvas). */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
