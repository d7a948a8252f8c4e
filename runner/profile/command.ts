/**
 * `metalbench profile list --run ID` and
 * `metalbench profile diff --run ID BENCHMARK [--kind cpu] [--base-run A] [--host H] [--top N]`.
 * A diff compares base and head of one run (a compared run has both sides)
 * or the run against --base-run, per operation of each profiled process.
 */
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DEFAULT_DB_PATH } from '../../results/store/default-path.ts';
import { ProfileIndex, type ProfileRow } from '../../results/store/profiles.ts';
import { Store, StoreOpenError } from '../../results/store/store.ts';
import { diffProfiles, type FunctionChange, type ProfileDiff } from './diff.ts';
import { gcPerOp, parseGcTrace, type GcPerOp } from './gctrace.ts';
import { isProfileKind, PROFILE_KINDS, type ProfileKind } from './kinds.ts';
import { DEFAULT_SAMPLE_TYPE, summarize } from './read.ts';
import { lacksSymbolTable, namesFromBinary } from './symbolize.ts';
import { shellWord } from '../run/hint.ts';
import { PROFILE_USAGE as USAGE } from './usage.ts';
import { UsageError } from '../cli/options.ts';
import { fmtBytes, fmtNs, pct, unitFormatter } from './format.ts';

interface IO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}


/** A diff that cannot be made from what is stored (bad input: exit 2). */
export class ProfileDiffError extends Error {
  override name = 'ProfileDiffError';
}
const Bad = ProfileDiffError;

export async function profileCommand(args: string[], io: IO): Promise<number> {
  if (args.length > 0 && ['help', '--help', '-h'].includes(args[0]!)) {
    io.stdout.write(USAGE);
    return 0;
  }
  if (args.length === 0 || args[0]!.startsWith('-')) throw new UsageError('the first word is the subcommand: list or diff');
  const [sub, ...rest] = args;
  let values;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: rest,
      options: {
        db: { type: 'string', default: DEFAULT_DB_PATH },
        run: { type: 'string' },
        'base-run': { type: 'string' },
        'base-bench': { type: 'string' },
        kind: { type: 'string', default: 'cpu' },
        host: { type: 'string' },
        'sample-type': { type: 'string' },
        top: { type: 'string', default: '10' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      allowPositionals: true,
      strict: true,
    }));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (values.help) {
    io.stdout.write(USAGE);
    return 0;
  }
  if (sub !== 'list' && sub !== 'diff') throw new UsageError(`unknown subcommand "${sub}" (list or diff)`);
  let store: Store | undefined;
  try {
    const runId = runIdOf(values.run, '--run');
    if (!existsSync(values.db)) throw new Bad(`no database at ${values.db}; give --db PATH`);
    store = new Store(values.db);
    const index = new ProfileIndex(store);
    if (!store.getRun(runId)) throw new Bad(`run ${runId} is not in ${values.db}; list runs with 'metalbench runs'`);
    if (sub === 'list') {
      if (positionals.length > 0) throw new Bad(`list takes no benchmark (got ${positionals.join(' ')})`);
      printList(index.list(runId), runId, values.json, io);
      return 0;
    }
    if (positionals.length !== 1) throw new UsageError('diff needs exactly one BENCHMARK, e.g. metalbench profile diff --run 4 Spin');
    if (!isProfileKind(values.kind)) throw new UsageError(`--kind ${JSON.stringify(values.kind)} is not one of ${PROFILE_KINDS.join(', ')}`);
    const top = Number(values.top);
    if (!Number.isInteger(top) || top < 1) throw new UsageError(`--top must be a positive integer, got ${JSON.stringify(values.top)}`);
    const baseRun = values['base-run'] !== undefined ? runIdOf(values['base-run'], '--base-run') : undefined;
    const result = await diffStored(store, {
      runId,
      benchmark: positionals[0]!,
      kind: values.kind,
      top,
      ...(baseRun !== undefined ? { baseRun } : {}),
      ...(values['base-bench'] !== undefined ? { baseBench: values['base-bench'] } : {}),
      ...(values.host !== undefined ? { host: values.host } : {}),
      ...(values['sample-type'] !== undefined ? { sampleType: values['sample-type'] } : {}),
    });
    if (values.json) io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else io.stdout.write(renderDiff(result));
    return 0;
  } catch (e) {
    if (e instanceof Bad || e instanceof StoreOpenError) {
      io.stderr.write(`metalbench profile ${sub}: ${e.message}\n`);
      return 2;
    }
    throw e;
  } finally {
    store?.close();
  }
}

