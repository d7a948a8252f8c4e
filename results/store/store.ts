import Database from 'better-sqlite3';
import { accessSync, constants, existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { BenchResult, Config } from '../benchfmt/reader.ts';
import { MIGRATIONS, SCHEMA_VERSION } from './schema.ts';
import { summarizePending, summarizeRun } from './summaries.ts';

export type DB = Database.Database;
export type RunKind = 'run' | 'import' | 'compare';
export type RunStatus = 'running' | 'ok' | 'partial' | 'failed' | 'interrupted';
export type JobStatus = 'pending' | 'running' | 'ok' | 'failed' | 'interrupted';

export { DEFAULT_DB_PATH } from './default-path.ts';

export interface NewRun {
  kind: RunKind;
  trigger?: string;
  specPath?: string;
  specName?: string;
  specText?: string;
  source?: string;
  revision?: string;
  variant?: string;
  /** When the run happened (ISO 8601); default now. Imports of old results pass their real date. */
  startedAt?: string;
  /** The measured commit's date (ISO 8601), when known. */
  commitDate?: string;
}

export interface RunRow {
  id: number;
  kind: RunKind;
  trigger: string;
  spec_path: string | null;
  spec_name: string | null;
  source: string | null;
  revision: string | null;
  variant: string | null;
  status: RunStatus;
  pid: number | null;
  started_at: string;
  finished_at: string | null;
  commit_date: string | null;
  message: string | null;
  samples: number;
  jobs: number;
  failed_jobs: number;
}

export interface NewJob {
  runId: number;
  seq: number;
  suite: string;
  host: string;
  bench: string;
  params: unknown;
  buildId?: number;
}

export interface JobRow {
  id: number;
  run_id: number;
  seq: number;
  suite: string;
  host: string;
  bench: string;
  params_json: string;
  status: JobStatus;
  exit_code: number | null;
  signal: string | null;
  error: string | null;
  stderr_tail: string | null;
}

export interface JobOutcome {
  status: JobStatus;
  exitCode?: number | null;
  signal?: string | null;
  error?: string;
  stderrTail?: string;
  cpus?: string;
  hostEnvId?: number;
}

const now = () => new Date().toISOString();

export class Store {
  readonly db: DB;
  private readonly benchIds = new Map<string, number>();
  private readonly configIds = new WeakMap<Config, number>();
  /** Next result line number per run, shared by every writer of that run. */
  private readonly resultSeqs = new Map<number, number>();
  private readonly stmts;

  /**
   * `mustExist`: for commands that only read. Nothing is created (no
   * directory, no empty database); a missing file is a StoreOpenError.
   */
  constructor(
    readonly path: string,
    opts: { mustExist?: boolean } = {},
  ) {
    let db: DB | undefined;
    try {
      if (opts.mustExist) {
        if (path === ':memory:' || !existsSync(path)) throw new StoreOpenError(`no database at ${path}; check the --db path (a database is created by the first run or import)`);
        if (statSync(path).isDirectory()) throw new StoreOpenError(`cannot open ${path}: it is a directory; --db takes a database file, e.g. ${join(path, 'metalbench.db')}`);
      } else if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
      db = new Database(path, { ...sqliteOptions(), fileMustExist: opts.mustExist === true });
      db.pragma('journal_mode = WAL');
      // NORMAL in WAL mode: a commit survives a crash of this process (kill -9);
      // only a power cut can lose the last transactions.
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      db.pragma('busy_timeout = 5000');
      migrate(db, path);
    } catch (e) {
      db?.close();
      throw e instanceof StoreOpenError ? e : new StoreOpenError(explainOpenError(path, e));
    }
    this.db = db;
    // A run whose orchestrator died (kill -9, power cut) is interrupted, not running.
    this.markDeadRunsInterrupted();
    // Runs stored before summaries existed are summarized once, here.
    summarizePending(this.db);
    this.stmts = {
      benchSel: this.db.prepare<[string], { id: number }>('SELECT id FROM benchmarks WHERE name = ?'),
      benchIns: this.db.prepare('INSERT INTO benchmarks (name) VALUES (?)'),
      cfgSel: this.db.prepare<[string], { id: number }>('SELECT id FROM config_sets WHERE pairs_json = ?'),
      cfgIns: this.db.prepare('INSERT INTO config_sets (pairs_json) VALUES (?)'),
      sampleIns: this.db.prepare(
        `INSERT INTO samples (run_id, job_id, result_seq, pos, benchmark_id, config_id, iters, unit, value, orig_unit, orig_value, neg_zero)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      nextSeq: this.db.prepare<[number], { n: number }>(
        'SELECT COALESCE(MAX(result_seq), -1) + 1 AS n FROM samples WHERE run_id = ?',
      ),
    };
  }

  close(): void {
    this.db.close();
  }

  createRun(r: NewRun): number {
    const info = this.db
      .prepare(
        `INSERT INTO runs (kind, trigger, spec_path, spec_name, spec_text, source, revision, variant, status, pid, started_at, commit_date)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'running', ?, ?, ?)`,
      )
      .run(
        r.kind,
        r.trigger ?? 'manual',
        r.specPath ?? null,
        r.specName ?? null,
        r.specText ?? null,
        r.source ?? null,
        r.revision ?? null,
        r.variant ?? null,
        process.pid,
        r.startedAt ?? now(),
        r.commitDate ?? null,
      );
    return Number(info.lastInsertRowid);
  }

  /** Record the run's outcome and summarize its samples (see summaries.ts). */
  finishRun(id: number, status: RunStatus, message?: string): void {
    this.db
      .prepare('UPDATE runs SET status = ?, finished_at = ?, message = ? WHERE id = ?')
      .run(status, now(), message ?? null, id);
    summarizeRun(this.db, id);
  }

  /** Reopen a run for --resume. */
  reopenRun(id: number): void {
    this.db.prepare("UPDATE runs SET status = 'running', pid = ?, finished_at = NULL WHERE id = ?").run(process.pid, id);
  }

  getRun(id: number): RunRow | undefined {
    return this.listRuns({ id })[0];
  }

  listRuns(filter: { id?: number; limit?: number } = {}): RunRow[] {
    this.markDeadRunsInterrupted();
    const where = filter.id !== undefined ? 'WHERE r.id = @id' : '';
    const limit = filter.limit !== undefined ? 'LIMIT @limit' : '';
    return this.db
      .prepare<Record<string, number>, RunRow>(
        `SELECT r.id, r.kind, r.trigger, r.spec_path, r.spec_name, r.source, r.revision, r.variant, r.status, r.pid,
                r.started_at, r.finished_at, r.commit_date, r.message,
                (SELECT COUNT(*) FROM samples s WHERE s.run_id = r.id) AS samples,
                (SELECT COUNT(*) FROM jobs j WHERE j.run_id = r.id) AS jobs,
                (SELECT COUNT(*) FROM jobs j WHERE j.run_id = r.id AND j.status <> 'ok') AS failed_jobs
         FROM runs r ${where} ORDER BY r.id DESC ${limit}`,
      )
      .all({ ...(filter.id !== undefined ? { id: filter.id } : {}), ...(filter.limit !== undefined ? { limit: filter.limit } : {}) });
  }

  /**
   * A run left 'running' by an orchestrator that no longer exists (kill -9,
   * power cut) was interrupted; say so, keeping every sample it stored.
   */
  markDeadRunsInterrupted(): void {
    const running = this.db
      .prepare<[], { id: number; pid: number | null }>("SELECT id, pid FROM runs WHERE status = 'running'")
      .all();
    for (const r of running) {
      if (r.pid !== null && r.pid !== process.pid && !processAlive(r.pid)) {
        this.db.transaction(() => {
          this.db
            .prepare("UPDATE runs SET status = 'interrupted', finished_at = ?, message = ? WHERE id = ?")
            .run(now(), 'the orchestrator stopped before the run finished', r.id);
          this.db.prepare("UPDATE jobs SET status = 'interrupted' WHERE run_id = ? AND status = 'running'").run(r.id);
        })();
        summarizeRun(this.db, r.id);
      }
    }
  }

  upsertHostEnv(host: string, fingerprint: string, facts: unknown): number {
    const t = now();
    this.db
      .prepare(
        `INSERT INTO host_envs (host, fingerprint, facts_json, first_seen, last_seen) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (host, fingerprint) DO UPDATE SET last_seen = excluded.last_seen, facts_json = excluded.facts_json`,
      )
      .run(host, fingerprint, JSON.stringify(facts), t, t);
    return this.db
      .prepare<[string, string], { id: number }>('SELECT id FROM host_envs WHERE host = ? AND fingerprint = ?')
      .get(host, fingerprint)!.id;
  }

  recordBuild(b: {
    cacheKey: string;
    suite: string;
    pkg: string;
    goos: string;
    goarch: string;
    goVersion: string;
    sha256: string;
    path: string;
  }): number {
    this.db
      .prepare(
        `INSERT INTO builds (cache_key, suite, package, goos, goarch, go_version, sha256, path, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (cache_key) DO NOTHING`,
      )
      .run(b.cacheKey, b.suite, b.pkg, b.goos, b.goarch, b.goVersion, b.sha256, b.path, now());
    return this.db.prepare<[string], { id: number }>('SELECT id FROM builds WHERE cache_key = ?').get(b.cacheKey)!.id;
  }

  addJob(j: NewJob): number {
    const info = this.db
      .prepare(
        `INSERT INTO jobs (run_id, seq, suite, host, bench, params_json, build_id, status)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'pending')`,
      )
      .run(j.runId, j.seq, j.suite, j.host, j.bench, JSON.stringify(j.params), j.buildId ?? null);
    return Number(info.lastInsertRowid);
  }

  jobsOf(runId: number): JobRow[] {
    return this.db
      .prepare<[number], JobRow>(
        `SELECT id, run_id, seq, suite, host, bench, params_json, status, exit_code, signal, error, stderr_tail
         FROM jobs WHERE run_id = ? ORDER BY seq`,
      )
      .all(runId);
  }

  startJob(id: number, buildId?: number): void {
    this.db
      .prepare("UPDATE jobs SET status = 'running', started_at = ?, build_id = COALESCE(?, build_id) WHERE id = ?")
      .run(now(), buildId ?? null, id);
  }

  finishJob(id: number, o: JobOutcome): void {
    this.db
      .prepare(
        `UPDATE jobs SET status = ?, exit_code = ?, signal = ?, error = ?, stderr_tail = ?, finished_at = ?,
                cpus = COALESCE(?, cpus), host_env_id = COALESCE(?, host_env_id) WHERE id = ?`,
      )
      .run(
        o.status,
        o.exitCode ?? null,
        o.signal ?? null,
        o.error ?? null,
        o.stderrTail ?? null,
        now(),
        o.cpus ?? null,
        o.hostEnvId ?? null,
        id,
      );
  }

  /** Drop the samples of a job that is about to be run again (resume). */
  resetJob(id: number): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM samples WHERE job_id = ?').run(id);
      this.db
        .prepare(
          "UPDATE jobs SET status = 'pending', exit_code = NULL, signal = NULL, error = NULL, stderr_tail = NULL WHERE id = ?",
        )
        .run(id);
    })();
  }

  /** A writer that appends the results of one run (optionally one job). */
  sampleWriter(runId: number, jobId: number | null = null): SampleWriter {
    return new SampleWriter(this, runId, jobId);
  }

  /**
   * @internal The run's next result line number. Hosts write the same run in
   * parallel, each job through its own writer: numbering must be shared, or
   * two result lines get one number and read back as one.
   */
  nextResultSeq(runId: number): number {
    const n = this.resultSeqs.get(runId) ?? this.stmts.nextSeq.get(runId)!.n;
    this.resultSeqs.set(runId, n + 1);
    return n;
  }

  addUnitMeta(runId: number, unit: string, origUnit: string, key: string, value: string): void {
    this.db
      .prepare(
        'INSERT INTO unit_meta (run_id, unit, orig_unit, key, value) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
      )
      .run(runId, unit, origUnit, key, value);
  }

  /** @internal */
  benchmarkId(name: string): number {
    let id = this.benchIds.get(name);
    if (id === undefined) {
      id = this.stmts.benchSel.get(name)?.id ?? Number(this.stmts.benchIns.run(name).lastInsertRowid);
      this.benchIds.set(name, id);
    }
    return id;
  }

  /** @internal Config arrays from the reader are shared, so identity caches them. */
  configId(config: Config): number {
    let id = this.configIds.get(config);
    if (id === undefined) {
      const json = JSON.stringify(config);
      id = this.stmts.cfgSel.get(json)?.id ?? Number(this.stmts.cfgIns.run(json).lastInsertRowid);
      this.configIds.set(config, id);
    }
    return id;
  }

  /** @internal */
  insertSample(...row: [number, number | null, number, number, number, number, number, string, number, string, number]): void {
    // SQLite keeps no sign of a zero REAL: remember -0 apart (tidying scales it to -0 too).
    this.stmts.sampleIns.run(...row, Object.is(row[10], -0) ? 1 : 0);
  }
}

export class SampleWriter {
  constructor(
    private readonly store: Store,
    readonly runId: number,
    readonly jobId: number | null,
  ) {}

  /** Store one result line in its own transaction: committed when this returns. */
  add(result: BenchResult): void {
    this.store.db.transaction(() => this.insert(result))();
  }

  /** Store many result lines in one transaction (imports). */
  addMany(results: readonly BenchResult[]): void {
    this.store.db.transaction(() => {
      for (const r of results) this.insert(r);
    })();
  }

  private insert(r: BenchResult): void {
    const bench = this.store.benchmarkId(r.name);
    const cfg = this.store.configId(r.config);
    const seq = this.store.nextResultSeq(this.runId);
    for (let pos = 0; pos < r.values.length; pos++) {
      const v = r.values[pos]!;
      this.store.insertSample(this.runId, this.jobId, seq, pos, bench, cfg, r.iters, v.unit, v.value, v.origUnit, v.origValue);
    }
  }
}

/** The database cannot be opened: the message names the path, the cause and the fix. */
export class StoreOpenError extends Error {
  override name = 'StoreOpenError';
}

/**
 * `METALBENCH_SQLITE_BINDING` names better-sqlite3's native module
 * explicitly (a build for another Node, or a test of a missing binding).
 */
function sqliteOptions(): Database.Options {
  const binding = process.env.METALBENCH_SQLITE_BINDING;
  return binding ? { nativeBinding: binding } : {};
}

function explainOpenError(path: string, e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  const msg = (err?.message ?? String(e)).split('\n')[0]!;
  if (err?.code === 'MODULE_NOT_FOUND' || err?.code === 'ERR_DLOPEN_FAILED' || /\.node\b|NODE_MODULE_VERSION|bindings|ELF/.test(msg)) {
    const via = process.env.METALBENCH_SQLITE_BINDING ? ` (METALBENCH_SQLITE_BINDING is ${process.env.METALBENCH_SQLITE_BINDING})` : '';
    return `cannot open ${path}: SQLite's native module (better-sqlite3) did not load${via}: ${msg}; reinstall it with: npm rebuild better-sqlite3`;
  }
  if (existsSync(path) && statSync(path).isDirectory()) return `cannot open ${path}: it is a directory; --db takes a database file, e.g. ${join(path, 'metalbench.db')}`;
  if (err?.code === 'SQLITE_NOTADB') return `cannot open ${path}: it is not a SQLite database; point --db at a metalbench database or at a new file`;
  if (err?.code === 'SQLITE_FULL' || err?.code === 'ENOSPC') return `cannot open ${path}: no space left on the device that holds it; free space or choose another --db`;
  if (err?.code === 'EEXIST' || err?.code === 'ENOTDIR') return `cannot open ${path}: a part of its directory path is a file, not a directory`;
  if (err?.code === 'EACCES' || err?.code === 'EPERM' || err?.code === 'SQLITE_READONLY' || err?.code === 'SQLITE_CANTOPEN') {
    return `cannot open ${path}: ${msg} (check that it and its directory exist and are writable)`;
  }
  if (/newer than this metalbench/.test(msg)) return msg;
  return `cannot open ${path}: ${msg}`;
}

/**
 * Can a store be made at `path` without creating anything yet? Checks that
 * SQLite loads and that the nearest existing directory on the path is a
 * writable directory. Throws StoreOpenError; an existing file is for the
 * caller to open.
 */
export function checkStorePath(path: string): void {
  try {
    new Database(':memory:', sqliteOptions()).close();
  } catch (e) {
    throw new StoreOpenError(explainOpenError(path, e));
  }
  let dir = dirname(resolve(path));
  while (!existsSync(dir)) dir = dirname(dir);
  if (!statSync(dir).isDirectory()) throw new StoreOpenError(`cannot open ${path}: ${dir} is a file, not a directory`);
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    throw new StoreOpenError(`cannot open ${path}: ${dir} is not writable`);
  }
}

/** A failure of SQLite itself (a full disk, a write refused), as opposed to a bug in the caller. */
export function isStoreError(e: unknown): boolean {
  return e instanceof Database.SqliteError || (e instanceof TypeError && /database connection is not open/.test(e.message));
}

/** The cause of a store error in words, naming a full disk. */
export function describeStoreError(e: unknown): string {
  const err = e as { code?: string; message?: string };
  if (err.code === 'SQLITE_FULL') return `no space left on the device that holds the database (SQLITE_FULL): ${err.message}`;
  return err.message ?? String(e);
}

function migrate(db: DB, path: string): void {
  const version = () => db.pragma('user_version', { simple: true }) as number;
  if (version() === SCHEMA_VERSION) return;
  // Another process may be creating the same database right now: the
  // version is read again under the write lock, and each step applied once.
  db.transaction(() => {
    const from = version();
    if (from > SCHEMA_VERSION) {
      throw new Error(
        `${path}: database schema version ${from} is newer than this metalbench understands (${SCHEMA_VERSION}); upgrade metalbench or use another --db`,
      );
    }
    for (let v = from; v < SCHEMA_VERSION; v++) {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    }
  }).immediate();
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
