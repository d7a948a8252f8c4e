import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import Database from 'better-sqlite3';
import { importFiles } from '../results/store/import.ts';
import { Store } from '../results/store/store.ts';
import { archKey } from './arch.ts';
import { buildSite } from './build.ts';
import type { SiteConfig } from './config.ts';
import { nightDate, nightOutput } from './fixtures/history.ts';
import { addNight, BENCHES, HOSTS, makeFixture, NIGHTS, PKG, revision, STEP_NIGHT } from './fixtures/store.ts';
import { pageBaseName } from './names.ts';
import { storeAttention, type AttentionSource, type Finding } from './sources/attention.ts';
import { stagingPaths } from './swap.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const CHROMIUM = '/usr/bin/chromium';
const fx = makeFixture();
const outDir = join(fx.dir, 'site');
const shots = mkdtempSync(join(tmpdir(), 'metalbench-site-shots-'));
console.log(`site test screenshots: ${shots}`);

const CONFIG: SiteConfig = { title: 'Codec <perf>', baseUrl: 'https://acme.example/perf/', commitUrl: 'https://github.com/acme/codec/commit/{rev}', archRevisions: 10 };
const DECODE = 'Decode/format=json-8';
const ENCODE = 'Encode/format=json-8';
const EVIL_PKG = 'example.com/<img src=x onerror=alert(1)>';
const EVIL_NAME = '<script>alert(1)</script>-8';
const EVIL_HOST = '<i>rack</i>&"7"';

/** The alert nightly detection would raise for the known step. */
const ALERT: Finding = {
  kind: 'alert',
  pkg: PKG,
  benchmark: DECODE,
  unit: 'sec/op',
  host: 'box-b',
  fromRevision: revision(STEP_NIGHT - 1),
  toRevision: revision(STEP_NIGHT),
  at: nightDate(STEP_NIGHT - 0.5),
  change: 0.4,
  ciLow: 0.37,
  ciHigh: 0.43,
  status: 'open',
};
/** The store's comparisons, and the alert a detection source would give. */
const attention: AttentionSource = { findings: () => [ALERT], comparisons: storeAttention.comparisons };

// A manual import with hostile text in every field the pages show.
{
  const store = new Store(fx.dbPath);
  const f = join(fx.dir, 'evil.txt');
  writeFileSync(f, `pkg: ${EVIL_PKG}\nhost: ${EVIL_HOST}\n` + [1, 2, 3, 4, 5, 6].map((v) => `Benchmark${EVIL_NAME}\t100\t${v} ms/op\n`).join(''));
  importFiles(store, [f], { revision: '<b>rev</b>', startedAt: nightDate(3) });
  store.close();
}

// Two stored comparisons: a PR that slows Decode on box-b, and an A/A session (the noise floor).
const compareRuns: number[] = [];
{
  const store = new Store(fx.dbPath);
  const session = store.db.prepare(
    `INSERT INTO compare_sessions (run_id, role, base_ref, head_ref, base_sha, head_sha, head_worktree, is_aa, rounds, seed, plan_json)
     VALUES (?, 'screen', ?, ?, ?, ?, 0, ?, 16, 's', '{}')`,
  );
  const result = store.db.prepare(
    `INSERT INTO compare_results (run_id, role, is_aa, host, host_fingerprint, pin, benchmark, unit, rounds, pairs, estimate, ci_low, ci_high, p, q, delta, mde, verdict, created_at)
     VALUES (?, 'screen', ?, ?, 'bbbb1111bbbb', 'cpus 2-3', ?, 'sec/op', 16, 16, ?, ?, ?, ?, ?, ?, ?, ?, '2025-01-13T00:00:00Z')`,
  );
  for (const aa of [0, 1]) {
    const runId = store.createRun({ kind: 'compare', trigger: 'pr', specPath: 'benchmarks/pr.yaml', startedAt: nightDate(NIGHTS + aa) });
    store.finishRun(runId, 'ok');
    compareRuns.push(runId);
    session.run(runId, 'main', aa ? 'main' : 'feature/<x>', 'a'.repeat(40), aa ? 'a'.repeat(40) : 'b'.repeat(40), aa);
    if (aa) result.run(runId, 1, 'box-b', DECODE, 0, -0.004, 0.004, 0.9, 0.9, Math.log1p(0.02), Math.log1p(0.012), 'no change');
    else {
      result.run(runId, 0, 'box-b', DECODE, Math.log(1.4), Math.log(1.37), Math.log(1.43), 1e-5, 1e-4, Math.log1p(0.02), Math.log1p(0.012), 'regression');
      result.run(runId, 0, 'box-b', ENCODE, 0.001, -0.003, 0.005, 0.6, 0.6, Math.log1p(0.02), Math.log1p(0.012), 'no change');
    }
  }
  store.close();
}

