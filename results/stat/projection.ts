// Projections: how a result is split into tables, rows and columns (-table,
// -row, -col, -ignore), the residue that detects over-aggregation, and the
// -filter predicate with its per-unit masks. Keys are interned tuples of field
// values; their sort order is lexicographic over the (flattened) fields.
import { compareRaw } from '../benchfmt/rawtext.ts';
import { parseFloatGo, type ConfigSnapshot } from '../benchfmt/scan.ts';
import { parseFilterQuery, parseProjectionQuery, SyntaxError, goQuote, type FilterNode, type ProjField } from './syntax.ts';

/** What projections and filters look at. */
export interface ResultView {
  name: string;
  config: ConfigSnapshot;
}

export type Cmp = (a: string, b: string) => number;

export class Field {
  readonly sub: Field[] = [];
  cmp: Cmp = () => 0;
  /** Observation order, when the field sorts by first appearance. */
  order: Map<string, number> | null = null;
  constructor(
    readonly name: string,
    readonly isTuple: boolean,
    /** Index into a key's values; -1 for groups. */
    readonly idx: number,
  ) {}
}

export class Key {
  constructor(
    readonly proj: Projection,
    readonly vals: readonly string[],
    /** Dense index among its projection's keys (in order of first appearance). */
    readonly id: number,
  ) {}

  get(f: Field): string {
    return f.idx < this.vals.length ? this.vals[f.idx]! : '';
  }

  /** The non-empty values in field order, space-separated (row labels). */
  stringValues(): string {
    const flat = this.proj.flattened();
    if (flat.length === 1) return this.get(flat[0]!);
    let out = '';
    for (const f of flat) {
      const v = this.get(f);
      if (v === '') continue;
      out += out === '' ? v : ` ${v}`;
    }
    return out;
  }
}

// ---- names ----

function splitGomaxprocs(n: string): [string, string | null] {
  for (let i = n.length - 1; i >= 0; i--) {
    const c = n.charCodeAt(i);
    if (c === 45 && i < n.length - 1) return [n.slice(0, i), n.slice(i)];
    if (c < 48 || c > 57) break;
  }
  return [n, null];
}

export function nameBase(n: string): string {
  const slash = n.indexOf('/');
  return slash >= 0 ? n.slice(0, slash) : splitGomaxprocs(n)[0];
}

/** The base name and the parts after it: "/k=v" pieces and a final "-N". */
export function nameParts(n: string): [string, string[]] {
  const [buf, procs] = splitGomaxprocs(n);
  const parts: string[] = [];
  let prev = 0;
  for (let i = 0; i < buf.length; i++) {
    if (buf.charCodeAt(i) === 47) {
      parts.push(buf.slice(prev, i));
      prev = i;
    }
  }
  parts.push(buf.slice(prev));
  if (procs !== null) parts.push(procs);
  return [parts[0]!, parts.slice(1)];
}

type Extractor = (r: ResultView) => string;

function newExtractor(key: string): Extractor {
  if (key === '') throw new Error('key must not be empty');
  if (key === '.name') return (r) => nameBase(r.name);
  if (key === '.fullname') return (r) => r.name;
  if (key.startsWith('/')) {
    const prefix = `${key}=`;
    const gomaxprocs = key === '/gomaxprocs';
    return (r) => {
      const [, parts] = nameParts(r.name);
      if (gomaxprocs && parts.length > 0) {
        const last = parts[parts.length - 1]!;
        if (last[0] === '-') return last.slice(1);
      }
      for (const p of parts) if (p.startsWith(prefix)) return p.slice(prefix.length);
      return '';
    };
  }
  return (r) => r.config.get(key);
}

/** .fullname without the parts that other projections show on their own. */
function fullNameExtractor(exclude: readonly string[]): Extractor {
  const del: string[] = [];
  let excName = false;
  let excProcs = false;
  for (const k of exclude) {
    if (k === '.name') excName = true;
    if (!k.startsWith('/')) continue;
    del.push(`${k}=`);
    if (k === '/gomaxprocs') excProcs = true;
  }
  if (del.length === 0 && !excName && !excProcs) return (r) => r.name;
  return (r) => {
    const name = r.name;
    let found = excName || del.some((d) => name.includes(d));
    if (!found && excProcs && name.includes('-')) found = true;
    if (!found) return name;
    const [base, parts] = nameParts(name);
    let out = excName ? '*' : base;
    for (const p of parts) {
      if (del.some((d) => p.startsWith(d))) continue;
      if (excProcs && p[0] === '-') continue;
      out += p;
    }
    return out;
  };
}

