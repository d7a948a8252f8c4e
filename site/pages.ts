/** The HTML of the front page, benchmark pages, host pages and the cross-architecture page. */
import { commitLink, type SiteConfig } from './config.ts';
import { escapeHtml, frame, scriptJson, swatch } from './html.ts';
import { ciText, dateTime, shortDate, shortRev, valueText, verdictClass, verdictText } from './format.ts';
import { significantAfterCorrection } from './significance.ts';
import { hostSlug } from './names.ts';
import { sparkOf, type SeriesRow } from './rows.ts';
import type { Finding } from './sources/attention.ts';
import { reproduceCommand, type CompareSession, type NoiseFloor } from './sources/comparisons.ts';
import { factChanges, factRows, type HostRecord } from './sources/hosts.ts';
import type { HostLiveness, RunMeta } from './sources/runs.ts';
import type { ArchRevision } from './arch.ts';
import type { PageState } from './state.ts';
import { compareUnits } from './units.ts';
import type { ProfileLink, SessionLinks } from './compare-links.ts';
import type { CompareTable } from './sources/compare-tables.ts';

export const NO_PKG_LABEL = '(no pkg)';

export interface SiteContext {
  config: SiteConfig;
  /** Host label → colour index. */
  colours: Map<string, number>;
  /** The trigger of the history lines: "nightly", or "non-pr" when the store has no nightly runs. */
  history: 'nightly' | 'non-pr';
  runs: Map<number, RunMeta>;
  generatedAt: string;
  /** Benjamini–Hochberg q-values of the history rows' latest tests (see significance.ts). */
  q: Map<SeriesRow, number>;
}

const pkgLabel = (pkg: string | null) => (pkg === null ? escapeHtml(NO_PKG_LABEL) : `<code>${escapeHtml(pkg)}</code>`);
export const historyLabel = (h: 'nightly' | 'non-pr') => (h === 'nightly' ? 'nightly runs' : 'all runs except PR runs (this store has no nightly runs)');

function hostCell(ctx: SiteContext, host: string, root: string): string {
  return `${swatch(ctx.colours.get(host) ?? 0)}<a href="${root}host/${hostSlug(host)}.html">${escapeHtml(host)}</a>`;
}

function revLink(ctx: SiteContext, rev: string | null): string {
  if (rev === null) return '';
  const href = commitLink(ctx.config, rev);
  const text = `<code>${escapeHtml(shortRev(rev))}</code>`;
  return href === null ? text : `<a href="${escapeHtml(href)}">${text}</a>`;
}

function canonical(ctx: SiteContext, path: string): string | null {
  return ctx.config.baseUrl === null ? null : ctx.config.baseUrl + path;
}

function pageUrl(base: string): string {
  return `bench/${base}.html`;
}

/** Links to a finding's profile pages (flame graphs, base vs head), from a page at `root`. */
function profileLinks(f: Finding, root: string): string {
  return (f.profiles ?? []).map((p) => `<a data-profile href="${root}profiles/${escapeHtml(p.page)}">${escapeHtml(p.kinds.join(', '))} profiles</a>`).join(' ');
}

// ── front page ─────────────────────────────────────────────────────────────

export interface FrontInput {
  pages: Record<string, PageState>;
  liveness: HostLiveness[];
  newest: RunMeta | null;
  findings: Finding[];
  /** Host label → environment records, for the events list. */
  envEvents: { host: string; at: string; detail: string }[];
  counts: { benchmarks: number; series: number; runs: number };
  comparisons: CompareSession[];
}

