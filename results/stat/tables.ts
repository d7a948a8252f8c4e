// Grouping measurements into table cells, then the statistics of every cell,
// its comparison with the baseline column and each column's geomean.
import { goSortFloat64s } from '../stats/gosort.ts';
import type { ConfigSnapshot, ScanSink } from '../benchfmt/scan.ts';
import { Key, nonSingularFields, sortKeys, type Filter, type Projection, type ResultView, type FilterSubject } from './projection.ts';
import { summarize, compare, type Summary, type Comparison, type Assumption } from '../stats/summary.ts';
import { goLog, goExp } from '../stats/gomath.ts';

/** A table cell: filled while reading, summarized by toTables. */
export interface TableCell {
  /** Index of the cell; its measurements are the arena entries tagged with it. */
  id: number;
  count: number;
  /** The residue key of the cell's results, and all of them once a second one appears ("benchmarks vary in …"). */
  residue: Key | null;
  residues: Set<Key> | null;
  table: BuilderTable;
  row: Key;
  col: Key;
  /** Where the cell's sorted values start in the grouped store (toTables), and how many. */
  start: number;
  sampleWarnings: string[];
  summary: Summary;
  baseline: TableCell | null;
  comparison: Comparison | null;
}

type BuilderCell = TableCell;

interface BuilderTable {
  key: Key;
  /** The table's columns (rows are the keys of cells). */
  cols: Key[];
  hasCol: boolean[];
  /** row → cells by column key id */
  cells: Map<Key, Array<BuilderCell | undefined>>;
  assumption: Assumption;
  base: Key | null;
}

/** The warnings of a cell that has none (shared, never added to). */
const NONE: string[] = [];
const NO_SUMMARY: Summary = { center: 0, lo: 0, hi: 0, confidence: 0, warnings: [] };

/** Everything derived once per (configuration, benchmark name). */
/** One object per (configuration, name): it is also what the filter looks at. */
interface Entry extends FilterSubject {
  /** Filter verdict for results that do not look at units: null keeps all. */
  verdict: Uint8Array | null | undefined;
  maskUnits: readonly string[];
  maskOrig: readonly string[];
  mask: Uint8Array | null;
  row: Key | null;
  col: Key | null;
  residue: Key | null;
  /** Per measurement position: the unit, original unit and cell last used (null: filtered out). */
  slotUnit: readonly string[];
  slotOrig: readonly string[];
  slotCell: Array<BuilderCell | null>;
}

const NO_STRINGS: readonly string[] = [];

export interface TableSummary {
  hasSummary: boolean;
  summary: number;
  hasRatio: boolean;
  ratio: number;
  warnings: string[];
}

export interface Table {
  unit: string;
  assumption: Assumption;
  rows: Key[];
  cols: Key[];
  /** row → cells by column key id */
  cells: Map<Key, Array<TableCell | undefined>>;
  summary: Map<Key, TableSummary>;
}

export interface Tables {
  tables: Table[];
  keys: Key[];
}

export class Builder implements ScanSink {
  private readonly tables = new Map<Key, BuilderTable>();
  private readonly entries = new Map<ConfigSnapshot, Map<string, Entry>>();

  constructor(
    private readonly tableBy: Projection,
    private readonly rowBy: Projection,
    private readonly colBy: Projection,
    private readonly residueBy: Projection,
    private readonly filter: Filter | null,
    private readonly warn: (text: string) => void,
  ) {}

  syntaxError(text: string): void {
    this.warn(text);
  }

  config(config: ConfigSnapshot): void {
    let names = this.entries.get(config);
    if (names === undefined) this.entries.set(config, (names = new Map()));
    this.curConfig = config;
    this.curNames = names;
  }

  private curConfig: ConfigSnapshot | null = null;
  private curNames = new Map<string, Entry>();

  tryResult(name: string, n: number, values: Float64Array, units: readonly string[], origUnits: readonly string[]): boolean {
    const e = this.curNames.get(name);
    if (e === undefined || e.slotUnit.length !== n) return false;
    const slotUnit = e.slotUnit;
    const slotOrig = e.slotOrig;
    for (let i = 0; i < n; i++) if (slotUnit[i] !== units[i] || slotOrig[i] !== origUnits[i]) return false;
    if (this.used + n > this.arena.length) this.growArena(n);
    const cells = e.slotCell;
    const arena = this.arena;
    const owner = this.owner;
    let k = this.used;
    for (let i = 0; i < n; i++) {
      const c = cells[i];
      if (c === null) continue;
      arena[k] = values[i]!;
      owner[k++] = c!.id;
      c!.count++;
    }
    this.used = k;
    return true;
  }