// ---- sort orders ----

const NUM_PREFIXES = 'KMGTPEZY';
const NUM_RE = /^([+-]?[0-9.]+)([kKMGTPEZY]i?)?[bB]?$/;

function parseNum(x: string): number | undefined {
  const direct = goParseFloatLoose(x);
  if (direct !== undefined) return direct;
  const m = NUM_RE.exec(x);
  if (!m) return undefined;
  const v = goParseFloatLoose(m[1]!);
  if (v === undefined) return undefined;
  let exp = 0;
  const pre = m[2] ?? '';
  if (pre.length > 0) exp = 1 + NUM_PREFIXES.indexOf(pre[0] === 'k' ? 'K' : pre[0]!);
  return v * Math.pow(pre.endsWith('i') ? 1024 : 1000, exp);
}

/** strconv.ParseFloat's value, or undefined on any error (including out of range). */
function goParseFloatLoose(s: string): number | undefined {
  const v = parseFloatGo(s);
  return typeof v === 'number' ? v : undefined;
}

const BUILTIN_ORDERS: Record<string, Cmp> = {
  alpha: (a, b) => Math.sign(compareRaw(a, b)),
  num: (a, b) => {
    const x = parseNum(a);
    const y = parseNum(b);
    if (x !== undefined && y !== undefined) {
      if (x < y || (!Number.isNaN(x) && Number.isNaN(y))) return -1;
      if (x > y || (Number.isNaN(x) && !Number.isNaN(y))) return 1;
      return 0;
    }
    if (x === undefined && y === undefined) return 0;
    return x !== undefined ? -1 : 1;
  },
};

// ---- filters ----

/** What a filter sees of one result line. */
export interface FilterSubject extends ResultView {
  n: number;
  units: readonly string[];
  origUnits: readonly string[];
}

/** Either a per-measurement mask, or (mask null) a verdict on the whole result. */
type FilterFn = (r: FilterSubject) => [Uint8Array | null, boolean];

export class Filter {
  /** Whether any term looks at units (then verdicts vary per measurement). */
  usesUnits = false;
  /** "*": everything passes. */
  trivial = false;
  constructor(public match: FilterFn) {}

  /** Kept measurements: null for all, an empty mask for none. */
  keep(r: FilterSubject): Uint8Array | null {
    const [m, x] = this.match(r);
    if (m === null) return x ? null : new Uint8Array(0);
    let all = true;
    let any = false;
    for (let i = 0; i < r.n; i++) {
      if (m[i]) any = true;
      else all = false;
    }
    if (all) return null;
    return any ? m : new Uint8Array(0);
  }
}

function filterOp(op: 'and' | 'or' | 'not', subs: FilterFn[]): FilterFn {
  if (op === 'not') {
    const sub = subs[0]!;
    return (r) => {
      const [m, x] = sub(r);
      if (m === null) return [null, !x];
      for (let i = 0; i < m.length; i++) m[i] = m[i] ? 0 : 1;
      return [m, false];
    };
  }
  if (op === 'and') {
    return (r) => {
      let m: Uint8Array | null = null;
      for (const sub of subs) {
        const [m2, x] = sub(r);
        if (m2 === null) {
          if (!x) return [null, false];
        } else if (m === null) m = m2;
        else for (let i = 0; i < m.length; i++) m[i] = m[i]! & m2[i]!;
      }
      return [m, true];
    };
  }
  return (r) => {
    let m: Uint8Array | null = null;
    for (const sub of subs) {
      const [m2, x] = sub(r);
      if (m2 === null) {
        if (x) return [null, true];
      } else if (m === null) m = m2;
      else for (let i = 0; i < m.length; i++) m[i] = m[i]! | m2[i]!;
    }
    return [m, false];
  };
}

