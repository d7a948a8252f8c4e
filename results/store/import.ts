/**
 * `metalbench import FILE…`: existing `go test -bench` output (CI logs, a
 * colleague's file) stored as one run. Unreadable lines are reported with
 * their file and line number and skipped.
 */
import { readFileSync } from 'node:fs';
import { BenchReader, type BenchResult, type ReadWarning } from '../benchfmt/reader.ts';
import type { Store } from './store.ts';

export interface ImportResult {
  runId: number;
  results: number;
  samples: number;
  warnings: Array<ReadWarning & { file: string }>;
}

export function importFiles(
  store: Store,
  files: readonly string[],
  opts: { trigger?: string; revision?: string; variant?: string; startedAt?: string; commitDate?: string } = {},
): ImportResult {
  // Read everything first: an unreadable file stores nothing at all.
  const texts = files.map((f) => {
    try {
      return readFileSync(f, 'utf8');
    } catch (e) {
      throw new Error(`${f}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  });
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
  const warnings: ImportResult['warnings'] = [];
  let results = 0;
  let samples = 0;
  files.forEach((file, i) => {
    // Each file starts with no configuration, as benchstat reads files.
    const reader = new BenchReader();
    const batch: BenchResult[] = [];
    const take = (recs: ReturnType<BenchReader['push']>) => {
      for (const r of recs) {
        if (r.kind === 'result') {
          batch.push(r);
          samples += r.values.length;
        } else if (r.kind === 'warning') warnings.push({ ...r, file });
        else if (r.kind === 'unit') store.addUnitMeta(runId, r.unit, r.origUnit, r.key, r.value);
      }
      if (batch.length >= 10000) {
        writer.addMany(batch);
        results += batch.length;
        batch.length = 0;
      }
    };
    take(reader.push(texts[i]!));
    take(reader.end());
    writer.addMany(batch);
    results += batch.length;
  });
  store.finishRun(runId, 'ok', `${results} results from ${files.length} file${files.length === 1 ? '' : 's'}`);
  return { runId, results, samples, warnings };
}
