/**
 * Findings computed by other parts of metalbench that the site draws and
 * lists: open alerts and change points (nightly detection) and stored
 * comparisons. Each is read from its own source; a store without them gives
 * empty lists, and a caller (a test, a later reader) may supply its own.
 */
import { loadComparisons, type CompareSession } from './comparisons.ts';
import { loadFindings } from './detection.ts';
import type { DB } from './open.ts';

/** A detected change in one series between two revisions. */
export interface Finding {
  /** alert: a performance alert; changepoint: a confirmed change; environment, liveness: alerts about hosts and runs. */
  kind: 'alert' | 'changepoint' | 'environment' | 'liveness';
  /** undefined: the finding names the benchmark only, in whichever package has it. */
  pkg: string | null | undefined;
  benchmark: string;
  unit: string;
  host: string;
  /** The last revision before the change and the first after it. */
  fromRevision: string | null;
  toRevision: string | null;
  /** x of the first point after the change (ISO 8601). */
  at: string;
  /** Relative change of the median (+0.12 = 12 % larger) and its confidence interval. */
  change: number;
  ciLow: number | null;
  ciHigh: number | null;
  status: string;
  /** The detector's own words, when it gave them. */
  message?: string;
  /** An alert's stored profiles: their page under profiles/ (see site/profiles.ts), one per profiled benchmark. */
  profiles?: { page: string; run: number; kinds: string[] }[];
}

export interface AttentionSource {
  findings(db: DB): Finding[];
  comparisons(db: DB): CompareSession[];
}

/** What the store holds: detection's alerts and change points, compare's sessions, when it has their tables. */
export const storeAttention: AttentionSource = {
  findings: loadFindings,
  comparisons: loadComparisons,
};