export function frontPage(ctx: SiteContext, o: FrontInput): string {
  const b: string[] = [`<h1>${escapeHtml(ctx.config.title)}</h1>`];
  b.push(
    `<p class="meta">${o.counts.benchmarks} benchmarks, ${o.counts.series} series, ${o.counts.runs} runs. History lines are ${escapeHtml(historyLabel(ctx.history))}. ` +
      `<a href="arch.html">Across architectures</a> · hosts: ${o.liveness.map((l) => hostCell(ctx, l.host, '')).join(' ') || 'none'}</p>`,
  );
  b.push('<section aria-labelledby="attention"><h2 id="attention">Needs attention</h2>');
  // Alerts, grouped by the commit range they fall in.
  const alerts = o.findings.filter((f) => f.kind === 'alert' && f.status !== 'closed');
  if (alerts.length === 0) b.push('<p>No open alerts.</p>');
  else {
    const groups = new Map<string, Finding[]>();
    for (const a of alerts) {
      const k = `${a.fromRevision ?? ''}..${a.toRevision ?? ''}`;
      groups.set(k, [...(groups.get(k) ?? []), a]);
    }
    b.push(`<h3>Open alerts</h3>`);
    for (const [, list] of groups) {
      const f = list[0]!;
      b.push(
        `<div class="alert-group"><p><strong>${list.length} alert${list.length === 1 ? '' : 's'}</strong> between ${revLink(ctx, f.fromRevision) || '?'} and ${revLink(ctx, f.toRevision) || '?'} (${escapeHtml(shortDate(f.at))})</p><table class="alerts"><thead><tr><th>benchmark</th><th>unit</th><th>host</th><th class="num">change</th><th>95% CI</th><th>where</th></tr></thead><tbody>`,
        ...list.map((a) => {
          const base = Object.entries(o.pages).find(([, p]) => p.name === a.benchmark && (a.pkg === undefined || p.pkg === a.pkg))?.[0];
          const name = `<code>${escapeHtml(a.benchmark)}</code>`;
          const ci = a.ciLow === null || a.ciHigh === null ? '' : `${pct(a.ciLow)} … ${pct(a.ciHigh)}`;
          return `<tr data-alert><td>${base ? `<a href="${pageUrl(base)}">${name}</a>` : name}</td><td>${escapeHtml(a.unit)}</td><td>${hostCell(ctx, a.host, '')}</td><td class="num">${pct(a.change)}</td><td>${escapeHtml(ci)}</td><td>${profileLinks(a, '')}</td></tr>`;
        }),
        '</tbody></table></div>',
      );
    }
  }
  const notices = o.findings.filter((f) => f.kind === 'environment' || f.kind === 'liveness');
  if (notices.length > 0) {
    b.push('<h3>Host and run alerts</h3><ul class="events">');
    for (const n of notices) b.push(`<li data-notice="${n.kind}">${escapeHtml(shortDate(n.at))} ${n.host ? hostCell(ctx, n.host, '') + ': ' : ''}${escapeHtml(n.message ?? n.kind)}</li>`);
    b.push('</ul>');
  }
  // Nightly status per host.
  b.push(`<h3>Latest ${ctx.history === 'nightly' ? 'nightly' : 'run'} per host</h3>`);
  if (o.liveness.length === 0) b.push('<p>No runs yet.</p>');
  else {
    b.push('<table class="status"><thead><tr><th>host</th><th>run</th><th>when</th><th>revision</th><th>status</th></tr></thead><tbody>');
    for (const l of o.liveness) {
      const problems: string[] = [];
      if (l.run.status !== 'ok') problems.push(l.run.status);
      if (l.failedJobs > 0) problems.push(`${l.failedJobs} of ${l.jobs} jobs failed`);
      if (l.missedLatest) problems.push(`missed the latest run (#${o.newest?.id})`);
      const cls = problems.length ? 'bad' : 'ok';
      b.push(
        `<tr class="${cls}"><td>${hostCell(ctx, l.host, '')}</td><td>#${l.run.id}</td><td>${escapeHtml(dateTime(l.run.startedAt))}</td><td>${revLink(ctx, l.run.revision)}</td><td>${escapeHtml(problems.length ? problems.join('; ') : 'ok')}</td></tr>`,
      );
    }
    b.push('</tbody></table>');
  }
  // Environment events.
  b.push('<h3>Environment changes</h3>');
  if (o.envEvents.length === 0) b.push('<p>No host changed its environment recently.</p>');
  else {
    b.push('<ul class="events">');
    for (const e of o.envEvents) b.push(`<li data-env-event>${escapeHtml(shortDate(e.at))} ${hostCell(ctx, e.host, '')}: ${escapeHtml(e.detail)}</li>`);
    b.push('</ul>');
  }
  // Significant changes in the latest points.
  const changed: { base: string; page: PageState; row: SeriesRow }[] = [];
  for (const [base, page] of Object.entries(o.pages)) {
    for (const row of page.series) if (historyTrigger(ctx, row.trigger) && significantAfterCorrection(ctx.q.get(row))) changed.push({ base, page, row });
  }
  changed.sort((x, y) => Math.abs(y.row.verdict!.change) - Math.abs(x.row.verdict!.change) || cmpText(x.base, y.base));
  b.push('<h3>Significant changes in the latest runs</h3>');
  if (changed.length === 0) b.push('<p>No series changed significantly between its last two runs.</p>');
  else {
    b.push(
      `<p class="meta">The latest point against the previous one on the same host and environment: Mann–Whitney U test, significant at q ≤ 0.05 after the Benjamini–Hochberg correction across all ${ctx.q.size} series tested${changed.length > 25 ? `; the 25 largest of ${changed.length}` : ''}.</p>`,
      '<table class="changes"><thead><tr><th>benchmark</th><th>unit</th><th>host</th><th>change</th><th>revision</th></tr></thead><tbody>',
    );
    for (const c of changed.slice(0, 25)) {
      const run = ctx.runs.get(c.row.latest.runId);
      b.push(
        `<tr><td><a href="${pageUrl(c.base)}"><code>${escapeHtml(c.page.name)}</code></a></td><td>${escapeHtml(c.row.unit)}</td><td>${hostCell(ctx, c.row.host, '')}</td>` +
          `<td class="${verdictClass(c.row.unit, c.row.verdict, ctx.q.get(c.row))}">${escapeHtml(verdictText(c.row.unit, c.row.verdict, ctx.q.get(c.row)))}</td><td>${revLink(ctx, run?.revision ?? null)}</td></tr>`,
      );
    }
    b.push('</tbody></table>');
  }
  b.push('</section>');
  const prs = o.comparisons.filter((c) => !c.isAa);
  if (prs.length > 0) {
    b.push('<section aria-labelledby="cmp"><h2 id="cmp">Latest comparisons</h2>', compareList(ctx, prs.slice(-10).reverse(), 'compare/'), `<p><a href="compare/index.html">All comparisons (${o.comparisons.length})</a></p></section>`);
  }
  // The full index, drawn by front.js from index-data.js.
  b.push(
    '<section aria-labelledby="all"><h2 id="all">All benchmarks</h2>',
    '<form class="filters" id="filters" role="search" aria-label="Filter benchmarks">',
    '<label>Search <input type="search" id="q" name="q" placeholder="name, package or host" autocomplete="off"></label>',
    ...['pkg:package', 'host:host', 'arch:arch', 'unit:unit', 'trigger:trigger'].map((s) => {
      const [id, label] = s.split(':') as [string, string];
      return `<label>${label} <select id="f-${id}" name="${id}"><option value="">all</option></select></label>`;
    }),
    '<label>sort <select id="sort" name="sort"><option value="change">by change</option><option value="name">by name</option></select></label>',
    '</form>',
    '<p class="meta" id="count" aria-live="polite"></p>',
    '<div class="scroll"><table id="index" class="index"><thead><tr><th>benchmark</th><th>unit</th><th>host</th><th>history</th><th class="num">latest</th><th>change</th></tr></thead><tbody></tbody></table></div>',
    '<p><button type="button" id="more" hidden>Show more</button></p>',
    '<noscript><p>The searchable index needs JavaScript; the same rows are in <a href="index.csv">index.csv</a> and <a href="index.json">index.json</a>.</p></noscript>',
    '</section>',
  );
  return frame({
    title: ctx.config.title,
    root: '',
    body: b.join('\n'),
    scripts: ['assets/common.js', 'assets/index-data.js', 'assets/front.js'],
    data: dataAttrs(ctx),
    twins: [
      { href: 'index.json', label: 'JSON' },
      { href: 'index.csv', label: 'CSV' },
    ],
    canonical: canonical(ctx, 'index.html'),
    generatedAt: ctx.generatedAt,
  });
}

