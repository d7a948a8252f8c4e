/**
 * `metalbench site`: static performance pages from the stored summaries.
 *
 * Incremental: the state file in the site says which summaries the site was
 * built from (a watermark id); only pages, months and series with newer
 * summaries are rewritten, everything else is carried over by hard links.
 * Safe: the new site is built in OUT.building and swapped in by renames.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeAssets } from './assets.ts';
import { chunkJson, chunkScript, cmp } from './chunks.ts';
import { defaultSiteConfig, type SiteConfig } from './config.ts';
import { indexCsv, indexDataScript, indexJson, archDataScript } from './twins.ts';
import { hostSlug, pageBaseName } from './names.ts';
import { archPage, benchmarkPage, frontPage, historyTrigger, hostPage, type ArchData, type SiteContext } from './pages.ts';
import { computeRow, type SeriesRow } from './rows.ts';
import { storeAttention, type AttentionSource, type Finding } from './sources/attention.ts';
import { loadHostEnvs } from './sources/hosts.ts';
import { openResults } from './sources/open.ts';
import { historyTrigger as storeHistory, latestPerHost, loadRuns } from './sources/runs.ts';
import { benchmarkNames, seriesReader, summaryWatermark, touchedSince } from './sources/summaries.ts';
import { emptyState, GENERATOR_VERSION, isSiteFolder, readState, STATE_FILE, type PageState, type SiteState } from './state.ts';
import { commitStaging, ensureDir, recover, stageFile, startStaging, stagingPaths } from './swap.ts';
import { compareUnits } from './units.ts';

export interface BuildSiteOptions {
  dbPath: string;
  outDir: string;
  config?: SiteConfig;
  /** Ignore the previous build and write everything. */
  full?: boolean;
  /** Alerts, change points and comparisons; default: what the store holds. */
  attention?: AttentionSource;
  /** Called after each written file (tests use it to interrupt a build). */
  onWrite?: (path: string) => void;
}

export interface BuildSiteResult {
  outDir: string;
  pages: number;
  series: number;
  incremental: boolean;
  /** Files written by this build (the rest were carried over). */
  written: number;
  watermark: number;
}

