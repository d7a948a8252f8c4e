// A text grid with spanning cells, per-column left margins and shrinkable
// columns: the layout engine behind benchstat's tables.
//
// Column widths: each column is as wide as its widest single cell (margin
// included); a spanning cell that does not fit widens the non-shrinking
// columns it covers, widest first, splitting the excess evenly. Cells are then
// printed at their column offsets; blank cells with blank margins are skipped
// and nothing pads the end of a line.

export type Align = 'left' | 'center' | 'right';

/** Number of code points (what a terminal column counts, for our texts). */
export function runeLen(s: string): number {
  if (!SURROGATE.test(s)) return s.length;
  let n = s.length;
  for (let i = 1; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xdc00 && c <= 0xdfff) {
      const p = s.charCodeAt(i - 1);
      if (p >= 0xd800 && p <= 0xdbff) n--;
    }
  }
  return n;
}

const SURROGATE = /[\ud800-\udfff]/;

const SPACES: string[] = [];
for (let i = 0; i < 64; i++) SPACES.push(' '.repeat(i));

/** Go's "%*s" with an empty string: |n| spaces. */
export function spaceRun(n: number): string {
  const a = n < 0 ? -n : n;
  return a < 64 ? SPACES[a]! : ' '.repeat(a);
}

export function isBlank(s: string): boolean {
  return s.length === 0 || s.trim().length === 0;
}

export const ALIGN_LEFT = 0;
export const ALIGN_CENTER = 1;
export const ALIGN_RIGHT = 2;
const ALIGN: Record<Align, number> = { left: ALIGN_LEFT, center: ALIGN_CENTER, right: ALIGN_RIGHT };

/** The cells are kept in parallel arrays, in the order they were added (row by row, left to right). */
/**
 * Print one cell as Go's "%*s%*s" does: |sp| spaces, the margin right-aligned
 * in the column's left margin `lm`, then the value (`len` runes) padded to its
 * span [start, end) as its alignment says. `off` is how far the row has got;
 * returns how far it gets with this cell.
 */
export function emitCell(out: string[], off: number, start: number, end: number, lm: number, margin: string, value: string, len: number, align: number): number {
  const sp = start - off;
  const lead = (sp < 0 ? -sp : sp) + lm - margin.length;
  const tw = end - start - lm;
  let before = 0;
  let after = 0;
  if (align === ALIGN_RIGHT) {
    if (tw >= 0) {
      if (len < tw) before = tw - len;
    } else if (len < -tw) after = -tw - len;
  } else if (align === ALIGN_CENTER) {
    const l = Math.trunc((tw - len) / 2);
    before = l < 0 ? -l : l;
  }
  if (margin.length > 0) {
    if (lead > 0) out.push(spaceRun(lead));
    out.push(margin);
    if (before > 0) out.push(spaceRun(before));
  } else if (lead + before > 0) out.push(spaceRun(lead + before));
  out.push(value);
  if (after > 0) out.push(spaceRun(after));
  return off + sp + lm + before + len + after;
}

export class TextTable {
  private readonly rowOf: number[] = [];
  private readonly colOf: number[] = [];
  private readonly spanOf: number[] = [];
  private readonly values: string[] = [];
  private readonly margins: string[] = [];
  private readonly aligns: number[] = [];
  private cols = 0;
  private readonly shrink: boolean[] = [];
  private curRow = 0;
  private curCol = 0;
  private hasSpans = false;
  /** Whether any cell (even a skipped empty one) was added. */
  private anyCell = false;

  /** Starts a new row. */
  row(): this {
    if (this.anyCell) this.curRow++;
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
    this.anyCell = true;
    if (value.length === 0 && (margin === undefined || margin.length === 0)) {
      // An empty cell without a margin neither prints nor widens its column.
      this.curCol += cols;
      if (this.curCol > this.cols) this.cols = this.curCol;
      return this;
    }
    this.rowOf.push(this.curRow);
    this.colOf.push(this.curCol);
    this.spanOf.push(cols);
    this.values.push(value);
    this.margins.push(margin ?? (this.curCol === 0 || value.length === 0 ? '' : ' '));
    this.aligns.push(ALIGN[align]);
    if (cols !== 1) this.hasSpans = true;
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
    const count = this.values.length;
    const { rowOf, colOf, spanOf, values, margins, aligns } = this;
    const lens = new Int32Array(count);
    const lmargin = new Int32Array(nc);
    for (let i = 0; i < count; i++) {
      lens[i] = runeLen(values[i]!);
      const ml = margins[i]!.length;
      if (ml > lmargin[colOf[i]!]!) lmargin[colOf[i]!] = ml;
    }
    const ws = new Int32Array(nc);
    for (let i = 0; i < count; i++) {
      if (spanOf[i] !== 1) continue;
      const c = colOf[i]!;
      const w = lens[i]! + lmargin[c]!;
      if (w > ws[c]!) ws[c] = w;
    }
    if (this.hasSpans) {
      // Narrow spans first; a stable order among equal spans.
      const spanning: number[] = [];
      for (let i = 0; i < count; i++) if (spanOf[i] !== 1) spanning.push(i);
      spanning.sort((a, b) => spanOf[a]! - spanOf[b]!);
      for (const i of spanning) {
        const c0 = colOf[i]!;
        const span = spanOf[i]!;
        let w = lens[i]! + lmargin[c0]!;
        let tw = 0;
        for (let col = c0; col < c0 + span; col++) tw += ws[col]!;
        if (tw >= w) continue;
        const grow: number[] = [];
        for (let col = c0; col < c0 + span; col++) {
          if (this.shrink[col]) w -= ws[col]!;
          else grow.push(col);
        }
        grow.sort((a, b) => ws[b]! - ws[a]!);
        let n = grow.length;
        for (const col of grow) {
          const avg = Math.trunc((w + n - 1) / n);
          if (avg > ws[col]!) ws[col] = avg;
          w -= ws[col]!;
          n--;
        }
      }
    }
    const offs = new Int32Array(nc + 1);
    let off = 0;
    for (let i = 0; i < nc; i++) {
      offs[i] = off;
      off += ws[i]!;
    }
    offs[nc] = off;
    // Pieces are collected and joined once; each cell adds at most four.
    const out: string[] = [];
    let row = 0;
    off = 0;
    for (let i = 0; i < count; i++) {
      const value = values[i]!;
      const margin = margins[i]!;
      if (isBlank(value) && isBlank(margin)) continue;
      while (rowOf[i]! > row) {
        out.push('\n');
        row++;
        off = 0;
      }
      const c = colOf[i]!;
      off = emitCell(out, off, offs[c]!, offs[c + spanOf[i]!]!, lmargin[c]!, margin, value, lens[i]!, aligns[i]!);
    }
    if (this.anyCell) out.push('\n');
    return out.join('');
  }
}
