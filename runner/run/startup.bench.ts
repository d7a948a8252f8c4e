/**
 * Start-up latency of a second `metalbench run` of an unchanged suite: from
 * process launch to the first benchmark starting. Target: ≤ 1 s.
 * Needs the compiled CLI (npm run build). Run: node --import tsx runner/run/startup.bench.ts
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'metalbench-startup-'));
const started = join(dir, 'started');
writeFileSync(
  join(dir, 'spec.yaml'),
  [
    'name: startup',
    'benchtime: 1x',
    'env:',
    `  FAULTY_STARTED_FILE: ${JSON.stringify(started)}`,
    'suites:',
    '  - name: marker',
    '    package: .',
    `    module: ${JSON.stringify(join(here, 'fixtures/faulty'))}`,
    "    bench: '^BenchmarkMarker$'",
  ].join('\n'),
);

function launch(): number {
  const t0 = Date.now() * 1e6;
  const r = spawnSync(process.execPath, [join(root, 'bin/metalbench.js'), 'run', join(dir, 'spec.yaml'), '--db', join(dir, 'db')], {
    encoding: 'utf8',
    env: { ...process.env, METALBENCH_CACHE: join(dir, 'cache') },
  });
  if (r.status !== 0) throw new Error(`run failed: ${r.stdout}${r.stderr}`);
  return (Number(readFileSync(started, 'utf8')) - t0) / 1e6;
}

const first = launch();
const warm: number[] = [];
for (let i = 0; i < 10; i++) warm.push(launch());
warm.sort((a, b) => a - b);
console.log(`first run (cold build cache): ${first.toFixed(0)} ms to the first benchmark`);
console.log(
  `second and later runs: median ${warm[5]!.toFixed(0)} ms, min ${warm[0]!.toFixed(0)} ms, max ${warm[9]!.toFixed(0)} ms from launch to the first benchmark (10 launches)`,
);
rmSync(dir, { recursive: true, force: true });
