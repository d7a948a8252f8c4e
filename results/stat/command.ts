// `metalbench stat`: benchstat's comparison tables from Go benchmark files,
// with benchstat's flags, output, messages and exit statuses.
import { open } from 'node:fs/promises';
import { resolve } from 'node:path';
import { StatReader, parseFloatGo, type InputFile } from '../benchfmt/scan.ts';
import { SyntaxError, goQuote } from './syntax.ts';
import { encodeRaw } from '../benchfmt/rawtext.ts';
import type { Filter } from './projection.ts';

export interface StatIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  cwd: string;
  /** Read for the input "-" (default: the process's standard input). */
  stdin?: NodeJS.ReadableStream;
}

const EMPTY = Buffer.alloc(0);

/** benchstat prefixes its fatal messages with its name; so do we, to stay byte-identical. */
const PREFIX = 'benchstat: ';

const USAGE = `Usage: benchstat [flags] inputs...
       metalbench stat [flags] [label=]FILE... [--db PATH --run ID...]

Summarizes Go benchmark results per benchmark (median and confidence
interval) and compares every input column with the first one, as
golang.org/x/perf/cmd/benchstat does, with the same flags and output.
An input "label=path" names its column; "-" reads standard input.

  -table KEYS        split results into tables by KEYS (default ".config")
  -row KEYS          split results into rows by KEYS (default ".fullname")
  -col KEYS          split results into columns by KEYS (default ".file")
  -ignore KEYS       ignore variations in KEYS
  -filter QUERY      use only results matching QUERY (default "*")
  -alpha A           a change is significant if p < A (default 0.05)
  -confidence LEVEL  confidence level of the ranges (default 0.95)
  -format FORMAT     text, or csv (warnings then go to standard error)
  -db PATH -run ID   read stored runs (repeat -run) as further columns
`;

interface Options {
  table: string;
  row: string;
  col: string;
  ignore: string;
  filter: string;
  alpha: number;
  confidence: number;
  format: string;
  files: string[];
  db?: string;
  runs: number[];
}

const STRING_FLAGS = new Set(['table', 'row', 'col', 'ignore', 'filter', 'format', 'db', 'run']);
const FLOAT_FLAGS = new Set(['alpha', 'confidence']);

/** A parse outcome of the command line: options, or an exit with text for stderr. */
type Parsed = { ok: true; o: Options } | { ok: false; code: number; text: string };

/** The command line as Go's flag package reads it. */
function parseArgs(argv: string[]): Parsed {
  const o: Options = { table: '.config', row: '.fullname', col: '.file', ignore: '', filter: '*', alpha: 0.05, confidence: 0.95, format: 'text', files: [], runs: [] };
  const fail = (msg: string): Parsed => ({ ok: false, code: 2, text: `${msg}\n${USAGE}` });
  let i = 0;
  while (i < argv.length) {
    const s = argv[i]!;
    if (s.length < 2 || s[0] !== '-') break;
    let minuses = 1;
    if (s[1] === '-') {
      minuses++;
      if (s.length === 2) {
        i++;
        break;
      }
    }
    let name = s.slice(minuses);
    if (name.length === 0 || name[0] === '-' || name[0] === '=') return fail(`bad flag syntax: ${s}`);
    i++;
    let value: string | undefined;
    const eq = name.indexOf('=');
    if (eq > 0) {
      value = name.slice(eq + 1);
      name = name.slice(0, eq);
    }
    if (!STRING_FLAGS.has(name) && !FLOAT_FLAGS.has(name)) {
      if (name === 'help' || name === 'h') return { ok: false, code: 0, text: USAGE };
      return fail(`flag provided but not defined: -${name}`);
    }
    if (value === undefined) {
      if (i >= argv.length) return fail(`flag needs an argument: -${name}`);
      value = argv[i++]!;
    }
    if (FLOAT_FLAGS.has(name)) {
      const x = parseFloatGo(value);
      if (typeof x === 'string') return fail(`invalid value ${goQuote(value)} for flag -${name}: ${x === 'invalid syntax' ? 'parse error' : x}`);
      if (name === 'alpha') o.alpha = x;
      else o.confidence = x;
      continue;
    }
    switch (name) {
      case 'db':
        o.db = value;
        break;
      case 'run': {
        const id = Number(value);
        if (!/^\d+$/.test(value) || !Number.isSafeInteger(id)) return fail(`invalid value ${goQuote(value)} for flag -run: want a run id`);
        o.runs.push(id);
        break;
      }
      default:
        o[name as 'table' | 'row' | 'col' | 'ignore' | 'filter' | 'format'] = value;
    }
  }
  o.files = argv.slice(i);
  if (o.db !== undefined && o.runs.length === 0) return fail('flag -db needs at least one -run ID');
  if (o.db === undefined && o.runs.length > 0) return fail('flag -run needs -db PATH');
  if (o.files.length === 0 && o.db === undefined) return { ok: false, code: 2, text: USAGE };
  return { ok: true, o };
}