function dataAttrs(ctx: SiteContext): Record<string, string> {
  return { history: ctx.history, ...(ctx.config.commitUrl ? { 'commit-url': ctx.config.commitUrl } : {}) };
}

export function historyTrigger(ctx: SiteContext, trigger: string): boolean {
  return ctx.history === 'nightly' ? trigger === 'nightly' : trigger !== 'pr';
}

const pct = (x: number) => `${x > 0 ? '+' : ''}${(x * 100).toFixed(Math.abs(x) >= 0.1 ? 0 : 1)}%`;
const cmpText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

// ── benchmark page ─────────────────────────────────────────────────────────

export function benchmarkPage(ctx: SiteContext, base: string, page: PageState, findings: readonly Finding[]): string {
  const units = [...new Set(page.series.map((s) => s.unit))].sort(compareUnits);
  const hosts = [...new Set(page.series.map((s) => s.host))].sort();
  const others = page.series.filter((s) => !historyTrigger(ctx, s.trigger));
  const b: string[] = [
    `<nav><a href="../index.html">← ${escapeHtml(ctx.config.title)}</a> · ${pkgLabel(page.pkg)}</nav>`,
    `<h1><code>${escapeHtml(page.name)}</code></h1>`,
    `<p class="meta">package ${pkgLabel(page.pkg)} · hosts: ${hosts.map((h) => hostCell(ctx, h, '../')).join(' ')}</p>`,
    `<p class="meta">Each point is the median of one run on one host, the band its 95% confidence interval; x is the measured commit's date (the run's date when unknown). ` +
      `Lines are ${escapeHtml(historyLabel(ctx.history))}${others.length ? '; other runs are listed under the charts' : ''}. A dashed rule marks a change of the host's environment, which starts a new line. ` +
      'Drag or use the arrow keys to pan, the wheel or +/− to zoom; click a point for its commit.</p>',
  ];
  units.forEach((unit, i) => {
    const rows = page.series.filter((s) => s.unit === unit);
    const hist = rows.filter((s) => historyTrigger(ctx, s.trigger));
    if (rows.every((s) => s.min === 0 && s.max === 0)) {
      b.push(`<p class="zero" data-zero-unit="${escapeHtml(unit)}"><strong>${escapeHtml(unit)}</strong>: 0 in every run on every host.</p>`);
      return;
    }
    const alt = hist.map((s) => {
      const run = ctx.runs.get(s.latest.runId);
      return `${s.host}: latest ${valueText(unit, s.latest.median)} (${ciText(unit, s.latest.median, s.latest.lo, s.latest.hi)}) at ${shortRev(run?.revision ?? null) || `run #${s.latest.runId}`} on ${shortDate(s.latest.at)}; ${verdictText(unit, s.verdict)}.`;
    });
    const marks = findings.filter((f) => f.unit === unit);
    b.push(
      `<h2 id="u${i}">${escapeHtml(unit)}</h2>`,
      `<div class="chart" id="chart-${i}" data-chart data-unit="${escapeHtml(unit)}" role="group" aria-roledescription="chart" tabindex="0" aria-label="${escapeHtml(`Chart of ${unit} over time. ${alt.join(' ')}`)}"></div>`,
      `<div class="controls" data-controls="chart-${i}"><button type="button" data-act="in" aria-label="Zoom in">+</button><button type="button" data-act="out" aria-label="Zoom out">−</button>` +
        '<button type="button" data-act="left" aria-label="Pan left">←</button><button type="button" data-act="right" aria-label="Pan right">→</button>' +
        '<button type="button" data-act="90">90 days</button><button type="button" data-act="365">1 year</button><button type="button" data-act="all">All</button></div>',
      `<ul class="alt">${alt.map((t) => `<li>${escapeHtml(t)}</li>`).join('')}</ul>`,
      `<ul class="marks" data-marks="chart-${i}">${marks
        .map(
          (f) =>
            `<li data-finding class="${f.kind}">${f.kind === 'alert' ? 'Alert' : 'Change point'} on ${escapeHtml(f.host)} at ${escapeHtml(shortDate(f.at))}: ${pct(f.change)}${f.ciLow !== null && f.ciHigh !== null ? ` (95% CI ${pct(f.ciLow)} … ${pct(f.ciHigh)})` : ''}, ${revLink(ctx, f.fromRevision) || '?'} → ${revLink(ctx, f.toRevision) || '?'}${f.profiles?.length ? ` · ${profileLinks(f, '../')}` : ''}</li>`,
        )
        .join('')}</ul>`,
      `<script type="application/json" data-findings="chart-${i}">${scriptJson(marks.map((f) => ({ kind: f.kind, host: f.host, at: f.at, change: f.change })))}</script>`,
      `<details data-table="chart-${i}"><summary>The points as a table</summary><div class="scroll"></div></details>`,
    );
  });
  if (others.length) {
    b.push(
      '<h2 id="other">Other runs</h2>',
      `<p class="meta">Runs that are not part of the history lines (${[...new Set(others.map((s) => s.trigger))].map(escapeHtml).join(', ')}), newest first.</p>`,
      '<div class="scroll" id="other-runs"></div>',
    );
  }
  const files = page.months.map((m) => `data/${base}.${m}.js`);
  b.push(`<p class="meta">Data: ${files.map((f) => `<a href="../${escapeHtml(f)}">${escapeHtml(f.slice(f.lastIndexOf('.', f.length - 4) + 1))}</a>`).join(' ')} (JSON inside <code>metalbench.chunk(…)</code>).</p>`);
  b.push(`<script type="application/json" id="hosts">${scriptJson(Object.fromEntries(hosts.map((h) => [h, ctx.colours.get(h) ?? 0])))}</script>`);
  return frame({
    title: `${page.name} · ${ctx.config.title}`,
    root: '../',
    body: b.join('\n'),
    scripts: ['assets/common.js', ...files, 'assets/chart.js'],
    data: { ...dataAttrs(ctx), page: base },
    canonical: canonical(ctx, pageUrl(base)),
    generatedAt: ctx.generatedAt,
  });
}

