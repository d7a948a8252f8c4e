// Text and CSV output of the comparison tables, laid out as benchstat does.
import type { Key, Field } from './projection.ts';
import type { Table, TableCell, Tables } from './tables.ts';
import { TextTable, emitCell, runeLen, isBlank } from './texttab.ts';
import { unitTokens } from '../benchfmt/scan.ts';
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

/** A table through the general grid (any number of column-key header rows). */
export function tableToText(t: Table): string {
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

/** Margins and alignment of the cells of a column group: center, "± x%", notes, then (comparisons) delta, "(p=… n=…)", notes. */
const SUB_MARGIN = [' ', ' ± ', ' ', ' ', ' ', ' '];
const SUB_RIGHT = [true, true, false, true, false, false];
const NO_NOTES: readonly string[] = [];

/**
 * The same text as tableToText for the usual shape, one column key (one
 * header row of titles), computed straight from the cell texts: the grid's
 * widths reduce to per-column maxima plus the title and unit spans, which
 * only ever widen a column group's first column. Cells are printed in the
 * grid's order with its spacing rules. Small methods, so each is optimized
 * soon after it gets busy.
 */
class OneLevelText {
  readonly G: number;
  readonly nc: number;
  readonly rEdge: number;
  readonly R: number;
  readonly NR: number;
  /** Cell texts, row-major (undefined: no cell). */
  readonly text: Array<string | undefined>;
  readonly notes: string[] = [];
  readonly noteIdx = new Map<string, number>();
  /** Comparison groups whose geomean ratio reads "?" (left-aligned). */
  readonly geoQuery: boolean[] = [];
  readonly lmargin: Int32Array;
  readonly ws: Int32Array;
  readonly offs: Int32Array;
  readonly cls: UnitClass;
  readonly rowCells: Array<TableCell | undefined>;
  readonly centers: number[] = [];
  readonly out: string[] = [];
  curRow = 0;
  off = 0;

  constructor(readonly t: Table) {
    this.G = t.cols.length;
    this.rEdge = this.startCol(this.G + 1);
    this.nc = this.rEdge + 1;
    this.R = t.rows.length;
    this.NR = this.R + (this.R > 1 ? 1 : 0);
    this.text = new Array<string | undefined>(this.NR * this.nc);
    this.lmargin = new Int32Array(this.nc);
    this.ws = new Int32Array(this.nc);
    this.offs = new Int32Array(this.nc + 1);
    this.cls = classOf(t.unit);
    this.rowCells = new Array<TableCell | undefined>(this.G);
  }

  startCol(exp: number): number {
    return exp === 0 ? 1 : 4 + (exp - 1) * 6;
  }

  render(): string {
    for (let ri = 0; ri < this.R; ri++) this.fillRow(ri);
    if (this.R > 1) this.fillGeomean();
    this.measure();
    this.printHeader();
    for (let ri = 0; ri < this.NR; ri++) this.printRow(ri);
    this.out.push('\n');
    for (let i = 0; i < this.notes.length; i++) this.out.push(`${superscript(i + 1)} ${this.notes[i]}\n`);
    return this.out.join('');
  }

  /** Footnote marks, numbered in order of first use; undefined when there is nothing to note. */
  marks(a: readonly string[], b: readonly string[]): string | undefined {
    if (a.length + b.length === 0) return undefined;
    const out: string[] = [];
    for (let k = 0; k < a.length + b.length; k++) {
      const m = k < a.length ? a[k]! : b[k - a.length]!;
      let i = this.noteIdx.get(m);
      if (i === undefined) {
        i = this.notes.length;
        this.noteIdx.set(m, i);
        this.notes.push(m);
      }
      out.push(superscript(i + 1));
    }
    return out.join(' ');
  }

  fillRow(ri: number): void {
    const { t, text, G, rowCells, centers } = this;
    const row = t.rows[ri]!;
    const at = ri * this.nc;
    text[at] = row.stringValues();
    const r = t.cells.get(row)!;
    centers.length = 0;
    for (let exp = 0; exp < G; exp++) {
      const c = r[t.cols[exp]!.id];
      rowCells[exp] = c;
      if (c !== undefined) centers.push(c.summary.center);
    }
    const sc = commonScale(centers, this.cls);
    for (let exp = 0; exp < G; exp++) {
      const cell = rowCells[exp];
      if (cell === undefined) continue;
      const base = at + this.startCol(exp);
      text[base] = formatScaled(sc, cell.summary.center);
      text[base + 1] = pctRange(cell.summary);
      text[base + 2] = this.marks(cell.sampleWarnings, cell.summary.warnings);
      if (exp > 0 && cell.baseline !== null) this.fillComparison(base, cell);
    }
  }

  fillComparison(base: number, cell: TableCell): void {
    const cmp = cell.comparison!;
    this.text[base + 3] = formatDelta(cmp, cell.baseline!.summary.center, cell.summary.center);
    this.text[base + 4] = `(${comparisonString(cmp)})`;
    this.text[base + 5] = this.marks(cmp.warnings, NO_NOTES);
  }

  fillGeomean(): void {
    const { t, text } = this;
    const at = this.R * this.nc;
    text[at] = 'geomean';
    for (let exp = 0; exp < this.G; exp++) {
      const s = t.summary.get(t.cols[exp]!);
      if (!s) continue;
      const base = at + this.startCol(exp);
      if (s.hasSummary) text[base] = scale(s.summary, this.cls);
      if (exp > 0) {
        if (s.hasRatio) text[base + 3] = `${formatSigned((s.ratio - 1) * 100, 2)}%`;
        else {
          text[base + 3] = '?';
          this.geoQuery[exp] = true;
        }
      }
      text[at + this.startCol(exp + 1) - 1] = this.marks(s.warnings, NO_NOTES);
    }
  }

  /** Margins (the widest margin a column's cells have), widths and offsets, as the grid computes them. */
  measure(): void {
    const { t, text, nc, NR, lmargin, ws, rEdge } = this;
    for (let exp = 0; exp < this.G; exp++) {
      const base = this.startCol(exp);
      lmargin[base] = 3; // the " │ " of the title and unit spans
      if (exp > 0) lmargin[base + 3] = 2; // the "  " of "vs base"
      const subs = exp === 0 ? 3 : 6;
      for (let k = 0; k < subs; k++) {
        const c = base + k;
        for (let ri = 0; ri < NR; ri++) {
          const v = text[ri * nc + c];
          if (v !== undefined && v.length > 0 && SUB_MARGIN[k]!.length > lmargin[c]!) lmargin[c] = SUB_MARGIN[k]!.length;
        }
      }
    }
    lmargin[rEdge] = 2;
    for (let ri = 0; ri < NR; ri++) this.measureRow(ri);
    ws[rEdge] = 2;
    // The title and unit spans widen a group's first column when they do not fit.
    const field = t.cols[0]!.proj.flattened()[0]!;
    for (let exp = 0; exp < this.G; exp++) {
      const base = this.startCol(exp);
      this.fit(base, 3, t.unit);
      this.fit(base, this.startCol(exp + 1) - base, t.cols[exp]!.get(field));
    }
    for (let c = 0; c < nc; c++) this.offs[c + 1] = this.offs[c]! + ws[c]!;
  }

  measureRow(ri: number): void {
    const { text, ws, lmargin } = this;
    const at = ri * this.nc;
    const label = text[at];
    if (label !== undefined && label.length > 0) ws[0] = Math.max(ws[0]!, runeLen(label));
    for (let c = 1; c < this.rEdge; c++) {
      const v = text[at + c];
      // Empty cells print nothing and are no wider than their column's margin.
      if (v === undefined || v.length === 0) continue;
      const w = v.length + lmargin[c]!;
      if (w > ws[c]!) ws[c] = w;
    }
  }

  fit(base: number, span: number, value: string): void {
    const { ws } = this;
    const w = runeLen(value) + this.lmargin[base]!;
    let tw = 0;
    for (let c = base; c < base + span; c++) tw += ws[c]!;
    if (tw < w) ws[base] = Math.max(ws[base]!, w - (tw - ws[base]!));
  }

  printHeader(): void {
    const { t, G } = this;
    const field = t.cols[0]!.proj.flattened()[0]!;
    for (let exp = 0; exp < G; exp++) this.emit(0, this.startCol(exp), this.startCol(exp + 1) - this.startCol(exp), t.cols[exp]!.get(field), ' │ ', 1);
    this.emit(0, this.rEdge, 1, '', ' │', 0);
    for (let exp = 0; exp < G; exp++) {
      this.emit(1, this.startCol(exp), 3, t.unit, ' │ ', 1);
      if (exp > 0) this.emit(1, this.startCol(exp) + 3, 3, 'vs base', '  ', 0);
    }
    this.emit(1, this.rEdge, 1, '', ' │', 0);
  }

  printRow(ri: number): void {
    const { text } = this;
    const at = ri * this.nc;
    const row = ri + 2;
    const label = text[at];
    if (label !== undefined) this.emit(row, 0, 1, label, '', 0);
    for (let c = 1; c < this.rEdge; c++) {
      const v = text[at + c];
      if (v === undefined) continue;
      const k = c < 4 ? c - 1 : (c - 4) % 6;
      const right = SUB_RIGHT[k]! && !(ri === this.R && k === 3 && this.geoQuery[(c - 4 - k) / 6 + 1] === true);
      this.emit(row, c, 1, v, v.length === 0 ? '' : SUB_MARGIN[k]!, right ? 2 : 0);
    }
  }

  /** One cell as the grid prints it: 0 left, 1 center, 2 right. */
  emit(row: number, c: number, span: number, value: string, margin: string, align: number): void {
    if (isBlank(value) && isBlank(margin)) return;
    const { out, lmargin, offs } = this;
    while (row > this.curRow) {
      out.push('\n');
      this.curRow++;
      this.off = 0;
    }
    const len = c === 0 || span > 1 ? runeLen(value) : value.length;
    this.off = emitCell(out, this.off, offs[c]!, offs[c + span]!, lmargin[c]!, margin, value, len, align);
  }
}

export function tableToTextOneLevel(t: Table): string {
  return new OneLevelText(t).render();
}

export function toText(ts: Tables): string {
  const parts: string[] = [];
  printTables(
    ts,
    (h) => parts.push(`${h}\n`),
    (t) => parts.push(t.cols[0]!.proj.flattened().length === 1 ? tableToTextOneLevel(t) : tableToText(t)),
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
  // Go quotes a field whose first rune is a space by unicode.IsSpace (not U+FEFF, unlike \s).
  const needs = f === '\\.' || /[",\r\n]/.test(f) || /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/.test(f);
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
