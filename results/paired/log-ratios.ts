// Per-round log ratios d_r = ln(head_r / base_r). A round is the unit of
// evidence: base and head ran as fresh processes back to back, so the pair
// shares the host's state and the ratio cancels it.

/** One side's value in one round; null or undefined when that side has no value. */
export type RoundValue = number | null | undefined;

export interface LogRatios {
  /** ln(head_r / base_r) for the usable rounds, in round order. */
  d: number[];
  /** Index of the round each d comes from. */
  rounds: number[];
  /** Rounds with a side missing (or the other side's array shorter). */
  missing: number;
  /** Rounds where a value is zero, negative or not finite, so no ratio exists. */
  invalid: number;
}

/**
 * Aligns two per-round arrays (index = round) and takes log ratios. Rounds
 * without both sides are skipped and counted, never filled in.
 */
export function logRatios(base: ReadonlyArray<RoundValue>, head: ReadonlyArray<RoundValue>): LogRatios {
  const n = Math.max(base.length, head.length);
  const d: number[] = [];
  const rounds: number[] = [];
  let missing = 0;
  let invalid = 0;
  for (let r = 0; r < n; r++) {
    const b = base[r];
    const h = head[r];
    if (b === null || b === undefined || h === null || h === undefined) {
      missing++;
      continue;
    }
    if (!(b > 0 && h > 0 && Number.isFinite(b) && Number.isFinite(h))) {
      invalid++;
      continue;
    }
    d.push(Math.log(h / b));
    rounds.push(r);
  }
  return { d, rounds, missing, invalid };
}

/**
 * One process's value for a round when it printed several samples (-count > 1):
 * their median, so one disturbed iteration does not move the round.
 */
export function roundValue(samples: ReadonlyArray<number>): number | null {
  if (samples.length === 0) return null;
  const s = [...samples].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 === 1 ? s[h]! : (s[h - 1]! + s[h]!) / 2;
}

/** A log ratio as a relative change: e^x − 1 (0.05 = +5 %). */
export function toRelative(x: number): number {
  return Math.expm1(x);
}

/** A relative change as a log ratio: ln(1 + r). */
export function toLog(r: number): number {
  return Math.log1p(r);
}

/** Short account of skipped rounds for tables and comments ("" when none). */
export function describeSkipped(l: Pick<LogRatios, 'missing' | 'invalid'>): string {
  const parts: string[] = [];
  if (l.missing > 0) parts.push(`${l.missing} round${l.missing === 1 ? '' : 's'} without both sides`);
  if (l.invalid > 0) parts.push(`${l.invalid} round${l.invalid === 1 ? '' : 's'} with a non-positive value`);
  return parts.join(', ');
}
