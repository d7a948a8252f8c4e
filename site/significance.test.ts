import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { SeriesRow } from './rows.ts';
import { qValues, significantAfterCorrection } from './significance.ts';
import type { SiteState } from './state.ts';

const row = (host: string, p: number, trigger = 'nightly'): SeriesRow => ({
  unit: 'sec/op',
  host,
  trigger,
  goarch: null,
  min: 1,
  max: 2,
  latest: { runId: 1, at: '2025-01-01', median: 1, lo: null, hi: null, n: 10, fingerprint: null },
  verdict: { change: 0.01, p, significant: p <= 0.05, n: [10, 10], note: null },
  envChange: null,
  recent: [],
});

test('of 200 series at the noise level, the few with p < 0.05 by chance are not significant; a real step is', () => {
  const series: SeriesRow[] = [];
  // p-values spread evenly over (0, 1]: ten of them fall under 0.05 by chance.
  for (let i = 1; i <= 200; i++) series.push(row(`h${i}`, i / 200));
  const step = row('step', 1e-5);
  const pr = row('pr', 1e-6, 'pr');
  const state: SiteState = { format: 3, inputs: '', watermark: 0, hosts: [], pages: { p: { benchmarkId: 1, pkg: null, name: 'X', months: [], series: [...series, step, pr] } } };
  const q = qValues(state, (t) => t === 'nightly');
  assert.is(q.size, 201);
  assert.not.ok(q.has(pr), 'PR rows are not in the family');
  assert.ok(significantAfterCorrection(q.get(step)));
  assert.is(series.filter((s) => s.verdict!.p <= 0.05).length, 10);
  assert.is(series.filter((s) => significantAfterCorrection(q.get(s))).length, 0);
});

test.run();