/** Builds the -filter predicate; throws SyntaxError. */
export function newFilter(query: string): Filter {
  const tree = parseFilterQuery(query);
  const extractors = new Map<string, Extractor>();
  const filter = new Filter(() => [null, true]);
  const walk = (q: FilterNode): FilterFn => {
    if (q.op !== 'match') return filterOp(q.op, q.exprs.map(walk));
    const re = q.re;
    const value = q.value;
    const test = re ? (s: string) => re.test(s) : (s: string) => s === value;
    if (q.key === '.unit') {
      filter.usesUnits = true;
      return (r) => {
        const m = new Uint8Array(r.n);
        for (let i = 0; i < r.n; i++) if (test(r.units[i]!) || (r.origUnits[i] !== '' && test(r.origUnits[i]!))) m[i] = 1;
        return [m, false];
      };
    }
    if (q.key === '.config') throw new SyntaxError(query, q.off, '.config is only allowed in projections');
    let ext = extractors.get(q.key);
    if (!ext) {
      try {
        ext = newExtractor(q.key);
      } catch (e) {
        throw new SyntaxError(query, q.off, (e as Error).message);
      }
      extractors.set(q.key, ext);
    }
    const x = ext;
    return (r) => [null, test(x(r))];
  };
  filter.match = walk(tree);
  filter.trivial = tree.op === 'and' && tree.exprs.length === 0;
  return filter;
}

// ---- projections ----

export class Projection {
  readonly root = new Field('', true, -1);
  nFields = 0;
  /** What the keys depend on (besides .unit): lets callers reuse keys. */
  usesName = false;
  usesConfig = false;
  unitField: Field | null = null;
  readonly projectFns: Array<(r: ResultView, row: string[]) => void> = [];
  private row: string[] = [];
  private readonly keys = new Map<string, Key>();
  private flat: Field[] | null = null;

  addField(group: Field, name: string): Field {
    const f = new Field(name, false, this.nFields++);
    group.sub.push(f);
    this.flat = null;
    this.row.push('');
    return f;
  }

  addGroup(group: Field, name: string): Field {
    const f = new Field(name, true, -1);
    group.sub.push(f);
    return f;
  }

  fields(): readonly Field[] {
    return this.root.sub;
  }

  /** Fields with groups (.config) expanded: the sort and header order. */
  flattened(): readonly Field[] {
    if (this.flat === null) {
      const out: Field[] = [];
      const walk = (f: Field) => {
        if (f.idx !== -1) out.push(f);
        else for (const s of f.sub) walk(s);
      };
      walk(this.root);
      this.flat = out;
    }
    return this.flat;
  }

  private populate(r: ResultView): void {
    this.row.fill('');
    for (const fn of this.projectFns) fn(r, this.row);
  }

  private intern(): Key {
    let n = this.row.length;
    while (n > 0 && this.row[n - 1] === '') n--;
    const vals = this.row.slice(0, n);
    const id = vals.join('\u0000');
    let k = this.keys.get(id);
    if (k) return k;
    for (const f of this.fields()) {
      if (f.order === null) continue;
      const v = f.idx < vals.length ? vals[f.idx]! : '';
      if (!f.order.has(v)) f.order.set(v, f.order.size);
    }
    k = new Key(this, vals, this.keys.size);
    this.keys.set(id, k);
    return k;
  }

  project(r: ResultView): Key {
    this.populate(r);
    return this.intern();
  }

  /** The key of one measurement, for a projection with a .unit field. */
  projectUnit(r: ResultView, unit: string): Key {
    this.populate(r);
    this.row[this.unitField!.idx] = unit;
    return this.intern();
  }
}

/** True when a sorts before b. */
function less(flat: readonly Field[], a: readonly string[], b: readonly string[]): boolean {
  for (const f of flat) {
    const x = f.idx < a.length ? a[f.idx]! : '';
    const y = f.idx < b.length ? b[f.idx]! : '';
    if (x !== y) {
      const c = f.cmp(x, y);
      if (c !== 0) return c < 0;
      return compareRaw(x, y) < 0;
    }
  }
  return false;
}

export function sortKeys(keys: Key[]): Key[] {
  if (keys.length === 0) return keys;
  const flat = keys[0]!.proj.flattened();
  return keys.sort((a, b) => (less(flat, a.vals, b.vals) ? -1 : less(flat, b.vals, a.vals) ? 1 : 0));
}

/** The fields whose values differ among the keys. */
export function nonSingularFields(keys: readonly Key[]): Field[] {
  if (keys.length <= 1) return [];
  const out: Field[] = [];
  for (const f of keys[0]!.proj.flattened()) {
    const base = keys[0]!.get(f);
    if (keys.some((k) => k.get(f) !== base)) out.push(f);
  }
  return out;
}

/**
 * Parses the projection flags together: keys named specifically in one of
 * them are left out of ".config" and ".fullname" everywhere.
 */