  /**
   * Every measurement, in reading order, with the cell it belongs to: two
   * typed arrays instead of an array per cell keep the garbage collector idle.
   */
  private arena = new Float64Array(4096);
  private owner = new Int32Array(4096);
  private used = 0;
  private readonly cellList: BuilderCell[] = [];

  private growArena(n: number): void {
    const size = Math.max(this.arena.length * 2, this.used + n);
    const a = new Float64Array(size);
    a.set(this.arena);
    const o = new Int32Array(size);
    o.set(this.owner);
    this.arena = a;
    this.owner = o;
  }

  private add(cell: BuilderCell, v: number): void {
    if (this.used + 1 > this.arena.length) this.growArena(1);
    this.arena[this.used] = v;
    this.owner[this.used++] = cell.id;
    cell.count++;
  }

  result(name: string, n: number, values: Float64Array, units: readonly string[], origUnits: readonly string[]): void {
    let e = this.curNames.get(name);
    if (e === undefined) e = this.newEntry(this.curNames, name, this.curConfig!);
    let mask: Uint8Array | null = null;
    if (this.filter !== null) mask = this.mask(e, n, units, origUnits);
    // Remember how this line's measurements map to cells, for tryResult.
    const slotUnit = units.slice(0, n);
    const slotOrig = origUnits.slice(0, n);
    const slotCell: Array<BuilderCell | null> = [];
    for (let i = 0; i < n; i++) {
      if (mask !== null && (mask.length === 0 || !mask[i])) {
        slotCell.push(null);
        continue;
      }
      const cell = this.resolve(e, units[i]!);
      slotCell.push(cell);
      this.add(cell, values[i]!);
    }
    e.slotUnit = slotUnit;
    e.slotOrig = slotOrig;
    e.slotCell = slotCell;
  }

  /** Room for about this many measurements (a guess from the input size saves regrowing). */
  reserve(n: number): void {
    if (n > this.arena.length) this.growArena(n - this.used);
  }

  private newEntry(names: Map<string, Entry>, name: string, config: ConfigSnapshot): Entry {
    const e: Entry = {
      name,
      config,
      n: 0,
      units: NO_STRINGS,
      origUnits: NO_STRINGS,
      verdict: undefined,
      maskUnits: NO_STRINGS,
      maskOrig: NO_STRINGS,
      mask: null,
      row: null,
      col: null,
      residue: null,
      slotUnit: NO_STRINGS,
      slotOrig: NO_STRINGS,
      slotCell: [],
    };
    names.set(name, e);
    return e;
  }

  /** The filter's verdict on a result: null keeps every measurement. */
  private mask(e: Entry, n: number, units: readonly string[], origUnits: readonly string[]): Uint8Array | null {
    const filter = this.filter!;
    if (!filter.usesUnits) {
      if (e.verdict === undefined) e.verdict = filter.keep(e);
      return e.verdict;
    }
    let same = e.maskUnits.length === n;
    for (let i = 0; same && i < n; i++) same = e.maskUnits[i] === units[i] && e.maskOrig[i] === origUnits[i];
    if (!same) {
      e.maskUnits = units.slice(0, n);
      e.maskOrig = origUnits.slice(0, n);
      e.mask = filter.keep({ name: e.name, config: e.config, n, units: e.maskUnits, origUnits: e.maskOrig });
    }
    return e.mask;
  }

  /** The cell for a measurement of an entry. */
  private resolve(e: Entry, unit: string): BuilderCell {
    const view: ResultView = e;
    const tkey = this.tableKey(view, unit);
    if (e.row === null) {
      e.row = this.keyFor(this.rowBy, this.rowCache, view);
      e.col = this.keyFor(this.colBy, this.colCache, view);
      e.residue = this.keyFor(this.residueBy, this.residueCache, view);
    }
    const cell = this.cell(tkey, e.row, e.col!);
    const r = e.residue!;
    if (cell.residue === null) cell.residue = r;
    else if (cell.residue !== r) (cell.residues ??= new Set([cell.residue])).add(r);
    return cell;
  }

  private readonly rowCache = newKeyCache();
  private readonly colCache = newKeyCache();
  private readonly residueCache = newKeyCache();
  private readonly tableCache = new Map<ConfigSnapshot | string, Map<string, Key>>();

