// `metalbench stat`: benchstat's comparison tables from Go benchmark files.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { buildDataset, parseKey, type Dataset, type InputFile, type Table } from './model.ts';
import { parseFilter, FilterSyntaxError } from './filter.ts';
import { renderTable, type Align, type Group } from './texttab.ts';
import { summarize, compare, pctRange, comparisonString, formatDelta, formatSigned, type Summary } from '../stats/summary.ts';
import { formatGoV } from '../benchfmt/gofloat.ts';
import { commonScale, formatScaled, scale, formatFixed, type UnitClass } from '../stats/format.ts';

export interface StatIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  cwd: string;
}

interface Options {
  row: string;
  col: string;
  table: string;
  filter: string;
  ignore: string[];
  alpha: number;
  confidence: number;
  format: 'text' | 'csv';
  files: string[];
  db?: string;
  runs: number[];
}

class UsageError extends Error {}

const VALUE_FLAGS = new Set(['row', 'col', 'table', 'filter', 'ignore', 'alpha', 'confidence', 'format', 'db', 'run']);

function parseArgs(argv: string[]): Options {
  const o: Options = { row: '.fullname', col: '.file', table: '.config', filter: '*', ignore: [], alpha: 0.05, confidence: 0.95, format: 'text', files: [], runs: [] };
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      i++;
      break;
    }
    if (!a.startsWith('-') || a === '-') break;
    let name = a.replace(/^--?/, '');
    let value: string | undefined;
    const eq = name.indexOf('=');
    if (eq >= 0) {
      value = name.slice(eq + 1);
      name = name.slice(0, eq);
    }
    if (!VALUE_FLAGS.has(name)) throw new UsageError(`flag provided but not defined: -${name}`);
    if (value === undefined) {
      if (i + 1 >= argv.length) throw new UsageError(`flag needs an argument: -${name}`);
      value = argv[++i]!;
    }
    switch (name) {
      case 'alpha':
      case 'confidence': {
        const x = Number(value);
        if (value.trim() === '' || Number.isNaN(x)) throw new UsageError(`invalid value "${value}" for flag -${name}: parse error`);
        if (x < 0 || x > 1) throw new UsageError(`-${name} must be in range [0, 1]`);
        o[name] = x;
        break;
      }
      case 'format':
        if (value !== 'text' && value !== 'csv') throw new UsageError(`-format must be text or csv`);
        o.format = value;
        break;
      case 'db':
        o.db = value;
        break;
      case 'run': {
        const id = Number(value);
        if (!Number.isInteger(id) || id < 0) throw new UsageError(`invalid value "${value}" for flag -run: want a run id`);
        o.runs.push(id);
        break;
      }
      case 'ignore':
        o.ignore.push(...value.split(/[\s,]+/).filter((s) => s !== ''));
        break;
      default:
        o[name as 'row' | 'col' | 'table' | 'filter'] = value;
    }
  }
  o.files = argv.slice(i);
  if (o.db !== undefined && o.runs.length === 0) throw new UsageError('--db needs at least one --run ID');
  if (o.db === undefined && o.runs.length > 0) throw new UsageError('--run needs --db PATH');
  if (o.files.length === 0 && o.db === undefined) throw new UsageError('no input files');
  return o;
}

/** IEC prefixes for byte units, SI for everything else. */
function unitClass(unit: string): UnitClass {
  const num = unit.split('/')[0]!;
  for (const tok of num.split(/[*\-\s]+/)) if (tok === 'B' || tok === 'MB' || tok === 'bytes') return 'binary';
  return 'decimal';
}

const SUPERSCRIPT = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];
function superscript(n: number): string {
  return [...String(n)].map((d) => SUPERSCRIPT[Number(d)]).join('');
}

function geomean(xs: number[]): { value: number; ok: boolean } {
  if (xs.length === 0) return { value: NaN, ok: false };
  let m = 0;
  for (let i = 0; i < xs.length; i++) {
    if (!(xs[i]! > 0)) return { value: NaN, ok: false };
    m += (Math.log(xs[i]!) - m) / (i + 1);
  }
  return { value: Math.exp(m), ok: true };
}

function renderText(ds: Dataset, o: Options): string {
  let out = '';
  let prevConfig = new Map<string, string>();
  ds.tables.forEach((t, ti) => {
    if (ti > 0) out += '\n';
    for (const [k, v] of t.config) {
      if (prevConfig.get(k) !== v && !(v === '' && !prevConfig.has(k))) out += `${k}: ${v}\n`;
    }
    prevConfig = new Map(t.config);
    out += renderOne(ds, t, o);
  });
  return out;
}

/** CSV rows and "CELL: message" warnings being collected for -format csv. */
interface CsvSink {
  rows: string[][];
  warnings: string[];
}

function cellRef(col: number, row: number): string {
  let s = '';
  for (let c = col + 1; c > 0; c = Math.floor((c - 1) / 26)) s = String.fromCharCode(65 + ((c - 1) % 26)) + s;
  return `${s}${row}`;
}

