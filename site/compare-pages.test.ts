/**
 * Comparison pages from a real `metalbench compare` (real git repository, Go
 * builds, benchmark processes, profiles and SQLite): benchstat's tables as
 * `metalbench stat` prints them on the session's exported sides, links to
 * the profile pages and between screening and confirmation, opened in
 * Chromium from file:// with the network off; the PR comment and --json
 * carry the page's address.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Ajv } from 'ajv';
import { chromium, type Browser } from 'playwright-core';
import { main } from '../runner/cli.ts';
import { capture } from '../runner/test-support.ts';
import { fromPackageRoot } from '../runner/package-root.ts';
import { makeTestRepo } from '../runner/compare/test-repo.ts';
import { sideText } from '../runner/compare/benchstat-table.ts';
import { publishedSiteUrl } from '../runner/compare/entry.ts';
import { Store } from '../results/store/store.ts';
import type { CompareDocument } from '../results/paired/index.ts';
import { buildSite } from './build.ts';

const CHROMIUM = '/usr/bin/chromium';
const SITE_URL = 'https://acme.example/perf/';
const work = mkdtempSync(join(tmpdir(), 'metalbench-compare-pages-'));
const db = join(work, 'results.db');
const outDir = join(work, 'site');
const validate = new Ajv({ allErrors: true, strict: false }).compile(JSON.parse(readFileSync(fromPackageRoot('results/paired/compare-report.schema.json'), 'utf8')) as object);

let browser: Browser;
let screenId = 0;
let confirmId = 0;
let compareOut = '';
const files = { json: join(work, 'out.json'), md: join(work, 'out.md') };

test.before(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (scripts/install-test-deps.sh)`);
  // Head does four times the work per op: a regression that is confirmed, then profiled (cpu only: quick).
  const repo = makeTestRepo();
  const base = repo.git('rev-parse', 'HEAD');
  const head = repo.commitRounds(4000);
  const c = capture();
  const code = await main(
    ['compare', repo.spec, '--base', base, '--head', head, '--rounds', '8', '--profile', 'cpu', '--site-url', SITE_URL.slice(0, -1), '--db', db, '--json', files.json, '--markdown', files.md, '--seed', 'pages'],
    c.io,
  );
  assert.is(code, 1, c.out() + c.err());
  compareOut = c.out();
  const doc = JSON.parse(readFileSync(files.json, 'utf8')) as CompareDocument;
  screenId = doc.hosts[0]!.session.runId!;
  confirmId = doc.confirmation!.hosts![0]!.session.runId!;
  await buildSite({ dbPath: db, outDir, config: { title: 'Perf', baseUrl: SITE_URL, commitUrl: null } });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
});

test.after(async () => {
  await browser?.close();
  rmSync(work, { recursive: true, force: true });
});

/** What `metalbench stat base=… head=…` prints for one session's samples on host "local". */
async function statOf(runId: number): Promise<string> {
  const store = new Store(db);
  const base = join(work, `base-${runId}.txt`);
  const head = join(work, `head-${runId}.txt`);
  try {
    writeFileSync(base, sideText(store, [runId], 'local', 'base'));
    writeFileSync(head, sideText(store, [runId], 'local', 'head'));
  } finally {
    store.close();
  }
  const s = capture();
  assert.is(await main(['stat', `base=${base}`, `head=${head}`], s.io), 0, s.err());
  return s.err() + s.out();
}

async function offlinePage() {
  const ctx = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  await ctx.setOffline(true);
  const offsite: string[] = [];
  await ctx.route('**/*', (route) => {
    const u = route.request().url();
    if (u.startsWith('file://')) return route.continue();
    offsite.push(u);
    return route.abort();
  });
  return { ctx, tab: await ctx.newPage(), offsite };
}

test('each session page shows benchstat\'s table per host, equal to metalbench stat on its exported sides', async () => {
  const { ctx, tab, offsite } = await offlinePage();
  try {
    for (const id of [screenId, confirmId]) {
      const expected = await statOf(id);
      assert.match(expected, /sec\/op/);
      await tab.goto(pathToFileURL(join(outDir, 'compare', `${id}.html`)).href);
      const shown = await tab.$$eval('pre[data-benchstat]', (els) => els.map((e) => [e.getAttribute('data-benchstat'), e.textContent]));
      assert.equal(shown, [['local', expected]], `run ${id}`);
    }
    assert.equal(offsite, []);
  } finally {
    await ctx.close();
  }
});

test('the tables were stored by compare; a session stored without them gets them computed once by the next build', async () => {
  const stored = () => {
    const s = new Store(db);
    try {
      return s.db.prepare<[], { run_id: number; host: string; text: string }>('SELECT run_id, host, text FROM compare_tables ORDER BY run_id').all();
    } finally {
      s.close();
    }
  };
  const before = stored();
  assert.equal(before.map((r) => [r.run_id, r.host]), [[screenId, 'local'], [confirmId, 'local']]);
  const page = () => readFileSync(join(outDir, 'compare', `${screenId}.html`), 'utf8');
  const html = page();
  // The screening states its protocol's measured false-alarm rate (no A/A comparison of it is stored here); a confirmation does not.
  assert.match(html, /<p class="meta" data-error-rate>false-alarm rate here: not measured yet; A\/A comparisons with confirmation/);
  assert.not.match(readFileSync(join(outDir, 'compare', `${confirmId}.html`), 'utf8'), /data-error-rate/);
  // As a store written before the table existed: no tables.
  const s = new Store(db);
  s.db.prepare('DELETE FROM compare_tables').run();
  s.close();
  await buildSite({ dbPath: db, outDir, config: { title: 'Perf', baseUrl: SITE_URL, commitUrl: null } });
  assert.equal(stored().map((r) => [r.run_id, r.host, r.text]), before.map((r) => [r.run_id, r.host, r.text]));
  // The page differs only in its generation time.
  const stamp = (t: string) => t.replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, 'T');
  assert.is(stamp(page()), stamp(html));
});