const page = (pkg: string, name: string) => join(outDir, 'bench', `${pageBaseName(pkg, name)}.html`);
const url = (path: string) => pathToFileURL(path).href;
let browser: Browser;

test.before(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (scripts/install-test-deps.sh)`);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  await buildSite({ dbPath: fx.dbPath, outDir, config: CONFIG, attention });
});

test.after(async () => {
  await browser?.close();
  rmSync(fx.dir, { recursive: true, force: true });
});

/** A browser context with the network off: any request that is not a file of the site fails the test. */
async function offline(): Promise<{ ctx: BrowserContext; requests: string[] }> {
  const ctx = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  await ctx.setOffline(true);
  const requests: string[] = [];
  await ctx.route('**/*', (route) => {
    const u = route.request().url();
    if (!u.startsWith('file://')) {
      requests.push(u);
      return route.abort();
    }
    return route.continue();
  });
  return { ctx, requests };
}

test('writes pages, per-month data files, twins and the build state', () => {
  for (const f of ['index.html', 'index.json', 'index.csv', 'arch.html', 'assets/common.js', 'assets/chart.js', 'assets/front.js', 'assets/index-data.js', 'assets/site.css', '.metalbench-site']) {
    assert.ok(existsSync(join(outDir, f)), `${f} missing`);
  }
  assert.ok(existsSync(page(PKG, DECODE)));
  const base = pageBaseName(PKG, DECODE);
  const data = readdirSync(join(outDir, 'data')).filter((f) => f.startsWith(`${base}.`)).sort();
  // Night 0's commit is on 2024-12-31; the rest in January 2025.
  assert.equal(data, [`${base}.2024-12.js`, `${base}.2025-01.js`]);
  const idx = JSON.parse(readFileSync(join(outDir, 'index.json'), 'utf8')) as { series: Record<string, unknown>[] };
  const step = idx.series.find((r) => r.benchmark === DECODE && r.unit === 'sec/op' && r.host === 'box-b')!;
  assert.is(step.significant, true);
  assert.ok(Math.abs((step.change as number) - 0.4) < 0.03, String(step.change));
  assert.ok((step.p as number) < 0.001);
  // Significant after the correction across the 12 history series tested.
  assert.ok((step.q as number) <= 0.05);
  assert.is(step.latest_revision, revision(NIGHTS - 1));
  const flat = idx.series.find((r) => r.benchmark === DECODE && r.unit === 'sec/op' && r.host === 'box-a')!;
  assert.is(flat.significant, false);
  const csv = readFileSync(join(outDir, 'index.csv'), 'utf8').split('\r\n');
  assert.is(csv[0], 'pkg,benchmark,page,unit,host,trigger,goarch,latest_run_id,latest_at,latest_revision,latest_median,latest_ci_low,latest_ci_high,latest_n,change,p,q,significant,verdict_note');
  assert.is(csv.length - 2, idx.series.length);
});

test('a unit that is zero everywhere is one line of text, not a chart', () => {
  const html = readFileSync(page(PKG, ENCODE), 'utf8');
  assert.match(html, /<p class="zero" data-zero-unit="B\/op"><strong>B\/op<\/strong>: 0 in every run on every host\.<\/p>/);
  assert.match(html, /data-zero-unit="allocs\/op"/);
  assert.is((html.match(/data-chart /g) ?? []).length, 1);
  // Decode allocates: three charts.
  assert.is((readFileSync(page(PKG, DECODE), 'utf8').match(/data-chart /g) ?? []).length, 3);
});

test('text from the database is escaped everywhere', () => {
  const files = ['index.html', 'arch.html', ...readdirSync(join(outDir, 'bench')).map((f) => `bench/${f}`), ...readdirSync(join(outDir, 'host')).map((f) => `host/${f}`)];
  for (const f of files) {
    const html = readFileSync(join(outDir, f), 'utf8');
    for (const raw of ['<script>alert', '<img src=x', '<i>rack', '<b>rev', '<perf>']) assert.not.ok(html.includes(raw), `${f} has ${raw}`);
    for (const s of html.match(/<script[^>]*>/g) ?? []) assert.match(s, /^<script (src="(\.\.\/)?(assets\/[a-z-]+\.js|data\/[a-z0-9-]+\.\d{4}-\d\d\.js)"|type="application\/json"[^>]*)>$/, f);
  }
  const evil = readFileSync(page(EVIL_PKG, EVIL_NAME), 'utf8');
  assert.match(evil, '<h1><code>&lt;script&gt;alert(1)&lt;/script&gt;-8</code></h1>');
  assert.match(evil, '&lt;i&gt;rack&lt;/i&gt;&amp;&quot;7&quot;');
});

test('front page: the alert first, latest nightly per host, environment change; search and filters narrow the index', async () => {
  const { ctx, requests } = await offline();
  const tab = await ctx.newPage();
  const errors: string[] = [];
  tab.on('pageerror', (e) => errors.push(e.message));
  await tab.goto(url(join(outDir, 'index.html')));
  await tab.waitForFunction(() => document.documentElement.getAttribute('data-index') === 'done');
  const alert = tab.locator('tr[data-alert]');
  assert.is(await alert.count(), 1);
  assert.match((await alert.textContent()) ?? '', /Decode\/format=json-8.*sec\/op.*box-b.*\+40%/);
  assert.is(await tab.locator('.alert-group a[href^="https://github.com/acme/codec/commit/"]').count(), 2);
  const status = await tab.locator('table.status tbody tr').allTextContents();
  // The hostile host only has a manual import: it has no nightly status.
  assert.equal(status.length, 2, status.join('|'));
  assert.match(status.find((s) => s.includes('box-b'))!, new RegExp(`#${fx.nightRuns.at(-1)}.*ok`));
  assert.match((await tab.locator('[data-env-event]').allTextContents()).join(' '), /box-a: environment aaaa1111aaaa → aaaa2222aaaa/);
  // The index: history (nightly) rows by default.
  const rows = () => tab.locator('#index').getAttribute('data-rows').then(Number);
  assert.is(await rows(), 12);
  // Sorted by change: the step comes first, with its verdict.
  assert.match((await tab.locator('#index tbody tr').first().textContent()) ?? '', /Decode\/format=json-8.*box-b.*\+(39|4\d)%/);
  await tab.fill('#q', 'decode');
  assert.is(await rows(), 6);
  await tab.selectOption('#f-host', 'box-b');
  assert.is(await rows(), 3);
  await tab.selectOption('#f-unit', 'sec/op');
  assert.is(await rows(), 1);
  assert.match(tab.url(), /#q=decode&host=box-b&unit=sec%2Fop/);
  await tab.screenshot({ path: join(shots, 'front-filtered.png'), fullPage: true });
  await tab.fill('#q', '');
  await tab.selectOption('#f-host', '');
  await tab.selectOption('#f-unit', '');
  await tab.selectOption('#f-trigger', 'pr');
  assert.is(await rows(), 3);
  await tab.selectOption('#f-arch', 'arm64');
  assert.is(await rows(), 0);
  await tab.selectOption('#f-trigger', 'nightly');
  await tab.selectOption('#sort', 'name');
  assert.is(await rows(), 6);
  assert.match((await tab.locator('#index tbody tr').first().textContent()) ?? '', /Decode/);
  // Keyboard: every control is reachable with Tab.
  await tab.focus('#q');
  for (const id of ['f-pkg', 'f-host', 'f-arch', 'f-unit', 'f-trigger', 'sort']) {
    await tab.keyboard.press('Tab');
    assert.is(await tab.evaluate(() => document.activeElement?.id), id);
  }
  await tab.setViewportSize({ width: 390, height: 844 });
  await tab.screenshot({ path: join(shots, 'front-phone.png'), fullPage: true });
  const overflow = await tab.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the phone layout scrolls sideways by ${overflow}px`);
  assert.equal(errors, []);
  assert.equal(requests, []);
  await ctx.close();
});

test('benchmark page: the alert on the chart, the environment change splits the line, PR runs apart, commit links', async () => {
  const { ctx, requests } = await offline();
  const tab = await ctx.newPage();
  const errors: string[] = [];
  tab.on('pageerror', (e) => errors.push(e.message));
  await tab.goto(url(page(PKG, DECODE)));
  await tab.waitForFunction(() => document.documentElement.getAttribute('data-charts') === 'done');
  const sec = tab.locator('#chart-0');
  assert.is(await sec.getAttribute('data-unit'), 'sec/op');
  assert.is(await sec.locator('line[data-finding]').count(), 1);
  assert.match((await tab.locator('[data-marks="chart-0"] [data-finding]').textContent()) ?? '', /Alert on box-b .*\+40%/);
  // box-a: one line per environment, and a dashed rule where it changed.
  const fps = await sec.locator('path.seg[data-host="box-a"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-fp')));
  assert.equal(fps, ['aaaa1111aaaa', 'aaaa2222aaaa']);
  assert.is(await sec.locator('path.seg[data-host="box-b"]').count(), 1);
  assert.is(await sec.locator('line.env-rule[data-host="box-a"]').count(), 1);
  assert.is(await sec.locator('circle.pt[data-host="box-a"]').count(), NIGHTS);
  // The text alternative names the verdict.
  assert.match((await sec.getAttribute('aria-label')) ?? '', /box-b: latest .* \+\d+% \(U test p=1e-5, n=10\+10\)/);
  // Zoom with the keyboard: fewer points in view.
  await sec.focus();
  for (let i = 0; i < 4; i++) await tab.keyboard.press('+');
  const zoomed = await sec.locator('circle.pt').count();
  assert.ok(zoomed < 2 * NIGHTS, `${zoomed} points after zooming in`);
  await tab.keyboard.press('Home');
  assert.is(await sec.locator('circle.pt').count(), 2 * NIGHTS);
  await tab.screenshot({ path: join(shots, 'decode.png'), fullPage: true });
  // Clicking a point pins its details with the commit link from the template.
  const pt = sec.locator('circle.pt[data-host="box-b"]').last();
  // A full-page screenshot resizes the page and the chart redraws: wait until the point is drawn again.
  let box = await pt.boundingBox();
  for (let i = 0; i < 40 && !box; i++) {
    await tab.waitForTimeout(50);
    box = await pt.boundingBox();
  }
  assert.ok(box, 'the point is not drawn');
  await tab.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  const link = sec.locator('.tip a');
  assert.is(await link.getAttribute('href'), `https://github.com/acme/codec/commit/${revision(NIGHTS - 1)}`);
  await tab.screenshot({ path: join(shots, 'decode-tooltip.png') });
  // The table twin, drawn when opened, links commits too.
  await tab.click('details[data-table="chart-0"] summary');
  await tab.locator('details[data-table="chart-0"] tbody tr').first().waitFor();
  assert.is(await tab.locator('details[data-table="chart-0"] tbody tr').count(), 2 * NIGHTS);
  assert.is(await tab.locator(`details[data-table="chart-0"] a[href="https://github.com/acme/codec/commit/${revision(0)}"]`).count(), 2);

  // Encode: the PR run is listed apart and drawn in no line.
  await tab.goto(url(page(PKG, ENCODE)));
  await tab.waitForFunction(() => document.documentElement.getAttribute('data-charts') === 'done');
  assert.is(await tab.locator(`circle.pt[data-run="${fx.prRun}"]`).count(), 0);
  assert.is(await tab.locator('circle.pt').count(), 2 * NIGHTS);
  assert.is(await tab.locator(`#other-table tr[data-run="${fx.prRun}"]`).count(), 3);
  assert.is(await tab.locator('#other-table a[href="https://github.com/acme/codec/commit/pr-head"]').count(), 3);
  await tab.screenshot({ path: join(shots, 'encode.png'), fullPage: true });

  // Dark mode follows the system.
  await tab.emulateMedia({ colorScheme: 'dark' });
  const bg = await tab.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.is(bg, 'rgb(18, 18, 18)');
  await tab.screenshot({ path: join(shots, 'encode-dark.png'), fullPage: true });
  assert.equal(errors, []);
  assert.equal(requests, []);
  await ctx.close();
});

