/**
 * `metalbench import FILE…`: existing `go test -bench` output (CI logs, a
 * colleague's file) stored as one run. Unreadable lines are reported with
 * their file and line number and skipped.
 */
import { readFileSync } from 'node:fs';
import { BenchReader, type BenchResult, type ReadWarning } from '../benchfmt/reader.ts';
import { StatReader } from '../benchfmt/scan.ts';
import type { Store } from './store.ts';

export interface ImportResult {
  runId: number;
  results: number;
  samples: number;
  warnings: Array<ReadWarning & { file: string }>;
}

type ImportRecord = ReturnType<BenchReader['push']>[number];

/** Files read and parsed, ready to store; nothing has touched the database yet. */
export interface ParsedImport {
  files: readonly string[];
  records: ImportRecord[][];
  warnings: ImportResult['warnings'];
}

export interface ImportOptions {
  trigger?: string;
  revision?: string;
  variant?: string;
  /** When the results were measured (ISO 8601); default now. Backfills pass their real date. */
  startedAt?: string;
  /** The measured commit's date (ISO 8601), when known. */
  commitDate?: string;
}

export function importFiles(
  store: Store,
  files: readonly string[],
  opts: ImportOptions = {},
): ImportResult {
  return storeImport(store, parseImportFiles(files), opts);
}

/**
 * Read and parse every file. Throws when a file cannot be read, and
 * NothingToImportError when no file holds a single result.
 */
export function parseImportFiles(files: readonly string[]): ParsedImport {
  // Read everything first: an unreadable file stores nothing at all.
  const texts = files.map((f) => {
    try {
      return readFileSync(f);
    } catch (e) {
      throw new Error(`${f}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  });
  // Parse everything before a run is created: input with no result at all is
  // refused (an empty file, random bytes, the wrong file) and stores nothing.
  const warnings: ImportResult['warnings'] = [];
  // Unit metadata is shared by the files, as benchstat reads them together.
  const scanner = new StatReader();
  const records = files.map((file, i) => {
    // Each file starts with no configuration, as benchstat reads files.
    const reader = new BenchReader(scanner, file);
    const records = [...reader.push(texts[i]!), ...reader.end()];
    for (const r of records) if (r.kind === 'warning') warnings.push({ ...r, file });
    return records;
  });
  // Unit metadata alone is kept too: benchstat applies it to the other files read with it.
  const found = records.reduce((n, recs) => n + recs.filter((r) => r.kind === 'result' || r.kind === 'unit').length, 0);
  if (found === 0) {
    const what = files.length === 1 ? files[0]! : `${files.length} files`;
    const skipped = warnings.length ? ` (${warnings.length} unreadable line${warnings.length === 1 ? '' : 's'})` : '';
    throw new NothingToImportError(
      `${what}: no benchmark results found${skipped}; import reads the output of go test -bench (lines like "BenchmarkX-8  1000  123 ns/op")`,
      warnings,
    );
  }
  return { files, records, warnings };
}

/** One run of kind import holding every parsed result. */
export function storeImport(
  store: Store,
  { files, records: parsed, warnings }: ParsedImport,
  opts: ImportOptions = {},
): ImportResult {
  const runId = store.createRun({
    kind: 'import',
    trigger: opts.trigger ?? 'manual',
    source: files.join(' '),
    revision: opts.revision,
    variant: opts.variant,
    startedAt: opts.startedAt,
    commitDate: opts.commitDate,
  });
  const writer = store.sampleWriter(runId);
  let results = 0;
  let samples = 0;
  for (const records of parsed) {
    const batch: BenchResult[] = [];
    for (const r of records) {
      if (r.kind === 'result') {
        batch.push(r);
        samples += r.values.length;
      } else if (r.kind === 'unit') store.addUnitMeta(runId, r.unit, r.origUnit, r.key, r.value);
      if (batch.length >= 10000) {
        writer.addMany(batch);
        results += batch.length;
        batch.length = 0;
      }
    }
    writer.addMany(batch);
    results += batch.length;
  }
  store.finishRun(runId, 'ok', `${results} results from ${files.length} file${files.length === 1 ? '' : 's'}`);
  return { runId, results, samples, warnings };
}

/** Nothing in the input is a benchmark result: no run is created. */
export class NothingToImportError extends Error {
  override name = 'NothingToImportError';
  constructor(
    message: string,
    readonly warnings: ImportResult['warnings'],
  ) {
    super(message);
  }
}
