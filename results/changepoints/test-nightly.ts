// For tests: nightly runs written into a real results store as the runner
// writes them (run, jobs with their host environment, result lines), with
// chosen start times, revisions and values.
import type { Store } from '../store/store.ts';
import { readAll, type BenchResult } from '../benchfmt/reader.ts';

export interface HostNight {
  host: string;
  suite?: string;
  hostEnvId?: number;
  /** benchmark name → ns/op values of its -count samples. */
  values: Record<string, number[]>;
  /** An anchored night: the anchor's values per benchmark, one per round (head's are `values`, one per round too). */
  anchor?: Record<string, number[]>;
  failedJobs?: number;
}

export interface NightSpec {
  revision: string;
  startedAt: string;
  hosts: HostNight[];
}

function results(text: string): BenchResult[] {
  return readAll(text).filter((r): r is BenchResult => 'values' in r && 'iters' in r);
}

/** Store one nightly run over its hosts; returns the run id. */
export function addNight(store: Store, night: NightSpec): number {
  const anchored = night.hosts.some((h) => h.anchor !== undefined);
  const runId = store.createRun({ kind: anchored ? 'compare' : 'run', trigger: 'nightly', revision: night.revision, specName: 'nightly' });
  let seq = 0;
  for (const n of night.hosts) addHost(store, runId, n, () => seq++);
  store.finishRun(runId, 'ok');
  store.db.prepare('UPDATE runs SET started_at = ? WHERE id = ?').run(night.startedAt, runId);
  return runId;
}

function addHost(store: Store, runId: number, n: HostNight, next: () => number): void {
  const anchored = n.anchor !== undefined;
  const suite = n.suite ?? 'core';
  const config = `host: ${n.host}\npin-cpus: 2-3\ngomaxprocs: 1\ngoarch: amd64\n`;
  const job = (bench: string, params: object, lines: string) => {
    const jobId = store.addJob({ runId, seq: next(), suite, host: n.host, bench, params });
    store.finishJob(jobId, { status: 'ok', ...(n.hostEnvId !== undefined ? { hostEnvId: n.hostEnvId } : {}) });
    store.sampleWriter(runId, jobId).addMany(results(config + lines));
  };
  for (const [bench, vals] of Object.entries(n.values)) {
    if (!anchored) {
      job(bench, {}, vals.map((v) => `Benchmark${bench} 1000 ${v} ns/op\n`).join(''));
      continue;
    }
    vals.forEach((v, round) => {
      job(bench, { side: 'base', round }, `Benchmark${bench} 1000 ${n.anchor![bench]![round]} ns/op\n`);
      job(bench, { side: 'head', round }, `Benchmark${bench} 1000 ${v} ns/op\n`);
    });
  }
  for (let i = 0; i < (n.failedJobs ?? 0); i++) {
    const jobId = store.addJob({ runId, seq: next(), suite, host: n.host, bench: 'Broken', params: {} });
    store.finishJob(jobId, { status: 'failed', exitCode: 1, error: 'exit status 1' });
  }
}

/** A host environment as the runner records it: fingerprint and facts. */
export function addHostEnv(store: Store, host: string, fingerprint: string, facts: { kernel: string; microcode: string }): number {
  return store.upsertHostEnv(host, fingerprint, { kernel: facts.kernel, goarch: 'amd64', cpu: { model: 'EPYC 7543', microcode: facts.microcode }, governors: ['performance'], turbo: 'off', smtControl: 'off', thp: 'madvise' });
}
