/**
 * The finish phase: the run's final status (ok or partial), the summary
 * (table or JSON) and, when jobs are missing, the command that completes it.
 * Failures that are one cause on one host (a busy or unreachable host) are
 * printed as one line, not one per job.
 */
import { PIN_MARKER } from '../host/pinning.ts';
import type { Store } from '../../results/store/store.ts';
import type { FailedJob } from './dispatch.ts';
import { resumeCommand, type HintPaths } from './hint.ts';
import { EXIT_OK, EXIT_PARTIAL } from './stop.ts';

export interface RunSummary {
  runId: number;
  status: 'ok' | 'partial' | 'interrupted';
  jobs: number;
  failed: FailedJob[];
  samples: number;
  /** The command that runs the missing jobs; absent when none are missing. */
  resume?: string;
}

export interface FinishOptions extends HintPaths {
  json: boolean;
  stdout: NodeJS.WritableStream;
}

/** Close the run as ok or partial, print its summary, and give the exit code. */
export async function finishRun(store: Store, runId: number, plannedJobs: number, failed: FailedJob[], dispatched: number, o: FinishOptions): Promise<number> {
  const status = failed.length > 0 ? 'partial' : 'ok';
  store.finishRun(runId, status, failed.length > 0 ? `${failed.length} of ${dispatched} jobs failed` : undefined);
  const run = store.getRun(runId)!;
  const summary: RunSummary = {
    runId,
    status,
    jobs: plannedJobs,
    failed,
    samples: run.samples,
    ...(failed.length > 0 ? { resume: resumeCommand(runId, o) } : {}),
  };
  await printRunSummary(store, summary, o);
  return status === 'ok' ? EXIT_OK : EXIT_PARTIAL;
}

async function printRunSummary(store: Store, s: RunSummary, o: FinishOptions): Promise<void> {
  if (o.json) {
    o.stdout.write(`${JSON.stringify(s, null, 2)}\n`);
    return;
  }
  const { renderRunTable } = await import('../../results/report/run-table.ts');
  o.stdout.write(renderRunTable(store, s.runId));
  const out = (t: string) => o.stdout.write(`${t}\n`);
  out('');
  out(`run ${s.runId}: ${s.status}, ${s.jobs} jobs, ${s.samples} samples stored in ${o.dbPath}`);
  if (s.failed.length === 0) return;
  out(`failed jobs (${s.failed.length}):`);
  for (const g of groupFailures(s.failed)) {
    const f = g[0]!;
    if (g.length === 1) out(`  job ${f.seq} on ${f.host}, suite ${f.suite}: ${f.error}`);
    else out(`  jobs ${seqList(g.map((x) => x.seq))} on ${f.host} (${g.length} jobs, ${suiteList(g)}): ${f.error}`);
    // The pinning wrapper's own report line is for the runner, not the reader.
    const tail = f.stderrTail.trim().split('\n').filter((l) => !l.startsWith(`${PIN_MARKER} `)).slice(-8);
    if (tail.length > 0 && tail[0] !== '') for (const l of tail) out(`    | ${l}`);
  }
  out(`re-run only the missing jobs with: ${s.resume}`);
}

/** Consecutive failures of one host with the same error and no output of their own form one group. */
export function groupFailures(failed: readonly FailedJob[]): FailedJob[][] {
  const groups: FailedJob[][] = [];
  const byKey = new Map<string, FailedJob[]>();
  for (const f of failed) {
    if (f.stderrTail.trim() !== '') {
      groups.push([f]);
      continue;
    }
    const key = `${f.host}\0${f.error}`;
    let g = byKey.get(key);
    if (!g) {
      g = [];
      byKey.set(key, g);
      groups.push(g);
    }
    g.push(f);
  }
  return groups;
}

/** 0-4,7,9-10 */
function seqList(seqs: number[]): string {
  const s = [...seqs].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < s.length; ) {
    let j = i;
    while (j + 1 < s.length && s[j + 1] === s[j]! + 1) j++;
    parts.push(j > i ? `${s[i]}-${s[j]}` : String(s[i]));
    i = j + 1;
  }
  return parts.join(',');
}

function suiteList(g: readonly FailedJob[]): string {
  const names = [...new Set(g.map((f) => f.suite))];
  return `suite${names.length === 1 ? '' : 's'} ${names.join(', ')}`;
}