function renderOne(ds: Dataset, t: Table, o: Options, csv?: CsvSink): string {
  const assume = ds.exactUnits.has(t.unit) ? 'exact' : 'nothing';
  const cls = unitClass(t.unit);
  const notes: string[] = [];
  const note = (msgs: string[]) =>
    msgs
      .map((m) => {
        let i = notes.indexOf(m);
        if (i < 0) i = notes.push(m) - 1;
        return superscript(i + 1);
      })
      .join(' ');
  const colsUsed = ds.cols.map((_, ci) => [...t.cells.values()].some((r) => r.has(ci)));
  const cols = ds.colOrder.map((ci) => ({ name: ds.cols[ci]!, ci })).filter((c) => colsUsed[c.ci]);
  const rowIds = ds.rowOrder.filter((ri) => t.cells.has(ri));
  const groups: Group[] = cols.map((c, i) =>
    i === 0 ? { title: c.name, unitTitle: t.unit, cells: 4, vsStart: 4 } : { title: c.name, unitTitle: t.unit, vsTitle: 'vs base', cells: 7, vsStart: 4 },
  );
  const align: Align[][] = cols.map((_, i) => (i === 0 ? ['right', 'left', 'right', 'left'] : ['right', 'left', 'right', 'left', 'right', 'left', 'left']));
  const labels: string[] = [];
  const rows: string[][][] = [];
  const width = 1 + 2 + 4 * (cols.length - 1);
  if (csv) {
    const h1 = [''];
    const h2 = [''];
    cols.forEach((c, i) => {
      h1.push(c.name, '');
      h2.push(t.unit, 'CI');
      if (i > 0) {
        h1.push('', '');
        h2.push('vs base', 'P');
      }
    });
    csv.rows.push(h1, h2);
  }
  const csvWarn = (gi: number, offset: number, msgs: string[]) => {
    if (!csv) return;
    const col = gi === 0 ? 1 : 3 + 4 * (gi - 1) + offset;
    for (const m of msgs) csv.warnings.push(`${cellRef(col, csv.rows.length)}: ${m}`);
  };
  const centers: number[][] = cols.map(() => []);
  const ratios: number[][] = cols.map(() => []);
  const ratioBad: boolean[] = cols.map(() => false);
  let nBase = 0;
  const nRatio: number[] = cols.map(() => 0);
  for (const ri of rowIds) {
    const row = t.cells.get(ri)!;
    const sorted = new Map<number, number[]>();
    const sums = new Map<number, Summary>();
    for (const c of cols) {
      const cell = row.get(c.ci);
      if (!cell) continue;
      const xs = [...cell.values].sort((a, b) => a - b);
      sorted.set(c.ci, xs);
      const s = summarize(xs, o.confidence, assume);
      if (cell.residue.size > 1) s.warnings.unshift('benchmarks vary in .fullname');
      sums.set(c.ci, s);
    }
    const sc = commonScale([...sums.values()].map((s) => s.center), cls);
    const base = sums.get(cols[0]!.ci);
    if (base) nBase++;
    const csvRow: string[] = [ds.rows[ri]!];
    if (csv) csv.rows.push(csvRow);
    const cells: string[][] = cols.map((c, gi) => {
      const s = sums.get(c.ci);
      const at = gi === 0 ? 1 : 3 + 4 * (gi - 1);
      if (!s) return [];
      centers[gi]!.push(s.center);
      while (csvRow.length < at) csvRow.push('');
      csvRow.push(formatGoV(s.center), pctRange(s));
      csvWarn(gi, 0, s.warnings);
      const r = [formatScaled(sc, s.center), '±', pctRange(s), note(s.warnings)];
      if (gi === 0 || !base) return r;
      const cmp = compare(sorted.get(cols[0]!.ci)!, sorted.get(c.ci)!, o.alpha, assume);
      csvRow.push(formatDelta(cmp, base.center, s.center), comparisonString(cmp));
      csvWarn(gi, 2, cmp.warnings);
      r.push(formatDelta(cmp, base.center, s.center), `(${comparisonString(cmp)})`, note(cmp.warnings));
      nRatio[gi]!++;
      if (base.center === s.center) ratios[gi]!.push(1);
      else if (base.center === 0) ratioBad[gi] = true;
      else ratios[gi]!.push(s.center / base.center);
      return r;
    });
    labels.push(ds.rows[ri]!);
    rows.push(cells);
  }
  if (rowIds.length > 1 || csv) {
    const csvRow: string[] = ['geomean'];
    if (csv) csv.rows.push(csvRow);
    const cells: string[][] = cols.map((_, gi) => {
      const gm = geomean(centers[gi]!);
      const warns: string[] = [];
      if (!gm.ok) warns.push('summaries must be >0 to compute geomean');
      csvWarn(gi, 0, warns);
      const center = gm.ok ? scale(gm.value, cls) : '';
      csvRow.push(gm.ok ? formatGoV(gm.value) : '', '');
      if (gi === 0) return [center, '', '', note(warns)];
      // benchstat lists the set warning first, then the center's, then the ratio's.
      if (nRatio[gi] !== nBase) warns.unshift('benchmark set differs from baseline; geomeans may not be comparable');
      let delta = '?';
      if (!ratioBad[gi]) {
        const r = geomean(ratios[gi]!);
        if (!r.ok) warns.push('ratios must be >0 to compute geomean');
        else delta = `${formatSigned((r.value - 1) * 100, 2)}%`;
      }
      const compareWarns = warns;
      csvRow.push(delta, '');
      csvWarn(gi, 2, compareWarns.filter((w) => !w.startsWith('summaries')));
      return [center, '', '', '', delta, '', note(warns)];
    });
    while (csvRow.length < width) csvRow.push('');
    if (csv) return '';
    labels.push('geomean');
    rows.push(cells);
  }
  if (csv) return '';
  const geoRow = rowIds.length > 1 ? new Set([labels.length - 1]) : new Set<number>();
  let out = renderTable(labels, groups, rows, align, geoRow);
  notes.forEach((m, i) => (out += `${superscript(i + 1)} ${m}\n`));
  return out;
}

