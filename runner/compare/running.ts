/**
 * The running estimate shown on a terminal after each round: per benchmark
 * the median of ln(head/base) over the rounds so far (time per op only),
 * summarised as the median and the worst benchmark.
 */
import type { Store } from '../../results/store/store.ts';

export function runningEstimate(store: Store, runId: number, host: string): string | undefined {
  const rows = store.db
    .prepare<[number, string], { benchmark: string; round: number; side: string; value: number }>(
      `SELECT b.name AS benchmark, j.round, j.side, s.value FROM samples s JOIN jobs j ON j.id = s.job_id JOIN benchmarks b ON b.id = s.benchmark_id
       WHERE s.run_id = ? AND j.host = ? AND s.unit = 'sec/op' AND s.value > 0`,
    )
    .all(runId, host);
  const pairs = new Map<string, Map<number, { base?: number; head?: number }>>();
  for (const r of rows) {
    const m = pairs.get(r.benchmark) ?? new Map<number, { base?: number; head?: number }>();
    const slot = m.get(r.round) ?? {};
    slot[r.side as 'base' | 'head'] = r.value;
    m.set(r.round, slot);
    pairs.set(r.benchmark, m);
  }
  const est: Array<[string, number]> = [];
  for (const [name, m] of pairs) {
    const d = [...m.values()].filter((s) => s.base && s.head).map((s) => Math.log(s.head! / s.base!));
    if (d.length > 0) est.push([name, median(d)]);
  }
  if (est.length === 0) return undefined;
  const pct = (x: number) => `${x >= 0 ? '+' : ''}${(Math.expm1(x) * 100).toFixed(1)}%`;
  const worst = est.reduce((a, b) => (b[1] > a[1] ? b : a));
  return `${est.length} benchmarks, median Δ ${pct(median(est.map((e) => e[1])))}, worst ${pct(worst[1])} ${worst[0]}`;
}

function median(xs: number[]): number {
  const a = [...xs].sort((x, y) => x - y);
  const n = a.length;
  return n % 2 ? a[(n - 1) / 2]! : (a[n / 2 - 1]! + a[n / 2]!) / 2;
}
