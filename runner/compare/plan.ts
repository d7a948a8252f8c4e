/**
 * The plan of a paired session, reproducible from its seed: per host and
 * round, the side that runs first (ABBA blocks, each block's direction drawn
 * at random), the order of benchmarks inside the round, and the length of
 * the padding variable each process gets (it moves the stack by a random
 * amount, turning layout bias into noise that the rounds average out).
 */
import { createHash } from 'node:crypto';
import type { Side } from './args.ts';
import { mulberry32 } from '../../results/paired/random.ts';

/** A seeded generator per stream: mulberry32 seeded by sha256(seed, stream). */
export function rng(seed: string, stream: string): () => number {
  const h = createHash('sha256').update(seed).update('\0').update(stream).digest();
  return mulberry32(h.readUInt32LE(0));
}

export function newSeed(): string {
  return createHash('sha256').update(`${Date.now()}:${process.pid}:${Math.random()}`).digest('hex').slice(0, 16);
}

/** Which side runs first in each round: ABBA or BAAB per block of two, chosen at random. */
export function roundOrders(rounds: number, seed: string, host: string): Side[][] {
  const r = rng(seed, `order:${host}`);
  const out: Side[][] = [];
  for (let i = 0; i < rounds; i += 2) {
    const baseFirst = r() < 0.5;
    const first: Side[] = baseFirst ? ['base', 'head'] : ['head', 'base'];
    const second: Side[] = baseFirst ? ['head', 'base'] : ['base', 'head'];
    out.push(first);
    if (i + 1 < rounds) out.push(second);
  }
  return out;
}

function shuffle<T>(xs: readonly T[], r: () => number): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

/** One benchmark of a suite, measured as its own process with fixed work. */
export interface Measured {
  suite: string;
  /** The benchmark's name without the -N suffix, e.g. Chase/ws=32KiB. */
  name: string;
  /** Iterations per process (-test.benchtime=Nx), calibrated on base. */
  iters: number;
}

export interface PlannedPair {
  seq: number;
  host: string;
  round: number;
  side: Side;
  bench: Measured;
  /** Length of the padding environment variable. */
  pad: number;
}

export const PAD_VAR = 'METALBENCH_PAD';
const MAX_PAD = 4096;

/**
 * Every process of a session on one host, in run order. Sequence numbers
 * start at `firstSeq` so hosts planned one after another never collide.
 */
export function planHost(host: string, benches: readonly Measured[], rounds: number, seed: string, firstSeq: number): PlannedPair[] {
  const orders = roundOrders(rounds, seed, host);
  const r = rng(seed, `bench:${host}`);
  const out: PlannedPair[] = [];
  let seq = firstSeq;
  for (let round = 0; round < rounds; round++) {
    for (const bench of shuffle(benches, r)) {
      for (const side of orders[round]!) out.push({ seq: seq++, host, round, side, bench, pad: Math.floor(r() * MAX_PAD) });
    }
  }
  return out;
}

function quoteRegexp(s: string): string {
  return s.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
}

/** The -test.bench pattern that selects exactly one benchmark (each level anchored). */
export function exactPattern(name: string): string {
  return name
    .split('/')
    .map((part, i) => `^${quoteRegexp(i === 0 ? `Benchmark${part}` : part)}$`)
    .join('/');
}

/**
 * Names without the GOMAXPROCS suffix. Go adds "-N" only when N > 1, so a
 * suffix counts as one only when every result of the process carries it.
 */
export function stripProcs(names: readonly string[]): string[] {
  const suffix = (n: string) => /-([0-9]+)$/.exec(n)?.[1];
  const first = names.length > 0 ? suffix(names[0]!) : undefined;
  const all = first !== undefined && names.every((n) => suffix(n) !== undefined);
  return names.map((n) => (all ? n.replace(/-[0-9]+$/, '') : n));
}
