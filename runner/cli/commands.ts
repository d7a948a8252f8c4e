/**
 * Every metalbench command, in one table: name, one-line summary, usage
 * text and handler. A new command is one entry here pointing at its module;
 * modules are imported only when their command runs, so `--help` and `stat`
 * start fast. The dispatcher (runner/cli.ts) gives every command the same
 * conventions: `--help`/`-h`, `help CMD`, usage errors exit 2.
 */
import { DEFAULT_DB_PATH } from '../../results/store/default-path.ts';
import { LOCK_WAIT_USAGE, NIGHTLY_LOCK_WAIT } from '../run/lock-wait.ts';
import { PROFILE_USAGE } from '../profile/usage.ts';
import { DEFAULT_INVENTORY, type CliIO } from './options.ts';
import { CALIBRATE_USAGE, COMPARE_USAGE } from '../compare/usage.ts';

export type Handler = (args: string[], io: CliIO) => Promise<number>;

export interface Command {
  name: string;
  /** One line, for the list in `metalbench --help`. */
  summary: string;
  /**
   * The full usage, printed by `metalbench CMD --help` and `metalbench help
   * CMD`; it starts with `usage: metalbench NAME` (conventions.test.ts holds
   * every entry to the conventions).
   */
  usage: string;
  /** Only reads: creates no file, and a closed output pipe ends it quietly. */
  readOnly: boolean;
  /**
   * The command parses -h/--help itself (stat keeps benchstat's behaviour:
   * usage on stderr, exit 0); `help CMD` still prints the usage here.
   */
  ownHelp?: boolean;
  load: () => Promise<Handler>;
}

const DB = `  --db PATH            results database (default ${DEFAULT_DB_PATH})`;
const INVENTORY = `  --inventory PATH     host inventory (default ${DEFAULT_INVENTORY})`;
const JSON_OUT = '  --json               machine-readable output';