test('verdict rows link the profile pages of their benchmark and host; screening and confirmation link each other', async () => {
  const { ctx, tab, offsite } = await offlinePage();
  try {
    await tab.goto(pathToFileURL(join(outDir, 'compare', `${screenId}.html`)).href);
    const row = tab.locator('tr[data-verdict="regression"]', { hasText: 'sec/op' });
    assert.is(await row.locator('a[data-profile]').count(), 1);
    assert.is(await row.locator('a[data-profile]').textContent(), `run #${confirmId}`);
    // A profile explains every unit of its benchmark on that host: each row of Spin links it.
    const rows = await tab.$$eval('tr[data-verdict]', (trs) => trs.map((tr) => [tr.children[1]!.textContent, tr.querySelector('a[data-profile]')?.textContent ?? null]));
    assert.equal(rows.map((r) => r[0]).sort(), ['B/op', 'allocs/op', 'sec/op']);
    assert.ok(rows.every((r) => r[1] === `run #${confirmId}`), JSON.stringify(rows));
    await row.locator('a[data-profile]').click();
    await tab.waitForLoadState();
    assert.match(tab.url(), /\/profiles\/run\d+-local-spin-[0-9a-f]{10}\.html$/);
    assert.is(await tab.locator('h1').textContent(), 'BenchmarkSpin');
    assert.match((await tab.locator('body').textContent()) ?? '', `run #${confirmId}`);
    assert.is(await tab.locator('section[data-kind="cpu"] iframe').count(), 2);

    // Screening → its confirmation (whose row links the same profiles) → back.
    await tab.goto(pathToFileURL(join(outDir, 'compare', `${screenId}.html`)).href);
    await tab.locator('a[data-confirmation]').click();
    await tab.waitForLoadState();
    assert.ok(tab.url().endsWith(`/compare/${confirmId}.html`), tab.url());
    assert.is(await tab.locator('tr[data-verdict="regression"] a[data-profile]').textContent(), `run #${confirmId}`);
    await tab.locator('a[data-screening]').click();
    await tab.waitForLoadState();
    assert.ok(tab.url().endsWith(`/compare/${screenId}.html`), tab.url());
    assert.equal(offsite, []);
  } finally {
    await ctx.close();
  }
});

test('the PR comment, the JSON and the printed outcome carry the page address', () => {
  const url = `${SITE_URL}compare/${screenId}.html`;
  const md = readFileSync(files.md, 'utf8').split('\n');
  assert.match(md[0]!, /^\*\*metalbench compare\*\*: 1 confirmed regression/);
  assert.is(md[2], `[Comparison page](${url}): benchstat's tables, hosts, profiles and the confirmation`);
  const doc = JSON.parse(readFileSync(files.json, 'utf8')) as CompareDocument;
  assert.ok(validate(doc), JSON.stringify(validate.errors));
  assert.is(doc.pageUrl, url);
  assert.ok(existsSync(join(outDir, 'compare', `${screenId}.html`)), 'the address names a page the site wrote');
  assert.match(compareOut, `comparison page (once the site is rebuilt and published): ${url}\n`);
});

test('the address comes from --site-url, else the site configuration; a bad one is refused before anything runs', async () => {
  const cfg = join(work, 'site.yaml');
  writeFileSync(cfg, 'title: Perf\nbase_url: https://acme.example/other\n');
  assert.is(publishedSiteUrl({ siteConfig: cfg }), 'https://acme.example/other/');
  assert.is(publishedSiteUrl({ siteUrl: 'https://x.example/p/' }), 'https://x.example/p/');
  writeFileSync(cfg, 'title: Perf\n');
  assert.is(publishedSiteUrl({ siteConfig: cfg }), null);

  const run = async (...args: string[]) => {
    const c = capture();
    const code = await main(['compare', 'spec.yaml', '--base', 'a', '--head', 'b', '--db', join(work, 'never.db'), ...args], c.io);
    return { code, err: c.err() };
  };
  writeFileSync(cfg, 'base_url: ftp://acme.example/\n');
  const bad = await run('--site-config', cfg);
  assert.is(bad.code, 2);
  assert.match(bad.err, cfg);
  assert.match(bad.err, /base_url/);
  const missing = await run('--site-config', join(work, 'nope.yaml'));
  assert.is(missing.code, 2);
  assert.match(missing.err, /nope\.yaml: no site configuration here/);
  const url = await run('--site-url', 'acme.example/perf');
  assert.is(url.code, 2);
  assert.match(url.err, /--site-url "acme\.example\/perf": expected the http\(s\) address/);
  const both = await run('--site-url', SITE_URL, '--site-config', cfg);
  assert.is(both.code, 2);
  assert.match(both.err, /give one/);
  const unpaired = await run('--site-url', SITE_URL, '--base-run', '1', '--head-run', '2');
  assert.is(unpaired.code, 2);
  assert.match(unpaired.err, /--site-url needs a paired comparison/);
  assert.ok(!existsSync(join(work, 'never.db')), 'nothing was stored');
});

test.run();
