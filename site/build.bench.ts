/**
 * Site speed at the scale of a year of nightlies: 365 nightly runs × 200
 * benchmarks × 4 hosts × 10 samples (sec/op, B/op, allocs/op), stored through
 * import at their real dates, then the CLI (`metalbench site`, from dist/) is
 * timed: full build, incremental build after one more nightly, peak memory,
 * output size, the largest page with its data, and how soon a benchmark page
 * (and the cross-architecture table, for the latest and for an older commit)
 * is interactive in Chromium from file://.
 *
 * Targets: full ≤ 10 s, incremental ≤ 1 s, peak RSS ≤ 1 GB, output ≤ 150 MB,
 * largest page with data ≤ 1 MB, interactive ≤ 1 s.
 *
 * Run: npm run build && node --import tsx site/build.bench.ts [--keep DIR]
 * (--keep reuses the database in DIR, generating it there the first time.)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { importFiles } from '../results/store/import.ts';
import { Store } from '../results/store/store.ts';
import { fromPackageRoot } from '../runner/package-root.ts';
import { nightDate, nightOutput, type BenchSpec, type HostSpec } from './fixtures/history.ts';

const NIGHTS = 365;
const BENCHES = 200;
const COUNT = 10;
const HOSTS: HostSpec[] = [
  { host: 'x86-a', goarch: 'amd64', speed: 1, fingerprint: (n) => (n < 200 ? 'x86a-kernel6.1' : 'x86a-kernel6.8') },
  { host: 'x86-b', goarch: 'amd64', speed: 1.2, fingerprint: () => 'x86b' },
  { host: 'arm-a', goarch: 'arm64', speed: 1.4, fingerprint: () => 'arma' },
  { host: 'arm-b', goarch: 'arm64', speed: 0.9, fingerprint: () => 'armb' },
];
const PACKAGES = ['example.com/lsm/memtable', 'example.com/lsm/sstable', 'example.com/raft', 'example.com/codec'];
const benches: BenchSpec[] = Array.from({ length: BENCHES / PACKAGES.length }, (_, i) => ({
  name: `Op${i}/size=${(i % 5) * 64}-8`,
  ns: 100 + 37 * i,
  bytes: i % 3 === 0 ? 0 : 64 * (i % 7),
  allocs: i % 3 === 0 ? 0 : i % 4,
  factor: (n: number, h: string) => (i === 7 && h === 'arm-a' && n >= 300 ? 1.25 : 1),
}));

const keep = process.argv.indexOf('--keep');
const dir = keep > 0 ? process.argv[keep + 1]! : mkdtempSync(join(tmpdir(), 'metalbench-site-bench-'));
mkdirSync(dir, { recursive: true });
const dbPath = join(dir, 'results.db');
const outDir = join(dir, 'site');
const files = join(dir, 'files');

function importNight(store: Store, night: number): void {
  mkdirSync(files, { recursive: true });
  const paths = HOSTS.flatMap((h) =>
    PACKAGES.map((pkg, p) => {
      const f = join(files, `${h.host}-${p}.txt`);
      writeFileSync(f, nightOutput({ pkg, host: h, night, benches, count: COUNT, seed: p + 1 }));
      return f;
    }),
  );
  importFiles(store, paths, { trigger: 'nightly', revision: `r${String(night).padStart(4, '0')}`, startedAt: nightDate(night), commitDate: nightDate(night - 0.4) });
}

const cli = fromPackageRoot('bin/metalbench.js');
if (!existsSync(fromPackageRoot('dist/runner/cli.js'))) throw new Error('dist/ is missing: run npm run build first');

/**
 * Run `metalbench site` under /usr/bin/time: wall seconds, CPU seconds (user +
 * system: what the build costs when the machine is shared) and peak RSS (MB).
 */
function site(): { s: number; cpu: number; mb: number; json: { written: number; incremental: boolean } } {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', process.execPath, cli, 'site', '--db', dbPath, '--out', outDir, '--json'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`metalbench site failed: ${r.stderr}`);
  const [s, user, sys, kb] = r.stderr.trim().split('\n').pop()!.split(' ').map(Number) as [number, number, number, number];
  return { s, cpu: user + sys, mb: kb / 1024, json: JSON.parse(r.stdout) as { written: number; incremental: boolean } };
}

