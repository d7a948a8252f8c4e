/**
 * The phases as `compare` uses them: two builds of one suite (different
 * ldflags), jobs that each name their binary, a fixed -test.benchtime and an
 * extra environment variable, dispatched on the local host with a callback
 * after every job.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseSpec } from '../spec/spec.ts';
import { Store } from '../../results/store/store.ts';
import { buildPhase } from './build-phase.ts';
import { dispatch, type DispatchJob, type JobDone } from './dispatch.ts';
import { resolveHosts } from './resolve-hosts.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'metalbench-dispatch-'));
process.env.METALBENCH_CACHE = join(work, 'cache');

test('jobs naming their own binary, argv and extra env run in order, each reported with its label', async () => {
  const spec = parseSpec(
    [
      'name: ab',
      'suites:',
      '  - name: marker',
      '    package: .',
      `    module: ${JSON.stringify(join(here, 'fixtures/faulty'))}`,
      "    bench: '^BenchmarkMarker$'",
    ].join('\n'),
    join(work, 'ab.yaml'),
  );
  const suite = spec.suites[0]!;
  const hosts = await resolveHosts('local', { inventoryPath: join(work, 'none.yaml'), specPath: spec.path, log: () => undefined });
  const store = new Store(join(work, 'ab.db'));
  try {
    const host = hosts.sessions[0]!;
    const base = { suite, target: host.target };
    const head = { suite, target: host.target, overrides: { ldflags: '-X=main.unused=head' } };
    const builds = await buildPhase([base, head]);
    assert.is.not(builds.get(base).sha256, builds.get(head).sha256, 'two different binaries');
    const runId = store.createRun({ kind: 'compare', specName: 'ab' });
    const sides = ['base', 'head', 'head', 'base'] as const;
    const markers = sides.map((_, i) => join(work, `marker-${i}`));
    const jobs: DispatchJob<{ side: 'base' | 'head'; round: number }>[] = sides.map((side, i) => ({
      seq: i,
      jobId: store.addJob({ runId, seq: i, suite: suite.name, host: 'local', bench: suite.bench, params: { side } }),
      host: 'local',
      suite,
      binary: builds.get(side === 'base' ? base : head),
      args: ['-test.run=^$', `-test.bench=${suite.bench}`, '-test.count=1', '-test.benchtime=7x', '-test.timeout=0'],
      env: { FAULTY_MARKER_FILE: markers[i]!, FAULTY_ECHO: `${side}-${'x'.repeat(i)}` },
      label: { side, round: i >> 1 },
    }));
    const done: JobDone<{ side: 'base' | 'head'; round: number }>[] = [];
    const r = await dispatch(jobs, { store, runId, sessions: hosts.sessions, show: () => undefined, log: () => undefined, stopped: () => false, onJobDone: (d) => done.push(d) });
    assert.equal(r.failed, []);
    assert.equal(done.map((d) => [d.job.label.side, d.done, d.total, d.ok]), [['base', 1, 4, true], ['head', 2, 4, true], ['head', 3, 4, true], ['base', 4, 4, true]]);
    // Each process got its own environment, padding included.
    sides.forEach((side, i) => assert.is(readFileSync(markers[i]!, 'utf8'), `${side}-${'x'.repeat(i)}`));
    // Each job ran the binary it named, with the fixed iteration count.
    const rows = store.db
      .prepare<[number], { seq: number; sha256: string; iters: number }>(
        'SELECT j.seq, b.sha256, s.iters FROM jobs j JOIN builds b ON b.id = j.build_id JOIN samples s ON s.job_id = j.id WHERE j.run_id = ? AND s.pos = 0 ORDER BY j.seq',
      )
      .all(runId);
    assert.equal(rows.map((x) => x.sha256), sides.map((side) => builds.get(side === 'base' ? base : head).sha256));
    assert.ok(rows.every((x) => x.iters === 7));
  } finally {
    store.close();
    await hosts.close();
  }
});

test.after(() => rmSync(work, { recursive: true, force: true }));
test.run();
