/**
 * benchstat's table for the two sides of one host, made by `metalbench
 * stat` itself from the stored samples (written out as Go benchmark files
 * labelled base and head), so it is byte-identical to running stat on them.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { DB } from '../../results/store/store.ts';
import { exportBenchfmt } from '../../results/store/export.ts';
import { saveCompareTables } from '../../results/store/compare-tables.ts';

/** A Store, or a bare (read-only) connection: the tables only read samples. */
export interface SampleSource {
  db: DB;
}
import { statCommand } from '../../results/stat/command.ts';

/** The Go benchmark text of one side on one host, over the given sessions. */
export function sideText(store: SampleSource, runIds: readonly number[], host: string, side: 'base' | 'head'): string {
  const ids = store.db
    .prepare<unknown[], { id: number }>(`SELECT id FROM jobs WHERE run_id IN (${runIds.map(() => '?').join(',')}) AND host = ? AND side = ? ORDER BY id`)
    .all(...runIds, host, side)
    .map((r) => r.id);
  return exportBenchfmt(store.db, { runIds, jobIds: ids });
}

export async function statTable(inputs: Array<{ label: string; text: string }>): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'metalbench-compare-'));
  try {
    const args = inputs.map((inp, i) => {
      const p = join(dir, `${i}.txt`);
      writeFileSync(p, inp.text);
      return `${inp.label}=${p}`;
    });
    return await runStat(args, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Run `metalbench stat ARGS` in-process and return what it prints (stderr included, as a terminal shows it). */
export async function runStat(args: string[], cwd: string): Promise<string> {
  const out = new PassThrough();
  const err = new PassThrough();
  let text = '';
  let errText = '';
  out.on('data', (b: Buffer) => (text += b.toString()));
  err.on('data', (b: Buffer) => (errText += b.toString()));
  await statCommand(args, { stdout: out, stderr: err, cwd });
  return errText + text;
}

export async function hostBenchstat(store: SampleSource, runIds: readonly number[], host: string): Promise<string> {
  return statTable([
    { label: 'base', text: sideText(store, runIds, host, 'base') },
    { label: 'head', text: sideText(store, runIds, host, 'head') },
  ]);
}

/** benchstat's table of every host that ran processes in the session, by host name. */
export async function sessionBenchstat(source: SampleSource, runId: number): Promise<Map<string, string>> {
  const hosts = source.db
    .prepare<[number], { host: string }>("SELECT DISTINCT host FROM jobs WHERE run_id = ? AND side IS NOT NULL ORDER BY host")
    .all(runId)
    .map((r) => r.host);
  const out = new Map<string, string>();
  for (const h of hosts) out.set(h, await hostBenchstat(source, [runId], h));
  return out;
}

/** Compute the session's tables and store them (compare_tables), replacing older ones; returns them. */
export async function storeSessionTables(store: SampleSource, runId: number): Promise<Map<string, string>> {
  const tables = await sessionBenchstat(store, runId);
  saveCompareTables(store.db, runId, tables);
  return tables;
}
