import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import Database from 'better-sqlite3';
import { Store } from '../results/store/store.ts';
import { readAll, type BenchResult } from '../results/benchfmt/reader.ts';
import { buildSite } from './build.ts';
import { pageBaseName } from './names.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'metalbench-site-'));
const dbPath = join(work, 'results.db');
const outDir = join(work, 'site');

const CODEC = 'example.com/codec';
const EVIL_PKG = 'example.com/<img src=x onerror=alert(1)>';
const EVIL_NAME = '<script>alert(1)</script>-8';
const EVIL_HOST = '<i>rack</i>&"7"';
const CHROMIUM = '/usr/bin/chromium';

function results(file: string): BenchResult[] {
  return readAll(readFileSync(join(here, 'fixtures', file), 'utf8')).filter((r): r is BenchResult => r.kind === 'result');
}

/**
 * Three runs, each with a job on box-a (Encode, Decode: 5 samples of sec/op,
 * B/op, allocs/op) and a job on a host with a hostile name (the hostile
 * benchmark, in ms/op). Run 3 also ran Decode on box-b.
 */
function writeStore(): number[] {
  const store = new Store(dbPath);
  const runIds: number[] = [];
  for (const k of [1, 2, 3]) {
    const runId = store.createRun({ kind: 'run', trigger: 'nightly', revision: `rev${k}<b>`, specName: 'nightly' });
    runIds.push(runId);
    const all = results(`run-${k}.txt`);
    const jobA = store.addJob({ runId, seq: 0, suite: 'codec', host: 'box-a', bench: '.', params: {} });
    store.sampleWriter(runId, jobA).addMany(all.filter((r) => r.name !== EVIL_NAME));
    const jobEvil = store.addJob({ runId, seq: 1, suite: 'evil', host: EVIL_HOST, bench: '.', params: {} });
    store.sampleWriter(runId, jobEvil).addMany(all.filter((r) => r.name === EVIL_NAME));
    if (k === 3) {
      const jobB = store.addJob({ runId, seq: 2, suite: 'codec', host: 'box-b', bench: '.', params: {} });
      store.sampleWriter(runId, jobB).addMany(results('run-3-box-b.txt'));
    }
    store.finishRun(runId, 'ok');
  }
  store.close();
  return runIds;
}

const runIds = writeStore();
let built: { pages: number; outDir: string };

const page = (pkg: string, name: string) => join(outDir, 'bench', `${pageBaseName(pkg, name)}.html`);

test.before(async () => {
  built = await buildSite({ dbPath, outDir, title: 'Nightly <perf>' });
});

test.after(() => rmSync(work, { recursive: true, force: true }));

test('writes an index, one page per benchmark with JSON and CSV twins, and the client bundles', () => {
  assert.is(built.pages, 3);
  assert.is(built.outDir, outDir);
  for (const f of ['index.html', 'index.json', 'index.csv', 'assets/vega.min.js', 'assets/vega-lite.min.js', 'assets/vega-embed.min.js', 'assets/page.js', 'assets/site.css']) {
    assert.ok(existsSync(join(outDir, f)), `${f} missing`);
  }
  const bench = readdirSync(join(outDir, 'bench')).sort();
  assert.is(bench.length, 9, bench.join(' '));
  assert.is(bench.filter((f) => f.endsWith('.html')).length, 3);
  for (const f of bench) assert.match(f, /^[a-z0-9-]+-[0-9a-f]{10}\.(html|json|csv)$/);
  assert.ok(existsSync(page(CODEC, 'Encode/format=json-8')));
  assert.ok(existsSync(page(EVIL_PKG, EVIL_NAME)));
});

