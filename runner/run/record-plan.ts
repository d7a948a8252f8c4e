/**
 * The plan phase's store side: a new run and its job rows, or, for
 * --resume, the existing run reopened with its unfinished jobs reset. Only
 * called once every binary is built and every host resolved.
 */
import type { JobRow, NewRun, Store } from '../../results/store/store.ts';
import type { PlannedJob } from './plan.ts';

export interface RecordedPlan {
  runId: number;
  /** Store row of every planned job, by seq. */
  jobIds: Map<number, number>;
  /** The planned jobs still to run (all of them for a new run). */
  todo: PlannedJob[];
}

export function recordNewRun(store: Store, run: NewRun, planned: readonly PlannedJob[]): RecordedPlan {
  const jobIds = new Map<number, number>();
  const runId = store.db.transaction(() => {
    const id = store.createRun(run);
    for (const p of planned) jobIds.set(p.seq, store.addJob({ runId: id, seq: p.seq, suite: p.suite.name, host: p.host, bench: p.suite.bench, params: jobParams(p) }));
    return id;
  })();
  return { runId, jobIds, todo: [...planned] };
}

/** Reopen a run: jobs that finished ok stay, the rest are reset (their samples dropped) and run again. */
export function recordResume(store: Store, runId: number, previous: readonly JobRow[], planned: readonly PlannedJob[]): RecordedPlan {
  const bySeq = new Map(previous.map((j) => [j.seq, j]));
  const jobIds = new Map<number, number>();
  store.db.transaction(() => {
    store.reopenRun(runId);
    for (const p of planned) {
      const row = bySeq.get(p.seq);
      if (row) {
        jobIds.set(p.seq, row.id);
        if (row.status !== 'ok') store.resetJob(row.id);
      } else {
        jobIds.set(p.seq, store.addJob({ runId, seq: p.seq, suite: p.suite.name, host: p.host, bench: p.suite.bench, params: jobParams(p) }));
      }
    }
  })();
  return { runId, jobIds, todo: planned.filter((p) => bySeq.get(p.seq)?.status !== 'ok') };
}

export function jobParams(p: PlannedJob): Record<string, unknown> {
  const s = p.suite;
  return {
    package: s.package,
    benchtime: s.benchtime,
    count: p.count,
    round: p.round,
    benchmem: s.benchmem,
    cpu: s.cpu ?? null,
    pin: s.pin ?? null,
    env: s.env,
    timeoutMs: s.timeoutMs,
    ldflags: s.ldflags ?? null,
  };
}
