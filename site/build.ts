/**
 * `metalbench site`: static performance pages from the stored summaries.
 *
 * Incremental: the state file in the site says which summaries the site was
 * built from (a watermark id); only pages, months and series with newer
 * summaries are rewritten, everything else is carried over by hard links.
 * Safe: the new site is built in OUT.building and swapped in by renames.
 */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeAssets } from './assets.ts';
import { appendChunk, chunkJson, chunkScript, cmp, parseChunk, type ChunkJson } from './chunks.ts';
import { DEFAULT_ARCH_REVISIONS, defaultSiteConfig, type SiteConfig } from './config.ts';
import { archData, archDataScript, archRevisions, sameRuns, type ArchRevision } from './arch.ts';
import { indexCsv, indexDataScript, indexJson } from './twins.ts';
import { hostSlug, pageBaseName } from './names.ts';
import { archIndexJson, archPage, benchmarkPage, compareIndexPage, comparePage, frontPage, historyTrigger, hostPage, type SiteContext } from './pages.ts';
import { archPointReader } from './sources/arch.ts';
import { noiseFloors, type NoiseFloor } from './sources/comparisons.ts';
import { readAaRecord } from '../results/store/compare-outcomes.ts';
import { aaRecordLine } from '../results/paired/error-rate.ts';
import { byXThenId, mergeRow, RECENT, rowFromPoints, type RowBase, type SeriesRow } from './rows.ts';
import { storeAttention, type AttentionSource, type Finding } from './sources/attention.ts';
import { loadHostEnvs } from './sources/hosts.ts';
import { openResults } from './sources/open.ts';
import { historyTrigger as storeHistory, latestPerHost, loadRuns } from './sources/runs.ts';
import { benchmarkNames, seriesReader, summaryWatermark, type FullPointRow } from './sources/summaries.ts';
import { emptyState, GENERATOR_VERSION, isSiteFolder, readState, STATE_FILE, type PageState, type SiteState } from './state.ts';
import { commitStaging, ensureDir, lockSite, recover, stageFile, startStaging, stagingPaths } from './swap.ts';
import { qValues } from './significance.ts';
import { writeProfilePages } from './profiles.ts';
import { sessionLinks } from './compare-links.ts';
import { compareTables } from './sources/compare-tables.ts';
import { profiledBenchmarks } from './sources/profiled.ts';
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
  /** Flame-graph pages written under profiles/. */
  profilePages: number;
  /** Commits the cross-architecture page offers (one data file each under arch/). */
  archRevisions: number;
}

export async function buildSite(opts: BuildSiteOptions): Promise<BuildSiteResult> {
  const outDir = resolve(opts.outDir);
  const config = opts.config ?? defaultSiteConfig();
  const attention = opts.attention ?? storeAttention;
  const unlock = lockSite(outDir);
  try {
    return await build(opts, outDir, config, attention);
  } finally {
    unlock();
  }
}

