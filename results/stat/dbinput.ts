// `--db PATH --run ID…`: stored runs as inputs, one column per run, through the
// store's benchfmt export (loaded only when asked for, to keep startup lean).
import type { InputFile } from '../benchfmt/scan.ts';

/** A --db input that cannot be used: the database or a run. Exit status 2 (bad input). */
export class DbInputError extends Error {}

export async function readRuns(dbPath: string, runIds: number[]): Promise<InputFile[]> {
  const { default: Database } = await import('better-sqlite3');
  const { exportBenchfmt } = await import('../store/export.ts');
  let db: InstanceType<typeof Database>;
  try {
    // Read-only and must exist: a mistyped path is reported, never created.
    db = new Database(dbPath, { readonly: true, fileMustExist: true });
    db.prepare('SELECT 1 FROM runs LIMIT 1').get();
  } catch (e) {
    throw new DbInputError(`cannot open the database: ${(e as Error).message} (give the path of a metalbench database, e.g. the one \`metalbench run\` or \`import\` wrote)`);
  }
  try {
    // A PR comparison stores base and head as variants: name the columns by them.
    const runOf = db.prepare<[number], { variant: string | null }>('SELECT variant FROM runs WHERE id = ?');
    const samplesOf = db.prepare<[number], { n: number }>('SELECT count(*) AS n FROM samples WHERE run_id = ?');
    return runIds.map((id) => {
      const run = runOf.get(id);
      if (!run) throw new DbInputError(`run ${id} does not exist (list the stored runs with \`metalbench runs\`)`);
      if (samplesOf.get(id)!.n === 0) throw new DbInputError(`run ${id} has no results to compare (it stored no samples)`);
      return { label: run.variant ? `run${id}:${run.variant}` : `run${id}`, text: exportBenchfmt(db, { runIds: [id] }) };
    });
  } finally {
    db.close();
  }
}
