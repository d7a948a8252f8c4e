/**
 * The results store's schema, as an ordered list of migrations. The database's
 * `PRAGMA user_version` is the number of migrations applied; never edit a
 * released migration, append a new one.
 */
export const MIGRATIONS: readonly string[] = [
  // 1: first release.
  `
  CREATE TABLE runs (
    id           INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL CHECK (kind IN ('run', 'import', 'compare')),
    trigger      TEXT NOT NULL DEFAULT 'manual',
    spec_path    TEXT,
    spec_name    TEXT,
    spec_text    TEXT,
    source       TEXT,              -- imported file names, or the spec path
    revision     TEXT,              -- source revision measured, when known
    variant      TEXT,              -- comparison side (base, head, …), when any
    status       TEXT NOT NULL CHECK (status IN ('running', 'ok', 'partial', 'failed', 'interrupted')),
    pid          INTEGER,           -- orchestrator process, to tell a dead run from a live one
    started_at   TEXT NOT NULL,
    finished_at  TEXT,
    message      TEXT
  );

  CREATE TABLE host_envs (
    id           INTEGER PRIMARY KEY,
    host         TEXT NOT NULL,
    fingerprint  TEXT NOT NULL,
    facts_json   TEXT NOT NULL,
    first_seen   TEXT NOT NULL,
    last_seen    TEXT NOT NULL,
    UNIQUE (host, fingerprint)
  );

  CREATE TABLE builds (
    id           INTEGER PRIMARY KEY,
    cache_key    TEXT NOT NULL UNIQUE,
    suite        TEXT NOT NULL,
    package      TEXT NOT NULL,
    goos         TEXT NOT NULL,
    goarch       TEXT NOT NULL,
    go_version   TEXT NOT NULL,
    sha256       TEXT NOT NULL,
    path         TEXT NOT NULL,
    created_at   TEXT NOT NULL
  );

  CREATE TABLE jobs (
    id           INTEGER PRIMARY KEY,
    run_id       INTEGER NOT NULL REFERENCES runs(id),
    seq          INTEGER NOT NULL,  -- position in the run's interleaved order
    suite        TEXT NOT NULL,
    host         TEXT NOT NULL,
    host_env_id  INTEGER REFERENCES host_envs(id),
    build_id     INTEGER REFERENCES builds(id),
    bench        TEXT NOT NULL,
    params_json  TEXT NOT NULL,     -- benchtime, count, cpu, env, pin, timeout
    cpus         TEXT,              -- the CPU list the process was pinned to
    status       TEXT NOT NULL CHECK (status IN ('pending', 'running', 'ok', 'failed', 'interrupted')),
    exit_code    INTEGER,
    signal       TEXT,
    error        TEXT,
    stderr_tail  TEXT,
    started_at   TEXT,
    finished_at  TEXT,
    UNIQUE (run_id, seq)
  );

  CREATE TABLE benchmarks (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL UNIQUE  -- full name after "Benchmark", with /k=v parts and -N
  );

  -- A set of configuration lines, in order, stored once and shared by samples.
  CREATE TABLE config_sets (
    id           INTEGER PRIMARY KEY,
    pairs_json   TEXT NOT NULL UNIQUE  -- [["goos","linux"],["pkg","…"],…]
  );

  -- One row per value of one unit of one result line.
  CREATE TABLE samples (
    id           INTEGER PRIMARY KEY,
    run_id       INTEGER NOT NULL REFERENCES runs(id),
    job_id       INTEGER REFERENCES jobs(id),
    result_seq   INTEGER NOT NULL,  -- which result line of the run
    pos          INTEGER NOT NULL,  -- which value on that line
    benchmark_id INTEGER NOT NULL REFERENCES benchmarks(id),
    config_id    INTEGER NOT NULL REFERENCES config_sets(id),
    iters        INTEGER NOT NULL,
    unit         TEXT NOT NULL,     -- tidied unit (sec/op, B/s, …)
    value        REAL,              -- value in the tidied unit; NULL is NaN (SQLite has no NaN)
    orig_unit    TEXT NOT NULL,     -- unit as the benchmark printed it
    orig_value   REAL               -- NULL is NaN
  );
  CREATE INDEX samples_run ON samples (run_id, result_seq, pos);
  CREATE INDEX samples_bench ON samples (benchmark_id, unit);

  CREATE TABLE unit_meta (
    run_id       INTEGER NOT NULL REFERENCES runs(id),
    unit         TEXT NOT NULL,     -- tidied unit
    orig_unit    TEXT NOT NULL,
    key          TEXT NOT NULL,
    value        TEXT NOT NULL,
    PRIMARY KEY (run_id, unit, key)
  );

  -- Everything a reader needs about one sample, joined.
  CREATE VIEW sample_view AS
    SELECT s.id, s.run_id, r.kind AS run_kind, r.started_at AS run_started_at, r.revision, r.variant,
           s.job_id, j.host, j.suite, j.cpus, b.name AS benchmark, s.result_seq, s.pos,
           s.iters, s.unit, s.value, s.orig_unit, s.orig_value, c.pairs_json AS config_json
    FROM samples s
    JOIN runs r ON r.id = s.run_id
    JOIN benchmarks b ON b.id = s.benchmark_id
    JOIN config_sets c ON c.id = s.config_id
    LEFT JOIN jobs j ON j.id = s.job_id;
  `,
  // Summaries per run × job × benchmark × unit, computed once when a run
  // finishes (results/store/summaries.ts), so readers such as the site never
  // reread raw samples. Runs finished before this migration are summarized
  // lazily (summarized_at IS NULL). commit_date is the measured commit's date
  // (import --commit-date); x axes use it, else the run's start.
  `
  ALTER TABLE runs ADD COLUMN commit_date TEXT;
  ALTER TABLE runs ADD COLUMN summarized_at TEXT;
  CREATE TABLE summaries (
    id           INTEGER PRIMARY KEY,   -- grows with every write: readers build incrementally from it
    run_id       INTEGER NOT NULL REFERENCES runs(id),
    job_id       INTEGER REFERENCES jobs(id),
    benchmark_id INTEGER NOT NULL REFERENCES benchmarks(id),
    config_id    INTEGER NOT NULL REFERENCES config_sets(id),
    pkg          TEXT,                  -- the pkg config line
    host         TEXT NOT NULL,         -- series label: host, plus emulation and pinning when recorded
    fingerprint  TEXT,                  -- host environment fingerprint, when known
    goarch       TEXT,
    trigger      TEXT NOT NULL,         -- the run's trigger (nightly, pr, manual …)
    unit         TEXT NOT NULL,
    at           TEXT NOT NULL,         -- the x of the point: commit date, else run start
    n            INTEGER NOT NULL,      -- finite samples
    nan          INTEGER NOT NULL,      -- NaN samples, left out
    median       REAL NOT NULL,
    lo           REAL,                  -- 95 % confidence interval of the median; NULL: too few samples
    hi           REAL,
    q1           REAL NOT NULL,
    q3           REAL NOT NULL,
    min          REAL NOT NULL,
    max          REAL NOT NULL,
    vals_json    TEXT NOT NULL          -- the finite values, sorted: tests between runs without the samples table
  );
  CREATE INDEX summaries_run ON summaries (run_id, host);
  CREATE INDEX summaries_page_at ON summaries (benchmark_id, pkg, at);
  CREATE INDEX summaries_series ON summaries (benchmark_id, pkg, unit, host, trigger, at);
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;
