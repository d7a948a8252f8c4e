/**
 * Stored profiles: files content-addressed in `<database dir>/profiles/<sha256>`
 * (written once, atomically, checked on the way in) and one row per
 * (run, host, side, benchmark, kind) in the `profiles` table.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Store } from './store.ts';

export interface ProfileRow {
  id: number;
  run_id: number;
  job_id: number | null;
  build_id: number | null;
  host: string;
  suite: string;
  side: string;
  benchmark: string;
  kind: 'cpu' | 'alloc' | 'block' | 'mutex' | 'gc';
  status: 'ok' | 'failed';
  sha256: string | null;
  bytes: number | null;
  binary_sha256: string;
  ops: number | null;
  ns_per_op: number | null;
  notes_json: string;
  error: string | null;
  created_at: string;
}

export interface NewProfile {
  runId: number;
  jobId?: number | null;
  buildId?: number | null;
  host: string;
  suite: string;
  side: string;
  benchmark: string;
  kind: ProfileRow['kind'];
  status: ProfileRow['status'];
  /** Local file to store (status ok). */
  file?: string;
  binarySha256: string;
  ops?: number;
  nsPerOp?: number;
  notes?: string[];
  error?: string;
}

/** `<dir of the database>/profiles`. */
export function profilesDir(dbPath: string): string {
  return join(dirname(resolve(dbPath)), 'profiles');
}

export class ProfileIndex {
  readonly dir: string;

  constructor(readonly store: Store) {
    this.dir = profilesDir(store.path);
  }

  /** Path of a stored profile's content. */
  pathOf(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`not a sha256: ${JSON.stringify(sha256)}`);
    return join(this.dir, sha256);
  }

  /** Store the file's bytes under their sha256; an identical file already there is kept. */
  putContent(localFile: string): { sha256: string; bytes: number } {
    const data = readFileSync(localFile);
    const sha256 = createHash('sha256').update(data).digest('hex');
    const dest = this.pathOf(sha256);
    if (!existsSync(dest)) {
      mkdirSync(this.dir, { recursive: true });
      const tmp = `${dest}.tmp-${process.pid}`;
      writeFileSync(tmp, data);
      renameSync(tmp, dest);
    }
    return { sha256, bytes: data.length };
  }

  read(row: Pick<ProfileRow, 'sha256'>): Buffer {
    if (!row.sha256) throw new Error('this profile was not captured');
    const data = readFileSync(this.pathOf(row.sha256));
    const got = createHash('sha256').update(data).digest('hex');
    if (got !== row.sha256) throw new Error(`${this.pathOf(row.sha256)} is damaged (sha256 ${got}); capture it again`);
    return data;
  }

  /** Record one capture; a later capture of the same (run, host, side, benchmark, kind) replaces a failed one. */
  record(p: NewProfile): number {
    const content = p.file ? this.putContent(p.file) : undefined;
    const info = this.store.db
      .prepare(
        `INSERT INTO profiles (run_id, job_id, build_id, host, suite, side, benchmark, kind, status, sha256, bytes, binary_sha256, ops, ns_per_op, notes_json, error, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (run_id, host, side, benchmark, kind) DO UPDATE SET
           job_id = excluded.job_id, build_id = excluded.build_id, suite = excluded.suite, status = excluded.status,
           sha256 = excluded.sha256, bytes = excluded.bytes, binary_sha256 = excluded.binary_sha256, ops = excluded.ops,
           ns_per_op = excluded.ns_per_op, notes_json = excluded.notes_json, error = excluded.error, created_at = excluded.created_at`,
      )
      .run(
        p.runId,
        p.jobId ?? null,
        p.buildId ?? null,
        p.host,
        p.suite,
        p.side,
        p.benchmark,
        p.kind,
        p.status,
        content?.sha256 ?? null,
        content?.bytes ?? null,
        p.binarySha256,
        p.ops ?? null,
        p.nsPerOp ?? null,
        JSON.stringify(p.notes ?? []),
        p.error ?? null,
        new Date().toISOString(),
      );
    return Number(info.lastInsertRowid);
  }

  list(runId: number): ProfileRow[] {
    return this.store.db
      .prepare<[number], ProfileRow>('SELECT * FROM profiles WHERE run_id = ? ORDER BY host, benchmark, side, kind')
      .all(runId);
  }

  /** Every stored profile of every run, newest run first (the site's pages). */
  all(): ProfileRow[] {
    return this.store.db.prepare<[], ProfileRow>("SELECT * FROM profiles WHERE status = 'ok' ORDER BY run_id DESC, host, benchmark, side, kind").all();
  }

  /** Captures already done (ok) in a run: `host\0side\0benchmark\0kind`. */
  doneKeys(runId: number): Set<string> {
    const rows = this.store.db
      .prepare<[number], Pick<ProfileRow, 'host' | 'side' | 'benchmark' | 'kind'>>("SELECT host, side, benchmark, kind FROM profiles WHERE run_id = ? AND status = 'ok'")
      .all(runId);
    return new Set(rows.map((r) => profileKey(r.host, r.side, r.benchmark, r.kind)));
  }
}

export function profileKey(host: string, side: string, benchmark: string, kind: string): string {
  return `${host}\0${side}\0${benchmark}\0${kind}`;
}
