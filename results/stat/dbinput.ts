// `--db PATH --run ID…`: stored runs as inputs, one column per run, through the
// store's benchfmt export (loaded only when asked for, to keep startup lean).
import type { InputFile } from './scan.ts';

export async function readRuns(dbPath: string, runIds: number[]): Promise<InputFile[]> {
  const { default: Database } = await import('better-sqlite3');
  const { exportBenchfmt } = await import('../store/export.ts');
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    // A PR comparison stores base and head as variants: name the columns by them.
    const variantOf = db.prepare<[number], { variant: string | null }>('SELECT variant FROM runs WHERE id = ?');
    return runIds.map((id) => {
      const variant = variantOf.get(id)?.variant;
      return { label: variant ? `run${id}:${variant}` : `run${id}`, text: exportBenchfmt(db, { runIds: [id] }) };
    });
  } finally {
    db.close();
  }
}