export interface StoredDiffRequest {
  runId: number;
  /** Stored or Go name: Spin, BenchmarkSpin, Spin-2. */
  benchmark: string;
  kind: ProfileKind;
  /** Base from another run (default: the run's own base side). */
  baseRun?: number;
  /** Base from another benchmark. */
  baseBench?: string;
  host?: string;
  sampleType?: string;
  /** Functions per table (default 10). */
  top?: number;
}

/**
 * The diff of stored profiles, as `profile diff --json` prints it; compare
 * calls this after profileSides for each confirmed regression. Throws
 * ProfileDiffError when the store has no such pair.
 */
export async function diffStored(store: Store, r: StoredDiffRequest): Promise<DiffResult> {
  const index = new ProfileIndex(store);
  const pair = choosePair(store, index, r.runId, r.benchmark, r.kind, r.baseRun, r.host, r.baseBench);
  return diffPair(store, index, pair, r.kind, r.sampleType, r.top ?? 10);
}

function runIdOf(s: string | undefined, flag: string): number {
  if (s === undefined) throw new UsageError(`${flag} ID is required`);
  if (!/^[1-9][0-9]*$/.test(s)) throw new UsageError(`${flag} must be a positive integer, got ${JSON.stringify(s)}`);
  return Number(s);
}

function printList(rows: ProfileRow[], runId: number, json: boolean, io: IO): void {
  if (json) {
    io.stdout.write(`${JSON.stringify(rows.map((r) => ({ ...rowJson(r) })), null, 2)}\n`);
    return;
  }
  if (rows.length === 0) {
    io.stdout.write(`run ${runId} has no profiles (capture them with profile: in the spec or run --profile cpu,alloc)\n`);
    return;
  }
  const table = [['host', 'side', 'benchmark', 'kind', 'status', 'bytes', 'ops', 'ns/op', 'sha256 / error']];
  for (const r of rows) {
    table.push([r.host, r.side, r.benchmark, r.kind, r.status, r.bytes !== null ? String(r.bytes) : '-', r.ops !== null ? String(r.ops) : '-', r.ns_per_op !== null ? String(r.ns_per_op) : '-', r.sha256 ? r.sha256.slice(0, 16) : (r.error ?? '')]);
  }
  io.stdout.write(alignTable(table, new Set([0, 1, 2, 3, 4, 8])));
}

function rowJson(r: ProfileRow) {
  return {
    run: r.run_id,
    job: r.job_id,
    host: r.host,
    suite: r.suite,
    side: r.side,
    benchmark: r.benchmark,
    kind: r.kind,
    status: r.status,
    sha256: r.sha256,
    bytes: r.bytes,
    binarySha256: r.binary_sha256,
    ops: r.ops,
    nsPerOp: r.ns_per_op,
    notes: JSON.parse(r.notes_json) as string[],
    error: r.error,
  };
}

interface Pair {
  benchmark: string;
  host: string;
  base: ProfileRow;
  head: ProfileRow;
}

/** Accepts "Spin", "BenchmarkSpin", "Spin-2" or the full stored name. */
export function matchesBenchmark(stored: string, asked: string): boolean {
  const a = asked.startsWith('Benchmark') ? asked.slice('Benchmark'.length) : asked;
  return stored === a || stored.replace(/-[0-9]+$/, '') === a;
}

