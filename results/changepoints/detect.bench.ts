/**
 * What a new night costs: detect over a store of S series × N nights from
 * scratch (every night judged once), then one more night incrementally (only
 * the new night's points, from each series' last confirmed change point).
 * Run: node --import tsx results/changepoints/detect.bench.ts [SERIES] [NIGHTS]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Store } from '../store/store.ts';
import { rng } from '../paired/random.ts';
import { addNight, type HostNight } from './test-nightly.ts';
import { runDetect } from './store-detect.ts';

const SERIES = Number(process.argv[2] ?? 200);
const NIGHTS = Number(process.argv[3] ?? 40);
const HOSTS = 4;
const dir = mkdtempSync(join(tmpdir(), 'metalbench-detect-bench-'));
const store = new Store(join(dir, 'r.db'));
const r = rng(1);
const start = Date.now() - (NIGHTS + 1) * 86_400_000;
const night = (i: number) => {
  const hosts: HostNight[] = [];
  for (let h = 0; h < HOSTS; h++) {
    const values: Record<string, number[]> = {};
    // Every tenth benchmark steps by 8 % at night 25.
    for (let b = 0; b < SERIES / HOSTS; b++) values[`B${b}`] = [1, 2, 3].map(() => 1000 * (b % 10 === 0 && i >= 25 ? 1.08 : 1) * (1 + 0.02 * r.normal()));
    hosts.push({ host: `h${h}`, values });
  }
  addNight(store, { revision: `r${i}`, startedAt: new Date(start + i * 86_400_000).toISOString(), hosts });
};
for (let i = 0; i < NIGHTS; i++) night(i);
const time = (what: string) => {
  const t0 = process.hrtime.bigint();
  const rep = runDetect(store.db, { threshold: 0.02, now: new Date() });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  console.log(`${what.padEnd(34)} ${ms.toFixed(0).padStart(6)} ms  (${rep.series} series, ${rep.nights} nights judged, ${rep.changePoints.length} change points, ${rep.pending.length} pending)`);
  return ms;
};
const full = time(`first detect, ${NIGHTS} nights`);
night(NIGHTS);
const one = time('one more night (incremental)');
const none = time('no new night');
console.log(`incremental night / first detect: ${(one / full).toFixed(3)}; no-op: ${none.toFixed(0)} ms`);
store.close();
rmSync(dir, { recursive: true, force: true });
