// Grouping benchmark results into tables, rows and columns (default projections:
// table = .config + .unit, row = .fullname, column = .file or a config key).
import { BenchReader, type BenchRecord, type BenchResult } from '../benchfmt/reader.ts';
import type { Pred } from './filter.ts';

export interface Cell {
  values: number[];
  /** Distinct unprojected full names seen in the cell ("benchmarks vary in .fullname"). */
  residue: Set<string>;
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
  rowOrder: number[];
  colOrder: number[];
  colKey: string;
  exactUnits: Set<string>;
  warnings: string[];
}

export interface InputFile {
  label: string;
  text: string;
}

export interface Grouping {
  col: KeySpec;
  row: KeySpec;
  ignore: Set<string>;
  filter?: Pred;
}

interface NameParts {
  base: string;
  subs: Array<[string, string]>;
  procs: string;
}

function splitName(full: string): NameParts {
  const m = /-(\d+)$/.exec(full);
  const procs = m ? m[1]! : '';
  const body = m ? full.slice(0, m.index) : full;
  const pieces = body.split('/');
  const subs: Array<[string, string]> = pieces.slice(1).map((p) => {
    const eq = p.indexOf('=');
    return eq >= 0 ? [p.slice(0, eq), p.slice(eq + 1)] : ['', p];
  });
  return { base: pieces[0]!, subs, procs };
}

/** A projection key with its sort order: `key`, `key@alpha`, `key@num`, `key@(a b)`. */
export interface KeySpec {
  key: string;
  order: 'first' | 'alpha' | 'num' | 'fixed';
  fixed: string[];
}

export function parseKey(spec: string): KeySpec {
  const at = spec.indexOf('@');
  if (at < 0) return { key: spec, order: 'first', fixed: [] };
  const key = spec.slice(0, at);
  const ord = spec.slice(at + 1);
  if (ord.startsWith('(') && ord.endsWith(')')) return { key, order: 'fixed', fixed: ord.slice(1, -1).split(/\s+/).filter((x) => x) };
  if (ord === 'alpha' || ord === 'num' || ord === 'first') return { key, order: ord, fixed: [] };
  throw new Error(`unknown order "${ord}"`);
}