test('page data: per-run medians, quartiles and hosts in the stored units', () => {
  const json = JSON.parse(readFileSync(page(CODEC, 'Encode/format=json-8').replace(/\.html$/, '.json'), 'utf8'));
  assert.is(json.pkg, CODEC);
  assert.is(json.benchmark, 'Encode/format=json-8');
  assert.equal(json.units.map((u: { unit: string }) => u.unit), ['sec/op', 'B/op', 'allocs/op']);
  const time = json.units[0].points;
  assert.equal(time.map((p: { run_id: number }) => p.run_id), runIds);
  assert.equal(time.map((p: { n: number }) => p.n), [5, 5, 5]);
  // Samples 96, 98, 100, 102, 104 (+10 per run) ns: median 100, quartiles 98 and 102.
  time.forEach((p: { median: number; q1: number; q3: number; min: number; max: number; host: string; revision: string }, i: number) => {
    assert.ok(Math.abs(p.median - (100 + 10 * i) * 1e-9) < 1e-15, `median ${p.median}`);
    assert.ok(Math.abs(p.q1 - (98 + 10 * i) * 1e-9) < 1e-15, `q1 ${p.q1}`);
    assert.ok(Math.abs(p.q3 - (102 + 10 * i) * 1e-9) < 1e-15, `q3 ${p.q3}`);
    assert.ok(Math.abs(p.min - (96 + 10 * i) * 1e-9) < 1e-15 && Math.abs(p.max - (104 + 10 * i) * 1e-9) < 1e-15);
    assert.is(p.host, 'box-a');
    assert.is(p.revision, `rev${i + 1}<b>`);
  });
  assert.equal(json.units[1].points.map((p: { median: number }) => p.median), [64, 128, 192]);

  const decode = JSON.parse(readFileSync(page(CODEC, 'Decode/format=json-8').replace(/\.html$/, '.json'), 'utf8'));
  const hosts = decode.units[0].points.map((p: { run_id: number; host: string }) => `${p.run_id}@${p.host}`);
  assert.equal(hosts, [`${runIds[0]}@box-a`, `${runIds[1]}@box-a`, `${runIds[2]}@box-a`, `${runIds[2]}@box-b`]);

  const csv = readFileSync(page(CODEC, 'Decode/format=json-8').replace(/\.html$/, '.csv'), 'utf8').trim().split('\r\n');
  assert.is(csv[0], 'pkg,benchmark,unit,run_id,run_started_at,revision,variant,host,n,median,q1,q3,min,max,nan');
  assert.is(csv.length, 1 + 3 * 4);
  const boxB = csv.map((l) => l.split(',')).find((f) => f[2] === 'sec/op' && f[7] === 'box-b')!;
  assert.equal(boxB.slice(0, 4), ['example.com/codec', 'Decode/format=json-8', 'sec/op', String(runIds[2])]);
  assert.is(boxB[5], 'rev3<b>');
  assert.is(boxB[8], '5');
  assert.ok(Math.abs(Number(boxB[9]) - 300e-9) < 1e-15, boxB.join());
});

