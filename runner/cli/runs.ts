// `metalbench runs`: the recorded runs, newest first.
import { noPositionals, parseCommand, UsageError, type CliIO } from './options.ts';
import { openExistingStore } from './open-store.ts';

export async function runsHandler(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommand(args, { limit: { type: 'string', default: '50' } });
  noPositionals(positionals, '');
  if (!/^[1-9][0-9]*$/.test(values.limit)) throw new UsageError(`--limit takes a positive number of runs, got ${JSON.stringify(values.limit)}`);
  const store = await openExistingStore(values.db);
  try {
    const runs = store.listRuns({ limit: Number(values.limit) });
    if (values.json) {
      io.stdout.write(`${JSON.stringify(runs, null, 2)}\n`);
      return 0;
    }
    const head = ['id', 'kind', 'trigger', 'status', 'started', 'jobs', 'failed', 'samples', 'spec/source'];
    const rows = runs.map((r) => [
      String(r.id),
      r.kind,
      r.trigger,
      r.status,
      r.started_at.replace('T', ' ').slice(0, 19),
      String(r.jobs),
      String(r.failed_jobs),
      String(r.samples),
      r.spec_name ?? r.source ?? '',
    ]);
    const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    for (const r of [head, ...rows]) io.stdout.write(`${r.map((c, i) => c.padEnd(w[i]!)).join('  ').trimEnd()}\n`);
    return 0;
  } finally {
    store.close();
  }
}