export class ProjectionParser {
  private readonly configKeys = new Set<string>();
  private readonly fullnameKeys: string[] = [];
  private haveConfig = false;
  private haveFullname = false;
  private fullExtractor: Extractor | null = null;

  /** Throws SyntaxError. */
  parse(query: string, filter: Filter, withUnit = false): Projection {
    const proj = new Projection();
    const parts = parseProjectionQuery(query);
    const filters: FilterFn[] = [];
    for (const part of parts) {
      const f = this.makeProjection(proj, query, part);
      if (f) filters.push(f);
    }
    if (filters.length > 0) {
      filters.push(filter.match);
      filter.match = filterOp('and', filters);
      filter.trivial = false;
    }
    if (withUnit) {
      const field = proj.addField(proj.root, '.unit');
      const order = new Map<string, number>();
      field.order = order;
      field.cmp = (a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0);
      proj.unitField = field;
    }
    return proj;
  }

  /** Everything no projection shows: for "benchmarks vary in …". */
  residue(): Projection {
    const s = new Projection();
    if (!this.haveConfig) this.makeProjection(s, '', { key: '.config', order: 'first', fixed: [], keyOff: 0, orderOff: 0 });
    if (!this.haveFullname) this.makeProjection(s, '', { key: '.fullname', order: 'first', fixed: [], keyOff: 0, orderOff: 0 });
    return s;
  }

  private makeProjection(s: Projection, q: string, part: ProjField): FilterFn | null {
    let init: (f: Field) => void;
    let makeFilter: (ext: Extractor) => FilterFn | null = () => null;
    if (part.order === 'fixed') {
      const fixed = new Map<string, number>();
      part.fixed.forEach((v, i) => fixed.set(v, i));
      init = (f) => {
        f.cmp = (a, b) => (fixed.get(a) ?? 0) - (fixed.get(b) ?? 0);
      };
      makeFilter = (ext) => (r) => [null, fixed.has(ext(r))];
    } else if (part.order === 'first') {
      init = (f) => {
        const order = new Map<string, number>();
        f.order = order;
        f.cmp = (a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0);
      };
    } else if (BUILTIN_ORDERS[part.order]) {
      const cmp = BUILTIN_ORDERS[part.order]!;
      init = (f) => {
        f.cmp = cmp;
      };
    } else {
      throw new SyntaxError(q, part.orderOff, `unknown order ${goQuote(part.order)}`);
    }
    let filter: FilterFn | null = null;
    switch (part.key) {
      case '.config': {
        if (part.order === 'fixed') throw new SyntaxError(q, part.orderOff, 'fixed order not allowed for .config');
        this.haveConfig = true;
        s.usesConfig = true;
        const group = s.addGroup(s.root, '.config');
        const seen = new Map<string, Field>();
        s.projectFns.push((r, row) => {
          const c = r.config;
          for (let i = 0; i < c.keys.length; i++) {
            if (!c.file[i]) continue;
            const k = c.keys[i]!;
            let f = seen.get(k);
            if (!f) {
              if (this.configKeys.has(k)) continue;
              f = s.addField(group, k);
              init(f);
              seen.set(k, f);
            }
            row[f.idx] = c.values[i]!;
          }
        });
        break;
      }
      case '.fullname': {
        this.haveFullname = true;
        s.usesName = true;
        const f = s.addField(s.root, '.fullname');
        init(f);
        filter = makeFilter((r) => r.name);
        s.projectFns.push((r, row) => {
          if (this.fullExtractor === null) this.fullExtractor = fullNameExtractor(this.fullnameKeys);
          row[f.idx] = this.fullExtractor(r);
        });
        break;
      }
      case '.unit':
        throw new SyntaxError(q, part.keyOff, '.unit is only allowed in filters');
      default: {
        if (part.key === '.name' || part.key.startsWith('/')) {
          this.fullnameKeys.push(part.key);
          s.usesName = true;
        } else {
          this.configKeys.add(part.key);
          s.usesConfig = true;
        }
        let ext: Extractor;
        try {
          ext = newExtractor(part.key);
        } catch (e) {
          throw new SyntaxError(q, part.keyOff, (e as Error).message);
        }
        const f = s.addField(s.root, part.key);
        init(f);
        filter = makeFilter(ext);
        s.projectFns.push((r, row) => {
          row[f.idx] = ext(r);
        });
      }
    }
    return filter;
  }
}
