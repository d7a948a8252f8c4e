// Checks the statistics against benchstat's own values (generated/*.jsonl).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { medianCIOrders } from './quantileci.ts';
import { summarize, compare, pctRange, comparisonString, formatDelta } from './summary.ts';
import { scale } from './format.ts';
import { formatGoV } from '../benchfmt/gofloat.ts';

const GOLDEN = fileURLToPath(new URL('../fixtures/benchstat-golden/generated/', import.meta.url));

function lines(name: string): Array<Record<string, unknown>> {
  const path = GOLDEN + name;
  if (!existsSync(path)) throw new Error(`golden data missing: ${path} (it ships in results/fixtures)`);
  return readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
}

test('median CI orders match QuantileCI for n=1..120 at five levels', () => {
  const bad: string[] = [];
  for (const r of lines('quantileci.jsonl')) {
    const o = medianCIOrders(r.n as number, r.confidence as number);
    if (o.lo !== r.loOrder || o.hi !== r.hiOrder) bad.push(`n=${r.n} conf=${r.confidence}: ${o.lo},${o.hi} want ${r.loOrder},${r.hiOrder}`);
  }
  // Go's lgamma noise decides n=30 at 0.5: it needs log and exp rounded as Go's.
  assert.equal(bad, []);
});

test('summaries, comparisons and deltas match benchstat on 1500 random pairs', () => {
  const bad: string[] = [];
  for (const r of lines('pairs.jsonl')) {
    const sortNum = (xs: unknown) => (xs as string[]).map(Number).sort((a, b) => a - b);
    const o = sortNum(r.old);
    const n = sortNum(r.new);
    const so = summarize(o, 0.95, 'nothing');
    const sn = summarize(n, 0.95, 'nothing');
    const c = compare(o, n, 0.05, 'nothing');
    const os = r.oldSummary as Record<string, unknown>;
    const ns = r.newSummary as Record<string, unknown>;
    const cs = r.compare as Record<string, unknown>;
    const got = [formatGoV(so.center), formatGoV(so.lo), formatGoV(so.hi), pctRange(so), so.warnings.length ? so.warnings : null,
      formatGoV(sn.center), pctRange(sn), comparisonString(c), formatDelta(c, so.center, sn.center), c.warnings.length ? c.warnings : null];
    const want = [os.center, os.lo, os.hi, os.pctRange, os.warnings, ns.center, ns.pctRange, cs.string, cs.delta, cs.warnings];
    if (JSON.stringify(got) !== JSON.stringify(want)) bad.push(`id ${r.id}: ${JSON.stringify(got)} want ${JSON.stringify(want)}`);
  }
  assert.equal(bad.slice(0, 5), []);
});

test('scaled values and percentage deltas match benchstat on 6371 values', () => {
  const bad: string[] = [];
  for (const r of lines('scale.jsonl')) {
    const v = Number(r.v);
    const pd = formatDelta({ p: 0, alpha: 0, n1: 1, n2: 1, warnings: [] }, 1, 1 + v / 1e6);
    const got = [scale(v, 'decimal'), scale(v, 'binary'), formatGoV(v), pd];
    const want = [r.decimal, r.binary, r.fmtV, r.pctDelta];
    if (JSON.stringify(got) !== JSON.stringify(want)) bad.push(`${r.v}: ${JSON.stringify(got)} want ${JSON.stringify(want)}`);
  }
  assert.equal(bad.slice(0, 5), []);
});

test.run();