  /** A projection's key, reused for results that agree on what it looks at. */
  private keyFor(proj: Projection, cache: KeyCache, view: ResultView): Key {
    if (!proj.usesName && !proj.usesConfig) return (cache.constant ??= proj.project(view));
    if (proj.usesName && proj.usesConfig) return proj.project(view);
    const m = proj.usesName ? cache.byName : cache.byConfig;
    const id = proj.usesName ? view.name : view.config;
    let k = m.get(id);
    if (k === undefined) m.set(id, (k = proj.project(view)));
    return k;
  }

  private tableKey(view: ResultView, unit: string): Key {
    const proj = this.tableBy;
    if (proj.usesName && proj.usesConfig) return proj.projectUnit(view, unit);
    const id = !proj.usesName ? view.config : view.name;
    let m = this.tableCache.get(id);
    if (m === undefined) this.tableCache.set(id, (m = new Map()));
    let k = m.get(unit);
    if (k === undefined) m.set(unit, (k = proj.projectUnit(view, unit)));
    return k;
  }

  private cell(tkey: Key, row: Key, col: Key): BuilderCell {
    let t = this.tables.get(tkey);
    if (!t) this.tables.set(tkey, (t = { key: tkey, cols: [], hasCol: [], cells: new Map(), assumption: 'nothing', base: null }));
    let r = t.cells.get(row);
    if (!r) t.cells.set(row, (r = []));
    let c = r[col.id];
    if (!c) {
      c = {
        id: this.cellList.length,
        count: 0,
        residue: null,
        residues: null,
        table: t,
        row,
        col,
        start: 0,
        sampleWarnings: NONE,
        summary: NO_SUMMARY,
        baseline: null,
        comparison: null,
      };
      r[col.id] = c;
      this.cellList.push(c);
      if (t.hasCol[col.id] !== true) {
        t.hasCol[col.id] = true;
        t.cols.push(col);
      }
    }
    return c;
  }

  /**
   * Every cell's measurements, sorted, side by side: one counting pass over
   * the arena, then a sort per cell. Views on it are made when needed and
   * dropped (kept, 6,000 of them would outlive the young generation).
   */
  private samples(): Float64Array {
    const cells = this.cellList;
    const fill = new Int32Array(cells.length);
    let at = 0;
    for (let i = 0; i < cells.length; i++) {
      cells[i]!.start = at;
      fill[i] = at;
      at += cells[i]!.count;
    }
    const grouped = groupByOwner(this.arena, this.owner, this.used, fill);
    for (let i = 0; i < cells.length; i++) sortSample(grouped, cells[i]!.start, cells[i]!.count);
    return grouped;
  }

  toTables(confidence: number, alpha: number, isExact: (unit: string) => boolean): Tables {
    const samples = this.samples();
    const keys = sortKeys([...this.tables.keys()]);
    const unitField = this.tableBy.unitField!;
    const sorted = new Map<BuilderTable, { rows: Key[]; cols: Key[] }>();
    for (const k of keys) {
      const bt = this.tables.get(k)!;
      bt.assumption = isExact(k.get(unitField)) ? 'exact' : 'nothing';
      const rows = sortKeys([...bt.cells.keys()]);
      const cols = sortKeys(bt.cols.slice());
      bt.base = cols[0]!;
      sorted.set(bt, { rows, cols });
    }
    // Summaries first (baselines must exist before comparisons), one small call per cell.
    const list = this.cellList;
    for (let i = 0; i < list.length; i++) summarizeCell(list[i]!, samples, confidence);
    for (let i = 0; i < list.length; i++) compareCell(list[i]!, samples, alpha);
    const tables: Table[] = [];
    for (const k of keys) {
      const bt = this.tables.get(k)!;
      const { rows, cols } = sorted.get(bt)!;
      const summary = new Map<Key, TableSummary>();
      let nBase = 0;
      for (const row of rows) if (bt.cells.get(row)![bt.base!.id] !== undefined) nBase++;
      for (let i = 0; i < cols.length; i++) summary.set(cols[i]!, summarizeCol(rows, bt.cells, cols[i]!, nBase, i === 0));
      tables.push({ unit: k.get(unitField), assumption: bt.assumption, rows, cols, cells: bt.cells, summary });
    }
    return { tables, keys };
  }
}

