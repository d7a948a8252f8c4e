// `--db PATH --run ID…`: stored runs as inputs, one column per run (two for a
// `compare` session: its base and head), through the
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
    // Two runs of a PR comparison store base and head as variants: name the columns by them.
    const runOf = db.prepare<[number], { variant: string | null }>('SELECT variant FROM runs WHERE id = ?');
    const samplesOf = db.prepare<[number], { n: number }>('SELECT count(*) AS n FROM samples WHERE run_id = ?');
    // A `compare` session holds both sides in one run, each job marked with its side (databases from before compare have no such column).
    const hasSides = db.prepare<[], { name: string }>('PRAGMA table_info(jobs)').all().some((c) => c.name === 'side');
    const jobsOfSide = hasSides ? db.prepare<[number, string], { id: number }>('SELECT id FROM jobs WHERE run_id = ? AND side = ? ORDER BY id') : undefined;
    return runIds.flatMap((id) => {
      const run = runOf.get(id);
      if (!run) throw new DbInputError(`run ${id} does not exist (list the stored runs with \`metalbench runs\`)`);
      if (samplesOf.get(id)!.n === 0) throw new DbInputError(`run ${id} has no results to compare (it stored no samples)`);
      const sides = jobsOfSide ? (['base', 'head'] as const).map((side) => ({ side, jobIds: jobsOfSide.all(id, side).map((j) => j.id) })) : [];
      if (sides.some((s) => s.jobIds.length > 0)) {
        return sides.map((s) => ({ label: `run${id}:${s.side}`, text: exportBenchfmt(db, { runIds: [id], jobIds: s.jobIds }) }));
      }
      return [{ label: run.variant ? `run${id}:${run.variant}` : `run${id}`, text: exportBenchfmt(db, { runIds: [id] }) }];
    });
  } finally {
    db.close();
  }
}
