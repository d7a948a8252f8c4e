import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Store } from './store.ts';
import { importFiles } from './import.ts';
import { MIGRATIONS } from './schema.ts';

const work = mkdtempSync(join(tmpdir(), 'metalbench-summaries-'));
test.after(() => rmSync(work, { recursive: true, force: true }));

const BENCH = [
  'goos: linux',
  'goarch: arm64',
  'pkg: example.com/p',
  'host: box',
  'host-fingerprint: abc123',
  ...[5, 1, 4, 2, 3].map((v) => `BenchmarkX-8\t100\t${v} ns/op\t0 B/op`),
  'BenchmarkX-8\t100\tNaN ns/op\t0 B/op',
  '',
].join('\n');

interface Row {
  pkg: string;
  host: string;
  fingerprint: string;
  goarch: string;
  unit: string;
  at: string;
  n: number;
  nan: number;
  median: number;
  lo: number | null;
  hi: number | null;
  q1: number;
  q3: number;
  min: number;
  max: number;
  vals_json: string;
}

test('import stores one summary per unit at the dates given, with config facts resolved', () => {
  const file = join(work, 'x.txt');
  writeFileSync(file, BENCH);
  const store = new Store(join(work, 'a.db'));
  const r = importFiles(store, [file], { trigger: 'nightly', startedAt: '2025-01-02T03:00:00.000Z', commitDate: '2025-01-01T12:00:00.000Z' });
  const rows = store.db.prepare<[number], Row>('SELECT * FROM summaries WHERE run_id = ? ORDER BY unit').all(r.runId);
  store.close();
  assert.equal(rows.map((x) => x.unit), ['B/op', 'sec/op']);
  const sec = rows[1]!;
  assert.is(sec.pkg, 'example.com/p');
  assert.is(sec.host, 'box');
  assert.is(sec.fingerprint, 'abc123');
  assert.is(sec.goarch, 'arm64');
  // The commit date is the point's x; the run keeps its own date.
  assert.is(sec.at, '2025-01-01T12:00:00.000Z');
  assert.is(sec.n, 5);
  assert.is(sec.nan, 1);
  const near = (x: number, want: number) => assert.ok(Math.abs(x - want) < 1e-18, `${x} ≉ ${want}`);
  near(sec.median, 3e-9);
  near(sec.min, 1e-9);
  near(sec.max, 5e-9);
  assert.ok(sec.q1 > 1e-9 && sec.q1 < 3e-9 && sec.q3 > 3e-9 && sec.q3 < 5e-9);
  // As benchstat: five samples are too few for a finite lower 95 % bound of the median.
  assert.is(sec.lo, null);
  assert.ok(sec.hi !== null && sec.hi >= sec.median);
  (JSON.parse(sec.vals_json) as number[]).forEach((v, i) => near(v, (i + 1) * 1e-9));
  assert.is(rows[0]!.median, 0);
});

test('a database written before summaries existed is migrated and backfilled on open', () => {
  const path = join(work, 'old.db');
  const old = new Database(path);
  old.exec(MIGRATIONS[0]!);
  old.pragma('user_version = 1');
  old.exec(`INSERT INTO runs (id, kind, trigger, status, started_at) VALUES (1, 'import', 'nightly', 'ok', '2024-05-01T00:00:00Z');
            INSERT INTO benchmarks (id, name) VALUES (1, 'Y-4');
            INSERT INTO config_sets (id, pairs_json) VALUES (1, '[["pkg","q"]]');
            INSERT INTO samples (run_id, result_seq, pos, benchmark_id, config_id, iters, unit, value, orig_unit, orig_value)
              VALUES (1, 0, 0, 1, 1, 1, 'sec/op', 2, 'ns/op', 2), (1, 1, 0, 1, 1, 1, 'sec/op', 4, 'ns/op', 4);`);
  old.close();
  const store = new Store(path);
  const rows = store.db.prepare<[], Row>('SELECT * FROM summaries').all();
  const run = store.getRun(1)!;
  store.close();
  assert.is(rows.length, 1);
  assert.is(rows[0]!.median, 3);
  assert.is(rows[0]!.host, '(unknown host)');
  assert.is(rows[0]!.at, '2024-05-01T00:00:00Z');
  assert.is(run.commit_date, null);
});

test('finishing a run again replaces its summaries with new rows', () => {
  const store = new Store(join(work, 'b.db'));
  const runId = store.createRun({ kind: 'run', trigger: 'nightly' });
  const file = join(work, 'x.txt');
  writeFileSync(file, BENCH);
  const jobId = store.addJob({ runId, seq: 0, suite: 's', host: 'h1', bench: '.', params: {} });
  store.finishRun(runId, 'ok');
  const before = store.db.prepare<[], { c: number }>('SELECT COUNT(*) AS c FROM summaries').get()!.c;
  assert.is(before, 0);
  store.sampleWriter(runId, jobId).add({ kind: 'result', name: 'Z-2', iters: 1, config: [], values: [{ unit: 'sec/op', value: 1, origUnit: 'ns/op', origValue: 1 }] } as never);
  store.finishRun(runId, 'ok');
  const rows = store.db.prepare<[], { id: number; host: string }>('SELECT id, host FROM summaries').all();
  store.close();
  assert.is(rows.length, 1);
  assert.is(rows[0]!.host, 'h1');
});

test.run();
