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
  // 2: the sign of a zero sample. A REAL column stores -0 as the integer 0;
  // benchstat tells -0 from 0, so an export must give back what was read.
  `
  ALTER TABLE samples ADD COLUMN neg_zero INTEGER NOT NULL DEFAULT 0; -- 1: value and orig_value are -0
  `,
  // compare: paired sessions, the side and round of each job, and verdicts
  // (which also feed the noise floors, from A/A sessions).
  `
  ALTER TABLE jobs ADD COLUMN side TEXT CHECK (side IN ('base', 'head'));  -- compare: which side the process ran
  ALTER TABLE jobs ADD COLUMN round INTEGER;                                -- compare: paired round, from 0

  CREATE TABLE compare_sessions (
    run_id        INTEGER PRIMARY KEY REFERENCES runs(id),
    role          TEXT NOT NULL CHECK (role IN ('screen', 'confirm')),
    parent_run_id INTEGER REFERENCES runs(id),  -- confirm: the screening session it re-measures
    base_ref      TEXT NOT NULL,
    head_ref      TEXT NOT NULL,
    base_sha      TEXT NOT NULL,                -- full commit ids
    head_sha      TEXT NOT NULL,
    head_worktree INTEGER NOT NULL,             -- 1: head was the working tree, uncommitted changes included
    is_aa         INTEGER NOT NULL,             -- 1: head = base, a noise measurement
    rounds        INTEGER NOT NULL,
    seed          TEXT NOT NULL,                -- drives round orders, benchmark order and padding
    plan_json     TEXT NOT NULL                 -- options, side overrides, calibrated iterations, added/removed
  );

  -- One verdict per benchmark x unit x host of a session.
  CREATE TABLE compare_results (
    id               INTEGER PRIMARY KEY,
    run_id           INTEGER NOT NULL REFERENCES runs(id),
    role             TEXT NOT NULL,
    is_aa            INTEGER NOT NULL,
    host             TEXT NOT NULL,
    host_fingerprint TEXT NOT NULL,
    pin              TEXT NOT NULL,             -- pin identity (CPUs, NUMA, policy) or 'none'
    benchmark        TEXT NOT NULL,
    unit             TEXT NOT NULL,
    rounds           INTEGER NOT NULL,          -- protocol: paired rounds planned
    pairs            INTEGER NOT NULL,          -- complete pairs analysed
    estimate         REAL,                      -- Hodges-Lehmann estimate of ln(head/base)
    ci_low           REAL,
    ci_high          REAL,
    p                REAL,
    q                REAL,
    delta            REAL NOT NULL,             -- practical threshold used, as ln(1 + threshold)
    mde              REAL,
    verdict          TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    UNIQUE (run_id, host, benchmark, unit)
  );
  CREATE INDEX compare_results_floor ON compare_results (benchmark, unit, host_fingerprint, pin, rounds, is_aa);
  `,
  // detect: per-series state (incremental analysis), change points, alerts and their triage history.
  `
  -- The commit time of a measured revision, when known (nightly records it): series are ordered by it.
  CREATE TABLE IF NOT EXISTS revision_times (
    revision     TEXT PRIMARY KEY,
    committed_at TEXT NOT NULL
  );

  -- Series points computed once per finished nightly run (a run resumed later is computed again).
  CREATE TABLE detect_runs (
    run_id       INTEGER PRIMARY KEY REFERENCES runs(id),
    finished_at  TEXT
  );
  CREATE TABLE detect_points (
    series_key    TEXT NOT NULL,
    identity_json TEXT NOT NULL,        -- what the key is made of, and the series' role
    run_id        INTEGER NOT NULL REFERENCES runs(id),
    revision      TEXT,
    t             TEXT NOT NULL,        -- commit time, else run start: the series order
    value         REAL NOT NULL,        -- log scale
    lo            REAL,
    hi            REAL,
    host_env_id   INTEGER,
    PRIMARY KEY (series_key, run_id)
  );
  CREATE INDEX detect_points_run ON detect_points (run_id);

  CREATE TABLE detect_series (
    key            TEXT PRIMARY KEY,   -- benchmark, unit, host, family, pin, GOMAXPROCS, emulation, toolchain, role
    benchmark      TEXT NOT NULL,
    unit           TEXT NOT NULL,
    host           TEXT NOT NULL,
    role           TEXT NOT NULL CHECK (role IN ('ratio', 'absolute', 'anchor')),
    suite          TEXT,
    points         INTEGER NOT NULL,   -- points analysed last time
    segment_start  INTEGER NOT NULL,   -- index after the last confirmed change point
    pending_json   TEXT,               -- the candidate that stood last time, still pending
    last_point_at  TEXT,
    last_run_id    INTEGER,
    updated_at     TEXT NOT NULL
  );

  CREATE TABLE change_points (
    id            INTEGER PRIMARY KEY,
    series_key    TEXT NOT NULL REFERENCES detect_series(key),
    idx           INTEGER NOT NULL,    -- first point after the change
    good_run_id   INTEGER,
    bad_run_id    INTEGER,
    last_good     TEXT,                -- revision of the last point before the change
    first_bad     TEXT,                -- revision of the first point after it
    effect        REAL NOT NULL,       -- ln(after / before), medians of the two segments
    p             REAL NOT NULL,
    q             REAL NOT NULL,
    permutations  INTEGER NOT NULL,
    block         INTEGER NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('code', 'environment')),
    env_json      TEXT,                -- facts that differ across the change, and whether the anchor moved
    detected_at   TEXT NOT NULL,
    UNIQUE (series_key, idx)
  );

  CREATE TABLE alerts (
    id             INTEGER PRIMARY KEY,
    kind           TEXT NOT NULL CHECK (kind IN ('regression', 'improvement', 'environment', 'liveness')),
    state          TEXT NOT NULL CHECK (state IN ('new', 'acknowledged', 'true', 'false', 'environment', 'expected')),
    change_point_id INTEGER REFERENCES change_points(id),
    host           TEXT,
    suite          TEXT,
    benchmark      TEXT,
    unit           TEXT,
    last_good      TEXT,
    first_bad      TEXT,
    effect         REAL,
    dedup_key      TEXT UNIQUE,        -- liveness: one open alert per condition
    message        TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
  );

  CREATE TABLE alert_history (
    id        INTEGER PRIMARY KEY,
    alert_id  INTEGER NOT NULL REFERENCES alerts(id),
    state     TEXT NOT NULL,
    note      TEXT,
    at        TEXT NOT NULL
  );
  CREATE INDEX alert_history_alert ON alert_history (alert_id, id);
  `,
  // Profiles of benchmark processes run after the measured ones (never samples).
  // The files live content-addressed in <database dir>/profiles/<sha256>.
  `
  CREATE TABLE profiles (
    id             INTEGER PRIMARY KEY,
    run_id         INTEGER NOT NULL REFERENCES runs(id),
    job_id         INTEGER REFERENCES jobs(id),   -- the last measured job of the suite on the host
    build_id       INTEGER REFERENCES builds(id),
    host           TEXT NOT NULL,
    suite          TEXT NOT NULL,
    side           TEXT NOT NULL,                 -- base, head, or the run's variant ('run' when none)
    benchmark      TEXT NOT NULL,                 -- stored name, after "Benchmark", with -N
    kind           TEXT NOT NULL CHECK (kind IN ('cpu', 'alloc', 'block', 'mutex', 'gc')),
    status         TEXT NOT NULL CHECK (status IN ('ok', 'failed')),
    sha256         TEXT,                          -- NULL when the capture failed
    bytes          INTEGER,
    binary_sha256  TEXT NOT NULL,
    ops            INTEGER,                       -- operations the profiled process ran
    ns_per_op      REAL,                          -- its own figure: context only, never a sample
    notes_json     TEXT NOT NULL DEFAULT '[]',
    error          TEXT,
    created_at     TEXT NOT NULL,
    UNIQUE (run_id, host, side, benchmark, kind)
  );
  CREATE INDEX profiles_sha ON profiles (sha256);
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
  // benchstat's table per compare session and host, as `metalbench stat`
  // prints it for the two sides, stored once when the session is analysed so
  // the site never rereads a session's samples to show it.
  `
  CREATE TABLE compare_tables (
    run_id     INTEGER NOT NULL REFERENCES runs(id),
    host       TEXT NOT NULL,
    text       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (run_id, host)
  );
  `,
  // A screening session's outcome, for the measured false-alarm rate of A/A
  // comparisons (results/paired/error-rate.ts): regression candidates it
  // raised, and how many its confirmation confirmed (NULL when no
  // confirmation ran). Both NULL for a session that did not complete.
  `
  ALTER TABLE compare_sessions ADD COLUMN screened INTEGER;
  ALTER TABLE compare_sessions ADD COLUMN confirmed INTEGER;
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;
