/**
 * The metalbench command line. Exit codes: 0 ok, 1 regression or failed
 * check, 2 bad input (nothing run), 3 partial run.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { DEFAULT_DB_PATH } from '../results/store/default-path.ts';
import { LOCK_WAIT_OPTION, LOCK_WAIT_USAGE, parseLockWait } from './run/lock-wait.ts';

export const DEFAULT_INVENTORY = 'hosts/fleet.yaml';

const USAGE = `usage: metalbench <command> [options]

commands:
  run SPEC                 build, dispatch and record the spec's benchmarks
  run --resume RUN         run only the jobs of RUN that did not finish
  runs                     list recorded runs
  import FILE…             store existing go test -bench output as a run
                           (--date, --commit-date, --revision: when and what was measured)
  export [--run ID]…       write stored samples in the Go benchmark format
  stat [flags] FILE…       compare results as benchstat does (same flags, same output)
  stat --db PATH --run ID… the same, reading stored runs
  site [--out DIR]         write static performance pages (default site-out/; incremental)
  hosts check [SELECTOR]   connect, collect facts, print each host's table and warnings
  hosts facts NAME         every fact of one host as JSON
  hosts trust NAME         record a host's SSH key after showing its fingerprint
  hosts tune|reset NAME    opt-in tuning for benchmarking, and its exact undo

common options:
  --db PATH                results database (default ${DEFAULT_DB_PATH})
  --inventory PATH         host inventory (default ${DEFAULT_INVENTORY})
  --json                   machine-readable output
`;

interface IO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WriteStream | NodeJS.WritableStream;
}

const COMMON = {
  db: { type: 'string', default: DEFAULT_DB_PATH },
  inventory: { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const satisfies ParseArgsConfig['options'];

class UsageError extends Error {}

function parse<O extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: O) {
  try {
    return parseArgs({ args, options: { ...COMMON, ...options }, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

export async function main(argv: string[], io: IO = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const [command, ...rest] = argv;
  const err = (s: string) => io.stderr.write(`${s}\n`);
  try {
    switch (command) {
      case 'run':
        return await runCmd(rest, io);
      case 'runs':
        return await runsCmd(rest, io);
      case 'import':
        return await importCmd(rest, io);
      case 'export':
        return await exportCmd(rest, io);
      case 'stat': {
        // benchstat's own flag syntax (-row, -filter …): passed through untouched.
        const { statCommand } = await import('../results/stat/command.ts');
        return await statCommand(rest, { stdout: io.stdout, stderr: io.stderr, cwd: process.cwd() });
      }
      case 'site':
        return await siteCmd(rest, io);
      case 'hosts':
        return await hostsCmd(rest, io);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.stdout.write(USAGE);
        return command === undefined ? 2 : 0;
      default:
        err(`metalbench: unknown command "${command}"`);
        io.stderr.write(USAGE);
        return 2;
    }
  } catch (e) {
    if (e instanceof UsageError) {
      err(`metalbench ${command}: ${e.message}`);
      err(`run 'metalbench --help' for usage`);
      return 2;
    }
    throw e;
  }
}

async function runCmd(args: string[], io: IO): Promise<number> {
  const { values, positionals } = parse(args, {
    resume: { type: 'string' },
    trigger: { type: 'string', default: 'manual' },
    revision: { type: 'string' },
    variant: { type: 'string' },
    tune: { type: 'boolean', default: false },
    'sysfs-root': { type: 'string' },
    ...LOCK_WAIT_OPTION,
  });
  if (values.help) {
    io.stdout.write(
      'usage: metalbench run SPEC [--trigger manual|nightly|pr] [--revision REV] [--variant NAME] [--tune]\n' +
        '       metalbench run --resume RUN\n\n' +
        '--tune tunes each host for the run (hosts tune) and restores it at the end\n' +
        `${LOCK_WAIT_USAGE}\n`,
    );
    return 0;
  }
  const resume = values.resume !== undefined ? parseRunId(values.resume) : undefined;
  if (resume === undefined && positionals.length !== 1) throw new UsageError('expected exactly one spec file, e.g. metalbench run benchmarks/smoke.yaml');
  if (resume !== undefined && positionals.length > 0) throw new UsageError('--resume takes the run id only, not a spec');
  const lockWait = values['lock-wait'] !== undefined ? parseLockWait(values['lock-wait']) : undefined;
  if (typeof lockWait === 'object') throw new UsageError(lockWait.error);
  const { runCommand } = await import('./run/run.ts');
  return runCommand({
    ...(lockWait !== undefined ? { lockWaitMs: lockWait } : {}),
    specPath: positionals[0],
    resumeRunId: resume,
    dbPath: values.db,
    inventoryPath: values.inventory ?? DEFAULT_INVENTORY,
    inventoryExplicit: values.inventory !== undefined,
    tune: values.tune,
    ...(values['sysfs-root'] !== undefined ? { sysRoot: values['sysfs-root'] } : {}),
    trigger: values.trigger,
    revision: values.revision,
    variant: values.variant,
    json: values.json,
    stdout: io.stdout,
    stderr: io.stderr,
  });
}

function parseRunId(s: string): number {
  if (!/^[1-9][0-9]*$/.test(s)) throw new UsageError(`run id must be a positive integer, got ${JSON.stringify(s)}`);
  return Number(s);
}

async function runsCmd(args: string[], io: IO): Promise<number> {
  const { values } = parse(args, { limit: { type: 'string', default: '50' } });
  const { Store } = await import('../results/store/store.ts');
  const store = new Store(values.db);
  try {
    const runs = store.listRuns({ limit: Number(values.limit) });
    if (values.json) {
      io.stdout.write(`${JSON.stringify(runs, null, 2)}\n`);
      return 0;
    }
    const head = ['id', 'kind', 'trigger', 'status', 'started', 'jobs', 'failed', 'samples', 'spec/source'];
    const rows = runs.map((r) => [
      String(r.id),
      r.kind,
      r.trigger,
      r.status,
      r.started_at.replace('T', ' ').slice(0, 19),
      String(r.jobs),
      String(r.failed_jobs),
      String(r.samples),
      r.spec_name ?? r.source ?? '',
    ]);
    const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    for (const r of [head, ...rows]) io.stdout.write(`${r.map((c, i) => c.padEnd(w[i]!)).join('  ').trimEnd()}\n`);
    return 0;
  } finally {
    store.close();
  }
}

async function importCmd(args: string[], io: IO): Promise<number> {
  const { values, positionals } = parse(args, {
    trigger: { type: 'string', default: 'manual' },
    revision: { type: 'string' },
    variant: { type: 'string' },
    date: { type: 'string' },
    'commit-date': { type: 'string' },
  });
  if (positionals.length === 0) throw new UsageError('expected one or more files of go test -bench output');
  // Backfills land at their real dates: the run's date and the measured commit's.
  const startedAt = values.date === undefined ? undefined : parseDate('--date', values.date);
  const commitDate = values['commit-date'] === undefined ? undefined : parseDate('--commit-date', values['commit-date']);
  const { Store } = await import('../results/store/store.ts');
  const { importFiles } = await import('../results/store/import.ts');
  const store = new Store(values.db);
  try {
    let r;
    try {
      r = importFiles(store, positionals, { trigger: values.trigger, revision: values.revision, variant: values.variant, startedAt, commitDate });
    } catch (e) {
      io.stderr.write(`metalbench import: ${(e as Error).message}; nothing was stored\n`);
      return 2;
    }
    for (const w of r.warnings) io.stderr.write(`${w.file}:${w.line}: ${w.message}\n`);
    if (values.json) io.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
    else io.stdout.write(`imported run ${r.runId}: ${r.results} results, ${r.samples} samples${r.warnings.length ? `, ${r.warnings.length} unreadable lines skipped` : ''}\n`);
    return 0;
  } finally {
    store.close();
  }
}

/** An ISO 8601 date or date-time (a date alone is midnight UTC), as a full UTC timestamp. */
function parseDate(flag: string, text: string): string {
  const ok = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(text);
  const d = new Date(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text.replace(' ', 'T'));
  if (!ok || Number.isNaN(d.getTime())) throw new UsageError(`${flag} ${JSON.stringify(text)} is not a date; use ISO 8601, e.g. 2026-03-01 or 2026-03-01T02:00:00Z`);
  return d.toISOString();
}

