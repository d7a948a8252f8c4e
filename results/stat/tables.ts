// Grouping measurements into table cells, then the statistics of every cell,
// its comparison with the baseline column and each column's geomean.
import type { ConfigSnapshot, ScanSink } from './scan.ts';
import { Key, nonSingularFields, sortKeys, type Filter, type Projection, type ResultView, type FilterSubject } from './projection.ts';
import { summarize, compare, type Summary, type Comparison, type Assumption } from '../stats/summary.ts';

interface BuilderCell {
  values: number[];
  residue: Set<Key>;
}

interface BuilderTable {
  rows: Set<Key>;
  cols: Set<Key>;
  cells: Map<Key, Map<Key, BuilderCell>>;
}

/** Everything derived once per (configuration, benchmark name). */
interface Entry {
  view: FilterSubject;
  /** Filter verdict for results that do not look at units: null keeps all. */
  verdict: Uint8Array | null | undefined;
  maskUnits: string[];
  maskOrig: string[];
  mask: Uint8Array | null;
  row: Key | null;
  col: Key | null;
  residue: Key | null;
  slotUnit: string[];
  slotCell: BuilderCell[];
}

export interface TableCell {
  /** Sorted values. */
  sample: Float64Array;
  sampleWarnings: string[];
  summary: Summary;
  baseline: TableCell | null;
  comparison: Comparison | null;
}

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
  cells: Map<Key, Map<Key, TableCell>>;
  summary: Map<Key, TableSummary>;
}

export interface Tables {
  tables: Table[];
  keys: Key[];
}

export class Builder implements ScanSink {
  private readonly tables = new Map<Key, BuilderTable>();
  private readonly entries = new Map<ConfigSnapshot, Map<string, Entry>>();
  private lastConfig: ConfigSnapshot | null = null;
  private lastNames: Map<string, Entry> | null = null;

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

  result(name: string, config: ConfigSnapshot, n: number, values: Float64Array, units: readonly string[], origUnits: readonly string[]): void {
    let names = this.lastNames;
    if (config !== this.lastConfig) {
      names = this.entries.get(config) ?? null;
      if (names === null) this.entries.set(config, (names = new Map()));
      this.lastConfig = config;
      this.lastNames = names;
    }
    let e = names!.get(name);
    if (e === undefined) {
      e = {
        view: { name, config, n: 0, units: [], origUnits: [] },
        verdict: undefined,
        maskUnits: [],
        maskOrig: [],
        mask: null,
        row: null,
        col: null,
        residue: null,
        slotUnit: [],
        slotCell: [],
      };
      names!.set(name, e);
    }
    let mask: Uint8Array | null = null;
    const filter = this.filter;
    if (filter !== null) {
      if (!filter.usesUnits) {
        if (e.verdict === undefined) e.verdict = filter.keep(e.view);
        mask = e.verdict;
      } else {
        let same = e.maskUnits.length === n;
        for (let i = 0; same && i < n; i++) same = e.maskUnits[i] === units[i] && e.maskOrig[i] === origUnits[i];
        if (!same) {
          e.maskUnits = units.slice(0, n);
          e.maskOrig = origUnits.slice(0, n);
          e.mask = filter.keep({ name, config, n, units: e.maskUnits, origUnits: e.maskOrig });
        }
        mask = e.mask;
      }
      if (mask !== null && mask.length === 0) return;
    }
    const view: ResultView = e.view;
    for (let i = 0; i < n; i++) {
      if (mask !== null && !mask[i]) continue;
      let cell: BuilderCell;
      const unit = units[i]!;
      if (e.slotUnit[i] === unit) cell = e.slotCell[i]!;
      else {
        const tkey = this.tableBy.projectUnit(view, unit);
        if (e.row === null) {
          e.row = this.rowBy.project(view);
          e.col = this.colBy.project(view);
          e.residue = this.residueBy.project(view);
        }
        cell = this.cell(tkey, e.row, e.col!);
        cell.residue.add(e.residue!);
        e.slotUnit[i] = unit;
        e.slotCell[i] = cell;
      }
      cell.values.push(values[i]!);
    }
  }

  private cell(tkey: Key, row: Key, col: Key): BuilderCell {
    let t = this.tables.get(tkey);
    if (!t) this.tables.set(tkey, (t = { rows: new Set(), cols: new Set(), cells: new Map() }));
    let r = t.cells.get(row);
    if (!r) t.cells.set(row, (r = new Map()));
    let c = r.get(col);
    if (!c) {
      r.set(col, (c = { values: [], residue: new Set() }));
      t.rows.add(row);
      t.cols.add(col);
    }
    return c;
  }

  toTables(confidence: number, alpha: number, isExact: (unit: string) => boolean): Tables {
    const keys = sortKeys([...this.tables.keys()]);
    const unitField = this.tableBy.unitField!;
    const tables: Table[] = [];
    for (const k of keys) {
      const bt = this.tables.get(k)!;
      const unit = k.get(unitField);
      const assumption: Assumption = isExact(unit) ? 'exact' : 'nothing';
      const rows = sortKeys([...bt.rows]);
      const cols = sortKeys([...bt.cols]);
      const cells = new Map<Key, Map<Key, TableCell>>();
      const base = cols[0]!;
      // Summaries first (baselines must exist before comparisons).
      for (const [rk, r] of bt.cells) {
        const out = new Map<Key, TableCell>();
        cells.set(rk, out);
        for (const [ck, c] of r) {
          const sample = sortSample(c.values);
          const sampleWarnings: string[] = [];
          const summary = summarize(sample, confidence, assumption);
          if (c.residue.size > 1) {
            const nsk = nonSingularFields([...c.residue]);
            if (nsk.length > 0) sampleWarnings.push(`benchmarks vary in ${nsk.map((f) => f.name).join(', ')}`);
          }
          out.set(ck, { sample, sampleWarnings, summary, baseline: null, comparison: null });
        }
      }
      for (const r of cells.values()) {
        const b = r.get(base);
        if (!b) continue;
        for (const [ck, c] of r) {
          if (ck === base) continue;
          c.baseline = b;
          c.comparison = compare(b.sample, c.sample, alpha, assumption);
        }
      }
      const summary = new Map<Key, TableSummary>();
      let nBase = 0;
      for (const row of rows) if (cells.get(row)?.has(base)) nBase++;
      cols.forEach((col, i) => summary.set(col, summarizeCol(rows, cells, col, nBase, i === 0)));
      tables.push({ unit, assumption, rows, cols, cells, summary });
    }
    return { tables, keys };
  }
}

/** Ascending, NaNs first (Go's sort.Float64s). */
function sortSample(values: number[]): Float64Array {
  const a = Float64Array.from(values).sort();
  let nan = 0;
  for (let i = a.length - 1; i >= 0 && Number.isNaN(a[i]!); i--) nan++;
  if (nan === 0) return a;
  const out = new Float64Array(a.length);
  out.fill(NaN, 0, nan);
  out.set(a.subarray(0, a.length - nan), nan);
  return out;
}

/** Geometric mean as go-moremath computes it (running mean of logs); NaN unless all > 0. */
export function geoMean(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  let m = 0;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i]!;
    if (x <= 0) return NaN;
    m += (Math.log(x) - m) / (i + 1);
  }
  return Math.exp(m);
}

function summarizeCol(rows: Key[], cells: Map<Key, Map<Key, TableCell>>, col: Key, nBase: number, isBase: boolean): TableSummary {
  const summaries: number[] = [];
  const ratios: number[] = [];
  let badRatio = false;
  for (const row of rows) {
    const cell = cells.get(row)?.get(col);
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