export async function buildSite(opts: BuildSiteOptions): Promise<BuildSiteResult> {
  const outDir = resolve(opts.outDir);
  const config = opts.config ?? defaultSiteConfig();
  const attention = opts.attention ?? storeAttention;
  recover(outDir);
  if (existsSync(outDir) && readdirSync(outDir).length > 0 && !isSiteFolder(outDir)) {
    throw new Error(`${outDir}: the output folder is not empty and was not written by metalbench site; choose an empty or new folder with --out`);
  }
  const db = openResults(opts.dbPath);
  try {
    const runs = loadRuns(db);
    const history = storeHistory(runs);
    const inputs = JSON.stringify([GENERATOR_VERSION, config, history]);
    const previous = opts.full ? null : readState(outDir);
    const incremental = previous !== null && previous.inputs === inputs;
    const state: SiteState = incremental ? previous : emptyState(inputs);
    // Read the watermark first: summaries written while we build are left for the next build.
    const watermark = summaryWatermark(db);
    const touched = touchedSince(db, state.watermark, watermark);
    const names = benchmarkNames(db);
    const reader = seriesReader(db);

    // Merge what changed into the state: pages, their months, their series.
    const dirtyMonths = new Map<string, Set<string>>();
    const dirtySeries = new Map<string, { benchmarkId: number; pkg: string | null; unit: string; host: string; trigger: string; goarch: string | null; min: number; max: number }>();
    for (const t of touched) {
      const name = names.get(t.benchmarkId);
      if (name === undefined) continue;
      const base = pageBaseName(t.pkg, name);
      let page = state.pages[base];
      if (!page) state.pages[base] = page = { benchmarkId: t.benchmarkId, pkg: t.pkg, name, months: [], series: [] };
      if (!page.months.includes(t.month)) page.months = [...page.months, t.month].sort();
      let months = dirtyMonths.get(base);
      if (!months) dirtyMonths.set(base, (months = new Set()));
      months.add(t.month);
      const key = `${base}\0${t.unit}\0${t.host}\0${t.trigger}`;
      const old = page.series.find((s) => s.unit === t.unit && s.host === t.host && s.trigger === t.trigger);
      const d = dirtySeries.get(key);
      const min = Math.min(t.min, d?.min ?? Infinity, old?.min ?? Infinity);
      const max = Math.max(t.max, d?.max ?? -Infinity, old?.max ?? -Infinity);
      dirtySeries.set(key, { benchmarkId: t.benchmarkId, pkg: t.pkg, unit: t.unit, host: t.host, trigger: t.trigger, goarch: t.goarch ?? d?.goarch ?? old?.goarch ?? null, min, max });
    }
    for (const [key, s] of dirtySeries) {
      const base = key.slice(0, key.indexOf('\0'));
      const page = state.pages[base]!;
      const row = computeRow(reader, s, s);
      const rest = page.series.filter((x) => !(x.unit === s.unit && x.host === s.host && x.trigger === s.trigger));
      page.series = (row ? [...rest, row] : rest).sort(seriesOrder);
    }
    // Colours: hosts keep theirs; new hosts take the next ones, in name order.
    const allHosts = new Set<string>();
    for (const p of Object.values(state.pages)) for (const s of p.series) allHosts.add(s.host);
    for (const h of [...allHosts].sort()) if (!state.hosts.includes(h)) state.hosts.push(h);
    const colours = new Map(state.hosts.map((h, i) => [h, i % PALETTE_SIZE]));
    state.watermark = watermark;

    const ctx: SiteContext = { config, colours, history, runs, generatedAt: new Date().toISOString() };
    const findings = attention.findings(db);
    const building = startStaging(outDir, incremental);
    let written = 0;
    const write = (rel: string, content: string) => {
      const path = join(building, rel);
      stageFile(path, content);
      written++;
      opts.onWrite?.(path);
    };
    ensureDir(join(building, 'bench'));
    ensureDir(join(building, 'host'));
    ensureDir(join(building, 'assets'));
    writeAssets(join(building, 'assets'));

    // Data files and pages of what changed.
    const pageNames = Object.keys(state.pages).sort();
    for (const base of pageNames) {
      const months = dirtyMonths.get(base);
      if (!months) continue;
      const page = state.pages[base]!;
      ensureDir(join(building, 'data', base));
      for (const m of [...months].sort()) {
        write(`data/${base}/${m}.js`, chunkScript(chunkJson(base, m, reader.month(page.benchmarkId, page.pkg, m), runs)));
      }
      write(`bench/${base}.html`, benchmarkPage(ctx, base, page, findingsOf(findings, page)));
      await Promise.resolve();
    }
    // Pages with findings are rewritten every time: findings come and go without new summaries.
    for (const base of pageNames) {
      const page = state.pages[base]!;
      const f = findingsOf(findings, page);
      if (f.length > 0 && !dirtyMonths.has(base)) write(`bench/${base}.html`, benchmarkPage(ctx, base, page, f));
    }

    // Site-wide pages: always rewritten (they summarize everything, from the state).
    const { hosts: liveness, newest } = latestPerHost(db, runs, history);
    const envEvents = environmentEvents(state);
    const seriesCount = Object.values(state.pages).reduce((n, p) => n + p.series.length, 0);
    write(
      'index.html',
      frontPage(ctx, {
        pages: state.pages,
        liveness,
        newest,
        findings,
        envEvents,
        counts: { benchmarks: pageNames.length, series: seriesCount, runs: runs.size },
      }),
    );
    write('assets/index-data.js', indexDataScript(state, ctx));
    write('index.json', indexJson(state, ctx));
    write('index.csv', indexCsv(state, ctx));
    const envs = loadHostEnvs(db);
    for (const host of state.hosts) {
      const rows: { base: string; page: PageState; row: SeriesRow }[] = [];
      for (const base of pageNames) {
        const page = state.pages[base]!;
        for (const row of page.series) if (row.host === host && historyTrigger(ctx, row.trigger)) rows.push({ base, page, row });
      }
      const bare = [...envs.keys()].find((h) => host === h || host.startsWith(`${h} `));
      write(`host/${hostSlug(host)}.html`, hostPage(ctx, host, bare === undefined ? undefined : envs.get(bare), rows, liveness.find((l) => l.host === host)));
    }
    const arch = archData(state, ctx, reader, newest?.revision ?? null, newest ? [...runs.values()].filter((r) => r.revision === newest.revision && historyTrigger(ctx, r.trigger) && (newest.revision !== null || r.id === newest.id)).map((r) => r.id) : []);
    write('arch.html', archPage(ctx, arch));
    write('assets/arch-data.js', archDataScript(arch));
    // The state goes last: a site without it is never built on.
    write(STATE_FILE, JSON.stringify(state));
    commitStaging(outDir);
    return { outDir, pages: pageNames.length, series: seriesCount, incremental, written, watermark };
  } catch (e) {
    // The live site is untouched; the staging folder is dropped.
    const { building } = stagingPaths(outDir);
    (await import('node:fs')).rmSync(building, { recursive: true, force: true });
    throw e;
  } finally {
    db.close();
  }
}