function choosePair(
  store: Store,
  index: ProfileIndex,
  runId: number,
  asked: string,
  kind: ProfileKind,
  baseRun: number | undefined,
  host: string | undefined,
  baseBench?: string,
): Pair {
  const pick = (rows: ProfileRow[], name = asked) => rows.filter((r) => r.kind === kind && matchesBenchmark(r.benchmark, name) && (host === undefined || r.host === host));
  const heads = pick(index.list(runId));
  if (heads.length === 0) {
    const names = [...new Set(index.list(runId).filter((r) => r.kind === kind).map((r) => r.benchmark))];
    throw new Bad(`run ${runId} has no ${kind} profile of ${asked}${host ? ` on ${host}` : ''}${names.length ? ` (it has: ${names.join(', ')})` : ''}`);
  }
  const hosts = [...new Set(heads.map((r) => r.host))];
  if (hosts.length > 1) throw new Bad(`${asked} was profiled on ${hosts.join(', ')}; choose one with --host`);
  const names = [...new Set(heads.map((r) => r.benchmark))];
  if (names.length > 1) throw new Bad(`${asked} matches ${names.join(', ')}; give the full name`);
  let base: ProfileRow | undefined;
  let head: ProfileRow | undefined;
  if (baseBench !== undefined) {
    // Two benchmarks of the same side(s): e.g. one implementation against another.
    head = heads.find((r) => r.side === 'head') ?? heads[0];
    const others = pick(index.list(baseRun ?? runId), baseBench).filter((r) => r.host === hosts[0]);
    base = others.find((r) => r.side === head!.side) ?? others[0];
    if (!base) throw new Bad(`run ${baseRun ?? runId} has no ${kind} profile of ${baseBench} on ${hosts[0]}`);
  } else if (baseRun !== undefined) {
    if (!store.getRun(baseRun)) throw new Bad(`run ${baseRun} is not in the database`);
    head = heads.find((r) => r.side === 'head') ?? heads[0];
    base = pick(index.list(baseRun)).filter((r) => r.host === hosts[0] && r.benchmark === names[0]).sort((a, b) => (a.side === 'base' ? -1 : b.side === 'base' ? 1 : 0))[0];
    if (!base) throw new Bad(`run ${baseRun} has no ${kind} profile of ${names[0]} on ${hosts[0]}`);
  } else {
    base = heads.find((r) => r.side === 'base');
    head = heads.find((r) => r.side === 'head');
    if (!base || !head) throw new Bad(`run ${runId} has only side ${heads.map((r) => r.side).join(', ')} of ${names[0]}; compare it with another run: --base-run A`);
  }
  for (const [which, r] of [['base', base], ['head', head!]] as const) {
    if (r.status !== 'ok') throw new Bad(`the ${which} ${kind} profile of ${r.benchmark} (run ${r.run_id}, ${r.host}) was not captured: ${r.error}`);
  }
  return { benchmark: names[0]!, host: hosts[0]!, base, head: head! };
}

interface SideInfo {
  benchmark: string;
  run: number;
  side: string;
  sha256: string;
  ops: number | null;
  nsPerOp: number | null;
  binarySha256: string;
  /** The exact binary that ran, from the build cache, when it is still there. */
  binary: string | null;
  notes: string[];
}

export interface DiffResult {
  benchmark: string;
  host: string;
  kind: ProfileKind;
  base: SideInfo;
  head: SideInfo;
  /** Function-level diff (cpu, alloc, block, mutex). */
  diff?: ProfileDiff;
  /** gctrace figures per side (gc). */
  gc?: { base: GcPerOp; head: GcPerOp };
  notes: string[];
  /** The same comparison in pprof's web UI, with the exact binaries. */
  pprofCommand?: string;
}

async function diffPair(store: Store, index: ProfileIndex, p: Pair, kind: ProfileKind, sampleType: string | undefined, top: number): Promise<DiffResult> {
  const info = (r: ProfileRow): SideInfo => {
    const path = store.db.prepare<[string], { path: string }>('SELECT path FROM builds WHERE sha256 = ? ORDER BY id DESC LIMIT 1').get(r.binary_sha256)?.path;
    return {
      benchmark: r.benchmark,
      run: r.run_id,
      side: r.side,
      sha256: r.sha256!,
      ops: r.ops,
      nsPerOp: r.ns_per_op,
      binarySha256: r.binary_sha256,
      binary: path && existsSync(path) ? path : null,
      notes: JSON.parse(r.notes_json) as string[],
    };
  };
  const base = info(p.base);
  const head = info(p.head);
  const notes: string[] = [];
  const ops = (s: SideInfo) => {
    if (s.ops && s.ops > 0) return s.ops;
    notes.push(`the ${s.side} side has no operation count: its figures are per process, not per op`);
    return 1;
  };
  if (kind === 'gc') {
    return {
      benchmark: p.benchmark,
      host: p.host,
      kind,
      base,
      head,
      gc: { base: gcPerOp(parseGcTrace(index.read(p.base).toString('utf8')), ops(base)), head: gcPerOp(parseGcTrace(index.read(p.head).toString('utf8')), ops(head)) },
      notes,
    };
  }
  const type = sampleType ?? DEFAULT_SAMPLE_TYPE[kind];
  const read = async (row: ProfileRow, s: SideInfo) => {
    const data = index.read(row);
    let sum;
    try {
      sum = summarize(data, type);
    } catch (e) {
      throw new Bad(`the ${s.side} ${kind} profile (run ${s.run}): ${(e as Error).message}`);
    }
    if (sum.unsymbolized.size > 0) {
      // Name what the profile left unnamed from the exact binary that ran.
      if (s.binary) sum = summarize(data, type, await namesFromBinary(s.binary, sum.unsymbolized));
      else notes.push(`${sum.unsymbolized.size} addresses of the ${s.side} profile are unnamed and its binary is no longer in the build cache`);
    }
    if (s.binary && lacksSymbolTable(readFileSync(s.binary))) {
      notes.push(`the ${s.side} binary was built without a symbol table (-ldflags=-s -w): functions are named from Go's own tables, but pprof's source listings and disassembly need a build without -s -w`);
    }
    return sum;
  };
  const b = await read(p.base, base);
  const h = await read(p.head, head);
  const diff = diffProfiles(b, ops(base), h, ops(head), top);
  const pprofCommand =
    head.binary !== null
      ? ['go', 'tool', 'pprof', '-http=:', `-sample_index=${type}`, `-diff_base=${index.pathOf(base.sha256)}`, head.binary, index.pathOf(head.sha256)].map(shellWord).join(' ')
      : undefined;
  return { benchmark: p.benchmark, host: p.host, kind, base, head, diff, notes: [...new Set(notes)], ...(pprofCommand ? { pprofCommand } : {}) };
}

