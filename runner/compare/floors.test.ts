import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Store } from '../../results/store/store.ts';
import { aaEstimates, type AnalysedRow } from './analyze.ts';
import { storeResults } from './floors.ts';

function row(over: Partial<AnalysedRow>): AnalysedRow {
  return {
    host: 'h',
    fingerprint: 'fp1',
    pin: 'cpus=1',
    benchmark: 'Spin',
    unit: 'sec/op',
    exact: false,
    higherIsBetter: false,
    pairs: 16,
    estimate: 0.01,
    ciLow: -0.01,
    ciHigh: 0.02,
    p: 0.5,
    pWorse: 0.25,
    q: 0.5,
    delta: Math.log1p(0.01),
    floor: null,
    mde: 0.02,
    roundsFor: null,
    verdict: 'no change',
    reason: '',
    baseMedian: 1,
    headMedian: 1,
    sampleIds: [],
    input: { host: 'h', benchmark: 'Spin', unit: 'sec/op', base: [], head: [] },
    verdictRow: { host: 'h', benchmark: 'Spin', unit: 'sec/op', better: 'lower', exact: false, verdict: 'no-change', reason: '', change: 0, delta: { value: 0.01, relative: 0.01, source: 'threshold', threshold: 0.01 } },
    ...over,
  };
}

test('the floor looks only at A/A screening estimates of the same benchmark, unit, fingerprint, pin and rounds, newest K, oldest first', () => {
  const store = new Store(':memory:');
  const session = (isAA: boolean, rounds: number, rows: AnalysedRow[]) => {
    const runId = store.createRun({ kind: 'compare' });
    storeResults(store, runId, 'screen', isAA, rounds, rows);
  };
  for (let i = 1; i <= 6; i++) session(true, 16, [row({ estimate: i / 100 })]);
  session(false, 16, [row({ estimate: 0.5 })]); // not A/A
  session(true, 20, [row({ estimate: 0.6 })]); // another protocol
  session(true, 16, [row({ estimate: 0.7, fingerprint: 'fp2' })]); // another host environment
  session(true, 16, [row({ estimate: 0.8, pin: 'none' })]); // another pin identity
  session(true, 16, [row({ estimate: 0.9, unit: 'B/op' })]);
  const key = { benchmark: 'Spin', unit: 'sec/op', fingerprint: 'fp1', pin: 'cpus=1', rounds: 16 };
  assert.equal(aaEstimates(store, { ...key, sessions: 20 }), [0.01, 0.02, 0.03, 0.04, 0.05, 0.06]);
  assert.equal(aaEstimates(store, { ...key, sessions: 3 }), [0.04, 0.05, 0.06]);
  assert.equal(aaEstimates(store, { ...key, rounds: 10, sessions: 20 }), []);
  store.close();
});

test.run();