// ── host pages ─────────────────────────────────────────────────────────────

export function hostPage(
  ctx: SiteContext,
  host: string,
  record: HostRecord | undefined,
  series: { base: string; page: PageState; row: SeriesRow }[],
  live: HostLiveness | undefined,
  /** A/A floors of this host by "benchmark\0unit". */
  floors: Map<string, NoiseFloor>,
): string {
  const b: string[] = [`<nav><a href="../index.html">← ${escapeHtml(ctx.config.title)}</a></nav>`, `<h1>${swatch(ctx.colours.get(host) ?? 0)}${escapeHtml(host)}</h1>`];
  if (live) {
    b.push(`<p class="meta">Latest ${ctx.history === 'nightly' ? 'nightly' : 'run'}: #${live.run.id}, ${escapeHtml(dateTime(live.run.startedAt))}, ${revLink(ctx, live.run.revision)} — ${escapeHtml(live.run.status)}${live.failedJobs ? `, ${live.failedJobs} of ${live.jobs} jobs failed` : ''}.</p>`);
  }
  if (!record) b.push('<p>No facts recorded for this host (results were imported, or the host was never checked with <code>metalbench hosts check</code>).</p>');
  else {
    const cur = record.envs[record.envs.length - 1]!;
    b.push('<h2>Facts</h2><table class="facts"><tbody>', ...factRows(cur.facts).map(([k, v]) => `<tr><th scope="row">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`), '</tbody></table>');
    b.push('<h2>Hygiene warnings</h2>');
    b.push(record.warnings.length ? `<ul class="warnings">${record.warnings.map((w) => `<li>${escapeHtml(w)}</li>`).join('')}</ul>` : '<p>None.</p>');
    b.push('<h2>Environment history</h2><table><thead><tr><th>fingerprint</th><th>first seen</th><th>last seen</th><th>what changed</th></tr></thead><tbody>');
    record.envs.forEach((e, i) => {
      const changes = i === 0 ? ['first record'] : factChanges(record.envs[i - 1]!.facts, e.facts);
      b.push(`<tr><td><code>${escapeHtml(e.fingerprint.slice(0, 12))}</code></td><td>${escapeHtml(dateTime(e.firstSeen))}</td><td>${escapeHtml(dateTime(e.lastSeen))}</td><td>${escapeHtml(changes.join('; ') || 'facts outside the summary')}</td></tr>`);
    });
    b.push('</tbody></table>');
  }
  b.push(
    '<h2>Noise per benchmark</h2>',
    '<p class="meta">How much a result moves on this host: the 95% confidence interval of the latest median (± half its width), the run-to-run spread of the last medians (median absolute deviation), and, where an A/A comparison (<code>metalbench calibrate</code>) was stored, its interval and the smallest effect it could detect. A change smaller than these cannot be told from noise.</p>',
    '<div class="scroll"><table class="noise"><thead><tr><th>benchmark</th><th>unit</th><th class="num">latest</th><th class="num">CI ±</th><th class="num">run-to-run</th><th class="num">A/A ±</th><th class="num">A/A MDE</th><th class="num">n</th></tr></thead><tbody>',
  );
  for (const s of series) {
    const r = s.row;
    const half = r.latest.lo !== null && r.latest.hi !== null && r.latest.median !== 0 ? (r.latest.hi - r.latest.lo) / 2 / Math.abs(r.latest.median) : null;
    const spread = mad(sparkOf(r));
    const aa = floors.get(`${s.page.name}\0${r.unit}`);
    b.push(
      `<tr><td><a href="../${pageUrl(s.base)}"><code>${escapeHtml(s.page.name)}</code></a></td><td>${escapeHtml(r.unit)}</td><td class="num">${escapeHtml(valueText(r.unit, r.latest.median))}</td>` +
        `<td class="num">${half === null ? '—' : `${(half * 100).toFixed(1)}%`}</td><td class="num">${spread === null ? '—' : `${(spread * 100).toFixed(1)}%`}</td>` +
        `<td class="num">${aa?.halfWidth == null ? '—' : `${(aa.halfWidth * 100).toFixed(1)}%`}</td><td class="num">${aa?.mde == null ? '—' : `${(aa.mde * 100).toFixed(1)}%`}</td><td class="num">${r.latest.n}</td></tr>`,
    );
  }
  b.push('</tbody></table></div>');
  return frame({ title: `${host} · ${ctx.config.title}`, root: '../', body: b.join('\n'), data: dataAttrs(ctx), canonical: canonical(ctx, `host/${hostSlug(host)}.html`), generatedAt: ctx.generatedAt });
}

