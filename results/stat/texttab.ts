// Text layout of one benchstat table: column groups separated by " │ ",
// cells joined by single spaces, zero-width trailing cells dropped.

export type Align = 'left' | 'right';

export interface Group {
  /** Header texts: the column key (row 1) and the unit / "vs base" (row 2). */
  title: string;
  unitTitle: string;
  /** "vs base" for comparison groups. */
  vsTitle?: string;
  /** Number of cells per row in this group. */
  cells: number;
  /** Index of the first cell covered by vsTitle; unitTitle covers the cells before it. */
  vsStart: number;
}

const width = (s: string) => [...s].length;
const pad = (n: number) => (n > 0 ? ' '.repeat(n) : '');

function centre(s: string, w: number): string {
  const l = Math.floor((w - width(s)) / 2);
  return pad(l) + s + pad(w - width(s) - l);
}

/** Separator before cell i: zero-width cells vanish, the comparison part gets a wider gap. */
function sep(i: number, vsStart: number): string {
  return i === vsStart ? '  ' : ' ';
}

/** Width of cells [from, to) joined by their separators, zero-width cells skipped. */
function spanWidth(ws: number[], from: number, to: number, vsStart = -1): number {
  let w = 0;
  let first = true;
  for (let i = from; i < to; i++) {
    if (ws[i] === 0) continue;
    w += (first ? 0 : sep(i, vsStart).length) + ws[i]!;
    first = false;
  }
  return w;
}

/** leftRows: rows whose "?" comparison cell is left-aligned (benchstat prints the geomean's "?" that way). */
export function renderTable(labels: string[], groups: Group[], rows: string[][][], align: Align[][], leftRows: Set<number> = new Set()): string {
  const labelW = Math.max(0, ...labels.map(width));
  const cw = groups.map((g, gi) => {
    const ws = new Array<number>(g.cells).fill(0);
    for (const r of rows) r[gi]!.forEach((c, i) => (ws[i] = Math.max(ws[i]!, width(c))));
    // Headers wider than their span widen the first cell of the span.
    const unitW = spanWidth(ws, 0, g.vsStart);
    if (width(g.unitTitle) > unitW) ws[0]! += width(g.unitTitle) - unitW;
    // "vs base" never widens the comparison cells (they shrink to fit); it overflows instead.
    const all = spanWidth(ws, 0, g.cells, g.vsStart);
    if (width(g.title) > all) ws[0]! += width(g.title) - all;
    return ws;
  });
  const gw = groups.map((g, gi) => spanWidth(cw[gi]!, 0, g.cells, g.vsStart));
  const lines: string[] = [];
  let h1 = pad(labelW);
  let h2 = pad(labelW);
  groups.forEach((g, gi) => {
    h1 += ` │ ${centre(g.title, gw[gi]!)}`;
    const uw = spanWidth(cw[gi]!, 0, g.vsStart);
    let sub = centre(g.unitTitle, uw);
    if (g.vsTitle !== undefined) {
      const before = spanWidth(cw[gi]!, 0, g.vsStart);
      // The vs title starts where the first comparison cell starts in body rows.
      sub = centre(g.unitTitle, before) + '  ' + g.vsTitle;
    }
    // An overflowing title pushes the next border right by its overflow once more,
    // as benchstat's layout prints a negative gap as that many spaces.
    const gap = gw[gi]! - width(sub);
    h2 += ` │ ${sub}${pad(Math.abs(gap))}`;
  });
  lines.push(`${h1} │`, `${h2} │`);
  rows.forEach((r, ri) => {
    let line = labels[ri]! + pad(labelW - width(labels[ri]!));
    groups.forEach((g, gi) => {
      const ws = cw[gi]!;
      let s = '';
      let first = true;
      for (let i = 0; i < g.cells; i++) {
        const c = r[gi]![i] ?? '';
        if (ws[i] === 0) continue;
        if (!first) s += sep(i, g.vsStart);
        first = false;
        const left = align[gi]![i] === 'left' || (i === g.vsStart && leftRows.has(ri) && c === '?');
        s += left ? c + pad(ws[i]! - width(c)) : pad(ws[i]! - width(c)) + c;
      }
      line += `   ${s}${pad(gw[gi]! - width(s))}`;
    });
    lines.push(line.trimEnd());
  });
  return `${lines.join('\n')}\n`;
}
