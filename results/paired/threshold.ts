// The practical threshold δ: the smallest change worth a verdict. It is the
// larger of the user's threshold and the noise floor, the 95th percentile of
// |A/A estimate| over the last K A/A sessions made with the same protocol
// (benchmark × host fingerprint × pin × unit). A change the host produces on
// its own when nothing changed is not a change worth failing a PR for.
// Everything is on the log-ratio scale; helpers convert to and from %.

import { quantileSorted } from 'simple-statistics';
import { toLog, toRelative } from './log-ratios.ts';

export const DEFAULT_THRESHOLD = 0.01;
export const DEFAULT_FLOOR_SESSIONS = 20;
export const DEFAULT_FLOOR_QUANTILE = 0.95;
/** Fewer A/A sessions than this give no floor (a 95th percentile of 2 values is their max, not a floor). */
export const MIN_FLOOR_SESSIONS = 5;

export interface NoiseFloor {
  /** |log ratio| at the quantile. */
  value: number;
  /** A/A sessions it was computed from (≤ K). */
  sessions: number;
  quantile: number;
}

/**
 * The noise floor from A/A estimates (log ratios, oldest first): the
 * `quantile` (type 7, linear interpolation, as numpy and R's default) of the
 * absolute values of the last `k`. Undefined when fewer than
 * MIN_FLOOR_SESSIONS estimates exist.
 */
export function noiseFloor(aaEstimates: ReadonlyArray<number>, k = DEFAULT_FLOOR_SESSIONS, quantile = DEFAULT_FLOOR_QUANTILE): NoiseFloor | undefined {
  if (!(k >= 1)) throw new RangeError(`noise floor: K must be ≥ 1, got ${k}`);
  if (!(quantile > 0 && quantile <= 1)) throw new RangeError(`noise floor: quantile must be in (0, 1], got ${quantile}`);
  const finite = aaEstimates.filter((x) => Number.isFinite(x));
  const last = finite.slice(Math.max(0, finite.length - k));
  if (last.length < MIN_FLOOR_SESSIONS) return undefined;
  const abs = last.map(Math.abs).sort((a, b) => a - b);
  return { value: quantileSorted(abs, quantile), sessions: last.length, quantile };
}

export interface PracticalThreshold {
  /** δ on the log scale: a change counts when |log ratio| > value. */
  value: number;
  /** δ as a relative change (e^value − 1). */
  relative: number;
  source: 'threshold' | 'noise-floor';
  /** The user threshold (relative) and the floor (log), for the record. */
  threshold: number;
  floor?: NoiseFloor;
}

/** δ = max(ln(1 + threshold), floor). */
export function practicalThreshold(threshold = DEFAULT_THRESHOLD, floor?: NoiseFloor): PracticalThreshold {
  if (!(threshold >= 0 && threshold < 10)) throw new RangeError(`threshold must be a relative change in [0, 10), got ${threshold}`);
  const t = toLog(threshold);
  const useFloor = floor !== undefined && floor.value > t;
  const value = useFloor ? floor.value : t;
  const out: PracticalThreshold = { value, relative: toRelative(value), source: useFloor ? 'noise-floor' : 'threshold', threshold };
  if (floor) out.floor = floor;
  return out;
}