function project(key: string, label: string, name: string, parts: NameParts, cfg: Map<string, string>, hideSubs: Set<string>): string {
  if (key === '.file') return label;
  if (key === '.name') return parts.base;
  if (key === '.fullname') {
    if (hideSubs.size === 0) return name;
    let out = parts.base;
    for (const [k, v] of parts.subs) if (!hideSubs.has(k)) out += k ? `/${k}=${v}` : `/${v}`;
    if (parts.procs && !hideSubs.has('gomaxprocs')) out += `-${parts.procs}`;
    return out;
  }
  if (key.startsWith('/')) {
    const k = key.slice(1);
    if (k === 'gomaxprocs') return parts.procs;
    return parts.subs.find(([x]) => x === k)?.[1] ?? '';
  }
  return cfg.get(key) ?? '';
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
  const hideSubs = new Set([g.col.key, g.row.key].filter((k) => k.startsWith('/')).map((k) => k.slice(1)));
  const fullnameProjected = g.col.key === '.fullname' || g.row.key === '.fullname' || g.ignore.has('.fullname');
  interface NameEntry {
    skip: boolean;
    residue: string;
    ri: number;
    ci: number;
    subject: { get(k: string): string };
    cells: Map<string, Cell>;
  }
  interface ConfigEntry {
    cfg: Map<string, string>;
    tcfg: Array<[string, string]>;
    tkey: string;
    names: Map<string, NameEntry>;
    tables: Map<string, Table>;
  }
  const configCache = new Map<object, ConfigEntry>();
  const order = (key: string, v: string) => {
    let m = valueOrder.get(key);
    if (!m) valueOrder.set(key, (m = new Map()));
    if (!m.has(v)) m.set(v, m.size);
  };
  for (const f of files) {
    // Read in slices so records die young instead of piling up for the GC.
    const reader = new BenchReader();
    const CHUNK = 1 << 16;
    for (let off = 0; off <= f.text.length; off += CHUNK) {
    const recs: BenchRecord[] = off + CHUNK >= f.text.length ? [...reader.push(f.text.slice(off)), ...reader.end()] : reader.push(f.text.slice(off, off + CHUNK));
    if (off + CHUNK >= f.text.length) off = f.text.length;
    for (const rec of recs) {
      if (rec.kind === 'warning') {
        // benchstat does not quote the offending field.
        warnings.push(`${f.label}:${rec.line}: ${rec.message.replace(/^(parsing [a-z ]+: invalid syntax): .*$/, '$1')}`);
        continue;
      }
      if (rec.kind === 'unit') {
        if (rec.key === 'assume' && rec.value === 'exact') exactUnits.add(rec.unit);
        continue;
      }
      if (rec.kind !== 'result') continue;
      const r: BenchResult = rec;
      // Consecutive results share one config object: derive everything per config once.
      let ce = configCache.get(r.config);
      if (!ce) {
        for (const [k] of r.config) if (!configKeys.includes(k)) configKeys.push(k);
        const cfg = new Map(r.config.map(([k, v]) => [k, v] as [string, string]));
        const tcfg: Array<[string, string]> = [];
        for (const k of configKeys) {
          if (k === g.col.key || k === g.row.key || g.ignore.has(k)) continue;
          const v = cfg.get(k) ?? '';
          tcfg.push([k, v]);
          order(k, v);
        }
        ce = { cfg, tcfg, tkey: JSON.stringify(tcfg.filter(([, v]) => v !== '')), names: new Map(), tables: new Map() };
        configCache.set(r.config, ce);
      }
      const cfg = ce.cfg;
      let ne = ce.names.get(r.name);
      if (!ne) {
        const parts = splitName(r.name);
        const colVal = project(g.col.key, f.label, r.name, parts, cfg, hideSubs);
        const rowVal = project(g.row.key, f.label, r.name, parts, cfg, hideSubs);
        const skip = (g.col.order === 'fixed' && !g.col.fixed.includes(colVal)) || (g.row.order === 'fixed' && !g.row.fixed.includes(rowVal));
        const residue = fullnameProjected ? '' : project('.fullname', f.label, r.name, parts, cfg, hideSubs);
        if (!skip && !rowIdx.has(rowVal)) rowIdx.set(rowVal, rowIdx.size);
        if (!skip && !colIdx.has(colVal)) colIdx.set(colVal, colIdx.size);
        const label = f.label;
        const name = r.name;
        const subject = { get: (k: string) => project(k, label, name, parts, cfg, new Set()) };
        ne = { skip, residue, ri: rowIdx.get(rowVal) ?? -1, ci: colIdx.get(colVal) ?? -1, subject, cells: new Map() };
        ce.names.set(r.name, ne);
      }
      if (ne.skip) continue;
      for (const m of r.values) {
        if (g.filter && !g.filter(ne.subject, m.unit, m.origUnit)) continue;
        let cell = ne.cells.get(m.unit);
        if (!cell) {
          if (!unitOrder.has(m.unit)) unitOrder.set(m.unit, unitOrder.size);
          let t = ce.tables.get(m.unit);
          if (!t) {
            const key = `${ce.tkey}\u0000${m.unit}`;
            t = tableMap.get(key);
            if (!t) {
              t = { config: ce.tcfg, unit: m.unit, cells: new Map() };
              tableMap.set(key, t);
              tableOrder.push(t);
            }
            ce.tables.set(m.unit, t);
          }
          let row = t.cells.get(ne.ri);
          if (!row) t.cells.set(ne.ri, (row = new Map()));
          cell = row.get(ne.ci);
          if (!cell) row.set(ne.ci, (cell = { values: [], residue: new Set() }));
          ne.cells.set(m.unit, cell);
        }
        cell.values.push(m.value);
        if (!fullnameProjected) cell.residue.add(ne.residue);
      }
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
  return {
    tables,
    rows: [...rowIdx.keys()],
    cols: [...colIdx.keys()],
    rowOrder: sortOrder([...rowIdx.keys()], g.row),
    colOrder: sortOrder([...colIdx.keys()], g.col),
    colKey: g.col.key,
    exactUnits,
    warnings,
  };
}

/** Display order of observed values (indices into the first-observed list). */
function sortOrder(vals: string[], k: KeySpec): number[] {
  const idx = vals.map((_, i) => i);
  if (k.order === 'alpha') idx.sort((a, b) => (vals[a]! < vals[b]! ? -1 : vals[a]! > vals[b]! ? 1 : 0));
  else if (k.order === 'fixed') idx.sort((a, b) => k.fixed.indexOf(vals[a]!) - k.fixed.indexOf(vals[b]!));
  else if (k.order === 'num') {
    const num = (s: string) => {
      const m = /^([0-9.eE+-]+)([kMGTPE]i?)?$/.exec(s);
      if (!m) return NaN;
      const mult: Record<string, number> = { k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
      return Number(m[1]) * (m[2] ? mult[m[2]]! : 1);
    };
    idx.sort((a, b) => {
      const x = num(vals[a]!);
      const y = num(vals[b]!);
      if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) === Number.isNaN(y) ? 0 : Number.isNaN(x) ? 1 : -1;
      return x - y;
    });
  }
  return idx;
}
