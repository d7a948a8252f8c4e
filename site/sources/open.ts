/**
 * Opening the results store for the site: runs stored before summaries
 * existed are summarized once (a short write), then everything is read
 * through a read-only connection.
 */
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { SCHEMA_VERSION } from '../../results/store/schema.ts';
import { Store } from '../../results/store/store.ts';

export type DB = Database.Database;

export function openResults(dbPath: string): DB {
  if (!existsSync(dbPath)) {
    throw new Error(`${dbPath}: no results database here; run or import benchmarks first, or pass --db PATH`);
  }
  let db: DB;
  try {
    db = new Database(dbPath, { readonly: true, fileMustExist: true });
    db.pragma('busy_timeout = 5000');
  } catch (e) {
    throw new Error(`${dbPath}: cannot open the results database: ${(e as Error).message}`);
  }
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version === 0 || version > SCHEMA_VERSION) {
    db.close();
    throw new Error(
      version === 0
        ? `${dbPath}: not a metalbench results database (schema version 0); pass the --db that metalbench run/import wrote`
        : `${dbPath}: database schema version ${version} is newer than this metalbench understands (${SCHEMA_VERSION}); upgrade metalbench`,
    );
  }
  const pending =
    version < SCHEMA_VERSION ||
    (db.prepare("SELECT 1 FROM runs WHERE summarized_at IS NULL AND status <> 'running' LIMIT 1").get() !== undefined);
  if (pending) {
    db.close();
    // Migrates and summarizes what is missing, then closes.
    new Store(dbPath).close();
    db = new Database(dbPath, { readonly: true, fileMustExist: true });
    db.pragma('busy_timeout = 5000');
  }
  // Reads go through a memory map: a full build visits every summary once, in index order.
  db.pragma('mmap_size = 536870912');
  return db;
}
