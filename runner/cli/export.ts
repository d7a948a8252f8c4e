// `metalbench export`: stored samples in the Go benchmark format.
import { OutputClosedError, synchronousWriter } from './closed-pipe.ts';
import { hintCommand } from './hint.ts';
import { noPositionals, parseCommand, parseRunId, type CliIO } from './options.ts';
import { openExistingStore } from './open-store.ts';

export async function exportHandler(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommand(args, { run: { type: 'string', multiple: true } });
  noPositionals(positionals, 'runs are chosen with --run ID');
  const runIds = (values.run ?? []).map(parseRunId);
  const store = await openExistingStore(values.db);
  const { exportBenchfmt } = await import('../../results/store/export.ts');
  try {
    for (const id of runIds) {
      if (!store.getRun(id)) {
        io.stderr.write(`metalbench export: no run ${id} in ${values.db}; list the runs with: ${hintCommand(['runs'], { dbPath: values.db })}\n`);
        return 2;
      }
    }
    try {
      exportBenchfmt(store.db, { runIds, write: synchronousWriter(io.stdout) });
    } catch (e) {
      // `metalbench export | head`: the reader has what it wanted.
      if (!(e instanceof OutputClosedError)) throw e;
    }
    return 0;
  } finally {
    store.close();
  }
}