function summarizeCell(c: TableCell, samples: Float64Array, confidence: number): void {
  c.summary = summarize(samples.subarray(c.start, c.start + c.count), confidence, c.table.assumption);
  if (c.residues !== null) residueWarning(c, c.residues);
}

function residueWarning(c: TableCell, residues: Set<Key>): void {
  const nsk = nonSingularFields([...residues]);
  if (nsk.length > 0) c.sampleWarnings = [`benchmarks vary in ${nsk.map((f) => f.name).join(', ')}`];
}

function compareCell(c: TableCell, samples: Float64Array, alpha: number): void {
  const base = c.table.base!;
  if (c.col === base) return;
  const b = c.table.cells.get(c.row)![base.id];
  if (b === undefined) return;
  c.baseline = b;
  c.comparison = compare(samples.subarray(b.start, b.start + b.count), samples.subarray(c.start, c.start + c.count), alpha, c.table.assumption);
}

interface KeyCache {
  constant: Key | undefined;
  byName: Map<string | ConfigSnapshot, Key>;
  byConfig: Map<string | ConfigSnapshot, Key>;
}

function newKeyCache(): KeyCache {
  return { constant: undefined, byName: new Map(), byConfig: new Map() };
}

/** The first `used` values of arena, placed by owner: fill[o] is where owner o's next value goes. */
function groupByOwner(arena: Float64Array, owner: Int32Array, used: number, fill: Int32Array): Float64Array {
  const grouped = new Float64Array(used);
  for (let k = 0; k < used; k++) grouped[fill[owner[k]!]!++] = arena[k]!;
  return grouped;
}

/** Whether a holds both -0 and +0 (typed-array sort puts -0 first; Go may not). */
function hasBothZeros(a: Float64Array): boolean {
  let neg = false;
  let pos = false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    if (x === 0) {
      if (Object.is(x, -0)) neg = true;
      else pos = true;
    }
  }
  return neg && pos;
}

/** Sorts data[start, start+n) in place: ascending, NaNs first (Go's sort.Float64s). */
function sortSample(data: Float64Array, start: number, n: number): void {
  // Often already in order (constant measurements such as B/op): no sort call.
  const end = start + n;
  let i = start + 1;
  while (i < end && data[i - 1]! <= data[i]!) i++;
  if (i >= end) return;
  const a = data.subarray(start, end);
  if (hasBothZeros(a)) {
    // Which zero lands where is up to Go's unstable sort: run it.
    goSortFloat64s(a);
    return;
  }
  a.sort();
  let nan = 0;
  for (let k = a.length - 1; k >= 0 && Number.isNaN(a[k]!); k--) nan++;
  if (nan === 0) return;
  a.copyWithin(nan, 0, a.length - nan);
  a.fill(NaN, 0, nan);
}

/** Geometric mean as go-moremath computes it (running mean of logs, Go's log and exp); NaN unless all > 0. */
export function geoMean(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  let m = 0;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i]!;
    if (x <= 0) return NaN;
    m += (goLog(x) - m) / (i + 1);
  }
  return goExp(m);
}

function summarizeCol(rows: Key[], cells: Map<Key, Array<TableCell | undefined>>, col: Key, nBase: number, isBase: boolean): TableSummary {
  const summaries: number[] = [];
  const ratios: number[] = [];
  let badRatio = false;
  for (const row of rows) {
    const cell = cells.get(row)?.[col.id];
    if (!cell) continue;
    summaries.push(cell.summary.center);
    if (cell.baseline !== null) {
      const a = cell.summary.center;
      const b = cell.baseline.summary.center;
      if (a === b) ratios.push(1);
      else if (b === 0) {
        badRatio = true;
        ratios.push(0);
      } else ratios.push(a / b);
    }
  }
  const s: TableSummary = { hasSummary: false, summary: 0, hasRatio: false, ratio: 0, warnings: [] };
  if (!isBase && nBase !== ratios.length) s.warnings.push('benchmark set differs from baseline; geomeans may not be comparable');
  const gm = geoMean(summaries);
  if (Number.isNaN(gm)) s.warnings.push('summaries must be >0 to compute geomean');
  else {
    s.hasSummary = true;
    s.summary = gm;
  }
  if (!isBase && !badRatio) {
    const r = geoMean(ratios);
    if (Number.isNaN(r)) s.warnings.push('ratios must be >0 to compute geomean');
    else {
      s.hasRatio = true;
      s.ratio = r;
    }
  }
  return s;
}
