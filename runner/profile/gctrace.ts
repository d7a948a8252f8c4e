/**
 * `GODEBUG=gctrace=1` lines, e.g.
 *   gc 3 @0.021s 4%: 0.018+1.2+0.004 ms clock, 0.036+0.41/1.0/0+0.008 ms cpu, 4->4->1 MB, 5 MB goal, 0 MB stacks, 0 MB globals, 2 P
 * summed into what a regression reader wants per operation: collections,
 * stop-the-world pause (the first and third clock phases) and heap goal.
 */

export interface GcTrace {
  collections: number;
  /** Sum of the two stop-the-world phases of every collection, in nanoseconds. */
  pauseTotalNs: number;
  /** Wall-clock time of the concurrent mark phases, in nanoseconds. */
  markTotalNs: number;
  /** Median heap goal, in bytes. */
  heapGoalMedianBytes: number | null;
  /** Largest heap goal, in bytes. */
  heapGoalMaxBytes: number | null;
  /** Median live heap after a collection, in bytes. */
  liveHeapMedianBytes: number | null;
  /** Collections forced by runtime.GC (testing calls it before each run). */
  forced: number;
}

export interface GcPerOp extends GcTrace {
  ops: number;
  collectionsPerOp: number;
  pauseNsPerOp: number;
}

const LINE = /^gc \d+ @[0-9.]+s \d+%: ([0-9.]+)\+([0-9.]+)\+([0-9.]+) ms clock, .*?, (\d+)->(\d+)->(\d+) (MB|KB|B), (\d+) (MB|KB|B) goal(.*)$/;
const SCALE: Record<string, number> = { B: 1, KB: 1 << 10, MB: 1 << 20 };

/** Only the gctrace lines of `text` count; anything else (test output, warnings) is ignored. */
export function parseGcTrace(text: string): GcTrace {
  let collections = 0;
  let pause = 0;
  let mark = 0;
  let forced = 0;
  const goals: number[] = [];
  const live: number[] = [];
  for (const line of text.split('\n')) {
    const m = LINE.exec(line.trim());
    if (!m) continue;
    collections++;
    pause += (Number(m[1]) + Number(m[3])) * 1e6;
    mark += Number(m[2]) * 1e6;
    live.push(Number(m[6]) * SCALE[m[7]!]!);
    goals.push(Number(m[8]) * SCALE[m[9]!]!);
    if (m[10]!.includes('(forced)')) forced++;
  }
  return {
    collections,
    pauseTotalNs: Math.round(pause),
    markTotalNs: Math.round(mark),
    heapGoalMedianBytes: median(goals),
    heapGoalMaxBytes: goals.length ? Math.max(...goals) : null,
    liveHeapMedianBytes: median(live),
    forced,
  };
}

export function gcPerOp(t: GcTrace, ops: number): GcPerOp {
  return { ...t, ops, collectionsPerOp: ops > 0 ? t.collections / ops : 0, pauseNsPerOp: ops > 0 ? t.pauseTotalNs / ops : 0 };
}

function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
