import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Store } from '../store/store.ts';
import { importFiles } from '../store/import.ts';
import { renderRunTable } from './run-table.ts';

const dir = mkdtempSync(join(tmpdir(), 'run-table-'));

function file(name: string, lines: string[]): string {
  const p = join(dir, name);
  writeFileSync(p, `${lines.join('\n')}\n`);
  return p;
}

test('samples from different hosts, or from an emulated host, are never pooled into one row', () => {
  const store = new Store(join(dir, 't.db'));
  const native = file('native.txt', ['pkg: example.com/p', 'host: h1', 'BenchmarkX 10 100 ns/op', 'BenchmarkX 10 102 ns/op']);
  const emulated = file('emu.txt', ['pkg: example.com/p', 'host: h3', 'emulated: qemu-user arm64', 'BenchmarkX 10 900 ns/op', 'BenchmarkX 10 910 ns/op']);
  const { runId } = importFiles(store, [native, emulated]);
  const lines = renderRunTable(store, runId).split('\n');
  store.close();
  assert.ok(lines.includes('host: h1  pkg: example.com/p'), lines.join('\n'));
  assert.ok(lines.includes('host: h3 (emulated: qemu-user arm64)  pkg: example.com/p'), lines.join('\n'));
  const rows = lines.filter((l) => l.startsWith('X '));
  assert.is(rows.length, 2);
  assert.match(rows[0]!, /^X\s+sec\/op\s+2\s+101\.0ns\s+100\.0ns\s+102\.0ns/);
  assert.match(rows[1]!, /^X\s+sec\/op\s+2\s+905\.0ns\s+900\.0ns\s+910\.0ns/);
});

test('one host: sections by package only', () => {
  const store = new Store(join(dir, 'one.db'));
  const f = file('one.txt', ['pkg: a', 'host: local', 'BenchmarkY 1 5 ns/op', 'pkg: b', 'BenchmarkZ 1 7 ns/op']);
  const { runId } = importFiles(store, [f]);
  const text = renderRunTable(store, runId);
  store.close();
  assert.match(text, /^pkg: a$/m);
  assert.match(text, /^pkg: b$/m);
  assert.not.match(text, /host:/);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
