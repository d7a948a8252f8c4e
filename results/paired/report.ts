// The comparison report: what the compare runner fills in (identities,
// protocol, per-host facts, benchstat tables, verdict rows, confirmation) and
// the summary derived from it. Rendering (text, markdown, JSON) works from
// this value alone. The JSON form is described by compare-report.schema.json.

import type { AaRecord } from './error-rate.ts';
import type { VerdictKind, VerdictRow } from './verdict.ts';
import type { ConfirmationSummary } from './confirm.ts';

export const REPORT_SCHEMA_VERSION = 1;

/** One side of the comparison. */
export interface SideIdentity {
  /** The ref as given (branch, tag, SHA, "." for the working tree, a run id or a file). */
  ref: string;
  /** Full commit SHA when the side is a commit. */
  sha?: string;
  /** The working tree had uncommitted changes (head "."). */
  dirty?: boolean;
  /** Build and environment overrides: go version, GOAMD64, gcflags, pgo, env vars. */
  overrides?: Record<string, string>;
  /** A stored run id when the side came from the database. */
  runId?: number;
  /** A file when the side came from a benchmark output file. */
  file?: string;
}

export interface Protocol {
  /** Rounds per host in the screening session. */
  rounds: number;
  /** Rounds of the confirmation session (≥ rounds); absent with --no-confirm. */
  confirmRounds?: number;
  /** Order scheme within rounds, e.g. "abba-random". */
  order: string;
  alpha: number;
  confidence: number;
  /** User threshold (relative). */
  threshold: number;
  /** K A/A sessions the noise floors look back over. */
  floorSessions: number;
  /** -test.benchtime per benchmark, calibrated on base ("1000x"). */
  benchtime?: Record<string, string>;
  failOn: 'regression' | 'inconclusive' | 'never';
}

export interface Binary {
  /** GOOS/GOARCH (and level) the binary was built for. */
  target: string;
  suite: string;
  sha256: string;
}

/** One measured session on one host (screening or confirmation). */
export interface SessionRecord {
  /** Seed of the order randomisation. */
  seed: string;
  /** Per round, which side ran first: "AB" (base first) or "BA". */
  orders: string[];
  /** Stored sample ids per side. */
  sampleIds: { base: number[]; head: number[] };
  /** Stored run id of the session, when stored. */
  runId?: number;
  startedAt?: string;
  endedAt?: string;
}

export interface HostReport {
  name: string;
  /** GOOS/GOARCH. */
  arch: string;
  /** Host facts fingerprint (hash of the facts below). */
  fingerprint: string;
  /** Probed facts shown in the details (kernel, CPU model, governor, …). */
  facts: Record<string, string>;
  /** Pin identity: which CPUs, GOMAXPROCS, isolation, as the run records it. */
  pin: { identity: string; cpus?: string; gomaxprocs?: number };
  session: SessionRecord;
  binaries: { base: Binary[]; head: Binary[] };
  /** benchstat's table for the two sides, byte-identical to `metalbench stat`. */
  benchstat: string;
  /** Benchmarks present on one side only. */
  added: string[];
  removed: string[];
  /** Set when the session is partial or invalid on this host (exit 3). */
  invalid?: string;
}

export interface CompareReport {
  schemaVersion: typeof REPORT_SCHEMA_VERSION;
  /** "paired" for rounds; "unpaired" for two files or two stored runs without rounds (no verdicts then). */
  kind: 'paired' | 'unpaired';
  spec?: string;
  base: SideIdentity;
  head: SideIdentity;
  protocol: Protocol;
  hosts: HostReport[];
  /** Verdict rows of all hosts (row.host names the host). */
  rows: VerdictRow[];
  confirmation?: ConfirmationSummary & { hosts?: Array<{ host: string; session: SessionRecord }> };
  /** The exact command that reproduces the comparison (argv). */
  reproduce: string[];
  /** The comparison's page on the published site (`metalbench site`), when its address is known. */
  pageUrl?: string;
  /** The protocol's false-alarm rate as measured here: stored A/A comparisons of the same spec and rounds (error-rate.ts). */
  aaRecord?: AaRecord;
  createdAt?: string;
}

export interface WorstRegression {
  host: string;
  benchmark: string;
  unit: string;
  change: number;
  ciLo?: number;
  ciHi?: number;
}

export interface ReportSummary {
  counts: Record<VerdictKind, number>;
  screened: number;
  /** Confirmed regressions (screened regressions when confirmation was skipped). */
  confirmed: number;
  confirmationSkipped: boolean;
  worst?: WorstRegression;
  exitCode: 0 | 1 | 3;
}

/** How bad a row's change is, in the worse direction (log scale). */
function badness(r: VerdictRow): number {
  const x = Math.log1p(r.change);
  return r.better === 'lower' ? x : -x;
}

/** Counts, the worst confirmed regression and the exit code the report implies. */
export function summarize(report: CompareReport): ReportSummary {
  const counts: Record<VerdictKind, number> = { regression: 0, improvement: 0, 'no-change': 0, inconclusive: 0 };
  for (const r of report.rows) counts[r.verdict]++;
  const conf = report.confirmation;
  const regressions = report.rows.filter((r) => r.verdict === 'regression');
  const key = (r: { host: string; benchmark: string; unit: string }) => `${r.host}\u0000${r.benchmark}\u0000${r.unit}`;
  const confirmedKeys = conf ? new Set(conf.rows.filter((c) => c.confirmed).map(key)) : new Set(regressions.map(key));
  const confirmedRows = regressions.filter((r) => confirmedKeys.has(key(r)));
  let worst: WorstRegression | undefined;
  let worstBad = -Infinity;
  for (const r of confirmedRows) {
    const b = badness(r);
    if (b > worstBad) {
      worstBad = b;
      worst = { host: r.host, benchmark: r.benchmark, unit: r.unit, change: r.change };
      if (r.ciLo !== undefined) worst.ciLo = r.ciLo;
      if (r.ciHi !== undefined) worst.ciHi = r.ciHi;
    }
  }
  const invalid = report.hosts.some((h) => h.invalid !== undefined);
  const failOn = report.protocol.failOn;
  let exitCode: 0 | 1 | 3 = 0;
  if (failOn !== 'never' && confirmedRows.length > 0) exitCode = 1;
  if (failOn === 'inconclusive' && counts.inconclusive > 0) exitCode = 1;
  if (invalid) exitCode = 3;
  const out: ReportSummary = { counts, screened: regressions.length, confirmed: confirmedRows.length, confirmationSkipped: !conf, exitCode };
  if (worst) out.worst = worst;
  return out;
}
