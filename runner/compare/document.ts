/**
 * The comparison as one document: what --json writes (schema in
 * compare.schema.json) and what the text and markdown renderers read, so
 * every figure a person sees has its machine-readable twin.
 */
import type { Side, SideOverrides } from './args.ts';
import type { PairedRow, Verdict } from './analyze.ts';

export interface SessionDoc {
  runId: number;
  role: 'screen' | 'confirm';
  seed: string;
  rounds: number;
  status: string;
  /** Per host: side order of each round. */
  orders: Record<string, Side[][]>;
  /** Per host: the benchmarks measured and the fixed iterations of each process. */
  plans: Record<string, { benches: Array<{ suite: string; name: string; iters: number }>; added: string[]; removed: string[] }>;
  failedJobs: number;
}

export interface HostDoc {
  name: string;
  fingerprint: string;
  pin: string;
  cpu: string;
  kernel: string;
  goarch: string;
  /** sha256 of the test binaries, per side and suite. */
  binaries: Record<Side, Record<string, string>>;
}

export interface ResultDoc extends Omit<PairedRow, 'sampleIds'> {
  /** The estimate and CI as percent changes of head over base. */
  changePct: number | null;
  ciLowPct: number | null;
  ciHighPct: number | null;
  deltaPct: number;
  mdePct: number | null;
  sampleIds: Array<[number | null, number | null]>;
}

export interface ConfirmationDoc {
  host: string;
  benchmark: string;
  unit: string;
  confirmHost: string;
  confirmed: boolean;
  reason: string;
  again: ResultDoc | null;
}

export interface CompareDoc {
  schema: 'metalbench-compare/1';
  paired: true;
  command: string;
  spec: string;
  repo: string;
  aa: boolean;
  threshold: number;
  base: { ref: string; sha: string; overrides: SideOverrides };
  head: { ref: string; sha: string; workingTree: boolean; overrides: SideOverrides };
  sessions: SessionDoc[];
  hosts: HostDoc[];
  added: Array<{ host: string; benchmark: string }>;
  removed: Array<{ host: string; benchmark: string }>;
  results: ResultDoc[];
  screened: number;
  confirmation: { skipped: boolean; items: ConfirmationDoc[]; confirmed: number };
  counts: Record<Verdict, number>;
  exit: { code: number; reason: string };
}

export const pct = (x: number | null): number | null => (x === null || !Number.isFinite(x) ? null : Math.expm1(x) * 100);

export function resultDoc(row: PairedRow): ResultDoc {
  // Only the document's fields: analysed rows also carry the statistics' inputs.
  const { input: _i, verdictRow: _v, ...r } = row as PairedRow & { input?: unknown; verdictRow?: unknown };
  return {
    ...r,
    changePct: pct(r.estimate),
    ciLowPct: pct(r.ciLow),
    ciHighPct: pct(r.ciHigh),
    deltaPct: pct(r.delta)!,
    mdePct: pct(r.mde),
    baseMedian: Number.isFinite(r.baseMedian) ? r.baseMedian : 0,
    headMedian: Number.isFinite(r.headMedian) ? r.headMedian : 0,
  };
}

export function countVerdicts(rows: readonly { verdict: Verdict }[]): Record<Verdict, number> {
  const c: Record<Verdict, number> = { regression: 0, improvement: 0, 'no change': 0, inconclusive: 0 };
  for (const r of rows) c[r.verdict]++;
  return c;
}
