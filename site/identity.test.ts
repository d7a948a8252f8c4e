import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Store } from '../results/store/store.ts';
import { readAll, type BenchResult } from '../results/benchfmt/reader.ts';
import { buildSite } from './build.ts';
import { pageBaseName } from './names.ts';

const work = mkdtempSync(join(tmpdir(), 'metalbench-site-id-'));

function results(text: string): BenchResult[] {
  return readAll(text).filter((r): r is BenchResult => r.kind === 'result');
}

test('runs on one host under different pinning or emulation are separate series', async () => {
  const dbPath = join(work, 'r.db');
  const store = new Store(dbPath);
  const runs: Array<[string, string]> = [
    ['pin-cpus: 1', ''],
    ['pin-cpus: none', ''],
    ['pin-cpus: 1', 'emulated: qemu-user arm64'],
  ];
  for (const [pin, emu] of runs) {
    const runId = store.createRun({ kind: 'run', trigger: 'nightly' });
    const job = store.addJob({ runId, seq: 0, suite: 's', host: 'box', bench: '.', params: {} });
    store.sampleWriter(runId, job).addMany(results(`pkg: example.com/p\n${pin}\n${emu}\nBenchmarkA 10 100 ns/op\nBenchmarkA 10 101 ns/op\n`));
    store.finishRun(runId, 'ok');
  }
  store.close();
  const outDir = join(work, 'site');
  await buildSite({ dbPath, outDir });
  const json = JSON.parse(readFileSync(join(outDir, 'bench', `${pageBaseName('example.com/p', 'A')}.json`), 'utf8')) as {
    units: Array<{ points: Array<{ host: string }> }>;
  };
  assert.equal(
    json.units[0]!.points.map((p) => p.host),
    ['box · cpus 1', 'box · unpinned', 'box (emulated) · cpus 1'],
  );
});

test.after(() => rmSync(work, { recursive: true, force: true }));
test.run();
