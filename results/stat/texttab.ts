// A text grid with spanning cells, per-column left margins and shrinkable
// columns: the layout engine behind benchstat's tables.
//
// Column widths: each column is as wide as its widest single cell (margin
// included); a spanning cell that does not fit widens the non-shrinking
// columns it covers, widest first, splitting the excess evenly. Cells are then
// printed at their column offsets; blank cells with blank margins are skipped
// and nothing pads the end of a line.

export type Align = 'left' | 'center' | 'right';

interface TextCell {
  row: number;
  col: number;
  span: number;
  value: string;
  margin: string;
  align: Align;
}

/** Number of code points (what a terminal column counts, for our texts). */
export function runeLen(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xdc00 && c <= 0xdfff && i > 0) {
      const p = s.charCodeAt(i - 1);
      if (p >= 0xd800 && p <= 0xdbff) n--;
    }
  }
  return n;
}

/** Go's "%*s" with an empty string: |n| spaces. */
function spaces(n: number): string {
  return n === 0 ? '' : ' '.repeat(Math.abs(n));
}

/** Go's "%*s" of s. */
function padLeft(s: string, w: number): string {
  const l = runeLen(s);
  if (w >= 0) return l >= w ? s : ' '.repeat(w - l) + s;
  return l >= -w ? s : s + ' '.repeat(-w - l);
}

function isBlank(s: string): boolean {
  return s.trim() === '';
}

export class TextTable {
  private readonly cells: TextCell[] = [];
  private cols = 0;
  private readonly shrink: boolean[] = [];
  private curRow = 0;
  private curCol = 0;

  /** Starts a new row. */
  row(): this {
    if (this.cells.length > 0) this.curRow++;
    this.curCol = 0;
    return this;
  }

  /** Moves right to column col. */
  col(col: number): this {
    if (col < this.curCol) throw new Error(`cannot move from column ${this.curCol} to earlier column ${col}`);
    this.curCol = col;
    return this;
  }

  get currentCol(): number {
    return this.curCol;
  }

  cell(value: string, align: Align = 'left', margin?: string): this {
    return this.span(1, value, align, margin);
  }

  /** A cell over `cols` columns; the default margin is one space, none in column 0 or for an empty value. */
  span(cols: number, value: string, align: Align = 'left', margin?: string): this {
    const m = margin ?? (this.curCol === 0 || value.length === 0 ? '' : ' ');
    this.cells.push({ row: this.curRow, col: this.curCol, span: cols, value, margin: m, align });
    this.curCol += cols;
    if (this.curCol > this.cols) this.cols = this.curCol;
    return this;
  }

  setShrink(col: number, shrink: boolean): void {
    while (this.shrink.length < col + 1) this.shrink.push(false);
    this.shrink[col] = shrink;
  }

  format(): string {
    const nc = this.cols;
    const lmargin = new Array<number>(nc).fill(0);
    for (const c of this.cells) lmargin[c.col] = Math.max(runeLen(c.margin), lmargin[c.col]!);
    const ws = new Array<number>(nc).fill(0);
    const spanning: TextCell[] = [];
    for (const c of this.cells) {
      if (c.span === 1) ws[c.col] = Math.max(ws[c.col]!, runeLen(c.value) + lmargin[c.col]!);
      else spanning.push(c);
    }
    // Narrow spans first; a stable order among equal spans.
    spanning.sort((a, b) => a.span - b.span);
    for (const c of spanning) {
      let w = runeLen(c.value) + lmargin[c.col]!;
      let tw = 0;
      for (let col = c.col; col < c.col + c.span; col++) tw += ws[col]!;
      if (tw >= w) continue;
      const grow: number[] = [];
      for (let col = c.col; col < c.col + c.span; col++) {
        if (this.shrink[col]) w -= ws[col]!;
        else grow.push(col);
      }
      grow.sort((a, b) => ws[b]! - ws[a]!);
      let n = grow.length;
      for (const col of grow) {
        const avg = Math.trunc((w + n - 1) / n);
        ws[col] = Math.max(ws[col]!, avg);
        w -= ws[col]!;
        n--;
      }
    }
    const offs = new Array<number>(nc + 1);
    let off = 0;
    for (let i = 0; i < nc; i++) {
      offs[i] = off;
      off += ws[i]!;
    }
    offs[nc] = off;
    const sorted = this.cells.slice().sort((a, b) => a.row - b.row || a.col - b.col);
    const parts: string[] = [];
    let row = 0;
    off = 0;
    for (const c of sorted) {
      if (isBlank(c.value) && isBlank(c.margin)) continue;
      while (c.row > row) {
        parts.push('\n');
        row++;
        off = 0;
      }
      const sp = offs[c.col]! - off;
      parts.push(spaces(sp), padLeft(c.margin, lmargin[c.col]!));
      off += sp + lmargin[c.col]!;
      const tw = offs[c.col + c.span]! - offs[c.col]! - lmargin[c.col]!;
      let s: string;
      if (c.align === 'right') s = padLeft(c.value, tw);
      else if (c.align === 'center') s = spaces(Math.trunc((tw - runeLen(c.value)) / 2)) + c.value;
      else s = c.value;
      parts.push(s);
      off += runeLen(s);
    }
    if (this.cells.length > 0) parts.push('\n');
    return parts.join('');
  }
}