test('comparison pages: verdicts, hosts and pinning, the reproduce command; listed on the front page; A/A floors on the host page', () => {
  const [pr, aa] = compareRuns as [number, number];
  const html = readFileSync(join(outDir, 'compare', `${pr}.html`), 'utf8');
  assert.match(html, '<h1>main → feature/&lt;x&gt;</h1>');
  assert.match(html, /<tr data-verdict="regression"><td><a href="\.\.\/bench\/codec-decode[^"]+">.*<td class="worse">regression<\/td><td class="num">\+40%<\/td><td class="num">\+37% … \+43%<\/td>/);
  assert.match(html, `metalbench compare benchmarks/pr.yaml --base ${'a'.repeat(40)} --head ${'b'.repeat(40)} --rounds 16`);
  assert.match(html, /<td><code>bbbb1111bbbb<\/code><\/td><td>cpus 2-3<\/td>/);
  assert.match(html, `href="https://github.com/acme/codec/commit/${'b'.repeat(40)}"`);
  const front = readFileSync(join(outDir, 'index.html'), 'utf8');
  assert.match(front, new RegExp(`<tr data-compare="${pr}"><td><a href="compare/${pr}.html">main → feature/&lt;x&gt;</a></td><td>[^<]+</td><td>1 regression, 1 no change</td>`));
  assert.not.match(front, `data-compare="${aa}"`);
  const host = readdirSync(join(outDir, 'host')).find((f) => f.startsWith('box-b-'))!;
  const hostHtml = readFileSync(join(outDir, 'host', host), 'utf8');
  // Decode sec/op on box-b: A/A interval ±0.4 %, smallest detectable effect 1.2 %.
  assert.match(hostHtml, /Decode\/format=json-8<\/code><\/a><\/td><td>sec\/op<\/td>.*<td class="num">0\.4%<\/td><td class="num">1\.2%<\/td>/);
});