function size(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.size;
  return readdirSync(path).reduce((n, e) => n + size(join(path, e)), 0);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  if (!existsSync(dbPath)) {
    const t0 = Date.now();
    const store = new Store(dbPath);
    for (let n = 0; n < NIGHTS; n++) importNight(store, n);
    store.close();
    console.log(`generated ${NIGHTS} nightly imports (${BENCHES} benchmarks × ${HOSTS.length} hosts × ${COUNT} samples × 3 units) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
  const full: { s: number; cpu: number; mb: number }[] = [];
  for (let i = 0; i < 3; i++) {
    rmSync(outDir, { recursive: true, force: true });
    full.push(site());
  }
  const fmt = (xs: { s: number; cpu: number }[]) =>
    `wall median ${median(xs.map((f) => f.s)).toFixed(2)} s (${xs.map((f) => f.s).join(', ')}), CPU median ${median(xs.map((f) => f.cpu)).toFixed(2)} s (${xs.map((f) => f.cpu.toFixed(2)).join(', ')})`;
  console.log(`full build: ${fmt(full)}; peak RSS ${Math.max(...full.map((f) => f.mb)).toFixed(0)} MB`);
  const nothing = site();
  console.log(`rebuild with nothing new: wall ${nothing.s.toFixed(2)} s, CPU ${nothing.cpu.toFixed(2)} s, ${nothing.json.written} files written`);
  const incr: { s: number; cpu: number; mb: number; written: number }[] = [];
  const store = new Store(dbPath);
  const existing = store.db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM runs WHERE trigger = 'nightly'").get()!.n;
  for (let i = 0; i < 3; i++) {
    importNight(store, existing + i);
    const r = site();
    if (!r.json.incremental) throw new Error('the build after one more nightly was not incremental');
    incr.push({ s: r.s, cpu: r.cpu, mb: r.mb, written: r.json.written });
  }
  store.close();
  console.log(`incremental build after one more nightly: ${fmt(incr)}; peak RSS ${Math.max(...incr.map((f) => f.mb)).toFixed(0)} MB; ${incr[0]!.written} files written`);

  const total = size(outDir);
  const assets = size(join(outDir, 'assets'));
  let largest = { page: '', bytes: 0 };
  for (const f of readdirSync(join(outDir, 'bench'))) {
    const base = f.replace(/\.html$/, '');
    const bytes = size(join(outDir, 'bench', f)) + readdirSync(join(outDir, 'data')).filter((d) => d.startsWith(`${base}.`)).reduce((n, d) => n + size(join(outDir, 'data', d)), 0);
    if (bytes > largest.bytes) largest = { page: `bench/${f}`, bytes };
  }
  const front = size(join(outDir, 'index.html')) + size(join(outDir, 'assets', 'index-data.js'));
  const archData = readdirSync(join(outDir, 'arch')).filter((f) => f.endsWith('.js'));
  const arch = size(join(outDir, 'arch.html')) + Math.max(...archData.map((f) => size(join(outDir, 'arch', f))));
  console.log(`output: ${(total / 1e6).toFixed(1)} MB; largest benchmark page with its data ${(largest.bytes / 1e3).toFixed(0)} kB (${largest.page}); front page with its data ${(front / 1e3).toFixed(0)} kB; cross-architecture page with its largest commit's data ${(arch / 1e3).toFixed(0)} kB (${archData.length} commits, ${(size(join(outDir, 'arch')) / 1e6).toFixed(1)} MB); shared scripts and styles ${(assets / 1e3 - (front - size(join(outDir, 'index.html'))) / 1e3).toFixed(0)} kB`);

  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const ctx = await browser.newContext();
    const tab = await ctx.newPage();
    await tab.goto(`file://${join(outDir, largest.page)}`);
    await tab.waitForFunction(() => document.documentElement.getAttribute('data-charts') === 'done');
    times.push(Number(await tab.evaluate(() => document.documentElement.getAttribute('data-charts-ms'))));
    await ctx.close();
  }
  const ctx = await browser.newContext();
  const tab = await ctx.newPage();
  await tab.goto(`file://${join(outDir, 'index.html')}`);
  await tab.waitForFunction(() => document.documentElement.getAttribute('data-index') === 'done');
  const frontMs = Number(await tab.evaluate(() => document.documentElement.getAttribute('data-index-ms')));
  // The cross-architecture page: its table for the latest commit, then for the oldest commit offered.
  await tab.goto(`file://${join(outDir, 'arch.html')}`);
  await tab.waitForFunction(() => document.documentElement.getAttribute('data-arch') === 'done');
  const archMs = Math.round(await tab.evaluate(() => performance.now()));
  const oldest = await tab.locator('#rev option').last().getAttribute('value');
  const t0 = Date.now();
  await tab.selectOption('#rev', oldest!);
  await tab.locator(`#ratios[data-rev="${oldest}"]`).waitFor();
  const switchMs = Date.now() - t0;
  await browser.close();
  console.log(`benchmark page interactive (file://, since navigation start): median ${median(times)} ms of ${times.join(', ')}; front page index ready in ${frontMs} ms; cross-architecture table ready in ${archMs} ms, another commit's in ${switchMs} ms`);
  if (keep < 0) rmSync(dir, { recursive: true, force: true });
  else console.log(`kept ${dir}`);
}

void main();