/** Median absolute deviation of the values relative to their median; null with fewer than 3 or a zero median. */
export function mad(values: readonly number[]): number | null {
  if (values.length < 3) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const med = sorted[Math.floor(sorted.length / 2)]!;
  if (med === 0) return null;
  const dev = values.map((v) => Math.abs(v - med)).sort((a, b) => a - b);
  return dev[Math.floor(dev.length / 2)]! / Math.abs(med);
}

// ── cross-architecture page ────────────────────────────────────────────────

/**
 * The page offers the latest commits in a picker; arch.js loads the picked
 * commit's data file (arch/<key>.js) with a <script> element, which works from
 * file:// where fetch() does not. The page itself names only the commits, so
 * a new nightly rewrites it and the new commit's data file, nothing else.
 */
export function archPage(ctx: SiteContext, revisions: readonly ArchRevision[]): string {
  const b: string[] = [`<nav><a href="index.html">← ${escapeHtml(ctx.config.title)}</a></nav>`, '<h1>Across hosts and architectures</h1>'];
  if (revisions.length === 0) b.push('<p>No runs yet.</p>');
  else {
    const label = (r: ArchRevision) => `${shortDate(r.at)} · ${r.revision === null ? `run #${r.runs[0]}` : shortRev(r.revision)}`;
    b.push(
      `<p class="meta">For one commit, every benchmark on every host that measured it, as the ratio of its median to the reference host's, with a conservative 95% interval (the ratio of the interval ends). Below 1 is smaller than the reference. ` +
        `A commit measured with more than one variant or Go toolchain shows each as a column of its own (host · variant · toolchain). The latest ${revisions.length} commit${revisions.length === 1 ? '' : 's'} of the ${escapeHtml(historyLabel(ctx.history))} can be picked.</p>`,
      '<form class="filters" id="arch-form">' +
        `<label>commit <select id="rev" name="rev">${revisions.map((r, i) => `<option value="${r.key}">${escapeHtml(label(r))}${i === 0 ? ' (latest)' : ''}</option>`).join('')}</select></label>` +
        '<label>reference host <select id="ref" name="ref"></select></label>' +
        '<label>unit <select id="arch-unit" name="unit"><option value="">all</option></select></label></form>',
      '<p class="meta" id="arch-commit" aria-live="polite"></p>',
      '<div class="scroll" id="arch-table"></div>',
      `<noscript><p>The ratio table needs JavaScript; each commit's numbers are in its data file, listed in <a href="arch/index.json">arch/index.json</a>.</p></noscript>`,
      `<details id="arch-commits"><summary>The latest ${revisions.length} commit${revisions.length === 1 ? '' : 's'}</summary><div class="scroll"><table class="commits"><thead><tr><th>date</th><th>commit</th><th>runs</th></tr></thead><tbody>` +
        revisions
          .map((r) => `<tr data-rev="${r.key}"><td><a href="#rev=${r.key}">${escapeHtml(shortDate(r.at))}</a></td><td>${revLink(ctx, r.revision) || '(unknown)'}</td><td>${r.runs.map((id) => `#${id}`).join(', ')}</td></tr>`)
          .join('') +
        '</tbody></table></div></details>',
      `<script type="application/json" id="hosts">${scriptJson(Object.fromEntries([...ctx.colours].sort((x, y) => cmpText(x[0], y[0]))))}</script>`,
    );
  }
  return frame({
    title: `Across architectures · ${ctx.config.title}`,
    root: '',
    body: b.join('\n'),
    scripts: revisions.length === 0 ? [] : ['assets/common.js', 'assets/arch.js'],
    data: dataAttrs(ctx),
    twins: [{ href: 'arch/index.json', label: 'JSON' }],
    canonical: canonical(ctx, 'arch.html'),
    generatedAt: ctx.generatedAt,
  });
}

/** arch/index.json: the commits the page offers and their data files. */
export function archIndexJson(revisions: readonly ArchRevision[]): string {
  return `${JSON.stringify({ revisions: revisions.map((r) => ({ key: r.key, revision: r.revision, at: r.at, runs: r.runs, data: `arch/${r.key}.js` })) }, null, 1)}\n`;
}

// ── comparison pages ───────────────────────────────────────────────────────

const verdictCss = (v: string) => (/regress|slower|worse/i.test(v) ? 'worse' : /improv|faster|better/i.test(v) ? 'better' : 'same');
/** Worse first, then better, then the rest. */
const verdictRank = (v: string) => ({ worse: 0, better: 1, same: 2 })[verdictCss(v)];
const lnPct = (x: number | null) => (x === null ? '—' : pct(Math.expm1(x)));

/** A link to another session's page, or its number alone when it has no page. */
function sessionLink(runId: number, hasPage: boolean, attr: string): string {
  return hasPage ? `<a href="${runId}.html" ${attr}>#${runId}</a>` : `#${runId}`;
}

/** The profile pages of one row: the run, and the host when another host re-measured it. */
function profileCell(host: string, links: readonly ProfileLink[] | undefined): string {
  if (!links) return '';
  return links.map((l) => `<a href="../profiles/${escapeHtml(l.page)}" data-profile>run #${l.runId}${l.host === host ? '' : ` on ${escapeHtml(l.host)}`}</a>`).join(' ');
}

export function compareTitle(s: CompareSession): string {
  return s.isAa ? `A/A noise measurement of ${s.baseRef}` : `${s.baseRef} → ${s.headRef}${s.headWorktree ? ' (working tree)' : ''}`;
}

/** Counts of each verdict of a session, worst first. */
export function verdictCounts(s: CompareSession): string {
  const counts = new Map<string, number>();
  for (const r of s.results) counts.set(r.verdict, (counts.get(r.verdict) ?? 0) + 1);
  return [...counts].sort((a, b) => verdictRank(a[0]) - verdictRank(b[0]) || b[1] - a[1]).map(([v, n]) => `${n} ${v}`).join(', ') || 'no results';
}

/** `errorRate`: a screening's measured false-alarm rate (results/paired/error-rate.ts), as one line. */
export function comparePage(ctx: SiteContext, s: CompareSession, pages: Record<string, PageState>, links: SessionLinks, tables: readonly CompareTable[], errorRate?: string): string {
  const hostRows = new Map<string, CompareSession['results'][number]>();
  for (const r of s.results) if (!hostRows.has(r.host)) hostRows.set(r.host, r);
  const pageOf = new Map(Object.entries(pages).map(([base, p]) => [p.name, base]));
  const b: string[] = [
    `<nav><a href="../index.html">← ${escapeHtml(ctx.config.title)}</a> · <a href="index.html">comparisons</a></nav>`,
    `<h1>${escapeHtml(compareTitle(s))}</h1>`,
    `<p class="meta">Run #${s.runId} (${escapeHtml(s.role)}${s.parentRunId !== null ? ` of ${sessionLink(s.parentRunId, links.screening !== null, 'data-screening')}` : ''}), ${escapeHtml(dateTime(s.startedAt))}, ${escapeHtml(s.status)} · base ${revLink(ctx, s.baseSha)} · head ${revLink(ctx, s.headSha)} · ${s.rounds} paired rounds · ${escapeHtml(verdictCounts(s))}</p>`,
    ...(errorRate !== undefined ? [`<p class="meta" data-error-rate>${escapeHtml(errorRate)}</p>`] : []),
    ...(links.confirmations.length > 0
      ? [`<p class="meta">Regression candidates re-measured in ${links.confirmations.map((c) => `${sessionLink(c.runId, true, 'data-confirmation')} (${escapeHtml(verdictCounts(c))})`).join(', ')}.</p>`]
      : []),
    '<h2>Reproduce</h2>',
    `<pre><code>${escapeHtml(reproduceCommand(s))}</code></pre>`,
    '<h2>Hosts</h2>',
    '<table><thead><tr><th>host</th><th>environment</th><th>pinning</th></tr></thead><tbody>',
    ...[...hostRows.values()].map((r) => `<tr><td>${hostCell(ctx, r.host, '../')}</td><td><code>${escapeHtml(r.fingerprint.slice(0, 12))}</code></td><td>${escapeHtml(r.pin)}</td></tr>`),
    '</tbody></table>',
    '<h2>Verdicts</h2>',
    '<p class="meta">Per benchmark, unit and host: the Hodges–Lehmann estimate of head against base over the paired rounds with its confidence interval, the test (p, and q after correction across the table), the practical threshold and the smallest effect this session could detect.</p>',
    '<div class="scroll"><table class="verdicts"><thead><tr><th>benchmark</th><th>unit</th><th>host</th><th>verdict</th><th class="num">change</th><th class="num">CI</th><th class="num">p</th><th class="num">q</th><th class="num">threshold</th><th class="num">MDE</th><th class="num">pairs</th><th>profiles</th></tr></thead><tbody>',
  ];
  const order = [...s.results].sort((x, y) => verdictRank(x.verdict) - verdictRank(y.verdict) || cmpText(x.benchmark, y.benchmark) || cmpText(x.unit, y.unit) || cmpText(x.host, y.host));
  for (const r of order) {
    const base = pageOf.get(r.benchmark);
    const name = `<code>${escapeHtml(r.benchmark)}</code>`;
    b.push(
      `<tr data-verdict="${escapeHtml(r.verdict)}"><td>${base ? `<a href="../bench/${base}.html">${name}</a>` : name}</td><td>${escapeHtml(r.unit)}</td><td>${hostCell(ctx, r.host, '../')}</td>` +
        `<td class="${verdictCss(r.verdict)}">${escapeHtml(r.verdict)}</td><td class="num">${lnPct(r.estimate)}</td><td class="num">${lnPct(r.ciLow)} … ${lnPct(r.ciHigh)}</td>` +
        `<td class="num">${r.p === null ? '—' : r.p.toPrecision(2)}</td><td class="num">${r.q === null ? '—' : r.q.toPrecision(2)}</td><td class="num">±${lnPct(r.delta).replace('+', '')}</td><td class="num">${lnPct(r.mde).replace('+', '')}</td><td class="num">${r.pairs}</td><td>${profileCell(r.host, links.profiles.get(`${r.benchmark}\0${r.host}`))}</td></tr>`,
    );
  }
  b.push('</tbody></table></div>');
  b.push(
    '<h2>benchstat</h2>',
    tables.length === 0
      ? '<p>No samples of this session are stored, so there is no benchstat table.</p>'
      : "<p class=\"meta\">Per host, base against head as <code>metalbench stat</code> (benchstat) prints them for this session's samples: medians with their 95% confidence intervals, and the change where the Mann–Whitney U test finds one. It ignores the pairing of rounds; the verdicts above use it.</p>",
    ...tables.map((t) => `<h3>${hostCell(ctx, t.host, '../')}</h3><div class="scroll"><pre data-benchstat="${escapeHtml(t.host)}">${escapeHtml(t.text)}</pre></div>`),
  );
  return frame({ title: `${compareTitle(s)} · ${ctx.config.title}`, root: '../', body: b.join('\n'), data: dataAttrs(ctx), canonical: canonical(ctx, `compare/${s.runId}.html`), generatedAt: ctx.generatedAt });
}

export function compareIndexPage(ctx: SiteContext, sessions: readonly CompareSession[]): string {
  const b: string[] = [`<nav><a href="../index.html">← ${escapeHtml(ctx.config.title)}</a></nav>`, '<h1>Comparisons</h1>'];
  b.push(sessions.length === 0 ? '<p>No comparisons stored.</p>' : compareList(ctx, [...sessions].reverse(), ''));
  return frame({ title: `Comparisons · ${ctx.config.title}`, root: '../', body: b.join('\n'), data: dataAttrs(ctx), canonical: canonical(ctx, 'compare/index.html'), generatedAt: ctx.generatedAt });
}

/** A table of sessions, newest first; `prefix` is the path to compare/ from the page. */
export function compareList(ctx: SiteContext, sessions: readonly CompareSession[], prefix: string): string {
  return (
    '<table class="comparisons"><thead><tr><th>comparison</th><th>when</th><th>verdicts</th></tr></thead><tbody>' +
    sessions
      .map((s) => `<tr data-compare="${s.runId}"><td><a href="${prefix}${s.runId}.html">${escapeHtml(compareTitle(s))}</a></td><td>${escapeHtml(dateTime(s.startedAt))}</td><td>${escapeHtml(verdictCounts(s))}</td></tr>`)
      .join('') +
    '</tbody></table>'
  );
}
