// Confirmation: a new session alone must reject one-sided (Holm) in the same
// direction and clear δ.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compareRows, type PairedInput } from './verdict.ts';
import { confirmCandidates } from './confirm.ts';
import { rng } from './random.ts';

function session(seed: number, r: number, change: number, sd: number, benchmark = 'B', unit = 'sec/op', host = 'h1'): PairedInput {
  const g = rng(seed);
  const base: number[] = [];
  const head: number[] = [];
  for (let i = 0; i < r; i++) {
    base.push(100 * Math.exp(sd * g.normal()));
    head.push(100 * (1 + change) * Math.exp(sd * g.normal()));
  }
  return { host, benchmark, unit, base, head };
}

test('a real regression confirms; a fluke that vanishes does not', () => {
  const rows = compareRows([session(1, 16, 0.06, 0.01, 'Real'), session(2, 16, 0.06, 0.01, 'Fluke')]);
  assert.equal(rows.map((r) => r.verdict), ['regression', 'regression']);
  const s = confirmCandidates([
    { candidate: rows[0]!, confirmation: session(3, 20, 0.06, 0.01, 'Real') },
    { candidate: rows[1]!, confirmation: session(40, 20, 0, 0.01, 'Fluke') },
  ]);
  assert.is(s.screened, 2);
  assert.is(s.confirmed, 1);
  assert.is(s.line, 'screened 2 → confirmed 1');
  assert.ok(s.rows[0]!.confirmed);
  assert.is(s.rows[0]!.rounds, 20);
  assert.ok(s.rows[0]!.worseBound! > 0.01);
  assert.not.ok(s.rows[1]!.confirmed);
  assert.match(s.rows[1]!.reason, /Holm p .* > 0.05/, s.rows[1]!.reason);
});

test('Holm: each candidate is tested at α/k on the smallest p first', () => {
  // R_c = 5: the smallest one-sided p is 1/32 = 0.03125. Alone it passes 0.05;
  // with two candidates Holm needs p ≤ 0.025 first, so neither confirms.
  const rows = compareRows([session(5, 16, 0.2, 0.01, 'A'), session(6, 16, 0.2, 0.01, 'B')]);
  const up = (b: string): PairedInput => ({ host: 'h1', benchmark: b, unit: 'sec/op', base: [1, 1, 1, 1, 1], head: [1.3, 1.31, 1.32, 1.33, 1.34] });
  const one = confirmCandidates([{ candidate: rows[0]!, confirmation: up('A') }]);
  assert.is(one.rows[0]!.pHolm, 1 / 32);
  assert.ok(one.rows[0]!.confirmed);
  const two = confirmCandidates([
    { candidate: rows[0]!, confirmation: up('A') },
    { candidate: rows[1]!, confirmation: up('B') },
  ]);
  assert.equal(two.rows.map((r) => r.pHolm), [1 / 16, 1 / 16]);
  assert.is(two.confirmed, 0);
});

test('a change in the other direction or one below δ does not confirm', () => {
  const [row] = compareRows([session(7, 16, 0.06, 0.01)]);
  const other = confirmCandidates([{ candidate: row!, confirmation: session(8, 20, -0.06, 0.01) }]);
  assert.not.ok(other.rows[0]!.confirmed);
  const small = confirmCandidates([{ candidate: row!, confirmation: session(9, 20, 0.004, 0.001) }]);
  assert.ok(small.rows[0]!.pHolm! <= 0.05, 'the small change is real');
  assert.not.ok(small.rows[0]!.confirmed);
  assert.match(small.rows[0]!.reason, /clear δ/);
});

test('higher-is-better units confirm on a drop; exact units by equality; missing confirmation', () => {
  const rows = compareRows([
    session(10, 16, -0.08, 0.01, 'Copy', 'B/s'),
    { host: 'h1', benchmark: 'Alloc', unit: 'allocs/op', base: [2, 2, 2], head: [3, 3, 3] },
    session(11, 16, 0.08, 0.01, 'Gone'),
  ]);
  assert.equal(rows.map((r) => r.verdict), ['regression', 'regression', 'regression']);
  const s = confirmCandidates([
    { candidate: rows[0]!, confirmation: session(12, 16, -0.08, 0.01, 'Copy', 'B/s', 'h2') },
    { candidate: rows[1]!, confirmation: { host: 'h1', benchmark: 'Alloc', unit: 'allocs/op', base: [2, 2], head: [3, 3] } },
    { candidate: rows[2]!, confirmation: undefined },
  ]);
  assert.equal(s.rows.map((r) => r.confirmed), [true, true, false]);
  assert.is(s.rows[0]!.confirmHost, 'h2');
  assert.is(s.rows[2]!.reason, 'not re-measured');
  assert.is(s.line, 'screened 3 → confirmed 2');
});

test('only regressions can be candidates, each once', () => {
  const [row] = compareRows([session(13, 16, 0, 0.001)]);
  assert.throws(() => confirmCandidates([{ candidate: row!, confirmation: undefined }]), /not a regression/);
  const [reg] = compareRows([session(14, 16, 0.1, 0.01)]);
  assert.throws(() => confirmCandidates([{ candidate: reg!, confirmation: undefined }, { candidate: reg!, confirmation: undefined }]), /twice/);
});

test.run();