export const COMMANDS: readonly Command[] = [
  {
    name: 'run',
    summary: "build, dispatch and record a spec's benchmarks (--resume RUN finishes a run)",
    usage: `usage: metalbench run SPEC [options]
       metalbench run --resume RUN [options]

Builds the spec's suites, runs every job on the hosts it selects and records
each result line as it is read; prints a summary table.

  --trigger KIND       manual (default), nightly or pr
  --revision REV       the code revision measured (e.g. $(git rev-parse HEAD))
  --variant NAME       a label for what differs (e.g. a flag being tried)
  --tune               tune each host for the run (hosts tune), restore it at the end
  --sysfs-root DIR     the /sys and /proc that --tune writes (containers, tests)
  --profile KINDS      after the measured jobs, profile each benchmark in one extra
                       process: cpu,alloc,block,mutex,gc or all (with --resume RUN:
                       profile a finished run)
  ${LOCK_WAIT_USAGE}
  --resume RUN         run only the jobs of RUN that did not finish
${DB}
${INVENTORY}
${JSON_OUT}
`,
    readOnly: false,
    load: async () => (await import('./run.ts')).runHandler,
  },
  {
    name: 'runs',
    summary: 'list recorded runs, newest first',
    usage: `usage: metalbench runs [--limit N] [--db PATH] [--json]

  --limit N            at most N runs (default 50)
${DB}
${JSON_OUT}
`,
    readOnly: true,
    load: async () => (await import('./runs.ts')).runsHandler,
  },
  {
    name: 'import',
    summary: 'store existing go test -bench output as a run',
    usage: `usage: metalbench import FILE... [options]

Stores the results in the files (go test -bench output) as one run. A file
that cannot be read, or input without a single result, stores nothing.

  --trigger KIND       manual (default), nightly or pr
  --revision REV       the code revision the results are of
  --variant NAME       a label for what differs
  --date DATE          when the results were measured (ISO 8601; default now)
  --commit-date DATE   the measured commit's date: the x of the site's charts
${DB}
${JSON_OUT}
`,
    readOnly: false,
    load: async () => (await import('./import.ts')).importHandler,
  },
  {
    name: 'export',
    summary: 'write stored samples in the Go benchmark format',
    usage: `usage: metalbench export [--run ID]... [--db PATH]

Writes stored results to standard output in the Go benchmark format (what
go test -bench prints), for benchstat and other tools. Without --run: every run.

  --run ID             only this run (repeat for more)
${DB}
`,
    readOnly: true,
    load: async () => (await import('./export.ts')).exportHandler,
  },
  {
    name: 'stat',
    summary: 'compare results as benchstat does (same flags, same output)',
    usage: `usage: metalbench stat [flags] [label=]FILE... [-db PATH -run ID...]

benchstat's comparison tables, with benchstat's flags (-row, -col, -table,
-ignore, -filter, -alpha, -confidence, -format) and output. -db PATH with
-run ID (repeatable) adds stored runs as columns. metalbench stat -h prints
the flag list on standard error, as benchstat does.
`,
    readOnly: true,
    ownHelp: true,
    load: async () => (await import('./stat.ts')).statHandler,
  },
  {
    name: 'compare',
    summary: 'base vs head in paired rounds on the spec\'s hosts, with a verdict (exit 1 on a confirmed regression)',
    usage: COMPARE_USAGE,
    readOnly: false,
    load: async () => (await import('./compare.ts')).compareHandler,
  },
  {
    name: 'calibrate',
    summary: 'an A/A comparison whose estimates become the noise floor compare uses',
    usage: CALIBRATE_USAGE,
    readOnly: false,
    load: async () => (await import('./compare.ts')).calibrateHandler,
  },
  {
    name: 'nightly',
    summary: "measure head against the spec's anchor, detect, confirm pending changes by an A/B run",
    usage: `usage: metalbench nightly SPEC [--revision REF] [--site DIR] [--rounds R] [--confirm-rounds R]
                          [--threshold P] [--no-confirm] [--bisect] [--profile KINDS|none]
                          [--lock-wait DURATION] [--db PATH] [--inventory PATH] [--json]

Measures REF (default HEAD of the spec's repository) against the spec's
\`anchor: REF\` in paired rounds on the spec's hosts, records the night, runs
detect, confirms each pending change by an A/B run (last good vs first bad,
--confirm-rounds, default 20) and, with --site DIR, rebuilds the pages.
--bisect searches a confirmed range of several commits for the first bad one
by the same A/B test (each step a session against the last good revision).
Each confirmed alert's benchmarks are then profiled, base and head, on the
host that confirmed it, after the A/B session's measured rounds and stored
under it (--profile KINDS: cpu,alloc,block,mutex,gc or all; default
cpu,alloc,gc; none turns it off). \`alerts\` shows where the time went.
A busy host is waited for, up to --lock-wait (default \${NIGHTLY_LOCK_WAIT}; 0 fails at once).
Exit 1: a new confirmed regression; 3: the run was partial; 2: bad input.
`,
    readOnly: false,
    load: async () => (await import('../detect/nightly-command.ts')).nightlyCommand,
  },
  {
    name: 'detect',
    summary: 'change points in the nightly series; raises alerts',
    usage: `usage: metalbench detect [--since DATE] [--series FILTER] [--threshold P] [--cadence HOURS]
                         [--db PATH] [--inventory PATH] [--json]

Finds change points in the nightly series (E-divisive means, permutation test,
BH across the night's candidates) and raises alerts; only nights not analysed
before are judged. --since DATE looks at the nights from DATE on from scratch
and stores nothing. --series FILTER keeps the series whose label contains the
text (e.g. Insert, 'on epyc1', 'vs anchor'). --threshold is the smallest relative change worth an alert
(default 0.02); a benchmark's stored A/A noise floor raises it. --cadence
overrides the learned hours between nights for the liveness check.
`,
    readOnly: false,
    load: async () => (await import('../detect/detect-command.ts')).detectCommand,
  },
  {
    name: 'alerts',
    summary: 'open alerts grouped by commit range; alerts mark ID STATE triages one',
    usage: `usage: metalbench alerts [--all] [--json | --markdown] [--db PATH]
       metalbench alerts mark ID STATE [--note TEXT] [--db PATH]

STATE is one of new, acknowledged, true, false, environment, expected.
Without --all only open alerts (new, acknowledged) are listed. An alert with
stored profiles (nightly's A/B session of its range) is followed by where its
time went: the top functions by change per op, base vs head, and gc figures
(a "where" object in --json, a collapsed section in --markdown).
`,
    readOnly: false,
    load: async () => (await import('../detect/alerts-command.ts')).alertsCommand,
  },
  {
    name: 'profile',
    summary: 'list and diff the profiles stored for a run (cpu, alloc, block, mutex, gc)',
    usage: PROFILE_USAGE,
    readOnly: true,
    load: async () => (await import('../profile/command.ts')).profileCommand,
  },
  {
    name: 'site',
    summary: 'write static performance pages (default site-out/; incremental)',
    usage: `usage: metalbench site [--out DIR] [--config site.yaml] [--title TEXT] [--full] [--db PATH] [--json]

Writes the performance pages: what needs attention, the index of every series,
a page per benchmark, host and comparison, the cross-architecture page. Only
what new results touch is rewritten; the new site is written beside DIR and
swapped in, so an interrupted build leaves the old one whole, and
under profiles/ a flame-graph page per profiled benchmark.

  --out DIR            output folder (default site-out)
  --config PATH        site configuration (default site.yaml when present)
  --title TEXT         the site's title (overrides the configuration)
  --full               rebuild everything
${DB}
${JSON_OUT}
`,
    readOnly: false,
    load: async () => (await import('./site.ts')).siteHandler,
  },
  {
    name: 'hosts',
    summary: 'check, inspect, trust and tune the hosts of the inventory',
    usage: `usage: metalbench hosts check [SELECTOR] [--json]
       metalbench hosts facts NAME
       metalbench hosts trust NAME [--fingerprint SHA256:...]
       metalbench hosts tune NAME [--sysfs-root DIR]
       metalbench hosts reset NAME

check   connect, collect facts, print each host's table and warnings
facts   every fact of one host as JSON
trust   record a host's SSH key after showing its fingerprint
tune    opt-in tuning for benchmarking (needs root there): performance
        governor, turbo off and the rest of pyperf's safe system tune,
        recording every previous value
reset   restore exactly the values tune recorded

SELECTOR is a host name, names separated by commas, or a tag selector in
YAML flow form, e.g. '{all: [arch:arm64]}' or '{any: [numa>1], not: [noisy]}'.
Without one, check covers local and every inventory host. --sysfs-root points
tune and reset at a copy of /sys and /proc (containers, tests).

  --connect-timeout MS SSH connect timeout
${DB}
${INVENTORY}
${JSON_OUT}
`,
    readOnly: false,
    load: async () => (await import('./hosts.ts')).hostsHandler,
  },
  {
    name: 'help',
    summary: "print a command's usage",
    usage: `usage: metalbench help [COMMAND]
`,
    readOnly: true,
    load: async () => (await import('./help.ts')).helpHandler,
  },
];

export function findCommand(name: string): Command | undefined {
  return COMMANDS.find((c) => c.name === name);
}

/** `metalbench --help`: every command's summary and the conventions they share. */
export function overview(): string {
  const w = Math.max(...COMMANDS.map((c) => c.name.length));
  return `usage: metalbench <command> [options]

commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(w)}  ${c.summary}`).join('\n')}

metalbench help COMMAND (or COMMAND --help) prints a command's usage;
metalbench --version prints the version.

common options:
${DB}
${INVENTORY}
${JSON_OUT}

exit codes: 0 ok, 1 regression or failed check, 2 bad input (nothing run),
3 partial run, 130 SIGINT, 143 SIGTERM, 129 SIGHUP
`;
}
