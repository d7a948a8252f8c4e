// The Go port of the tied U distribution against upstream's own p values, bit
// for bit, and the U test's use of it where a decision hangs on the last bit.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tiedCdfGo } from './umemo.ts';
import { mannWhitneyU } from './utest.ts';

const FIXTURE = fileURLToPath(new URL('../fixtures/benchstat-golden/generated/utest-ties.txt', import.meta.url));

interface Case {
  a: number[];
  b: number[];
  p: number;
}

const cases: Case[] = readFileSync(FIXTURE, 'utf8')
  .trim()
  .split('\n')
  .map((l) => {
    const [a, b, p] = l.split('|');
    const nums = (s: string) => s.split(' ').map(Number).sort((x, y) => x - y);
    return { a: nums(a!), b: nums(b!), p: Number(p) };
  });

/** Tie-group sizes of the merged samples and the smaller U, doubled. */
function tiesAndTwoU(a: number[], b: number[]): { ties: number[]; twoU: number; equal: boolean } {
  const all = [...a, ...b].sort((x, y) => x - y);
  const ties: number[] = [];
  let r1 = 0;
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j < all.length && all[j] === all[i]) j++;
    const rank = (i + 1 + j) / 2;
    for (const x of a) if (x === all[i]) r1 += rank;
    ties.push(j - i);
    i = j;
  }
  const u1 = r1 - (a.length * (a.length + 1)) / 2;
  const u2 = a.length * b.length - u1;
  return { ties, twoU: 2 * Math.min(u1, u2), equal: u1 === u2 };
}

const exactTied = cases.filter(({ a, b }) => {
  const { ties, equal } = tiesAndTwoU(a, b);
  return a.length <= 25 && b.length <= 25 && ties.length > 2 && !equal;
});

test('the tied U distribution gives upstream p values bit for bit', () => {
  assert.ok(exactTied.length > 200, `only ${exactTied.length} tied cases`);
  const bad = exactTied.filter(({ a, b, p }) => {
    const { ties, twoU } = tiesAndTwoU(a, b);
    return 2 * tiedCdfGo(a.length, b.length, ties, twoU) !== p;
  });
  assert.equal(bad.length, 0);
});

test('every p agrees at printed precision, and exactly where it meets alpha', () => {
  let lastBitApart = 0;
  for (const { a, b, p } of cases) {
    const fast = mannWhitneyU(a, b).p;
    assert.is(fast.toFixed(3), p.toFixed(3));
    if (fast !== p) lastBitApart++;
    // With alpha at upstream's p, the comparison p > alpha must come out as upstream's.
    assert.is(mannWhitneyU(a, b, p).p, p);
  }
  // The fast exact count differs in the last bits often enough for the check above to matter.
  assert.ok(lastBitApart > 0);
});

test.run();
