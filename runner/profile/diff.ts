/**
 * Base vs head, per operation: which functions' flat and cumulative cost
 * changed most. Each side's cost is divided by the operations its profiled
 * process ran, so a side that ran longer is not mistaken for a slower one.
 */
import type { FunctionCost, ProfileSummary } from './read.ts';

export interface FunctionChange {
  name: string;
  file: string;
  /** Per-op cost in the profile's unit; 0 when the function is absent on that side. */
  baseFlat: number;
  headFlat: number;
  baseCum: number;
  headCum: number;
  /** head − base. */
  flatDelta: number;
  cumDelta: number;
  /** head / base; null when base is 0. */
  flatRatio: number | null;
  cumRatio: number | null;
}

export interface ProfileDiff {
  sampleType: string;
  /** Unit of the per-op figures, e.g. "nanoseconds/op". */
  unit: string;
  baseTotal: number;
  headTotal: number;
  /** Sorted by |flatDelta|, largest first. */
  byFlat: FunctionChange[];
  /** Sorted by |cumDelta|, largest first. */
  byCum: FunctionChange[];
}

export function diffProfiles(base: ProfileSummary, baseOps: number, head: ProfileSummary, headOps: number, top = 10): ProfileDiff {
  const names = new Set([...base.functions.keys(), ...head.functions.keys()]);
  const zero = (name: string): FunctionCost => ({ name, file: '', flat: 0, cum: 0 });
  const changes: FunctionChange[] = [];
  for (const name of names) {
    const b = base.functions.get(name) ?? zero(name);
    const h = head.functions.get(name) ?? zero(name);
    const bf = b.flat / baseOps;
    const hf = h.flat / headOps;
    const bc = b.cum / baseOps;
    const hc = h.cum / headOps;
    changes.push({
      name,
      file: h.file || b.file,
      baseFlat: bf,
      headFlat: hf,
      baseCum: bc,
      headCum: hc,
      flatDelta: hf - bf,
      cumDelta: hc - bc,
      flatRatio: bf > 0 ? hf / bf : null,
      cumRatio: bc > 0 ? hc / bc : null,
    });
  }
  const by = (k: 'flatDelta' | 'cumDelta') =>
    changes
      .filter((c) => c[k] !== 0)
      .sort((x, y) => Math.abs(y[k]) - Math.abs(x[k]) || (x.name < y.name ? -1 : 1))
      .slice(0, top);
  return {
    sampleType: head.sampleType,
    unit: `${head.unit}/op`,
    baseTotal: base.total / baseOps,
    headTotal: head.total / headOps,
    byFlat: by('flatDelta'),
    byCum: by('cumDelta'),
  };
}