async function exportCmd(args: string[], io: IO): Promise<number> {
  const { values } = parse(args, { run: { type: 'string', multiple: true } });
  const { Store } = await import('../results/store/store.ts');
  const { exportBenchfmt } = await import('../results/store/export.ts');
  const store = new Store(values.db);
  try {
    const runIds = (values.run ?? []).map(parseRunId);
    for (const id of runIds) {
      if (!store.getRun(id)) {
        io.stderr.write(`metalbench export: no run ${id} in ${values.db}; list runs with 'metalbench runs'\n`);
        return 2;
      }
    }
    exportBenchfmt(store.db, { runIds, write: (chunk) => io.stdout.write(chunk) });
    return 0;
  } finally {
    store.close();
  }
}

async function siteCmd(args: string[], io: IO): Promise<number> {
  const { values, positionals } = parse(args, {
    out: { type: 'string', default: 'site-out' },
    title: { type: 'string' },
    config: { type: 'string' },
    full: { type: 'boolean', default: false },
  });
  if (values.help) {
    io.stdout.write(
      'usage: metalbench site [--out DIR] [--config site.yaml] [--title TEXT] [--full] [--db PATH] [--json]\n\n' +
        'Writes the pages beside DIR and swaps them in; rewrites only what changed since the last build (--full: everything).\n',
    );
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}; the output folder is given with --out DIR`);
  const { buildSite } = await import('../site/build.ts');
  const { DEFAULT_SITE_CONFIG, loadSiteConfig } = await import('../site/config.ts');
  try {
    const config = loadSiteConfig(values.config ?? DEFAULT_SITE_CONFIG, values.config !== undefined);
    if (values.title !== undefined) config.title = values.title;
    const t0 = performance.now();
    const r = await buildSite({ dbPath: values.db, outDir: values.out, config, full: values.full });
    const ms = Math.round(performance.now() - t0);
    if (values.json) io.stdout.write(`${JSON.stringify({ ...r, ms })}\n`);
    else {
      io.stdout.write(
        `${r.incremental ? 'updated' : 'wrote'} ${r.pages} benchmark page${r.pages === 1 ? '' : 's'} (${r.series} series; ${r.written} files written) in ${ms} ms: ${r.outDir}/index.html\n`,
      );
    }
    return 0;
  } catch (e) {
    io.stderr.write(`metalbench site: ${(e as Error).message}\n`);
    return 2;
  }
}

async function hostsCmd(args: string[], io: IO): Promise<number> {
  // The hosts command parses its own flags; only the common ones are taken here.
  const rest: string[] = [];
  let db = DEFAULT_DB_PATH;
  let inventory: string | undefined;
  let json = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const take = () => {
      const v = args[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value`);
      return v;
    };
    if (a === '--db') db = take();
    else if (a.startsWith('--db=')) db = a.slice(5);
    else if (a === '--inventory') inventory = take();
    else if (a.startsWith('--inventory=')) inventory = a.slice(12);
    else if (a === '--json') json = true;
    else rest.push(a);
  }
  const { hostsCommand } = await import('./fleet/hosts-command.ts');
  return hostsCommand(rest, io, { inventoryPath: inventory ?? DEFAULT_INVENTORY, inventoryExplicit: inventory !== undefined, dbPath: db, json });
}
