// Units exact by nature (allocs/op, assume=exact) are judged by equality,
// outside the FDR family: one more allocation is a real change, however small,
// and no amount of noise makes it one.

import type { Better } from './units.ts';
import type { RoundValue } from './log-ratios.ts';

export type ExactOutcome = 'regression' | 'improvement' | 'no-change' | 'inconclusive';

export interface ExactJudgement {
  outcome: ExactOutcome;
  /** The side's value when every round agrees, else undefined. */
  base?: number;
  head?: number;
  /** head/base − 1 of the sides' medians (NaN when base is 0 and head is not). */
  change: number;
  reason: string;
}

function present(xs: ReadonlyArray<RoundValue>): number[] {
  const out: number[] = [];
  for (const x of xs) if (x !== null && x !== undefined && !Number.isNaN(x)) out.push(x);
  return out.sort((a, b) => a - b);
}

function median(s: number[]): number {
  const h = s.length >> 1;
  return s.length % 2 === 1 ? s[h]! : (s[h - 1]! + s[h]!) / 2;
}

/**
 * Equal → no change. Different → regression or improvement by the unit's
 * direction, when each side is constant or the sides do not overlap at all.
 * Overlapping values that vary between rounds are not exact: inconclusive.
 */
export function judgeExact(base: ReadonlyArray<RoundValue>, head: ReadonlyArray<RoundValue>, better: Better): ExactJudgement {
  const b = present(base);
  const h = present(head);
  if (b.length === 0 || h.length === 0) return { outcome: 'inconclusive', change: NaN, reason: `no values on the ${b.length === 0 ? 'base' : 'head'} side` };
  const bConst = b[0] === b[b.length - 1];
  const hConst = h[0] === h[h.length - 1];
  const mb = median(b);
  const mh = median(h);
  const change = mb === 0 ? (mh === 0 ? 0 : NaN) : mh / mb - 1;
  const out: Pick<ExactJudgement, 'base' | 'head' | 'change'> = { change };
  if (bConst) out.base = b[0]!;
  if (hConst) out.head = h[0]!;
  if (bConst && hConst && b[0] === h[0]) return { outcome: 'no-change', ...out, reason: 'equal' };
  const headAbove = h[0]! > b[b.length - 1]!;
  const headBelow = h[h.length - 1]! < b[0]!;
  if (!headAbove && !headBelow) {
    return { outcome: 'inconclusive', ...out, reason: 'values vary between rounds and the sides overlap: not exact' };
  }
  const worse = better === 'lower' ? headAbove : headBelow;
  return { outcome: worse ? 'regression' : 'improvement', ...out, reason: bConst && hConst ? 'differ' : 'sides vary but do not overlap' };
}
