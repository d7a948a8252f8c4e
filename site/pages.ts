/** The HTML of the index and of one benchmark's page. */
import type { BenchmarkData } from './data.ts';
import { escapeHtml, frame, scriptJson } from './html.ts';
import type { TopLevelSpec } from 'vega-lite';
import { seriesDisplayUnit } from './charts.ts';
import type { UnitSummary } from './summary.ts';
import { packageAnchor } from './names.ts';
import { displayUnit, formatChange, formatNumber, formatValue } from './units.ts';

export const ASSET_SCRIPTS = ['assets/vega.min.js', 'assets/vega-lite.min.js', 'assets/vega-embed.min.js', 'assets/page.js'] as const;

export const NO_PKG_LABEL = '(no pkg)';

export interface IndexEntry {
  benchmark: BenchmarkData;
  /** Page path relative to the site root, e.g. "bench/x-0123456789.html". */
  href: string;
  units: UnitSummary[];
}

export interface ChartBlock {
  unit: string;
  spec: TopLevelSpec;
  svg: string;
}

const pkgLabel = (pkg: string | null) => (pkg === null ? escapeHtml(NO_PKG_LABEL) : `<code>${escapeHtml(pkg)}</code>`);

const date = (iso: string) => escapeHtml(iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z'));

export function indexPage(o: { title: string; entries: readonly IndexEntry[]; runs: number; generatedAt: string }): string {
  const body: string[] = [`<h1>${escapeHtml(o.title)}</h1>`];
  if (o.entries.length === 0) {
    body.push('<p>No benchmark results yet. Run <code>metalbench run SPEC</code> or <code>metalbench import FILE</code>, then build the site again.</p>');
  } else {
    const pkgs = new Set(o.entries.map((e) => e.benchmark.pkg));
    body.push(
      `<p class="meta">${o.entries.length} benchmark${o.entries.length === 1 ? '' : 's'} in ${pkgs.size} package${pkgs.size === 1 ? '' : 's'}, ${o.runs} run${o.runs === 1 ? '' : 's'}. ` +
        'Change is the latest median against the previous run on the same host.</p>',
    );
    if (pkgs.size > 1) {
      body.push(`<nav><ul>${[...pkgs].map((p) => `<li><a href="#${packageAnchor(p)}">${pkgLabel(p)}</a></li>`).join('')}</ul></nav>`);
    }
  }
  let currentPkg: string | null | undefined;
  let rows: string[] = [];
  const flush = () => {
    if (currentPkg === undefined) return;
    body.push(`<h2 id="${packageAnchor(currentPkg)}">${pkgLabel(currentPkg)}</h2>`);
    body.push(
      '<table><thead><tr><th>benchmark</th><th>unit</th><th>host</th><th class="num">latest median</th><th class="num">change</th><th>latest run</th><th class="num">runs</th></tr></thead><tbody>',
      ...rows,
      '</tbody></table>',
    );
    rows = [];
  };
  for (const e of o.entries) {
    if (e.benchmark.pkg !== currentPkg) {
      flush();
      currentPkg = e.benchmark.pkg;
    }
    e.units.forEach((u, i) => {
      const du = displayUnit(u.unit, u.latest.median);
      const name =
        i === 0
          ? `<td class="name" rowspan="${e.units.length}"><a href="${escapeHtml(e.href)}"><code>${escapeHtml(e.benchmark.name)}</code></a></td>`
          : '';
      rows.push(
        `<tr>${name}<td>${escapeHtml(u.unit)}</td><td>${escapeHtml(u.host)}</td><td class="num">${escapeHtml(formatValue(u.latest.median, du))}</td>` +
          `<td class="num" title="${u.previous ? `previous: run #${u.previous.runId}, ${escapeHtml(formatValue(u.previous.median, du))}` : 'no previous run on this host'}">${escapeHtml(formatChange(u.change))}</td>` +
          `<td>#${u.latest.runId} · ${date(u.latest.startedAt)}</td><td class="num">${u.runs}</td></tr>`,
      );
    });
  }
  flush();
  return frame({
    title: o.title,
    root: '',
    body: body.join('\n'),
    twins: [
      { href: 'index.json', label: 'JSON' },
      { href: 'index.csv', label: 'CSV' },
    ],
    generatedAt: o.generatedAt,
  });
}

export function benchmarkPage(o: {
  siteTitle: string;
  benchmark: BenchmarkData;
  baseName: string;
  charts: readonly ChartBlock[];
  generatedAt: string;
}): string {
  const b = o.benchmark;
  const runs = new Set<number>();
  const hosts = new Set<string>();
  for (const s of b.units) for (const p of s.points) (runs.add(p.runId), hosts.add(p.host));
  const body: string[] = [
    `<nav><a href="../index.html">← ${escapeHtml(o.siteTitle)}</a> · <a href="../index.html#${packageAnchor(b.pkg)}">${pkgLabel(b.pkg)}</a></nav>`,
    `<h1><code>${escapeHtml(b.name)}</code></h1>`,
    `<p class="meta">package ${pkgLabel(b.pkg)} · ${runs.size} run${runs.size === 1 ? '' : 's'} · host${hosts.size === 1 ? '' : 's'}: ${[...hosts].sort().map(escapeHtml).join(', ')}</p>`,
    '<p class="meta">Each point is the median of one run on one host; the thick bar spans the interquartile range and the thin line the minimum to maximum. Hover a point for its run.</p>',
  ];
  o.charts.forEach((c, i) => {
    const series = b.units.find((s) => s.unit === c.unit)!;
    const du = seriesDisplayUnit(series);
    body.push(
      `<h2>${escapeHtml(c.unit)}</h2>`,
      `<div class="chart" id="chart-${i}" data-chart data-unit="${escapeHtml(c.unit)}" data-points="${series.points.length}">`,
      `<div class="static">${c.svg}</div>`,
      '<div class="live" hidden></div>',
      `<script type="application/json">${scriptJson(c.spec)}</script>`,
      '</div>',
      `<details><summary>${series.points.length} point${series.points.length === 1 ? '' : 's'} as a table (${escapeHtml(du.label)})</summary>`,
      '<table><thead><tr><th>run</th><th>started</th><th>revision</th><th>variant</th><th>host</th><th class="num">n</th>' +
        '<th class="num">median</th><th class="num">q1</th><th class="num">q3</th><th class="num">min</th><th class="num">max</th></tr></thead><tbody>',
      ...series.points.map(
        (p) =>
          `<tr><td>#${p.runId}</td><td>${date(p.startedAt)}</td><td class="mono">${escapeHtml(p.revision ?? '')}</td><td>${escapeHtml(p.variant ?? '')}</td>` +
          `<td>${escapeHtml(p.host)}</td><td class="num">${p.n}</td>` +
          [p.median, p.q1, p.q3, p.min, p.max].map((v) => `<td class="num">${escapeHtml(formatNumber(v / du.factor))}</td>`).join('') +
          '</tr>',
      ),
      '</tbody></table></details>',
    );
  });
  return frame({
    title: `${b.name} · ${o.siteTitle}`,
    root: '../',
    body: body.join('\n'),
    scripts: ASSET_SCRIPTS,
    twins: [
      { href: `${o.baseName}.json`, label: 'JSON' },
      { href: `${o.baseName}.csv`, label: 'CSV' },
    ],
    generatedAt: o.generatedAt,
  });
}