/** The part of a Node.js system error that Go's error text has ("no such file or directory"). */
function errnoText(e: NodeJS.ErrnoException): string {
  const known: Record<string, string> = {
    ENOENT: 'no such file or directory',
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EISDIR: 'is a directory',
    ENOTDIR: 'not a directory',
    ELOOP: 'too many levels of symbolic links',
    ENAMETOOLONG: 'file name too long',
    EMFILE: 'too many open files',
    ENXIO: 'no such device or address',
    EIO: 'input/output error',
    EINVAL: 'invalid argument',
  };
  if (e.code && known[e.code]) return known[e.code]!;
  const m = /^[A-Z]+: ([^,]*)/.exec(e.message);
  return m ? m[1]! : e.message;
}

/** Inputs as benchstat names them: "label=path" labels, "path#N" for repeated paths. */
function inputs(files: string[]): Array<{ path: string; label: string }> {
  const count = new Map<string, number>();
  const out = files.map((arg) => {
    const eq = arg.indexOf('=');
    if (eq >= 0) return { path: arg.slice(eq + 1), label: arg.slice(0, eq), labeled: true };
    count.set(arg, (count.get(arg) ?? 0) + 1);
    return { path: arg, label: arg, labeled: false };
  });
  const seen = new Map<string, number>();
  for (const inp of out) {
    if (inp.labeled || count.get(inp.path) === 1) continue;
    const k = seen.get(inp.path) ?? 0;
    inp.label = `${inp.path}#${k}`;
    seen.set(inp.path, k + 1);
  }
  return out;
}

/** A whole file: a regular file in one read of its size, anything else until end of file. */
async function readWhole(path: string): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const st = await fh.stat();
    let buf = Buffer.allocUnsafe(st.isFile() && st.size > 0 ? st.size : 65536);
    let off = 0;
    for (;;) {
      const { bytesRead } = await fh.read(buf, off, buf.length - off, null);
      if (bytesRead === 0) break;
      off += bytesRead;
      if (off === buf.length) {
        // Full: the usual end of a regular file, unless it grew since stat.
        if (st.isFile() && off === st.size) {
          const probe = Buffer.allocUnsafe(4096);
          const more = (await fh.read(probe, 0, probe.length, null)).bytesRead;
          if (more === 0) break;
          const bigger = Buffer.allocUnsafe(Math.max(buf.length * 2, off + more));
          buf.copy(bigger);
          probe.copy(bigger, off, 0, more);
          buf = bigger;
          off += more;
          continue;
        }
        const bigger = Buffer.allocUnsafe(buf.length * 2);
        buf.copy(bigger);
        buf = bigger;
      }
    }
    return off === buf.length ? buf : buf.subarray(0, off);
  } finally {
    await fh.close();
  }
}

async function readStream(s: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of s) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
  return Buffer.concat(chunks);
}