test('index: benchmarks grouped by package with the latest median and the change on the same host', () => {
  const html = readFileSync(join(outDir, 'index.html'), 'utf8');
  const headings = (html.match(/<h2 id="pkg-[0-9a-f]{10}">.*?<\/h2>/g) ?? []).map((h) => h.replace(/ id="[^"]*"/, ''));
  assert.equal(headings, ['<h2><code>example.com/&lt;img src=x onerror=alert(1)&gt;</code></h2>', '<h2><code>example.com/codec</code></h2>']);
  const rows = JSON.parse(readFileSync(join(outDir, 'index.json'), 'utf8')).benchmarks as Record<string, unknown>[];
  const encTime = rows.find((r) => r.benchmark === 'Encode/format=json-8' && r.unit === 'sec/op')!;
  assert.is(encTime.latest_run_id, runIds[2]);
  assert.is(encTime.previous_run_id, runIds[1]);
  assert.ok(Math.abs((encTime.change as number) - (120 / 110 - 1)) < 1e-12);
  assert.match(html, /120 ns\/op/);
  assert.match(html, /\+9\.1%/);
  // Decode ran on two hosts: box-a changed against its own previous run; box-b has none.
  const decTime = rows.filter((r) => r.benchmark === 'Decode/format=json-8' && r.unit === 'sec/op');
  assert.equal(decTime.map((r) => [r.host, r.latest_run_id, r.previous_run_id, r.runs]), [
    ['box-a', runIds[2], runIds[1], 3],
    ['box-b', runIds[2], null, 1],
  ]);
  assert.ok(Math.abs((decTime[0]!.change as number) - (240 / 220 - 1)) < 1e-12);
  assert.is(decTime[1]!.change, null);
  // B/op stayed at 128: no change, not "unknown".
  assert.is(rows.find((r) => r.benchmark === 'Decode/format=json-8' && r.unit === 'B/op' && r.host === 'box-a')!.change, 0);
  const csv = readFileSync(join(outDir, 'index.csv'), 'utf8').trim().split('\r\n');
  assert.is(csv[0], 'pkg,benchmark,page,unit,host,runs,latest_run_id,latest_run_started_at,latest_median,previous_run_id,previous_median,change');
  assert.is(csv.length, 1 + 3 + 3 * 2 + 1);
});

test('text from the database is escaped everywhere', () => {
  for (const f of ['index.html', ...readdirSync(join(outDir, 'bench')).filter((f) => f.endsWith('.html')).map((f) => `bench/${f}`)]) {
    const html = readFileSync(join(outDir, f), 'utf8');
    assert.not.match(html, '<script>alert', f);
    assert.not.match(html, '<img src=x', f);
    assert.not.match(html, '<i>rack', f);
    assert.not.match(html, '<b>', f);
    assert.not.match(html, '<perf>', f);
    // Only the page's own scripts: the bundles and the inline chart specs.
    const scripts = html.match(/<script[^>]*>/g) ?? [];
    for (const s of scripts) assert.match(s, /^<script (src="(\.\.\/)?assets\/[a-z-]+(\.min)?\.js"|type="application\/json")>$/, f);
  }
  const evil = readFileSync(page(EVIL_PKG, EVIL_NAME), 'utf8');
  assert.match(evil, '<h1><code>&lt;script&gt;alert(1)&lt;/script&gt;-8</code></h1>');
  assert.match(evil, '&lt;i&gt;rack&lt;/i&gt;&amp;&quot;7&quot;');
});

test('the static SVG charts have one point per run and host', () => {
  const html = readFileSync(page(CODEC, 'Decode/format=json-8'), 'utf8');
  const counts = [...html.matchAll(/<g class="mark-symbol role-mark[^"]*"[^>]*>(.*?)<\/g>/g)].map((m) => (m[1]!.match(/<path/g) ?? []).length);
  assert.equal(counts, [4, 4, 4]);
});

test('rebuilds its own folder, refuses a folder it did not write, names a missing database', async () => {
  writeFileSync(join(outDir, 'bench', 'stale.html'), 'old');
  await buildSite({ dbPath, outDir });
  assert.not.ok(existsSync(join(outDir, 'bench', 'stale.html')));
  const foreign = join(work, 'foreign');
  mkdirSync(foreign);
  writeFileSync(join(foreign, 'notes.txt'), 'mine');
  try {
    await buildSite({ dbPath, outDir: foreign });
    assert.unreachable('wrote into a foreign folder');
  } catch (e) {
    assert.match((e as Error).message, 'not written by metalbench site');
  }
  assert.equal(readdirSync(foreign), ['notes.txt']);
  try {
    await buildSite({ dbPath: join(work, 'nope.db'), outDir: join(work, 'x') });
    assert.unreachable('built from a missing database');
  } catch (e) {
    assert.match((e as Error).message, /nope\.db: no results database here/);
  }
});

test('an empty store gives an index that says so; a database that is not a store is refused', async () => {
  const emptyDb = join(work, 'empty.db');
  new Store(emptyDb).close();
  const r = await buildSite({ dbPath: emptyDb, outDir: join(work, 'empty-site') });
  assert.is(r.pages, 0);
  assert.match(readFileSync(join(r.outDir, 'index.html'), 'utf8'), 'No benchmark results yet');
  assert.equal(readdirSync(join(r.outDir, 'bench')), []);

  const other = join(work, 'other.db');
  const db = new Database(other);
  db.exec('CREATE TABLE t (x)');
  db.close();
  try {
    await buildSite({ dbPath: other, outDir: join(work, 'other-site') });
    assert.unreachable('built from a database that is not a results store');
  } catch (e) {
    assert.match((e as Error).message, /other\.db: not a metalbench results database/);
  }
});

/** A static file server for the site, on 127.0.0.1 only. */
function serve(root: string): Promise<{ server: Server; base: string }> {
  const types: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.csv': 'text/csv' };
  const server = createServer((req, res) => {
    const path = normalize(join(root, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)));
    if (!path.startsWith(root + sep) || !existsSync(path)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream' }).end(readFileSync(path));
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => {
    const addr = server.address();
    ok({ server, base: `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}` });
  }));
}

function launch(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium, or scripts/install-test-deps.sh)`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

test('in Chromium the interactive chart replaces the static one, with one point per run, and nothing leaves 127.0.0.1', async () => {
  const { server, base } = await serve(outDir);
  const browser = await launch();
  try {
    const context = await browser.newContext({ viewport: { width: 1000, height: 900 } });
    const offsite: string[] = [];
    const requests: string[] = [];
    await context.route('**/*', (route) => {
      const url = route.request().url();
      requests.push(url);
      if (new URL(url).host === new URL(base).host) return route.continue();
      offsite.push(url);
      return route.abort();
    });
    const tab = await context.newPage();
    const problems: string[] = [];
    tab.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    tab.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    });
    tab.on('dialog', (d) => {
      problems.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });

    const rel = (p: string) => p.slice(outDir.length).split(sep).join('/');
    await tab.goto(base + rel(page(CODEC, 'Encode/format=json-8')));
    await tab.waitForSelector('html[data-charts="done"]', { timeout: 30_000 });
    const charts = await tab.$$eval('[data-chart]', (els) =>
      els.map((el) => ({
        unit: el.getAttribute('data-unit'),
        state: el.getAttribute('data-state'),
        statics: el.querySelectorAll('.static').length,
        points: el.querySelectorAll('.live .mark-symbol.role-mark path').length,
      })),
    );
    assert.equal(charts, ['sec/op', 'B/op', 'allocs/op'].map((unit) => ({ unit, state: 'interactive', statics: 0, points: runIds.length })));
    // The time axis is in nanoseconds, and hovering a point names its run.
    const axisTitles = await tab.$$eval('#chart-0 .live .role-axis-title text', (els) => els.map((e) => e.textContent));
    assert.equal(axisTitles.sort(), ['median (ns/op)', 'run (oldest → newest)']);
    const box = await tab.locator('#chart-0 .live .mark-symbol.role-mark path').last().boundingBox();
    assert.ok(box, 'no point to hover');
    await tab.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const tip = await tab.waitForSelector('#vg-tooltip-element.visible', { timeout: 5_000 });
    const tipText = (await tip.textContent()) ?? '';
    for (const want of [`#${runIds[2]}`, 'box-a', 'rev3<b>', '120 ns/op', 'n5']) assert.ok(tipText.replace(/\s+/g, '').includes(want.replace(/\s+/g, '')), `tooltip "${tipText}" lacks ${want}`);
    await tab.screenshot({ path: join(tmpdir(), 'metalbench-site-encode.png'), fullPage: true });

    await tab.goto(base + rel(page(CODEC, 'Decode/format=json-8')));
    await tab.waitForSelector('html[data-charts="done"]', { timeout: 30_000 });
    assert.is(await tab.locator('#chart-0 .live .mark-symbol.role-mark path').count(), 4);
    await tab.screenshot({ path: join(tmpdir(), 'metalbench-site-decode.png'), fullPage: true });

    await tab.goto(base + rel(page(EVIL_PKG, EVIL_NAME)));
    await tab.waitForSelector('html[data-charts="done"]', { timeout: 30_000 });
    assert.is(await tab.textContent('h1'), EVIL_NAME);
    assert.is(await tab.locator('#chart-0 .live .mark-symbol.role-mark path').count(), 3);

    await tab.goto(`${base}/index.html`);
    assert.is(await tab.locator('table a').count(), 3);
    await tab.screenshot({ path: join(tmpdir(), 'metalbench-site-index.png'), fullPage: true });

    assert.equal(problems, []);
    assert.equal(offsite, []);
    assert.ok(requests.some((u) => u.endsWith('/assets/vega-embed.min.js')), 'the bundles were not loaded');
    await context.close();
  } finally {
    await browser.close();
    server.close();
  }
});

test.run();
