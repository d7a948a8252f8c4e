// Text and CSV output of the comparison tables, laid out as benchstat does.
import type { Key, Field } from './projection.ts';
import type { Table, TableCell, Tables } from './tables.ts';
import { TextTable } from './texttab.ts';
import { unitTokens } from './scan.ts';
import { pctRange, comparisonString, formatDelta, formatSigned } from '../stats/summary.ts';
import { commonScale, formatScaled, scale, type UnitClass } from '../stats/format.ts';
import { formatGoV } from '../benchfmt/gofloat.ts';

/** Binary (IEC) prefixes when bytes appear in the numerator. */
export function classOf(unit: string): UnitClass {
  for (const t of unitTokens(unit)) if (!t.denom && (t.text === 'B' || t.text === 'MB' || t.text === 'bytes')) return 'binary';
  return 'decimal';
}

const SUPER = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];
function superscript(i: number): string {
  if (i === 0) return SUPER[0]!;
  let s = '';
  for (; i > 0; i = Math.floor(i / 10)) s = SUPER[i % 10]! + s;
  return s;
}

/** The "key: value" lines before each table, then the table. */
function printTables(ts: Tables, hdr: (line: string) => void, body: (t: Table) => void): void {
  if (ts.tables.length === 0) return;
  const fields = ts.keys[0]!.proj.flattened();
  let prev: Key | null = null;
  ts.tables.forEach((table, i) => {
    if (i > 0) hdr('');
    const key = ts.keys[i]!;
    for (const f of fields) {
      if (f.name === '.unit') continue;
      const v = key.get(f);
      if (prev === null || v !== prev.get(f)) hdr(`${f.name}: ${v}`);
    }
    prev = key;
    body(table);
  });
}

/** Header rows for the column keys: one level per field, equal neighbours merged. */
interface HeaderNode {
  value: string;
  start: number;
  len: number;
  children: HeaderNode[];
}

function keyHeader(keys: readonly Key[]): HeaderNode[] {
  if (keys.length === 0) return [];
  const fields: readonly Field[] = keys[0]!.proj.flattened();
  const walk = (parent: HeaderNode, level: number) => {
    if (level === fields.length) return;
    const f = fields[level]!;
    let node: HeaderNode | null = null;
    for (let j = parent.start; j < parent.start + parent.len; j++) {
      const v = keys[j]!.get(f);
      if (node !== null && v === node.value) node.len++;
      else {
        node = { value: v, start: j, len: 1, children: [] };
        parent.children.push(node);
      }
    }
    for (const c of parent.children) walk(c, level + 1);
  };
  const root: HeaderNode = { value: '', start: 0, len: keys.length, children: [] };
  walk(root, 0);
  return root.children;
}

function tableToText(t: Table): string {
  const o = new TextTable();
  const LABEL = 1;
  const CENTER = 3;
  const DELTA = 3;
  const startCol = (exp: number) => (exp === 0 ? LABEL : LABEL + CENTER + (exp - 1) * (CENTER + DELTA));
  const notes: string[] = [];
  const noteIdx = new Map<string, number>();
  const mark = (m: string) => {
    let i = noteIdx.get(m);
    if (i === undefined) {
      i = notes.length;
      noteIdx.set(m, i);
      notes.push(m);
    }
    return superscript(i + 1);
  };
  /** The footnote marks cell (empty when there is nothing to note). */
  const warn = (a: readonly string[], b: readonly string[] = []) => {
    if (a.length + b.length === 0) {
      o.cell('');
      return;
    }
    const marks: string[] = [];
    for (const m of a) marks.push(mark(m));
    for (const m of b) marks.push(mark(m));
    o.cell(marks.join(' '));
  };
  const cols = t.cols;
  const nCols = cols.length;
  const rEdge = startCol(nCols + 1);
  let nodes = keyHeader(cols);
  while (nodes.length > 0) {
    const next: HeaderNode[] = [];
    o.row();
    for (const node of nodes) {
      const l = startCol(node.start);
      const r = startCol(node.start + node.len);
      o.col(l).span(r - l, node.value, 'center', ' │ ');
      for (const c of node.children) next.push(c);
    }
    o.col(rEdge).cell('', 'left', ' │');
    nodes = next;
  }
  o.row();
  for (let i = 0; i < nCols; i++) {
    const l = startCol(i);
    o.col(l);
    o.span(CENTER, t.unit, 'center', ' │ ');
    if (i > 0) o.span(DELTA, 'vs base', 'left', '  ');
    for (let j = l + 1; j < o.currentCol; j++) o.setShrink(j, true);
  }
  o.col(rEdge).cell('', 'left', ' │');
  const cls = classOf(t.unit);
  const rowCells: Array<TableCell | undefined> = new Array<TableCell | undefined>(nCols);
  const centers: number[] = [];
  for (const row of t.rows) {
    o.row();
    o.cell(row.stringValues());
    const r = t.cells.get(row)!;
    centers.length = 0;
    for (let exp = 0; exp < nCols; exp++) {
      const c = r[cols[exp]!.id];
      rowCells[exp] = c;
      if (c !== undefined) centers.push(c.summary.center);
    }
    const sc = commonScale(centers, cls);
    for (let exp = 0; exp < nCols; exp++) {
      const cell = rowCells[exp];
      if (cell === undefined) continue;
      o.col(startCol(exp));
      o.cell(formatScaled(sc, cell.summary.center), 'right');
      o.cell(pctRange(cell.summary), 'right', ' ± ');
      warn(cell.sampleWarnings, cell.summary.warnings);
      if (exp > 0 && cell.baseline !== null) {
        const cmp = cell.comparison!;
        o.cell(formatDelta(cmp, cell.baseline.summary.center, cell.summary.center), 'right');
        o.cell(`(${comparisonString(cmp)})`);
        warn(cmp.warnings);
      }
    }
  }
  if (t.rows.length > 1) {
    o.row();
    o.cell('geomean');
    for (let exp = 0; exp < nCols; exp++) {
      const s = t.summary.get(cols[exp]!);
      if (!s) continue;
      if (s.hasSummary) {
        o.col(startCol(exp));
        o.cell(scale(s.summary, cls), 'right');
      }
      if (exp > 0) {
        o.col(startCol(exp) + CENTER);
        if (s.hasRatio) o.cell(`${formatSigned((s.ratio - 1) * 100, 2)}%`, 'right');
        else o.cell('?');
      }
      o.col(startCol(exp + 1) - 1);
      warn(s.warnings);
    }
  }
  let out = o.format();
  for (let i = 0; i < notes.length; i++) out += `${superscript(i + 1)} ${notes[i]}\n`;
  return out;
}