test('alerts and change points stored by nightly detection: on the front page and the chart; closed alerts are not', async () => {
  const dbPath = join(fx.dir, 'detect.db');
  const copy = new Database(fx.dbPath);
  copy.prepare('VACUUM INTO ?').run(dbPath);
  copy.close();
  const db = new Database(dbPath);
  const [good, bad] = [fx.nightRuns[STEP_NIGHT - 1]!, fx.nightRuns[STEP_NIGHT]!];
  const t = '2025-01-13T00:00:00Z';
  db.prepare(`INSERT INTO detect_series (key, benchmark, unit, host, role, points, segment_start, updated_at) VALUES ('k', ?, 'sec/op', 'box-b', 'absolute', ?, ?, ?)`).run(DECODE, NIGHTS, STEP_NIGHT, t);
  db.prepare(`INSERT INTO detect_points (series_key, identity_json, run_id, revision, t, value) VALUES ('k', '{}', ?, ?, ?, 0)`).run(bad, revision(STEP_NIGHT), nightDate(STEP_NIGHT - 0.5));
  db.prepare(
    `INSERT INTO change_points (id, series_key, idx, good_run_id, bad_run_id, last_good, first_bad, effect, p, q, permutations, block, kind, detected_at)
     VALUES (1, 'k', ?, ?, ?, ?, ?, ?, 1e-4, 1e-3, 999, 1, 'code', ?)`,
  ).run(STEP_NIGHT, good, bad, revision(STEP_NIGHT - 1), revision(STEP_NIGHT), Math.log(1.4), t);
  const alert = db.prepare(
    `INSERT INTO alerts (kind, state, change_point_id, host, benchmark, unit, last_good, first_bad, effect, dedup_key, message, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  alert.run('regression', 'new', 1, 'box-b', DECODE, 'sec/op', revision(STEP_NIGHT - 1), revision(STEP_NIGHT), Math.log(1.4), null, 'Decode regressed on box-b', t, t);
  alert.run('regression', 'false', null, 'box-a', ENCODE, 'sec/op', revision(2), revision(3), Math.log(1.1), null, 'a false alarm', t, t);
  alert.run('liveness', 'new', null, 'box-c', null, null, null, null, null, 'live-box-c', 'box-c has missed 3 nightly runs', t, t);
  db.close();
  const out = join(fx.dir, 'site-detect');
  await buildSite({ dbPath, outDir: out, config: CONFIG });
  const front = readFileSync(join(out, 'index.html'), 'utf8');
  const alerts = front.match(/<tr data-alert>.*?<\/tr>/g) ?? [];
  assert.is(alerts.length, 1, alerts.join('\n'));
  assert.match(alerts[0]!, /Decode\/format=json-8.*box-b.*\+40%/);
  assert.match(front, new RegExp(`between <a href="https://github.com/acme/codec/commit/${revision(STEP_NIGHT - 1)}">`));
  assert.match(front, /<li data-notice="liveness">2025-01-13 .*box-c.*: box-c has missed 3 nightly runs<\/li>/);
  const page = readFileSync(join(out, 'bench', `${pageBaseName(PKG, DECODE)}.html`), 'utf8');
  const marks = JSON.parse(/<script type="application\/json" data-findings="chart-0">(.*?)<\/script>/.exec(page)![1]!) as { kind: string; at: string; change: number }[];
  assert.equal(marks.map((m) => [m.kind, m.at]).sort(), [['alert', nightDate(STEP_NIGHT - 0.5)], ['changepoint', nightDate(STEP_NIGHT - 0.5)]]);
  assert.not.match(readFileSync(join(out, 'bench', `${pageBaseName(PKG, ENCODE)}.html`), 'utf8'), 'data-finding ');
});

test('host page', async () => {
  const { ctx, requests } = await offline();
  const tab = await ctx.newPage();
  const boxA = readdirSync(join(outDir, 'host')).find((f) => f.startsWith('box-a-'))!;
  await tab.goto(url(join(outDir, 'host', boxA)));
  assert.match((await tab.locator('h1').textContent()) ?? '', /box-a/);
  assert.is(await tab.locator('tbody tr').count(), 6);
  assert.equal(requests, []);
  await ctx.close();
});

/** arch/index.json of a site: the commits its cross-architecture page offers, newest first. */
const archIndex = (dir: string) => (JSON.parse(readFileSync(join(dir, 'arch', 'index.json'), 'utf8')) as { revisions: { key: string; revision: string | null; runs: number[]; data: string }[] }).revisions;

test('cross-architecture page: the latest commit by default; an older one picked with the keyboard or from the list shows its ratios, offline', async () => {
  const revs = archIndex(outDir);
  // The last ten nightly commits (arch_revisions: 10), newest first; the PR and the manual import are not offered.
  assert.equal(revs.map((r) => r.revision), [11, 10, 9, 8, 7, 6, 5, 4, 3, 2].map(revision));
  assert.equal(revs.map((r) => r.key), revs.map((r) => archKey(r.revision, r.runs[0]!)));
  assert.equal(readdirSync(join(outDir, 'arch')).sort(), ['index.json', ...revs.map((r) => `${r.key}.js`)].sort());
  const { ctx, requests } = await offline();
  const tab = await ctx.newPage();
  const errors: string[] = [];
  tab.on('pageerror', (e) => errors.push(e.message));
  const shows = (key: string) => tab.locator(`#ratios[data-rev="${key}"]`).waitFor();
  const decode = async () => (await tab.locator('#ratios tbody tr', { hasText: 'Decode' }).textContent()) ?? '';
  await tab.goto(url(join(outDir, 'arch.html')));
  await shows(revs[0]!.key);
  // The last night: box-b is 1.5 × 1.4 = 2.1 times box-a on Decode.
  assert.match(await decode(), /2\.[01]\d×/);
  assert.match((await tab.locator('#arch-commit').textContent()) ?? '', new RegExp(`Commit ${revision(11).slice(0, 12)} of 2025-01-11`));
  assert.is(await tab.locator(`#arch-commit a[href="https://github.com/acme/codec/commit/${revision(11)}"]`).count(), 1);
  await tab.selectOption('#ref', 'box-b');
  assert.match(await decode(), /0\.4\d×/);
  await tab.screenshot({ path: join(shots, 'arch.png'), fullPage: true });
  // The keyboard: Tab reaches the commit picker and the arrow keys move to older commits.
  await tab.focus('nav a');
  await tab.keyboard.press('Tab');
  assert.is(await tab.evaluate(() => document.activeElement?.id), 'rev');
  for (let i = 0; i < 6; i++) await tab.keyboard.press('ArrowDown');
  // Night 5, before the step: box-a is 1 / 1.5 of box-b, still the reference.
  await shows(revs[6]!.key);
  assert.match(await decode(), /0\.6\d×/);
  assert.not.match(await decode(), /0\.4\d×/);
  assert.match(tab.url(), new RegExp(`#rev=${revs[6]!.key}&ref=box-b&unit=sec%2Fop$`));
  // The list of commits: each links its commit through the template, and shows it here.
  await tab.click('#arch-commits summary');
  assert.is(await tab.locator('#arch-commits a[href^="https://github.com/acme/codec/commit/"]').count(), 10);
  await tab.click(`#arch-commits a[href="#rev=${revs[9]!.key}"]`);
  await shows(revs[9]!.key);
  assert.is(await tab.inputValue('#rev'), revs[9]!.key);
  assert.match(await decode(), /0\.6\d×/);
  await tab.screenshot({ path: join(shots, 'arch-older.png'), fullPage: true });
  // A linked view opens as it was left.
  await tab.goto(`${url(join(outDir, 'arch.html'))}#rev=${revs[6]!.key}&ref=box-b&unit=B%2Fop`);
  await tab.reload();
  await shows(revs[6]!.key);
  assert.is(await tab.inputValue('#arch-unit'), 'B/op');
  assert.is(await tab.inputValue('#ref'), 'box-b');
  assert.is(await tab.locator('#ratios tbody tr').count(), 2);
  // A mangled or stale address falls back to the latest commit.
  await tab.goto(`${url(join(outDir, 'arch.html'))}#rev=%E0%A4%A&ref=%`);
  await tab.reload();
  await shows(revs[0]!.key);
  await tab.goto(`${url(join(outDir, 'arch.html'))}#rev=gone-0123456789`);
  await tab.reload();
  await shows(revs[0]!.key);
  assert.equal(errors, []);
  assert.equal(requests, []);
  await ctx.close();
});

test('cross-architecture page: runs of one commit with another variant and toolchain are columns of their own; only that commit is rewritten', async () => {
  const dbPath = join(fx.dir, 'toolchains.db');
  const copy = new Database(fx.dbPath);
  copy.prepare('VACUUM INTO ?').run(dbPath);
  copy.close();
  const out = join(fx.dir, 'site-toolchains');
  await buildSite({ dbPath, outDir: out, config: CONFIG, attention });
  // box-a measures the latest commit again, with PGO and a newer Go.
  const store = new Store(dbPath);
  const f = join(fx.dir, 'pgo.txt');
  writeFileSync(f, nightOutput({ pkg: PKG, host: HOSTS[0]!, night: NIGHTS - 1, benches: BENCHES, count: 10 }).replace('cpu:', 'go: go1.24rc1\ncpu:'));
  importFiles(store, [f], { trigger: 'nightly', revision: revision(NIGHTS - 1), variant: 'pgo', startedAt: nightDate(NIGHTS - 0.9), commitDate: nightDate(NIGHTS - 1.5) });
  store.close();
  const written: string[] = [];
  const r = await buildSite({ dbPath, outDir: out, config: CONFIG, attention, onWrite: (p) => written.push(relative(`${out}.building`, p)) });
  assert.is(r.incremental, true);
  const revs = archIndex(out);
  assert.is(revs[0]!.runs.length, 2);
  assert.equal(written.filter((w) => w.startsWith('arch')).sort(), ['arch.html', join('arch', 'index.json'), join('arch', `${revs[0]!.key}.js`)].sort());
  const full = join(fx.dir, 'site-toolchains-full');
  await buildSite({ dbPath, outDir: full, config: CONFIG, attention, full: true });
  assert.equal(snapshot(out), snapshot(full));
  const { ctx, requests } = await offline();
  const tab = await ctx.newPage();
  await tab.goto(url(join(out, 'arch.html')));
  await tab.locator(`#ratios[data-rev="${revs[0]!.key}"]`).waitFor();
  const cols = await tab.locator('#ratios thead th[data-col]').evaluateAll((els) => els.map((e) => e.getAttribute('data-col')));
  assert.equal(cols, ['box-a', 'box-a · pgo · go1.24rc1', 'box-b']);
  assert.match((await tab.locator('#arch-commit').textContent()) ?? '', /variant pgo · toolchain go1\.24rc1/);
  // The same numbers as the nightly run: a ratio of about 1 to it.
  const cells = await tab.locator('#ratios tbody tr', { hasText: 'Decode' }).locator('td.num').allTextContents();
  assert.match(cells[1]!, /^(0\.9\d|1\.0\d)×/);
  assert.match(cells[2]!, /^2\.[01]\d×/);
  await tab.screenshot({ path: join(shots, 'arch-toolchains.png'), fullPage: true });
  // An older commit was measured one way: one column per host.
  await tab.selectOption('#rev', revs[1]!.key);
  await tab.locator(`#ratios[data-rev="${revs[1]!.key}"]`).waitFor();
  assert.equal(await tab.locator('#ratios thead th[data-col]').evaluateAll((els) => els.map((e) => e.getAttribute('data-col'))), ['box-a', 'box-b']);
  assert.equal(requests, []);
  await ctx.close();
  rmSync(out, { recursive: true, force: true });
  rmSync(full, { recursive: true, force: true });
});

/** Every file of a site, with the build time taken out. */
function snapshot(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else files.set(relative(dir, p), readFileSync(p, 'utf8').replace(/Generated by metalbench at [0-9T:.Z-]+/g, 'Generated by metalbench at TIME'));
    }
  };
  walk(dir);
  return files;
}

