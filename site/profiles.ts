/**
 * Profile pages for `metalbench site`: one page per profiled benchmark (run,
 * host, benchmark), each stored profile shown in an interactive flame graph
 * (speedscope, bundled: no network) with base and head side by side, its top
 * functions as a table, and the raw file to download for `go tool pprof`.
 *
 * Layout under <out>/profiles/: index.html and index.json, one page per
 * benchmark, data/<sha256>.pb.gz (the stored file) and data/<sha256>.js (the
 * same bytes for the viewer, which cannot fetch from file://), viewer/ (the
 * speedscope build plus a loader).
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Database as DB } from 'better-sqlite3';
import { profilesDir, type ProfileRow } from '../results/store/profiles.ts';
import { gcPerOp, parseGcTrace } from '../runner/profile/gctrace.ts';
import { DEFAULT_SAMPLE_TYPE, summarize } from '../runner/profile/read.ts';
import { escapeHtml } from './html.ts';
import { slugify } from './names.ts';

const require = createRequire(import.meta.url);

export interface ProfilePagesOptions {
  dbPath: string;
  outDir: string;
  siteTitle: string;
  generatedAt: string;
}

/** Runs before speedscope: turn `#p=<sha>&title=…` into what speedscope reads, then load the data script. */
const BOOT_JS = `(function () {
  var params = new URLSearchParams(location.hash.slice(1));
  var sha = params.get('p') || '';
  if (!/^[0-9a-f]{64}$/.test(sha)) { document.title = 'no profile'; return; }
  // speedscope's own hook for preloaded profiles: it defines window.speedscope.loadFileFromBase64.
  history.replaceState(null, '', '#localProfilePath=preloaded&title=' + encodeURIComponent(params.get('title') || sha));
  // speedscope then appends a script for file:///preloaded; the data comes from data/<sha>.js instead.
  var append = document.head.appendChild.bind(document.head);
  document.head.appendChild = function (el) {
    if (el && el.tagName === 'SCRIPT' && el.src === 'file:///preloaded') return el;
    return append(el);
  };
  window.metalbenchProfile = function (name, base64) {
    (function wait() {
      if (window.speedscope && window.speedscope.loadFileFromBase64) window.speedscope.loadFileFromBase64(name, base64);
      else setTimeout(wait, 20);
    })();
  };
  var s = document.createElement('script');
  s.src = '../data/' + sha + '.js';
  append(s);
})();
`;

/** The speedscope build folder (dist/release) of the installed package. */
function speedscopeRelease(): string {
  let pkg: string;
  try {
    pkg = require.resolve('speedscope/package.json');
  } catch {
    throw new Error('site: the npm package speedscope is not installed; run npm install');
  }
  const dir = join(dirname(pkg), 'dist', 'release');
  if (!existsSync(join(dir, 'index.html'))) throw new Error(`site: ${dir}/index.html is missing from the installed speedscope; reinstall it (npm ci)`);
  return dir;
}

/** Copy speedscope and write viewer.html: speedscope's page with the loader before its script. */
function writeViewer(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const release = speedscopeRelease();
  for (const f of readdirSync(release)) if (f !== 'index.html') copyFileSync(join(release, f), join(dir, f));
  const index = readFileSync(join(release, 'index.html'), 'utf8');
  const csp =
    "default-src 'none'; script-src 'self' 'unsafe-eval' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; worker-src 'self' blob:; base-uri 'none'; form-action 'none'";
  const html = index
    .replace('<head>', `<head>\n    <meta http-equiv="Content-Security-Policy" content="${csp}">`)
    .replace(/<script src="(speedscope-[^"]+\.js)"><\/script>/, '<script src="boot.js"></script>\n    <script src="$1"></script>');
  if (!html.includes('boot.js')) throw new Error('site: the installed speedscope has an unexpected index.html; pin a known version');
  writeFileSync(join(dir, 'viewer.html'), html);
  writeFileSync(join(dir, 'boot.js'), BOOT_JS);
}

interface PageGroup {
  runId: number;
  host: string;
  benchmark: string;
  suite: string;
  rows: ProfileRow[];
}

/**
 * The file name, under profiles/, of the page of one run × host × benchmark
 * (the benchmark as stored, with -N). Other pages link with it; the page
 * exists when that run has an ok profile of the benchmark on the host.
 */
