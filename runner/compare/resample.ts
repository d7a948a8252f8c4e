/**
 * Many-benchmark A/A comparisons made from real A/A rounds: each synthetic
 * comparison draws m benchmark sessions from a pool of stored A/A sessions,
 * bootstraps R rounds from each, and decides them exactly as compare does
 * (results/paired: BH across the m, then a confirmation session drawn from
 * another stored session of the same benchmark). The same draws are judged
 * by benchstat's rule (Mann–Whitney U per benchmark at α = 0.05) for the
 * side-by-side figure.
 */
import { compareRows, confirmCandidates, type PairedInput } from '../../results/paired/index.ts';
import { mannWhitneyU } from '../../results/stats/utest.ts';
import { rng } from './plan.ts';

/** One benchmark × unit of one stored A/A session: its rounds as (base, head) pairs. */
export interface PoolEntry {
  benchmark: string;
  session: number;
  base: number[];
  head: number[];
}

export interface FalseAlarmResult {
  m: number;
  comparisons: number;
  /** Comparisons with ≥ 1 confirmed regression (metalbench). */
  metalbench: number;
  /** Comparisons with ≥ 1 screening regression before confirmation. */
  screened: number;
  /** Comparisons where benchstat's rule flags ≥ 1 benchmark. */
  benchstat: number;
}

function draw(e: PoolEntry, rounds: number, r: () => number): { base: number[]; head: number[] } {
  const base: number[] = [];
  const head: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const k = Math.floor(r() * e.base.length);
    base.push(e.base[k]!);
    head.push(e.head[k]!);
  }
  return { base, head };
}

export function resampledFalseAlarms(pool: readonly PoolEntry[], m: number, comparisons: number, rounds: number, seed: string, threshold = 0.01): FalseAlarmResult {
  const r = rng(seed, `aa:${m}`);
  const byBench = new Map<string, PoolEntry[]>();
  for (const e of pool) byBench.set(e.benchmark, [...(byBench.get(e.benchmark) ?? []), e]);
  const out: FalseAlarmResult = { m, comparisons, metalbench: 0, screened: 0, benchstat: 0 };
  for (let c = 0; c < comparisons; c++) {
    const chosen = Array.from({ length: m }, () => pool[Math.floor(r() * pool.length)]!);
    const inputs: PairedInput[] = chosen.map((e, i) => ({ host: 'h', benchmark: `${e.benchmark}#${i}`, unit: 'sec/op', ...draw(e, rounds, r) }));
    const rows = compareRows(inputs, { threshold });
    const cands = rows.map((row, i) => ({ row, i })).filter((x) => x.row.verdict === 'regression');
    if (cands.length > 0) out.screened++;
    if (cands.length > 0) {
      const pairs = cands.map(({ row, i }) => {
        // Confirmation: another stored session of the same benchmark when there is one.
        const same = byBench.get(chosen[i]!.benchmark)!;
        const others = same.filter((e) => e.session !== chosen[i]!.session);
        const src = (others.length > 0 ? others : same)[Math.floor(r() * (others.length > 0 ? others.length : same.length))]!;
        return { candidate: row, confirmation: { host: 'h', benchmark: row.benchmark, unit: 'sec/op', ...draw(src, rounds, r) } };
      });
      if (confirmCandidates(pairs).confirmed > 0) out.metalbench++;
    }
    if (inputs.some((inp) => mannWhitneyU([...(inp.base as number[])].sort((a, b) => a - b), [...(inp.head as number[])].sort((a, b) => a - b)).p < 0.05)) out.benchstat++;
  }
  return out;
}