test('an incremental build after one more nightly equals a full build, byte for byte but for the time', async () => {
  const inc = join(fx.dir, 'inc');
  await buildSite({ dbPath: fx.dbPath, outDir: inc, config: CONFIG, attention });
  const before = archIndex(inc);
  const store = new Store(fx.dbPath);
  addNight(store, fx.dir, NIGHTS);
  store.close();
  const written: string[] = [];
  const r = await buildSite({ dbPath: fx.dbPath, outDir: inc, config: CONFIG, attention, onWrite: (p) => written.push(relative(`${inc}.building`, p)) });
  assert.is(r.incremental, true);
  // The cross-architecture page offers the new commit; the oldest leaves the window and its data file goes; the other commits' files are kept as they were.
  const after = archIndex(inc);
  assert.equal(after.map((x) => x.key), [archKey(revision(NIGHTS), 0), ...before.slice(0, -1).map((x) => x.key)]);
  assert.equal(written.filter((w) => w.startsWith('arch')).sort(), ['arch.html', join('arch', 'index.json'), join('arch', `${after[0]!.key}.js`)].sort());
  assert.not.ok(existsSync(join(inc, 'arch', `${before.at(-1)!.key}.js`)));
  const full = join(fx.dir, 'full');
  const f = await buildSite({ dbPath: fx.dbPath, outDir: full, config: CONFIG, attention, full: true });
  assert.is(f.incremental, false);
  assert.ok(r.written < f.written, `incremental wrote ${r.written} files, full ${f.written}`);
  const a = snapshot(inc);
  const b = snapshot(full);
  assert.equal([...a.keys()].sort(), [...b.keys()].sort());
  for (const [k, v] of a) assert.ok(v === b.get(k), `${k} differs between the incremental and the full build`);
  // The new night is in: 13 points per host in Decode's January file.
  assert.match(a.get(join('data', `${pageBaseName(PKG, DECODE)}.2025-01.js`))!, new RegExp(revision(NIGHTS)));
  // Nothing new: nothing but the site-wide pages is rewritten.
  const again = await buildSite({ dbPath: fx.dbPath, outDir: inc, config: CONFIG, attention });
  assert.ok(again.written < r.written);
  // A backfill of an older night lands in the middle of its month and of its series: still the same as a full build.
  const store2 = new Store(fx.dbPath);
  addNight(store2, fx.dir, 3.5);
  store2.close();
  written.length = 0;
  const back = await buildSite({ dbPath: fx.dbPath, outDir: inc, config: CONFIG, attention, onWrite: (p) => written.push(relative(`${inc}.building`, p)) });
  assert.is(back.incremental, true);
  // That commit is newer than the oldest offered: it takes its place in the window, and only its data file is written.
  const backKeys = archIndex(inc).map((x) => x.key);
  assert.equal(backKeys, [...after.slice(0, -1).map((x) => x.key), archKey(revision(3.5), 0)]);
  assert.equal(written.filter((w) => w.startsWith(`arch${sep}`)).sort(), [join('arch', 'index.json'), join('arch', `${archKey(revision(3.5), 0)}.js`)].sort());
  assert.not.ok(existsSync(join(inc, 'arch', `${after.at(-1)!.key}.js`)));
  await buildSite({ dbPath: fx.dbPath, outDir: full, config: CONFIG, attention, full: true });
  const c = snapshot(inc);
  const d = snapshot(full);
  assert.equal([...c.keys()].sort(), [...d.keys()].sort());
  for (const [k, v] of c) assert.ok(v === d.get(k), `${k} differs between the incremental and the full build after a backfill`);
  rmSync(inc, { recursive: true, force: true });
  rmSync(full, { recursive: true, force: true });
});