/** Number of host colours in site.css before they repeat. */
export const PALETTE_SIZE = 10;

function seriesOrder(a: SeriesRow, b: SeriesRow): number {
  return compareUnits(a.unit, b.unit) || cmp(a.host, b.host) || cmp(a.trigger, b.trigger);
}

function findingsOf(findings: readonly Finding[], page: PageState): Finding[] {
  return findings.filter((f) => f.benchmark === page.name && f.pkg === page.pkg);
}

/** Environment changes seen in the series' recent points, one per host and date. */
function environmentEvents(state: SiteState): { host: string; at: string; detail: string }[] {
  const seen = new Map<string, { host: string; at: string; detail: string; count: number }>();
  for (const page of Object.values(state.pages)) {
    for (const s of page.series) {
      const e = s.envChange;
      if (!e) continue;
      const key = `${s.host}\0${e.at}`;
      const cur = seen.get(key);
      if (cur) cur.count++;
      else seen.set(key, { host: s.host, at: e.at, detail: `environment ${e.from?.slice(0, 12) ?? '(unknown)'} → ${e.to?.slice(0, 12) ?? '(unknown)'}`, count: 1 });
    }
  }
  return [...seen.values()]
    .sort((a, b) => cmp(b.at, a.at) || cmp(a.host, b.host))
    .slice(0, 20)
    .map((e) => ({ host: e.host, at: e.at, detail: `${e.detail} (${e.count} series split)` }));
}

function archData(state: SiteState, ctx: SiteContext, reader: ReturnType<typeof seriesReader>, revision: string | null, runIds: number[]): ArchData {
  const points = reader.ofRuns(runIds).filter((p) => historyTrigger(ctx, p.trigger));
  const hostArch = new Map<string, string | null>();
  for (const p of Object.values(state.pages)) for (const s of p.series) if (!hostArch.has(s.host) || s.goarch) hostArch.set(s.host, s.goarch ?? hostArch.get(s.host) ?? null);
  const hosts = [...new Set(points.map((p) => p.host))].sort();
  const byKey = new Map<string, ArchData['rows'][number]>();
  const pages = new Map(Object.entries(state.pages).map(([base, pg]) => [`${pg.benchmarkId}\0${pg.pkg ?? '\u0001'}`, [base, pg] as const]));
  for (const p of points) {
    const page = pages.get(`${p.benchmarkId}\0${p.pkg ?? '\u0001'}`);
    if (!page) continue;
    const key = `${page[0]}\0${p.unit}`;
    let row = byKey.get(key);
    if (!row) byKey.set(key, (row = [page[0], page[1].name, page[1].pkg, p.unit, hosts.map(() => null)]));
    row[4][hosts.indexOf(p.host)] = [p.median, p.lo, p.hi];
  }
  const rows = [...byKey.values()].sort((a, b) => cmp(a[2] ?? '\uffff', b[2] ?? '\uffff') || cmp(a[1], b[1]) || compareUnits(a[3], b[3]));
  return { revision, runs: runIds, hosts: hosts.map((h) => [h, hostArch.get(h) ?? null]), rows };
}
