// BH and Holm against the published example and hand-computed adjustments.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { benjaminiHochberg, holm } from './multiplicity.ts';
import published from './fixtures/published.json' with { type: 'json' };

const bh = published.bh1995;

test('Benjamini & Hochberg 1995 example: 4 rejections at 0.05; Holm rejects 3', () => {
  const q = benjaminiHochberg(bh.p);
  assert.is(q.filter((x) => x <= 0.05).length, bh.bhRejected);
  const a = holm(bh.p);
  assert.is(a.filter((x) => x <= 0.05).length, bh.bonferroniRejected);
});

test('BH q-values by hand: min over j ≥ i of m·p(j)/j', () => {
  const q = benjaminiHochberg(bh.p);
  const want = [0.0015, 0.003, 0.0095, 0.035625, 0.0603, 0.0298 * 15 / 7, 0.0298 * 15 / 7, 0.0344 * 15 / 8, 0.0459 * 15 / 9];
  want.forEach((w, i) => assert.ok(Math.abs(q[i]! - w) < 1e-12, `q[${i}] ${q[i]} want ${w}`));
  assert.is(q[14], 1);
});

test('input order is kept and NaN stays out of the family', () => {
  assert.equal(benjaminiHochberg([0.04, 0.01, NaN, 0.03]).map((x) => (Number.isNaN(x) ? 'NaN' : x.toFixed(4))), ['0.0400', '0.0300', 'NaN', '0.0400']);
  // Holm: sorted 0.01·3, max(0.03·2, 0.03), max(0.06, 0.04·1).
  assert.equal(holm([0.04, 0.01, NaN, 0.03]).map((x) => (Number.isNaN(x) ? 'NaN' : x.toFixed(4))), ['0.0600', '0.0300', 'NaN', '0.0600']);
  assert.equal(benjaminiHochberg([]), []);
});

test.run();