test('an interrupted build leaves the previous site intact', async () => {
  const before = snapshot(outDir);
  // A build that fails half-way (here: after ten files).
  let n = 0;
  try {
    await buildSite({ dbPath: fx.dbPath, outDir, config: CONFIG, full: true, onWrite: () => { if (++n === 10) throw new Error('disk full'); } });
    assert.unreachable('the build did not fail');
  } catch (e) {
    assert.is((e as Error).message, 'disk full');
  }
  assert.equal(snapshot(outDir), before);
  assert.not.ok(existsSync(stagingPaths(outDir).building));
  // A process killed half-way (kill -9: no cleanup at all).
  const script = join(fx.dir, 'killed.mts');
  writeFileSync(
    script,
    `import { buildSite } from ${JSON.stringify(pathToFileURL(join(here, 'build.ts')).href)};\n` +
      `let n = 0;\nawait buildSite({ dbPath: ${JSON.stringify(fx.dbPath)}, outDir: ${JSON.stringify(outDir)}, full: true, onWrite: () => { if (++n === 10) process.kill(process.pid, 'SIGKILL'); } });\n`,
  );
  const r = spawnSync(process.execPath, ['--import', 'tsx', script], { cwd: join(here, '..'), encoding: 'utf8' });
  assert.is(r.signal, 'SIGKILL', r.stderr);
  assert.ok(existsSync(stagingPaths(outDir).building), 'the killed build left no staging folder to clean up');
  assert.equal(snapshot(outDir), before);
  // Killed between the two renames of the swap: the next build puts the old site back first.
  const { previous } = stagingPaths(outDir);
  const { renameSync } = await import('node:fs');
  renameSync(outDir, previous);
  const next = await buildSite({ dbPath: fx.dbPath, outDir, config: CONFIG, attention });
  assert.is(next.incremental, true, 'the recovered site was not built on');
  assert.not.ok(existsSync(previous));
  assert.not.ok(existsSync(stagingPaths(outDir).building));
});