function csvField(f: string): string {
  if (f === '' ) return f;
  if (/[",\r\n]/.test(f) || f[0] === ' ' || f[0] === '\t') return `"${f.replace(/"/g, '""')}"`;
  return f;
}

function renderCsv(ds: Dataset, o: Options): { out: string; warnings: string[] } {
  const sink: CsvSink = { rows: [], warnings: [] };
  let prevConfig = new Map<string, string>();
  ds.tables.forEach((t, ti) => {
    if (ti > 0) sink.rows.push([]);
    for (const [k, v] of t.config) {
      if (prevConfig.get(k) !== v && !(v === '' && !prevConfig.has(k))) sink.rows.push([`${k}: ${v}`]);
    }
    prevConfig = new Map(t.config);
    renderOne(ds, t, o, sink);
  });
  return { out: sink.rows.map((r) => `${r.map(csvField).join(',')}\n`).join(''), warnings: sink.warnings };
}

async function readInputs(files: string[], cwd: string): Promise<InputFile[]> {
  const seen = new Map<string, number>();
  for (const f of files) seen.set(f, (seen.get(f) ?? 0) + 1);
  const count = new Map<string, number>();
  const out: InputFile[] = [];
  for (const arg of files) {
    const eq = arg.indexOf('=');
    let label = arg;
    let path = arg;
    if (eq >= 0) {
      label = arg.slice(0, eq);
      path = arg.slice(eq + 1);
    } else if ((seen.get(arg) ?? 0) > 1) {
      const k = count.get(arg) ?? 0;
      count.set(arg, k + 1);
      label = `${arg}#${k}`;
    }
    try {
      out.push({ label, text: await readFile(resolve(cwd, path), 'utf8') });
    } catch (e) {
      // Report the path as the user wrote it, like benchstat.
      (e as NodeJS.ErrnoException).path = path;
      throw e;
    }
  }
  return out;
}

export async function statCommand(argv: string[], io: StatIO): Promise<number> {
  let o: Options;
  try {
    o = parseArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr.write(`${e.message}\nusage: metalbench stat [flags] [label=]FILE...\n`);
      return 2;
    }
    throw e;
  }
  let files: InputFile[];
  try {
    files = await readInputs(o.files, io.cwd);
    if (o.db !== undefined) {
      const { readRuns } = await import('./dbinput.ts');
      files.push(...(await readRuns(resolve(io.cwd, o.db), o.runs)));
    }
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === undefined || err.code.startsWith('SQLITE')) {
      io.stderr.write(`metalbench stat: reading --db ${o.db ?? ''}: ${err.message}\n`);
      return 1;
    }
    const what = err.code === 'ENOENT' ? 'no such file or directory' : err.code === 'EACCES' ? 'permission denied' : err.code === 'EISDIR' ? 'is a directory' : err.message;
    io.stderr.write(`metalbench stat: open ${err.path ?? ''}: ${what}\n`);
    return 1;
  }
  let ds: Dataset;
  try {
    const filter = o.filter === '*' ? undefined : parseFilter(o.filter);
    ds = buildDataset(files, { col: parseKey(o.col), row: parseKey(o.row), ignore: new Set(o.ignore), filter });
  } catch (e) {
    if (e instanceof FilterSyntaxError) {
      io.stderr.write(`metalbench stat: parsing -filter: syntax error: ${e.message}\n\t${o.filter}\n\t${' '.repeat(e.pos)}^\n`);
    } else io.stderr.write(`metalbench stat: ${(e as Error).message}\n`);
    return 1;
  }
  for (const w of ds.warnings) io.stderr.write(`${w}\n`);
  if (o.format === 'csv') {
    const r = renderCsv(ds, o);
    io.stdout.write(r.out);
    for (const w of r.warnings) io.stderr.write(`${w}\n`);
    return 0;
  }
  io.stdout.write(renderText(ds, o));
  return 0;
}

export { formatFixed };
