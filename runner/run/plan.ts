/**
 * The plan: which benchmark processes (jobs) run where, in which order.
 * With interleaving (the default) each process takes one sample and rounds
 * alternate between suites, so slow drift on a host (thermal, background
 * load) spreads over every suite instead of biasing the last one measured.
 */
import type { Spec, SuiteSpec } from '../spec/spec.ts';

export interface PlannedJob {
  /** Unique position within the run; stable across --resume. */
  seq: number;
  host: string;
  suite: SuiteSpec;
  /** Samples this process takes (-test.count). */
  count: number;
  /** Interleaving round, from 0; 0 for non-interleaved jobs. */
  round: number;
}

export function planJobs(spec: Spec, hosts: readonly string[]): PlannedJob[] {
  const jobs: PlannedJob[] = [];
  let seq = 0;
  for (const host of hosts) {
    if (spec.interleave) {
      const rounds = Math.max(...spec.suites.map((s) => s.count));
      for (let round = 0; round < rounds; round++) {
        for (const suite of spec.suites) {
          if (round < suite.count) jobs.push({ seq: seq++, host, suite, count: 1, round });
        }
      }
    } else {
      for (const suite of spec.suites) jobs.push({ seq: seq++, host, suite, count: suite.count, round: 0 });
    }
  }
  return jobs;
}

/** The test binary's arguments for a job. Every value is its own argv element. */
export function benchArgs(job: PlannedJob): string[] {
  const s = job.suite;
  const args = [
    '-test.run=^$',
    `-test.bench=${s.bench}`,
    `-test.count=${job.count}`,
    `-test.benchtime=${s.benchtime}`,
    // metalbench enforces its own per-job timeout and kills the process group.
    '-test.timeout=0',
  ];
  if (s.benchmem) args.push('-test.benchmem');
  if (s.cpu) args.push(`-test.cpu=${s.cpu.join(',')}`);
  return args;
}
