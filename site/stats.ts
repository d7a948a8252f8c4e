/**
 * The summary of one run's samples that a chart point shows: the median and
 * the spread around it.
 */
import { median, quantileSorted } from 'simple-statistics';

export interface Summary {
  n: number;
  median: number;
  /** First and third quartiles (the interquartile range). */
  q1: number;
  q3: number;
  min: number;
  max: number;
}

/** Summarize finite values; undefined when there are none. */
export function summarize(values: readonly number[]): Summary | undefined {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return undefined;
  return {
    n: sorted.length,
    median: median(sorted),
    q1: quantileSorted(sorted, 0.25),
    q3: quantileSorted(sorted, 0.75),
    min: sorted[0]!,
    max: sorted[sorted.length - 1]!,
  };
}
