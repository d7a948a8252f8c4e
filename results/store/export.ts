/**
 * Stored samples back to the Go benchmark format, one line per stored result
 * line, so benchstat and `metalbench stat` read them as the original output.
 */
import { BenchWriter } from '../benchfmt/writer.ts';
import type { Config } from '../benchfmt/reader.ts';
import type { DB } from './store.ts';

export interface ExportOptions {
  /** Runs to export; all runs when empty or absent. */
  runIds?: readonly number[];
  /** Only the samples of these jobs (one side of a comparison, one host). */
  jobIds?: readonly number[];
  /** Called with each chunk of text; when absent, the text is returned. */
  write?: (chunk: string) => void;
}

interface Row {
  run_id: number;
  result_seq: number;
  name: string;
  iters: number;
  orig_value: number | null;
  orig_unit: string;
  config_id: number;
  pairs_json: string;
}

export function exportBenchfmt(db: DB, opts: ExportOptions = {}): string {
  const ids = opts.runIds && opts.runIds.length > 0 ? [...opts.runIds] : null;
  const jobs = opts.jobIds ? [...opts.jobIds] : null;
  const where = [
    ...(ids ? [`s.run_id IN (${ids.map(() => '?').join(',')})`] : []),
    ...(jobs ? [`s.job_id IN (${jobs.map(() => '?').join(',') || 'NULL'})`] : []),
  ];
  const inRuns = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
  const params = [...(ids ?? []), ...(jobs ?? [])];
  const writer = new BenchWriter();
  let text = '';
  const emit = (chunk: string) => {
    if (!chunk) return;
    if (opts.write) opts.write(chunk);
    else text += chunk;
  };

  const metaRows = db
    .prepare<unknown[], { orig_unit: string; key: string; value: string }>(
      `SELECT DISTINCT orig_unit, key, value FROM unit_meta m ${ids ? `WHERE m.run_id IN (${ids.map(() => '?').join(',')})` : ''} ORDER BY orig_unit, key`,
    )
    .all(...(ids ?? []));
  for (const m of metaRows) writer.unitMeta(m.orig_unit, m.key, m.value);

  const configs = new Map<number, Config>();
  const rows = db
    .prepare<unknown[], Row>(
      `SELECT s.run_id, s.result_seq, b.name, s.iters, s.orig_value, s.orig_unit, s.config_id, c.pairs_json
       FROM samples s JOIN benchmarks b ON b.id = s.benchmark_id JOIN config_sets c ON c.id = s.config_id
       ${inRuns} ORDER BY s.run_id, s.result_seq, s.pos`,
    )
    .iterate(...params);

  let key = '';
  let pending: { config: Config; name: string; iters: number; values: { origValue: number; origUnit: string }[] } | null =
    null;
  const flush = () => {
    if (pending) writer.result(pending.config, pending.name, pending.iters, pending.values);
    pending = null;
    emit(writer.take());
  };
  for (const r of rows) {
    const k = `${r.run_id}:${r.result_seq}`;
    if (k !== key) {
      flush();
      key = k;
      let config = configs.get(r.config_id);
      if (!config) {
        config = JSON.parse(r.pairs_json) as Config;
        configs.set(r.config_id, config);
      }
      pending = { config, name: r.name, iters: r.iters, values: [] };
    }
    pending!.values.push({ origValue: r.orig_value ?? NaN, origUnit: r.orig_unit });
  }
  flush();
  return text;
}
