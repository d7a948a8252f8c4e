/**
 * The CLI's entry points for `compare` and `calibrate`: read the flags and
 * hand over to the paired, resumed or unpaired comparison.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { CALIBRATE_USAGE, COMPARE_USAGE, parseCompareArgs, UsageError, type PairedArgs } from './args.ts';
import type { CompareIO } from './command.ts';
import { UsageError as CliUsageError } from '../cli/options.ts';

export interface EntryDefaults {
  db: string;
  inventory: string;
}

function commandLine(name: string, argv: string[]): string[] {
  return ['metalbench', name, ...argv];
}

export async function compareEntry(argv: string[], io: CompareIO, d: EntryDefaults): Promise<number> {
  let a;
  try {
    a = parseCompareArgs(argv, d.db);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    // The command table's dispatcher prints it with the pointer to the usage, exit 2.
    throw new CliUsageError(e.message);
  }
  if (a === 'help') {
    io.stdout.write(COMPARE_USAGE);
    return 0;
  }
  const bad = unwritable(a);
  if (bad) {
    io.stderr.write(`metalbench compare: ${bad}; nothing was run\n`);
    return 2;
  }
  const env = { inventoryPath: a.inventory ?? d.inventory, inventoryExplicit: a.inventory !== undefined, commandLine: commandLine('compare', argv) };
  if (a.mode === 'unpaired') {
    const { compareUnpaired } = await import('./unpaired.ts');
    return compareUnpaired(a, io, commandLine('compare', argv));
  }
  const { comparePaired, compareResume } = await import('./command.ts');
  return a.mode === 'resume' ? compareResume(a, io, env) : comparePaired(a, io, env);
}

/** An output file whose folder does not exist is found before anything runs, not after an hour of rounds. */
function unwritable(a: { markdown?: string; json?: string }): string | undefined {
  for (const [flag, file] of [['--markdown', a.markdown], ['--json', a.json]] as const) {
    if (file === undefined) continue;
    const dir = dirname(resolve(file));
    if (!existsSync(dir) || !statSync(dir).isDirectory()) return `${flag} ${file}: the folder ${dir} does not exist`;
  }
  return undefined;
}

/** `metalbench calibrate SPEC [--base REF]`: an A/A compare whose estimates become the noise floor. */
export async function calibrateEntry(argv: string[], io: CompareIO, d: EntryDefaults): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout.write(CALIBRATE_USAGE);
    return 0;
  }
  const at = argv.indexOf('--base');
  const ref = at >= 0 ? argv[at + 1] : argv.find((x) => x.startsWith('--base='))?.slice(7);
  const rest = argv.filter((x, i) => !(i === at || (at >= 0 && i === at + 1) || x.startsWith('--base=')));
  for (const bad of ['--head', '--no-confirm', '--fail-on']) {
    if (rest.some((x) => x === bad || x.startsWith(`${bad}=`))) {
      throw new CliUsageError(`${bad} does not apply: calibrate compares one commit with itself`);
    }
  }
  const base = ref ?? 'HEAD';
  let a;
  try {
    a = parseCompareArgs([...rest, '--base', base, '--head', base, '--no-confirm', '--fail-on', 'never'], d.db);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    throw new CliUsageError(e.message);
  }
  if (a === 'help' || a.mode !== 'paired') {
    io.stderr.write(CALIBRATE_USAGE);
    return 2;
  }
  const bad = unwritable(a);
  if (bad) {
    io.stderr.write(`metalbench calibrate: ${bad}; nothing was run\n`);
    return 2;
  }
  const { comparePaired } = await import('./command.ts');
  const paired: PairedArgs & { db: string } = { ...a, calibrate: true };
  return comparePaired(paired, io, { inventoryPath: a.inventory ?? d.inventory, inventoryExplicit: a.inventory !== undefined, commandLine: commandLine('calibrate', argv) });
}
