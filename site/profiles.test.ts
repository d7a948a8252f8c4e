/**
 * Profile pages: base and head of one run captured through profileSides (the
 * entry point compare uses) from real binaries, diffed within the run, and
 * the generated page opened from file:// in Chromium with every request off
 * the file system refused: both flame graphs load in the bundled speedscope.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chromium } from 'playwright-core';
import { stringify } from 'yaml';
import { Store } from '../results/store/store.ts';
import { buildSuite } from '../runner/build/build.ts';
import { diffStored, profileCommand, type DiffResult } from '../runner/profile/command.ts';
import { whereMarkdown } from '../runner/profile/where.ts';
import { profileSides } from '../runner/profile/phase.ts';
import { parseSpec } from '../runner/spec/spec.ts';
import { capture } from '../runner/test-support.ts';
import { LocalTransport } from '../runner/transport/local.ts';
import { buildSite } from './build.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'metalbench-site-profiles-'));
const dbPath = join(work, 'results.db');
const outDir = join(work, 'site');
const CHROMIUM = '/usr/bin/chromium';

test.after(() => rmSync(work, { recursive: true, force: true }));

let runId = 0;

test('profileSides captures base and head on one host session; the run diffs within itself', async () => {
  const spec = parseSpec(
    stringify({ name: 's', suites: [{ name: 'calibration', package: './calibration', module: join(here, '..', 'benchmarks'), bench: '^BenchmarkSpin$' }] }),
    join(work, 's.yaml'),
  );
  const suite = spec.suites[0]!;
  const target = { goos: 'linux', goarch: process.arch === 'arm64' ? 'arm64' : 'amd64' };
  const base = await buildSuite(suite, target);
  const head = await buildSuite({ ...suite, ldflags: '-X=metalbench/benchmarks/calibration.Factor=2' }, target);
  const store = new Store(dbPath);
  try {
    runId = store.createRun({ kind: 'run', variant: 'head' });
    const host = { name: 'local', transport: new LocalTransport(), pinFor: () => ({ wrap: (a: string[]) => a, config: [], warnings: [] }), cwdFor: () => undefined };
    const out = await profileSides({
      store,
      runId,
      host,
      suite,
      benchmark: 'Spin',
      kinds: ['cpu', 'gc'],
      sides: [
        { side: 'base', binary: base, iterations: 200_000 },
        { side: 'head', binary: head, iterations: 200_000 },
      ],
      log: () => undefined,
    });
    assert.equal(out.map((o) => [o.side, o.ok, o.kinds]), [
      ['base', true, ['cpu', 'gc']],
      ['head', true, ['cpu', 'gc']],
    ]);
  } finally {
    store.close();
  }
  const c = capture();
  assert.is(await profileCommand(['diff', '--run', String(runId), 'Spin', '--db', dbPath, '--json'], c.io), 0, c.err());
  const r = JSON.parse(c.out()) as DiffResult;
  assert.equal([r.base.side, r.head.side], ['base', 'head']);
  assert.is(r.diff!.byFlat[0]!.name, 'metalbench/benchmarks/calibration.Spin');
  assert.ok(r.diff!.byFlat[0]!.flatRatio! > 1.4, `Spin grew ${r.diff!.byFlat[0]!.flatRatio}×`);

  // What a PR comment's collapsed "where" section shows for this regression.
  const db = new Store(dbPath);
  try {
    const md = whereMarkdown([await diffStored(db, { runId, benchmark: 'Spin', kind: 'cpu' }), await diffStored(db, { runId, benchmark: 'Spin', kind: 'gc' })]);
    assert.match(md, /^<details><summary>Where: profiles of 2 regressions<\/summary>\n/);
    assert.match(md, /\*\*`BenchmarkSpin(-[0-9]+)?` on local, cpu\*\*: cpu per op \S+ → \S+ \(\+[0-9.]+%\)/);
    assert.match(md, /\n\| `metalbench\/benchmarks\/calibration\.Spin` \| \S+ \| \S+ \| \+\S+ \| [12]\.[0-9]{2}× \|\n/);
    assert.match(md, /\| collections \| /);
    assert.match(md, /<\/details>\n$/);
  } finally {
    db.close();
  }
});

test('the profile page opens offline in Chromium with base and head flame graphs side by side', async () => {
  await buildSite({ dbPath, outDir });
  const index = JSON.parse(readFileSync(join(outDir, 'profiles', 'index.json'), 'utf8')) as { pages: { page: string; sides: string[]; kinds: string[] }[] };
  assert.is(index.pages.length, 1);
  assert.equal(index.pages[0]!.sides.sort(), ['base', 'head']);
  const pagePath = join(outDir, 'profiles', index.pages[0]!.page);
  assert.ok(existsSync(pagePath));
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (scripts/install-test-deps.sh)`);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
  try {
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    const offsite: string[] = [];
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file://')) return route.continue();
      offsite.push(url);
      return route.abort();
    });
    const tab = await context.newPage();
    const problems: string[] = [];
    tab.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    tab.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    });
    tab.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
    await tab.goto(pathToFileURL(pagePath).href);
    const frames = await tab.$$eval('section[data-kind="cpu"] iframe', (els) => els.map((e) => e.getAttribute('title')));
    assert.equal(frames, ['base · cpu · BenchmarkSpin', 'head · cpu · BenchmarkSpin']);
    // speedscope names the document after the profile once it has imported it.
    for (const side of ['base', 'head']) {
      const frame = tab.frames().find((f) => f.url().includes(encodeURIComponent(`${side} · cpu`)))!;
      assert.ok(frame, `the ${side} viewer frame`);
      await frame.waitForFunction((s) => document.title === `${s} · cpu · BenchmarkSpin - speedscope`, side, { timeout: 30_000 });
      await frame.waitForSelector('canvas', { timeout: 30_000 });
      const text = await frame.evaluate(() => document.body.innerText);
      assert.match(text, /Left Heavy/);
    }
    // The gc section is a table of figures, not a flame graph.
    assert.match(await tab.$eval('section[data-kind="gc"]', (e) => e.textContent ?? ''), /collections\/op/);
    assert.equal(offsite, []);
    assert.equal(problems, []);
  } finally {
    await browser.close();
  }
});

test.run();