export function profilePageName(runId: number, host: string, benchmark: string): string {
  // The hash keeps names that differ only in characters the slug drops apart.
  return `${slugify(`run${runId}-${host}-${benchmark}`)}-${createHash('sha256').update(`${runId}\0${host}\0${benchmark}`).digest('hex').slice(0, 10)}.html`;
}

const SIDE_ORDER = (s: string) => (s === 'base' ? 0 : s === 'head' ? 2 : 1);

/** Writes the pages; returns how many benchmark pages were written (0 when nothing was profiled). */
export function writeProfilePages(db: DB, o: ProfilePagesOptions): { pages: number } {
  const hasTable = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'profiles'").get() !== undefined;
  if (!hasTable) return { pages: 0 };
  const rows = db.prepare<[], ProfileRow>("SELECT * FROM profiles WHERE status = 'ok' ORDER BY run_id DESC, host, benchmark, kind").all();
  if (rows.length === 0) return { pages: 0 };
  const out = join(o.outDir, 'profiles');
  const store = profilesDir(o.dbPath);
  mkdirSync(join(out, 'data'), { recursive: true });
  writeViewer(join(out, 'viewer'));

  const groups = new Map<string, PageGroup>();
  for (const r of rows) {
    const key = `${r.run_id}\0${r.host}\0${r.benchmark}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { runId: r.run_id, host: r.host, benchmark: r.benchmark, suite: r.suite, rows: [] }));
    g.rows.push(r);
  }
  const written = new Set<string>();
  const index: { run: number; host: string; benchmark: string; page: string; kinds: string[]; sides: string[] }[] = [];
  for (const g of groups.values()) {
    for (const r of g.rows) {
      if (written.has(r.sha256!)) continue;
      const src = join(store, r.sha256!);
      if (!existsSync(src)) continue;
      const data = readFileSync(src);
      writeFileSync(join(out, 'data', `${r.sha256}${r.kind === 'gc' ? '.txt' : '.pb.gz'}`), data);
      if (r.kind !== 'gc') writeFileSync(join(out, 'data', `${r.sha256}.js`), `metalbenchProfile(${JSON.stringify(`${r.kind}.pb.gz`)}, ${JSON.stringify(data.toString('base64'))});\n`);
      written.add(r.sha256!);
    }
    const page = profilePageName(g.runId, g.host, g.benchmark);
    writeFileSync(join(out, page), benchmarkProfilePage(g, o, written, store));
    index.push({ run: g.runId, host: g.host, benchmark: g.benchmark, page, kinds: [...new Set(g.rows.map((r) => r.kind))], sides: [...new Set(g.rows.map((r) => r.side))] });
  }
  writeFileSync(join(out, 'index.html'), indexPage(index, o));
  writeFileSync(join(out, 'index.json'), `${JSON.stringify({ generated_at: o.generatedAt, pages: index }, null, 2)}\n`);
  return { pages: index.length };
}

const PAGE_CSP = "default-src 'none'; style-src 'self' 'unsafe-inline'; frame-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'";
const PAGE_CSS = `body{font-family:system-ui,sans-serif;margin:1.5rem;color:#222}
.sides{display:grid;grid-template-columns:repeat(auto-fit,minmax(420px,1fr));gap:1rem}
iframe{width:100%;height:520px;border:1px solid #ccc}
table{border-collapse:collapse;font-size:.85rem}td,th{padding:.15rem .5rem;border-bottom:1px solid #eee;text-align:right}
td:first-child,th:first-child{text-align:left;font-family:monospace}.note{color:#666;font-size:.85rem}`;

function shell(title: string, body: string, generatedAt: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${PAGE_CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${PAGE_CSS}</style>
</head>
<body>
${body}
<footer class="note">Generated by metalbench at ${escapeHtml(generatedAt)}.</footer>
</body>
</html>
`;
}

function benchmarkProfilePage(g: PageGroup, o: ProfilePagesOptions, present: Set<string>, store: string): string {
  const title = `Benchmark${g.benchmark} on ${g.host}, run ${g.runId}: profiles`;
  const body: string[] = [
    `<nav><a href="../index.html">← ${escapeHtml(o.siteTitle)}</a> · <a href="index.html">all profiles</a></nav>`,
    `<h1><code>Benchmark${escapeHtml(g.benchmark)}</code></h1>`,
    `<p>Host <b>${escapeHtml(g.host)}</b>, suite ${escapeHtml(g.suite)}, run #${g.runId}. Each profile comes from one extra process after the measured ones (same binary, host and CPUs); nothing in it is a sample.</p>`,
  ];
  const kinds = [...new Set(g.rows.map((r) => r.kind))];
  for (const kind of kinds) {
    const sides = g.rows.filter((r) => r.kind === kind && present.has(r.sha256!)).sort((a, b) => SIDE_ORDER(a.side) - SIDE_ORDER(b.side));
    if (sides.length === 0) continue;
    body.push(`<section class="kind" data-kind="${kind}"><h2>${escapeHtml(kind)}</h2><div class="sides">`);
    for (const r of sides) {
      const label = `${r.side} · ${kind} · Benchmark${r.benchmark}`;
      const ctx = `${r.ops ?? '?'} ops${r.ns_per_op !== null ? ` at ${r.ns_per_op} ns/op` : ''}; binary ${r.binary_sha256.slice(0, 12)}`;
      body.push(`<div class="side" data-side="${escapeHtml(r.side)}"><h3>${escapeHtml(r.side)}</h3><p class="note">${escapeHtml(ctx)}</p>`);
      for (const n of JSON.parse(r.notes_json) as string[]) body.push(`<p class="note">note: ${escapeHtml(n)}</p>`);
      const data = readFileSync(join(store, r.sha256!));
      if (kind === 'gc') {
        const t = gcPerOp(parseGcTrace(data.toString('utf8')), r.ops ?? 1);
        body.push(
          `<table><tr><th>collections</th><td>${t.collections}</td></tr><tr><th>collections/op</th><td>${t.collectionsPerOp.toPrecision(3)}</td></tr>` +
            `<tr><th>pause/op (ns)</th><td>${t.pauseNsPerOp.toPrecision(3)}</td></tr><tr><th>heap goal, median (bytes)</th><td>${t.heapGoalMedianBytes ?? '-'}</td></tr></table>`,
          `<p><a href="data/${r.sha256}.txt">gctrace lines</a></p>`,
        );
      } else {
        const hash = `p=${r.sha256}&title=${encodeURIComponent(label)}`;
        body.push(`<iframe title="${escapeHtml(label)}" src="viewer/viewer.html#${escapeHtml(hash)}"></iframe>`);
        body.push(`<p><a href="viewer/viewer.html#${escapeHtml(hash)}">open full size</a> · <a href="data/${r.sha256}.pb.gz" download>${kind}.pb.gz</a> (for go tool pprof)</p>`);
        body.push(topTable(data, kind, r.ops ?? 1));
      }
      body.push('</div>');
    }
    body.push('</div></section>');
  }
  return shell(title, body.join('\n'), o.generatedAt);
}

function topTable(data: Buffer, kind: Exclude<ProfileRow['kind'], 'gc'>, ops: number): string {
  try {
    const s = summarize(data, DEFAULT_SAMPLE_TYPE[kind]);
    const top = [...s.functions.values()].sort((a, b) => b.flat - a.flat || b.cum - a.cum).slice(0, 8);
    const rows = top.map((f) => `<tr><td>${escapeHtml(f.name)}</td><td>${(f.flat / ops).toPrecision(3)}</td><td>${(f.cum / ops).toPrecision(3)}</td></tr>`);
    return `<table><tr><th>function</th><th>flat ${escapeHtml(s.unit)}/op</th><th>cum ${escapeHtml(s.unit)}/op</th></tr>${rows.join('')}</table>`;
  } catch (e) {
    return `<p class="note">cannot read this profile: ${escapeHtml((e as Error).message)}</p>`;
  }
}

function indexPage(entries: readonly { run: number; host: string; benchmark: string; page: string; kinds: string[]; sides: string[] }[], o: ProfilePagesOptions): string {
  const rows = entries.map(
    (e) =>
      `<tr><td><a href="${escapeHtml(e.page)}"><code>Benchmark${escapeHtml(e.benchmark)}</code></a></td><td>${escapeHtml(e.host)}</td><td>#${e.run}</td><td>${escapeHtml(e.kinds.join(', '))}</td><td>${escapeHtml(e.sides.join(' vs '))}</td></tr>`,
  );
  return shell(
    `${o.siteTitle}: profiles`,
    `<nav><a href="../index.html">← ${escapeHtml(o.siteTitle)}</a></nav><h1>Profiles</h1>
<table><tr><th>benchmark</th><th>host</th><th>run</th><th>kinds</th><th>sides</th></tr>${rows.join('')}</table>
<p class="note">Machine-readable: <a href="index.json">index.json</a>.</p>`,
    o.generatedAt,
  );
}