test('refuses a folder it did not write and names a missing database', async () => {
  const foreign = join(fx.dir, 'foreign');
  mkdirSync(foreign);
  writeFileSync(join(foreign, 'notes.txt'), 'mine');
  try {
    await buildSite({ dbPath: fx.dbPath, outDir: foreign });
    assert.unreachable('wrote into a foreign folder');
  } catch (e) {
    assert.match((e as Error).message, 'not written by metalbench site');
  }
  assert.equal(readdirSync(foreign), ['notes.txt']);
  try {
    await buildSite({ dbPath: join(fx.dir, 'nope.db'), outDir: join(fx.dir, 'x') });
    assert.unreachable('built from a missing database');
  } catch (e) {
    assert.match((e as Error).message, 'nope.db: no results database here');
  }
  assert.ok(statSync(outDir).isDirectory());
  // One build per folder: a live builder's lock is respected, a dead one's is taken over.
  const { lock } = stagingPaths(outDir);
  writeFileSync(lock, String(process.pid));
  try {
    await buildSite({ dbPath: fx.dbPath, outDir, config: CONFIG });
    assert.unreachable('built beside a live builder');
  } catch (e) {
    assert.match((e as Error).message, `another metalbench site (pid ${process.pid}) is building this folder`);
  }
  const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
  writeFileSync(lock, String(dead));
  await buildSite({ dbPath: fx.dbPath, outDir, config: CONFIG });
  assert.not.ok(existsSync(lock));
});

test.run();
