import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readAll, type BenchResult } from '../results/benchfmt/reader.ts';
import { Store } from '../results/store/store.ts';
import { archData, archKey, archRevisions } from './arch.ts';
import { archPointReader } from './sources/arch.ts';
import { openResults } from './sources/open.ts';
import { loadRuns, type RunMeta } from './sources/runs.ts';

const dir = mkdtempSync(join(tmpdir(), 'metalbench-arch-'));
const dbPath = join(dir, 'results.db');

const results = (text: string) => readAll(text).filter((r): r is BenchResult => r.kind === 'result');

/** One run of revision `rev`: per host, its Go version (from a build) or a `go:` line, and its ns/op values. */
function addRun(store: Store, o: { rev: string | null; startedAt: string; trigger?: string; variant?: string; hosts: { host: string; goarch: string; build?: string; goLine?: string; ns: number }[] }): number {
  const runId = store.createRun({ kind: 'run', trigger: o.trigger ?? 'nightly', startedAt: o.startedAt, ...(o.rev === null ? {} : { revision: o.rev }), ...(o.variant ? { variant: o.variant } : {}) });
  o.hosts.forEach((h, seq) => {
    const buildId = h.build
      ? store.recordBuild({ cacheKey: `${h.goarch}-${h.build}`, suite: 'core', pkg: 'example.com/x', goos: 'linux', goarch: h.goarch, goVersion: h.build, sha256: 'f'.repeat(64), path: '/nonexistent' })
      : undefined;
    const jobId = store.addJob({ runId, seq, suite: 'core', host: h.host, bench: 'Sum', params: {}, ...(buildId === undefined ? {} : { buildId }) });
    store.finishJob(jobId, { status: 'ok' });
    const config = `goos: linux\ngoarch: ${h.goarch}\npkg: example.com/x\nhost: ${h.host}\n${h.goLine ? `go: ${h.goLine}\n` : ''}`;
    store.sampleWriter(runId, jobId).addMany(results(config + [0.99, 1, 1.01, 1, 1.02].map((f) => `BenchmarkSum-8\t1000\t${h.ns * f} ns/op\n`).join('')));
  });
  store.finishRun(runId, 'ok');
  return runId;
}

const store = new Store(dbPath);
const r1 = addRun(store, { rev: 'aaa111', startedAt: '2025-03-01T02:00:00Z', hosts: [{ host: 'x86', goarch: 'amd64', build: 'go1.22.5', ns: 100 }, { host: 'arm', goarch: 'arm64', build: 'go1.22.5', ns: 150 }] });
const r2 = addRun(store, { rev: 'bbb222', startedAt: '2025-03-02T02:00:00Z', hosts: [{ host: 'x86', goarch: 'amd64', build: 'go1.22.5', ns: 100 }, { host: 'arm', goarch: 'arm64', build: 'go1.22.5', ns: 140 }] });
// The same commit again on x86 with a newer Go, later that night: a column of its own.
const r3 = addRun(store, { rev: 'bbb222', startedAt: '2025-03-02T05:00:00Z', hosts: [{ host: 'x86', goarch: 'amd64', build: 'go1.23.1', ns: 90 }] });
// Imported output names its toolchain on a go: line; a PR run and a run still running are not offered.
const r4 = addRun(store, { rev: null, startedAt: '2025-03-03T02:00:00Z', hosts: [{ host: 'x86', goarch: 'amd64', goLine: 'go1.24rc1', ns: 95 }] });
addRun(store, { rev: 'pr-head', startedAt: '2025-03-04T02:00:00Z', trigger: 'pr', hosts: [{ host: 'x86', goarch: 'amd64', ns: 50 }] });
const running = store.createRun({ kind: 'run', trigger: 'nightly', revision: 'ccc333', startedAt: '2025-03-05T02:00:00Z' });
store.close();

test.after(() => rmSync(dir, { recursive: true, force: true }));

const nightly = (t: string) => t === 'nightly';

test('the commits offered: the latest history revisions, newest first, each with all its runs; runs without a revision alone', () => {
  const db = openResults(dbPath);
  const runs = loadRuns(db);
  db.close();
  const revs = archRevisions(runs.values(), nightly, 30);
  assert.equal(revs.map((r) => [r.revision, r.runs]), [[null, [r4]], ['bbb222', [r2, r3]], ['aaa111', [r1]]]);
  assert.is(revs[0]!.key, `run_${r4}`);
  assert.not.ok(revs.some((r) => r.runs.includes(running)));
  assert.equal(archRevisions(runs.values(), nightly, 2).map((r) => r.revision), [null, 'bbb222']);
});

test('file names: readable, safe, and two revisions never share one', () => {
  assert.match(archKey('0123456789abcdef0123', 1), /^0123456789ab-[0-9a-f]{10}$/);
  assert.match(archKey('../<b>x</b>', 1), /^b-x-b-[0-9a-f]{10}$/);
  assert.match(archKey('%%%', 1), /^rev-[0-9a-f]{10}$/);
  assert.is.not(archKey('release/1.2', 1), archKey('release-1.2', 1));
  assert.is(archKey(null, 42), 'run_42');
});

test('a commit measured with two toolchains gets a column per toolchain; one measured one way, a column per host', () => {
  const db = openResults(dbPath);
  const runs = loadRuns(db);
  const reader = archPointReader(db);
  const revs = archRevisions(runs.values(), nightly, 30);
  const pageOf = (): [string, string] => ['x-sum', 'Sum-8'];
  const two = archData(revs[1]!, reader, Infinity, runs, pageOf);
  assert.equal(two.hosts, [['arm', 'arm64', null, 'go1.22.5'], ['x86', 'amd64', null, 'go1.22.5'], ['x86', 'amd64', null, 'go1.23.1']]);
  assert.equal(two.toolchains, ['go1.22.5', 'go1.23.1']);
  assert.equal(two.variants, []);
  assert.is(two.rows.length, 1);
  const [, unit, cells] = two.rows[0]!;
  assert.is(unit, 'sec/op');
  assert.equal(cells.map((c) => c && Math.round(c[0] * 1e9)), [140, 100, 90]);
  const one = archData(revs[2]!, reader, Infinity, runs, pageOf);
  assert.equal(one.hosts, [['arm', 'arm64', null, null], ['x86', 'amd64', null, null]]);
  assert.equal(one.toolchains, ['go1.22.5']);
  // Imported output: the go: line.
  assert.equal(archData(revs[0]!, reader, Infinity, runs, pageOf).toolchains, ['go1.24rc1']);
  // Summaries above the watermark are left for the next build.
  assert.is(archData(revs[1]!, reader, 0, runs, pageOf).rows.length, 0);
  db.close();
});

test('variants of one commit are columns of their own', () => {
  const db = openResults(dbPath);
  const runs = new Map<number, RunMeta>([...loadRuns(db)].map(([id, r]) => [id, id === r3 ? { ...r, variant: 'pgo' } : r]));
  const revs = archRevisions(runs.values(), nightly, 30);
  const d = archData(revs[1]!, archPointReader(db), Infinity, runs, () => ['x-sum', 'Sum-8']);
  assert.equal(d.hosts.map((c) => [c[0], c[2]]), [['arm', null], ['x86', null], ['x86', 'pgo']]);
  assert.equal(d.variants, ['pgo']);
  db.close();
});

test.run();