export function renderDiff(r: DiffResult): string {
  const lines: string[] = [];
  const side = (s: SideInfo) => `${s.benchmark !== r.benchmark ? `Benchmark${s.benchmark} ` : ''}run ${s.run} (${s.side})`;
  lines.push(`Benchmark${r.benchmark} on ${r.host}, ${r.kind}: base ${side(r.base)} vs head ${side(r.head)}`);
  const ctx = (s: SideInfo) => `${s.ops ?? '?'} ops${s.nsPerOp !== null ? ` at ${s.nsPerOp} ns/op` : ''}`;
  lines.push(`profiled processes (context, not samples): base ${ctx(r.base)}, head ${ctx(r.head)}`);
  if (r.gc) {
    const g = r.gc;
    const rows = [
      ['', 'base', 'head', 'delta'],
      gcRow('collections', g.base.collections, g.head.collections, (v) => String(v)),
      gcRow('collections/op', g.base.collectionsPerOp, g.head.collectionsPerOp, (v) => v.toPrecision(3)),
      gcRow('pause total', g.base.pauseTotalNs, g.head.pauseTotalNs, fmtNs),
      gcRow('pause/op', g.base.pauseNsPerOp, g.head.pauseNsPerOp, fmtNs),
      gcRow('heap goal (median)', g.base.heapGoalMedianBytes, g.head.heapGoalMedianBytes, fmtBytes),
      gcRow('live heap (median)', g.base.liveHeapMedianBytes, g.head.liveHeapMedianBytes, fmtBytes),
    ];
    lines.push('', alignTable(rows).trimEnd());
  }
  if (r.diff) {
    const d = r.diff;
    const fmt = unitFormatter(d.unit);
    lines.push(`${d.sampleType} per op: base ${fmt(d.baseTotal)}, head ${fmt(d.headTotal)} (${pct(d.headTotal, d.baseTotal)})`);
    for (const [title, list, flat] of [
      ['flat', d.byFlat, true],
      ['cumulative', d.byCum, false],
    ] as const) {
      lines.push('', `top functions by change in ${title} ${d.sampleType} per op:`);
      const rows = [['function', 'base', 'head', 'delta', 'ratio']];
      for (const c of list) rows.push(changeRow(c, flat, fmt));
      lines.push(list.length > 0 ? alignTable(rows).trimEnd() : '  (no change)');
    }
  }
  for (const n of [...r.notes, ...r.base.notes.map((n) => `base: ${n}`), ...r.head.notes.map((n) => `head: ${n}`)]) lines.push(`note: ${n}`);
  if (r.pprofCommand) lines.push('', `explore: ${r.pprofCommand}`);
  return `${lines.join('\n')}\n`;
}

function changeRow(c: FunctionChange, flat: boolean, fmt: (v: number) => string): string[] {
  const [b, h, d, ratio] = flat ? [c.baseFlat, c.headFlat, c.flatDelta, c.flatRatio] : [c.baseCum, c.headCum, c.cumDelta, c.cumRatio];
  return [c.name, fmt(b), fmt(h), `${d > 0 ? '+' : d < 0 ? '−' : ''}${fmt(Math.abs(d))}`, ratio === null ? 'new' : h === 0 ? 'gone' : `${ratio.toFixed(2)}×`];
}

function gcRow(label: string, b: number | null, h: number | null, fmt: (v: number) => string): string[] {
  return [label, b === null ? '-' : fmt(b), h === null ? '-' : fmt(h), b !== null && h !== null ? pct(h, b) : '-'];
}

/** Columns in `left` are left-aligned (names), the others right-aligned (figures). */
function alignTable(rows: string[][], left: ReadonlySet<number> = new Set([0])): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => [...(r[i] ?? '')].length)));
  const cell = (c: string, i: number) => (left.has(i) ? c.padEnd(widths[i]!) : c.padStart(widths[i]!));
  return `${rows.map((r) => `  ${r.map(cell).join('  ').trimEnd()}`).join('\n')}\n`;
}
