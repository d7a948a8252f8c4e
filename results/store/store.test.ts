import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { Store } from './store.ts';
import { importFiles } from './import.ts';
import { exportBenchfmt } from './export.ts';
import { readAll, type BenchResult } from '../benchfmt/reader.ts';
import { SCHEMA_VERSION } from './schema.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const golden = join(here, '../fixtures/benchstat-golden/cmd-benchstat-testdata');
const work = mkdtempSync(join(tmpdir(), 'metalbench-store-'));

function benchstatPath(): string {
  const gobin = execFileSync('go', ['env', 'GOPATH'], { encoding: 'utf8' }).trim() + '/bin/benchstat';
  if (!existsSync(gobin)) {
    throw new Error(`benchstat is not installed at ${gobin}; run scripts/install-test-deps.sh`);
  }
  return gobin;
}

/** benchstat's output for a file, run where the file's name is the same. */
function benchstat(dir: string, name: string): string {
  const r = spawnSync(benchstatPath(), [name], { cwd: dir, encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  return r.stdout + r.stderr;
}

function roundTrip(source: string, name: string) {
  const db = join(work, `${name}.db`);
  const store = new Store(db);
  const imported = importFiles(store, [source]);
  const outDir = mkdtempSync(join(work, 'exp-'));
  writeFileSync(join(outDir, name), exportBenchfmt(store.db, { runIds: [imported.runId] }));
  store.close();
  const inDir = mkdtempSync(join(work, 'src-'));
  copyFileSync(source, join(inDir, name));
  return { original: benchstat(inDir, name), exported: benchstat(outDir, name), imported, outFile: join(outDir, name) };
}

test('go test output → import → export: benchstat prints the same table', () => {
  const r = roundTrip(join(here, 'fixtures/calibration-count6.txt'), 'calibration.txt');
  assert.is(r.imported.results, 6);
  assert.is(r.imported.samples, 18);
  assert.match(r.original, /sec\/op/);
  assert.fixture(r.exported, r.original);
});

for (const file of ['crc-new.txt', 'units.txt', 'zero.txt', 'issue19565.txt']) {
  test(`benchstat's own ${file} survives import → export unchanged for benchstat`, () => {
    if (!existsSync(join(golden, file))) throw new Error(`golden data missing: ${golden}/${file} (it ships in results/fixtures)`);
    const r = roundTrip(join(golden, file), file);
    assert.fixture(r.exported, r.original);
  });
}

test('export reproduces every result line of the original, config and units included', () => {
  const src = readFileSync(join(here, '../benchfmt/fixtures/gotest-mixed.txt'), 'utf8');
  const store = new Store(':memory:');
  const runId = store.createRun({ kind: 'import' });
  const results = readAll(src).filter((r): r is BenchResult => r.kind === 'result');
  store.sampleWriter(runId).addMany(results);
  const back = readAll(exportBenchfmt(store.db)).filter((r): r is BenchResult => r.kind === 'result');
  assert.equal(
    back.map((r) => [r.name, r.iters, r.values, Object.fromEntries(r.config)]),
    results.map((r) => [r.name, r.iters, r.values, Object.fromEntries(r.config)]),
  );
  store.close();
});

test('NaN and infinite values are stored and exported as Go writes them', () => {
  const store = new Store(':memory:');
  const runId = store.createRun({ kind: 'import' });
  store.sampleWriter(runId).addMany(
    readAll('BenchmarkA 0 NaN ns/op\nBenchmarkB 1 +Inf x/op\n').filter((r): r is BenchResult => r.kind === 'result'),
  );
  assert.is(exportBenchfmt(store.db), 'BenchmarkA 0 NaN ns/op\nBenchmarkB 1 +Inf x/op\n');
  store.close();
});

test('writers of one run interleaving (hosts in parallel) never share a result line number', () => {
  const store = new Store(':memory:');
  const runId = store.createRun({ kind: 'run' });
  const [a, b] = ['h1', 'h2'].map((host) => [store.sampleWriter(runId), readAll(`host: ${host}\nBenchmarkA 1 5 ns/op\n`)] as const);
  for (const [w, recs] of [a!, b!, a!]) w.add(recs.find((r): r is BenchResult => r.kind === 'result')!);
  assert.is(exportBenchfmt(store.db), 'host: h1\n\nBenchmarkA 1 5 ns/op\n\nhost: h2\n\nBenchmarkA 1 5 ns/op\n\nhost: h1\n\nBenchmarkA 1 5 ns/op\n');
  store.close();
});

test('the schema is versioned and a newer database is refused, not damaged', () => {
  const db = join(work, 'future.db');
  new Store(db).close();
  const raw = new Database(db);
  assert.is(raw.pragma('user_version', { simple: true }), SCHEMA_VERSION);
  raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
  raw.close();
  assert.throws(() => new Store(db), /newer than this metalbench understands/);
});

test('an unreadable file in an import stores nothing', () => {
  const store = new Store(':memory:');
  assert.throws(
    () => importFiles(store, [join(here, 'fixtures/calibration-count6.txt'), join(work, 'missing.txt')]),
    /missing\.txt: cannot read: ENOENT/,
  );
  assert.is(store.listRuns().length, 0);
  store.close();
});

test('import reports unreadable lines with file and line, and keeps the rest', () => {
  const f = join(work, 'truncated.txt');
  writeFileSync(f, 'BenchmarkA-2 100 5 ns/op\nBenchmarkA-2 100 5 ns/\nBenchmarkA-2 10');
  const store = new Store(':memory:');
  const r = importFiles(store, [f]);
  assert.is(r.results, 2);
  assert.equal(r.warnings.map((w) => [w.line, w.message]), [[3, 'missing measurements']]);
  store.close();
});

test.after(() => rmSync(work, { recursive: true, force: true }));
test.run();