export function toText(ts: Tables): string {
  const parts: string[] = [];
  printTables(
    ts,
    (h) => parts.push(`${h}\n`),
    (t) => parts.push(tableToText(t)),
  );
  return parts.join('');
}

/** Go's spreadsheet column name for a 0-based index (as benchstat spells it). */
function colName(x: number): string {
  let s = '';
  for (; x > 0; x = Math.floor(x / 26)) s = String.fromCharCode(65 + (x % 26)) + s;
  return s === '' ? 'A' : s;
}

function tableToCSV(t: Table, startRow: number, records: string[][], warnings: string[]): number {
  const LABEL = 1;
  const CENTER = 2;
  const DELTA = 2;
  const startCol = (exp: number) => (exp === 0 ? LABEL : LABEL + CENTER + (exp - 1) * (CENTER + DELTA));
  let row: string[] = [];
  let count = 0;
  const clearTo = (col: number) => {
    while (row.length < col) row.push('');
  };
  const emit = () => {
    records.push(row);
    row = [];
    count++;
  };
  const warn = (msgs: readonly string[]) => {
    const name = colName(row.length);
    for (const m of msgs) warnings.push(`${name}${startRow + count}: ${m}`);
  };
  for (const field of t.cols[0]!.proj.flattened()) {
    t.cols.forEach((key, exp) => {
      clearTo(startCol(exp));
      row.push(key.get(field));
    });
    clearTo(startCol(t.cols.length));
    emit();
  }
  t.cols.forEach((_, exp) => {
    clearTo(startCol(exp));
    row.push(t.unit, 'CI');
    if (exp > 0) row.push('vs base', 'P');
  });
  emit();
  for (const rk of t.rows) {
    row.push(rk.stringValues());
    const r = t.cells.get(rk)!;
    t.cols.forEach((ck, exp) => {
      const cell = r[ck.id];
      if (!cell) return;
      clearTo(startCol(exp));
      warn(cell.sampleWarnings);
      warn(cell.summary.warnings);
      row.push(formatGoV(cell.summary.center), pctRange(cell.summary));
      if (exp > 0 && cell.baseline !== null) {
        warn(cell.comparison!.warnings);
        row.push(formatDelta(cell.comparison!, cell.baseline.summary.center, cell.summary.center), comparisonString(cell.comparison!));
      }
    });
    emit();
  }
  row.push('geomean');
  t.cols.forEach((key, exp) => {
    const s = t.summary.get(key);
    if (!s) return;
    clearTo(startCol(exp));
    warn(s.warnings);
    if (s.hasSummary) row.push(formatGoV(s.summary));
    if (exp > 0) {
      clearTo(startCol(exp) + CENTER);
      row.push(s.hasRatio ? `${formatSigned((s.ratio - 1) * 100, 2)}%` : '?');
    }
  });
  clearTo(startCol(t.cols.length));
  emit();
  return count;
}

/** encoding/csv quoting. */
function csvField(f: string): string {
  if (f === '') return f;
  const needs = f === '\\.' || /[",\r\n]/.test(f) || /^[\s\u0085\u00a0]/u.test(f);
  return needs ? `"${f.replace(/"/g, '""')}"` : f;
}

export function toCSV(ts: Tables): { out: string; warnings: string[] } {
  const records: string[][] = [];
  const warnings: string[] = [];
  let row = 1;
  printTables(
    ts,
    (h) => {
      records.push([h]);
      row++;
    },
    (t) => {
      row += tableToCSV(t, row, records, warnings);
    },
  );
  return { out: records.map((r) => `${r.map(csvField).join(',')}\n`).join(''), warnings };
}
