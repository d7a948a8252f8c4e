// The one-header-row renderer must print exactly what the general grid prints.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { StatReader } from '../benchfmt/scan.ts';
import { newFilter, ProjectionParser } from './projection.ts';
import { Builder } from './tables.ts';
import { tableToText, tableToTextOneLevel } from './render.ts';
import { mulberry32 } from './test-harness.ts';

const LABELS = ['a', 'old.txt', 'a-rather-long-column-label-that-overflows', '☃ snow', '𝔸 astral', ''];
const UNITS = ['ns/op', 'B/op', 'frobs/op', 'a-very-long-custom-unit-name/op', 'x'];

/** Files with odd labels and units, missing cells, equal and zero values. */
function tables(seed: number) {
  const r = mulberry32(seed);
  const files = 1 + Math.floor(r() * 4);
  const reader = new StatReader();
  const filter = newFilter('*');
  const p = new ProjectionParser();
  const builder = new Builder(p.parse('.config', filter, true), p.parse('.fullname', filter), p.parse('.file', filter), p.residue(), null, () => {});
  for (let f = 0; f < files; f++) {
    const lines: string[] = ['pkg: x'];
    if (r() < 0.3) lines.push('Unit frobs/op assume=exact');
    const benches = 1 + Math.floor(r() * 4);
    for (let b = 0; b < benches; b++) {
      if (files > 1 && r() < 0.25) continue;
      const name = ['X', 'LongerBenchmarkName/sub=1-8', '𝔹ench', 'Y-4'][b % 4];
      const unit = UNITS[Math.floor(r() * UNITS.length)];
      const n = 1 + Math.floor(r() * 8);
      const zero = r() < 0.1;
      for (let i = 0; i < n; i++) {
        const v = zero ? 0 : (1 + Math.floor(r() * 3)) * 10 ** Math.floor(r() * 8 - 2);
        lines.push(`Benchmark${name} 1 ${v} ${unit}`);
      }
    }
    const label = LABELS[Math.floor(r() * LABELS.length)]!;
    reader.read(Buffer.from(`${lines.join('\n')}\n`), `f${f}`, `${label}${f}`, builder);
  }
  return builder.toTables(0.95, 0.05, (u) => reader.isExact(u)).tables;
}

test('one-level tables print as the general grid does', () => {
  let compared = 0;
  for (let seed = 1; seed <= 400; seed++) {
    for (const t of tables(seed)) {
      assert.is(tableToTextOneLevel(t), tableToText(t), `seed ${seed}, unit ${t.unit}`);
      compared++;
    }
  }
  assert.ok(compared > 400);
});

test.run();
