/**
 * Reading a pprof profile (gzipped protobuf, as Go writes it) into per-function
 * flat and cumulative cost for one sample type. Go's runtime names functions
 * from its own tables, so profiles of binaries built with -ldflags=-s -w are
 * symbolized too; a location with no function (another producer, a damaged
 * file) is counted and can be named from the binary (see symbolize.ts).
 */
import { gunzipSync } from 'node:zlib';
import { Profile } from 'pprof-format';
import type { ProfileKind } from './kinds.ts';

export interface FunctionCost {
  name: string;
  file: string;
  /** Cost in frames where the function itself was running. */
  flat: number;
  /** Cost in every stack the function was on. */
  cum: number;
}

export interface ProfileSummary {
  /** The sample type read, e.g. "cpu", "alloc_space", "delay". */
  sampleType: string;
  unit: string;
  /** Every sample type the profile has. */
  sampleTypes: string[];
  total: number;
  samples: number;
  functions: Map<string, FunctionCost>;
  /** Locations without a function name, by address (hex). */
  unsymbolized: Set<string>;
}

/** The sample type a diff of each kind reads by default. */
export const DEFAULT_SAMPLE_TYPE: Record<Exclude<ProfileKind, 'gc'>, string> = {
  cpu: 'cpu',
  alloc: 'alloc_space',
  block: 'delay',
  mutex: 'delay',
};

/** Frames the runtime injects into an interrupted goroutine (see summarize). */
const PREEMPT = new Set(['runtime.asyncPreempt', 'runtime.asyncPreempt2']);

export function decodeProfile(data: Uint8Array): Profile {
  const raw = data.length > 1 && data[0] === 0x1f && data[1] === 0x8b ? gunzipSync(data) : data;
  return Profile.decode(raw);
}

export function summarize(data: Uint8Array, sampleType: string, names: Map<string, string> = new Map()): ProfileSummary {
  const p = decodeProfile(data);
  const str = (i: number | bigint) => p.stringTable.strings[Number(i)] ?? '';
  const types = p.sampleType.map((t) => str(t.type));
  const index = types.indexOf(sampleType);
  if (index < 0) throw new Error(`the profile has no sample type "${sampleType}" (it has: ${types.join(', ') || 'none'})`);
  const unit = str(p.sampleType[index]!.unit);
  const fnName = new Map<number, { name: string; file: string }>();
  for (const f of p.function) fnName.set(Number(f.id), { name: str(f.name), file: str(f.filename) });
  const unsymbolized = new Set<string>();
  // Each location → its frames, innermost (inlined callee) first.
  const frames = new Map<number, { name: string; file: string }[]>();
  for (const loc of p.location) {
    const fs = loc.line.map((l) => fnName.get(Number(l.functionId))).filter((f): f is { name: string; file: string } => f !== undefined && f.name !== '');
    if (fs.length === 0) {
      const addr = `0x${BigInt(loc.address).toString(16)}`;
      unsymbolized.add(addr);
      fs.push({ name: names.get(addr) ?? addr, file: '' });
    }
    frames.set(Number(loc.id), fs);
  }
  const functions = new Map<string, FunctionCost>();
  const cost = (f: { name: string; file: string }) => {
    let c = functions.get(f.name);
    if (!c) functions.set(f.name, (c = { name: f.name, file: f.file, flat: 0, cum: 0 }));
    return c;
  };
  let total = 0;
  for (const s of p.sample) {
    const v = Number(s.value[index] ?? 0);
    if (v === 0) continue;
    total += v;
    // The stack, leaf first, one entry per (possibly inlined) function.
    let stack = s.locationId.flatMap((id) => frames.get(Number(id)) ?? []);
    // A signal injects runtime.asyncPreempt into whatever goroutine the
    // scheduler preempts; a sample taken there is charged to the function it
    // interrupted, or load on the machine would show up as a code change.
    const preempt = stack.findIndex((f) => PREEMPT.has(f.name));
    if (preempt >= 0 && preempt + 1 < stack.length) stack = stack.slice(preempt + 1);
    const seen = new Set<string>();
    stack.forEach((f, i) => {
      if (i === 0) cost(f).flat += v;
      if (!seen.has(f.name)) {
        seen.add(f.name);
        cost(f).cum += v;
      }
    });
  }
  return { sampleType, unit, sampleTypes: types, total, samples: p.sample.length, functions, unsymbolized };
}
