// `metalbench import FILE…`: existing go test -bench output stored as one run.
import { parseCommand, UsageError, type CliIO } from './options.ts';

export async function importHandler(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommand(args, {
    trigger: { type: 'string', default: 'manual' },
    revision: { type: 'string' },
    variant: { type: 'string' },
    date: { type: 'string' },
    'commit-date': { type: 'string' },
  });
  if (positionals.length === 0) throw new UsageError('expected one or more files of go test -bench output');
  // Backfills land at their real dates: the run's date and the measured commit's.
  const startedAt = values.date === undefined ? undefined : parseDate('--date', values.date);
  const commitDate = values['commit-date'] === undefined ? undefined : parseDate('--commit-date', values['commit-date']);
  const { parseImportFiles, storeImport, NothingToImportError } = await import('../../results/store/import.ts');
  // Parse before the database is opened: bad input creates nothing.
  let parsed;
  try {
    parsed = parseImportFiles(positionals);
  } catch (e) {
    if (e instanceof NothingToImportError) {
      // Random bytes make a warning per line: the first few say enough.
      for (const w of e.warnings.slice(0, 5)) io.stderr.write(`${w.file}:${w.line}: ${w.message}\n`);
      if (e.warnings.length > 5) io.stderr.write(`… and ${e.warnings.length - 5} more unreadable lines\n`);
    }
    io.stderr.write(`metalbench import: ${(e as Error).message}; nothing was stored\n`);
    return 2;
  }
  const { Store } = await import('../../results/store/store.ts');
  const store = new Store(values.db);
  try {
    const r = storeImport(store, parsed, { trigger: values.trigger, revision: values.revision, variant: values.variant, startedAt, commitDate });
    for (const w of r.warnings) io.stderr.write(`${w.file}:${w.line}: ${w.message}\n`);
    if (values.json) io.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
    else io.stdout.write(`imported run ${r.runId}: ${r.results} results, ${r.samples} samples${r.warnings.length ? `, ${r.warnings.length} unreadable lines skipped` : ''}\n`);
    return 0;
  } finally {
    store.close();
  }
}

/** An ISO 8601 date or date-time (a date alone is midnight UTC), as a full UTC timestamp. */
function parseDate(flag: string, text: string): string {
  const ok = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(text);
  const d = new Date(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text.replace(' ', 'T'));
  if (!ok || Number.isNaN(d.getTime())) throw new UsageError(`${flag} ${JSON.stringify(text)} is not a date; use ISO 8601, e.g. 2026-03-01 or 2026-03-01T02:00:00Z`);
  return d.toISOString();
}