async function build(opts: BuildSiteOptions, outDir: string, config: SiteConfig, attention: AttentionSource): Promise<BuildSiteResult> {
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
    const names = benchmarkNames(db);
    const reader = seriesReader(db);
    const since = state.watermark;
    /** Runs with summaries new to this build: their commits' cross-architecture data is rewritten. */
    const changedRuns = new Set<number>();

    const building = startStaging(outDir, incremental);
    let written = 0;
    const write = (rel: string, content: string) => {
      const path = join(building, rel);
      stageFile(path, content, incremental);
      written++;
      opts.onWrite?.(path);
    };
    for (const d of ['bench', 'host', 'assets', 'data', 'arch']) ensureDir(join(building, d));
    writeAssets(join(building, 'assets'));

    // What changed: the pages and months rewritten, the series recomputed.
    const dirtyMonths = new Map<string, string[]>();
    const dirtySeries = new Map<string, SeriesAcc>();
    const baseOf = memoBase(names);
    const writeChunkJson = (base: string, month: string, chunk: ChunkJson) => {
      dirtyMonths.set(base, [...(dirtyMonths.get(base) ?? []), month]);
      write(`data/${base}.${month}.js`, chunkScript(chunk));
    };
    const writeChunk = (base: string, month: string, rows: readonly FullPointRow[]) => writeChunkJson(base, month, chunkJson(base, month, rows, runs));
    /** Record a changed series and page month; returns the page base and series key. */
    const touch = (benchmarkId: number, pkg: string | null, month: string, unit: string, host: string, trigger: string, goarch: string | null, min: number, max: number) => {
      const name = names.get(benchmarkId);
      if (name === undefined) return null;
      const base = baseOf(benchmarkId, pkg);
      let page = state.pages[base];
      if (!page) state.pages[base] = page = { benchmarkId, pkg, name, months: [], series: [] };
      if (!page.months.includes(month)) page.months = [...page.months, month].sort();
      const key = `${base}\0${unit}\0${host}\0${trigger}`;
      let acc = dirtySeries.get(key);
      if (!acc) {
        const old = page.series.find((x) => x.unit === unit && x.host === host && x.trigger === trigger);
        acc = { base, benchmarkId, pkg, unit, host, trigger, goarch: old?.goarch ?? null, min: old?.min ?? Infinity, max: old?.max ?? -Infinity, points: [] };
        dirtySeries.set(key, acc);
      }
      if (goarch !== null) acc.goarch = goarch;
      acc.min = Math.min(acc.min, min);
      acc.max = Math.max(acc.max, max);
      return { base, acc };
    };
    const setRow = (acc: SeriesAcc, row: SeriesRow | null) => {
      const page = state.pages[acc.base]!;
      const rest = page.series.filter((x) => !(x.unit === acc.unit && x.host === acc.host && x.trigger === acc.trigger));
      page.series = (row ? [...rest, row] : rest).sort(seriesOrder);
    };

    if (!incremental) {
      // A full build reads every summary once, a page at a time, already in (x, id) order.
      let pageRows: FullPointRow[] = [];
      let pageBase: string | null = null;
      const flush = () => {
        if (pageBase === null) return;
        let from = 0;
        for (let i = 1; i <= pageRows.length; i++) {
          if (i === pageRows.length || pageRows[i]!.at.slice(0, 7) !== pageRows[from]!.at.slice(0, 7)) {
            writeChunk(pageBase, pageRows[from]!.at.slice(0, 7), pageRows.slice(from, i));
            from = i;
          }
        }
        for (const acc of dirtySeries.values()) {
          if (acc.base !== pageBase) continue;
          setRow(acc, rowFromPoints(acc, acc.points, reader));
          acc.points = [];
        }
        pageRows = [];
      };
      for (const p of reader.ordered(watermark)) {
        const t = touch(p.benchmarkId, p.pkg, p.at.slice(0, 7), p.unit, p.host, p.trigger, p.goarch, p.min, p.max);
        if (!t) continue;
        if (t.base !== pageBase) {
          flush();
          pageBase = t.base;
        }
        pageRows.push(p);
        t.acc.points.push(p);
      }
      flush();
    } else {
      // An incremental build reads only the new summaries and appends them to
      // their months' files; a month that gets a point before its last (a
      // backfill) is read again whole.
      const months = new Map<string, FullPointRow[]>();
      for (const p of reader.since(since, watermark)) {
        changedRuns.add(p.runId);
        const month = p.at.slice(0, 7);
        const t = touch(p.benchmarkId, p.pkg, month, p.unit, p.host, p.trigger, p.goarch, p.min, p.max);
        if (!t) continue;
        t.acc.points.push(p);
        const key = `${t.base}\0${month}`;
        const list = months.get(key);
        if (list) list.push(p);
        else months.set(key, [p]);
      }
      for (const key of [...months.keys()].sort()) {
        const [base, month] = key.split('\0') as [string, string];
        const added = months.get(key)!.sort(byXThenId);
        const file = join(building, 'data', `${base}.${month}.js`);
        const old = existsSync(file) ? parseChunk(readFileSync(file, 'utf8')) : null;
        const appended = old ? appendChunk(old, added, runs) : null;
        if (appended) writeChunkJson(base, month, appended);
        else {
          const page = state.pages[base]!;
          writeChunk(base, month, reader.month(page.benchmarkId, page.pkg, month).filter((p) => p.id <= watermark));
        }
      }
      for (const acc of dirtySeries.values()) {
        acc.points.sort(byXThenId);
        const old = state.pages[acc.base]!.series.find((x) => x.unit === acc.unit && x.host === acc.host && x.trigger === acc.trigger);
        // A nightly appends: merge. Anything else (a backfill, a new series): read the series' tail.
        const row = (old ? mergeRow(acc, old, acc.points, reader) : null) ?? rowFromPoints(acc, reader.latest(acc, RECENT).reverse(), reader);
        setRow(acc, row);
        acc.points = [];
      }
    }
    // Colours: hosts keep theirs; new hosts take the next ones, in name order.
    const allHosts = new Set<string>();
    for (const p of Object.values(state.pages)) for (const s of p.series) allHosts.add(s.host);
    for (const h of [...allHosts].sort()) if (!state.hosts.includes(h)) state.hosts.push(h);
    const colours = new Map(state.hosts.map((h, i) => [h, i % PALETTE_SIZE]));
    state.watermark = watermark;

    const ctx: SiteContext = { config, colours, history, runs, generatedAt: new Date().toISOString(), q: new Map() };
    ctx.q = qValues(state, (t) => historyTrigger(ctx, t));
    const findings = attention.findings(db);
    const comparisons = attention.comparisons(db);
    const floors = noiseFloors(comparisons);
    const pageNames = Object.keys(state.pages).sort();
    for (const base of pageNames) {
      const page = state.pages[base]!;
      const f = findingsOf(findings, page);
      // Pages with findings are rewritten every time: findings come and go without new summaries.
      if (dirtyMonths.has(base) || f.length > 0) write(`bench/${base}.html`, benchmarkPage(ctx, base, page, f));
    }

    // Site-wide pages: always rewritten (they summarize everything, from the state).
    const { hosts: liveness, newest } = latestPerHost(db, runs, history);
    const envEvents = environmentEvents(state);
    const seriesCount = Object.values(state.pages).reduce((n, p) => n + p.series.length, 0);
    write(
      'index.html',
      frontPage(ctx, {
        comparisons,
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
      const hostFloors = new Map<string, NoiseFloor>();
      for (const [k, v] of floors) {
        const [h, bench, unit] = k.split('\0') as [string, string, string];
        if (h === host || host.startsWith(`${h} `)) hostFloors.set(`${bench}\0${unit}`, v);
      }
      write(`host/${hostSlug(host)}.html`, hostPage(ctx, host, bare === undefined ? undefined : envs.get(bare), rows, liveness.find((l) => l.host === host), hostFloors));
    }
    if (comparisons.length > 0) {
      ensureDir(join(building, 'compare'));
      const tables = await compareTables(db, opts.dbPath, comparisons);
      const profiled = profiledBenchmarks(db);
      for (const c of comparisons) write(`compare/${c.runId}.html`, comparePage(ctx, c, state.pages, sessionLinks(c, comparisons, profiled), tables.get(c.runId) ?? [], c.role === 'screen' && c.specName !== null ? aaRecordLine(readAaRecord(db, c.specName, c.rounds, c.runId)) : undefined));
      write('compare/index.html', compareIndexPage(ctx, comparisons));
    }
    const pageOf = (id: number, pkg: string | null): [string, string] | null => {
      const name = names.get(id);
      return name === undefined ? null : [baseOf(id, pkg), name];
    };
    const revisions = writeArch(db, ctx, { built: incremental ? (state.arch ?? []) : [], changedRuns, watermark, pageOf, archDir: join(building, 'arch'), write });
    state.arch = revisions.map((r) => ({ key: r.key, runs: r.runs }));
    write('arch.html', archPage(ctx, revisions));
    write('arch/index.json', archIndexJson(revisions));
    // Profile pages are few and rewritten whole; the staged copy's links are
    // dropped first so the live site's files are never written through.
    rmSync(join(building, 'profiles'), { recursive: true, force: true });
    const profiles = writeProfilePages(db, { dbPath: opts.dbPath, outDir: building, siteTitle: config.title, generatedAt: ctx.generatedAt });
    // The state goes last: a site without it is never built on.
    write(STATE_FILE, JSON.stringify(state));
    commitStaging(outDir);
    return { outDir, pages: pageNames.length, series: seriesCount, incremental, written, watermark, profilePages: profiles.pages, archRevisions: revisions.length };
  } catch (e) {
    // The live site is untouched; the staging folder is dropped.
    rmSync(stagingPaths(outDir).building, { recursive: true, force: true });
    throw e;
  } finally {
    db.close();
  }
}

interface SeriesAcc extends RowBase {
  base: string;
  benchmarkId: number;
  pkg: string | null;
  /** New points of the series, in (x, id) order. */
  points: FullPointRow[];
}

/** Page base names, computed once per benchmark and package. */
function memoBase(names: Map<number, string>): (benchmarkId: number, pkg: string | null) => string {
  const cache = new Map<string, string>();
  return (id, pkg) => {
    const k = `${id}\0${pkg ?? '\u0001'}`;
    let b = cache.get(k);
    if (b === undefined) cache.set(k, (b = pageBaseName(pkg, names.get(id)!)));
    return b;
  };
}

/** Number of host colours in site.css before they repeat. */
export const PALETTE_SIZE = 10;

function seriesOrder(a: SeriesRow, b: SeriesRow): number {
  return compareUnits(a.unit, b.unit) || cmp(a.host, b.host) || cmp(a.trigger, b.trigger);
}

function findingsOf(findings: readonly Finding[], page: PageState): Finding[] {
  return findings.filter((f) => (f.kind === 'alert' || f.kind === 'changepoint') && f.benchmark === page.name && (f.pkg === undefined || f.pkg === page.pkg));
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

/**
 * The cross-architecture data files: one per offered commit, written when the
 * commit is new to the window, its runs changed or got new summaries; the
 * files of commits that left the window are removed. Returns the window.
 */
function writeArch(
  db: ReturnType<typeof openResults>,
  ctx: SiteContext,
  o: {
    /** The window of the site built on (none for a full build). */
    built: readonly { key: string; runs: number[] }[];
    changedRuns: ReadonlySet<number>;
    watermark: number;
    pageOf: (benchmarkId: number, pkg: string | null) => [string, string] | null;
    /** arch/ in the staging folder. */
    archDir: string;
    write: (rel: string, content: string) => void;
  },
): ArchRevision[] {
  const revisions = archRevisions(ctx.runs.values(), (t) => historyTrigger(ctx, t), ctx.config.archRevisions ?? DEFAULT_ARCH_REVISIONS);
  const old = new Map(o.built.map((r) => [r.key, r.runs]));
  const reader = archPointReader(db);
  for (const rev of revisions) {
    const had = old.get(rev.key);
    if (had && sameRuns(had, rev.runs) && !rev.runs.some((id) => o.changedRuns.has(id))) continue;
    o.write(`arch/${rev.key}.js`, archDataScript(archData(rev, reader, o.watermark, ctx.runs, o.pageOf)));
  }
  const keep = new Set(revisions.map((r) => r.key));
  for (const key of old.keys()) if (!keep.has(key)) rmSync(join(o.archDir, `${key}.js`), { force: true });
  return revisions;
}
