// Grouping benchmark results into tables, rows and columns (default projections:
// table = .config + .unit, row = .fullname, column = .file or a config key).
import { readAll, type BenchResult } from '../benchfmt/reader.ts';

export interface Cell {
  values: number[];
}

export interface Table {
  /** Config fields of this table in key order (for the "key: value" header lines). */
  config: Array<[string, string]>;
  unit: string;
  /** row index → col index → cell */
  cells: Map<number, Map<number, Cell>>;
}

export interface Dataset {
  tables: Table[];
  rows: string[];
  cols: string[];
  colKey: string;
  exactUnits: Set<string>;
  warnings: string[];
}

export interface InputFile {
  label: string;
  text: string;
}

export interface Grouping {
  col: string;
  row: string;
  ignore: Set<string>;
}

/** Strip the `-N` GOMAXPROCS suffix. */
function baseName(full: string): string {
  const slash = full.indexOf('/');
  if (slash >= 0) return full.slice(0, slash);
  return full.replace(/-\d+$/, '');
}

export function buildDataset(files: InputFile[], g: Grouping): Dataset {
  const rowIdx = new Map<string, number>();
  const colIdx = new Map<string, number>();
  const configKeys: string[] = [];
  const tableMap = new Map<string, Table>();
  const tableOrder: Table[] = [];
  const valueOrder = new Map<string, Map<string, number>>();
  const unitOrder = new Map<string, number>();
  const exactUnits = new Set<string>();
  const warnings: string[] = [];
  const order = (key: string, v: string) => {
    let m = valueOrder.get(key);
    if (!m) valueOrder.set(key, (m = new Map()));
    if (!m.has(v)) m.set(v, m.size);
  };
  for (const f of files) {
    for (const rec of readAll(f.text)) {
      if (rec.kind === 'warning') {
        warnings.push(`${f.label}:${rec.line}: ${rec.message}`);
        continue;
      }
      if (rec.kind === 'unit') {
        if (rec.key === 'assume' && rec.value === 'exact') exactUnits.add(rec.unit);
        continue;
      }
      if (rec.kind !== 'result') continue;
      const r: BenchResult = rec;
      for (const [k] of r.config) if (!configKeys.includes(k)) configKeys.push(k);
      const cfg = new Map(r.config.map(([k, v]) => [k, v] as [string, string]));
      const colVal = g.col === '.file' ? f.label : (cfg.get(g.col) ?? '');
      const rowVal = g.row === '.name' ? baseName(r.name) : r.name;
      const tcfg: Array<[string, string]> = [];
      for (const k of configKeys) {
        if (k === g.col || g.ignore.has(k)) continue;
        const v = cfg.get(k) ?? '';
        tcfg.push([k, v]);
        order(k, v);
      }
      if (!rowIdx.has(rowVal)) rowIdx.set(rowVal, rowIdx.size);
      if (!colIdx.has(colVal)) colIdx.set(colVal, colIdx.size);
      const ri = rowIdx.get(rowVal)!;
      const ci = colIdx.get(colVal)!;
      for (const m of r.values) {
        if (!unitOrder.has(m.unit)) unitOrder.set(m.unit, unitOrder.size);
        const key = JSON.stringify([tcfg.filter(([, v]) => v !== ''), m.unit]);
        let t = tableMap.get(key);
        if (!t) {
          t = { config: tcfg, unit: m.unit, cells: new Map() };
          tableMap.set(key, t);
          tableOrder.push(t);
        }
        let row = t.cells.get(ri);
        if (!row) t.cells.set(ri, (row = new Map()));
        let cell = row.get(ci);
        if (!cell) row.set(ci, (cell = { values: [] }));
        cell.values.push(m.value);
      }
    }
  }
  const cmp = (a: Table, b: Table) => {
    for (const k of configKeys) {
      const va = a.config.find(([x]) => x === k)?.[1] ?? '';
      const vb = b.config.find(([x]) => x === k)?.[1] ?? '';
      const d = (valueOrder.get(k)?.get(va) ?? -1) - (valueOrder.get(k)?.get(vb) ?? -1);
      if (d !== 0) return d;
    }
    return unitOrder.get(a.unit)! - unitOrder.get(b.unit)!;
  };
  const tables = [...tableOrder].sort(cmp);
  return { tables, rows: [...rowIdx.keys()], cols: [...colIdx.keys()], colKey: g.col, exactUnits, warnings };
}