export async function statCommand(argv: string[], io: StatIO): Promise<number> {
  const parsed = parseArgs(argv);
  if (!parsed.ok) {
    io.stderr.write(parsed.text);
    return parsed.code;
  }
  const o = parsed.o;
  // The files are read while the rest of the program loads.
  const reads = inputs(o.files).map((inp) => (inp.path === '-' ? readStream(io.stdin ?? process.stdin) : readWhole(resolve(io.cwd, inp.path))).then(
    (d) => d,
    (e: NodeJS.ErrnoException) => e,
  ));
  const [{ newFilter, ProjectionParser }, { Builder }, { toText, toCSV }] = await Promise.all([import('./projection.ts'), import('./tables.ts'), import('./render.ts')]);
  const fatal = (msg: string) => {
    io.stderr.write(encodeRaw(`${PREFIX}${msg}\n`));
    // benchstat reports these and still exits with status 0.
    return 0;
  };
  let filter: Filter;
  try {
    filter = newFilter(o.filter);
  } catch (e) {
    if (e instanceof SyntaxError) return fatal(`parsing -filter: ${e.describe()}`);
    throw e;
  }
  const parser = new ProjectionParser();
  let firstErr: string | undefined;
  const mustParse = (flag: string, q: string, unit: boolean) => {
    try {
      return parser.parse(q, filter, unit);
    } catch (e) {
      if (!(e instanceof SyntaxError)) throw e;
      firstErr ??= `parsing ${flag}: ${e.describe()}`;
      return null;
    }
  };
  const tableBy = mustParse('-table', o.table, true);
  const rowBy = mustParse('-row', o.row, false);
  const colBy = mustParse('-col', o.col, false);
  mustParse('-ignore', o.ignore, false);
  const residue = parser.residue();
  if (firstErr !== undefined || !tableBy || !rowBy || !colBy) return fatal(firstErr!);
  if (o.alpha < 0 || o.alpha > 1) return fatal('-alpha must be in range [0, 1]');
  if (o.confidence < 0 || o.confidence > 1) return fatal('-confidence must be in range [0, 1]');
  if (o.format !== 'text' && o.format !== 'csv') return fatal('-format must be text or csv');

  const filterUsed = filter.trivial ? null : filter;
  const warnings: string[] = [];
  const flushWarnings = () => {
    if (warnings.length > 0) io.stderr.write(encodeRaw(warnings.splice(0).map((w) => `${w}\n`).join('')));
  };
  const builder = new Builder(tableBy, rowBy, colBy, residue, filterUsed, (w) => warnings.push(w));
  const reader = new StatReader();
  // Every file is read before parsing (a failure is reported when its turn
  // comes, after the earlier files' warnings) so the store is sized once.
  const data = await Promise.all(reads);
  let total = 0;
  for (const d of data) if (Buffer.isBuffer(d)) total += d.length;
  // A measurement takes at least a few bytes of text; go test output spends ~20.
  builder.reserve(Math.ceil(total / 16));
  const ins = inputs(o.files);
  for (let i = 0; i < data.length; i++) {
    const inp = ins[i]!;
    const d = data[i]!;
    if (!Buffer.isBuffer(d)) {
      flushWarnings();
      // Go's os.Open("") fails as a missing file; resolve('') would be the directory.
      if (inp.path === '') return fatal('open : no such file or directory');
      if (d.code === 'EISDIR' || d.syscall === 'read') return fatal(`${inp.path}:0: read ${inp.path}: ${errnoText(d)}`);
      return fatal(`open ${inp.path}: ${errnoText(d)}`);
    }
    const stop = reader.read(d, inp.path, inp.label, builder);
    data[i] = EMPTY;
    flushWarnings();
    if (stop !== undefined) return fatal(stop);
  }
  if (o.db !== undefined) {
    let runs: InputFile[];
    const { readRuns, DbInputError } = await import('./dbinput.ts');
    try {
      runs = await readRuns(resolve(io.cwd, o.db), o.runs);
    } catch (e) {
      if (!(e instanceof DbInputError)) throw e;
      // Not benchstat's territory: a bad --db or run is bad input (status 2).
      io.stderr.write(`metalbench stat: --db ${o.db}: ${e.message}\n`);
      return 2;
    }
    for (const f of runs) {
      const stop = reader.read(Buffer.from(f.text, 'utf8'), f.label, f.label, builder);
      flushWarnings();
      if (stop !== undefined) return fatal(stop);
    }
  }
  const tables = builder.toTables(o.confidence, o.alpha, (u) => reader.isExact(u));
  // A reader that stops early (| head) closes the pipe: end quietly, as benchstat does.
  io.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
  });
  if (o.format === 'csv') {
    const r = toCSV(tables);
    if (r.warnings.length > 0) io.stderr.write(encodeRaw(r.warnings.map((w) => `${w}\n`).join('')));
    io.stdout.write(encodeRaw(r.out));
    return 0;
  }
  io.stdout.write(encodeRaw(toText(tables)));
  return 0;
}
