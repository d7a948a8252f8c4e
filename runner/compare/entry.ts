/**
 * The CLI's entry points for `compare` and `calibrate`: read the flags and
 * hand over to the paired, resumed or unpaired comparison. Usage errors are
 * thrown for the dispatcher (exit 2 with a pointer to the usage).
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseCompareArgs, UsageError, type PairedArgs } from './args.ts';
import type { CompareIO } from './command.ts';
import { DEFAULT_SITE_CONFIG, loadSiteConfig } from '../../site/config.ts';
import { EXIT_BAD_INPUT } from '../run/stop.ts';

export interface EntryDefaults {
  db: string;
  inventory: string;
}

function commandLine(name: string, argv: string[]): string[] {
  return ['metalbench', name, ...argv];
}

/** An output file whose folder does not exist is found before anything runs, not after an hour of rounds. */
function unwritable(a: { markdown?: string; json?: string }): string | undefined {
  for (const [flag, file] of [['--markdown', a.markdown], ['--json', a.json]] as const) {
    if (file === undefined) continue;
    const dir = dirname(resolve(file));
    if (!existsSync(dir) || !statSync(dir).isDirectory()) return `${flag} ${file}: the folder ${dir} does not exist; nothing was run`;
  }
  return undefined;
}

/**
 * Where the site is published, for the link to the session's page: --site-url,
 * else the base_url of --site-config, else of ./site.yaml when it exists (the
 * file `metalbench site` reads by default); null when none says.
 */
export function publishedSiteUrl(a: { siteUrl?: string; siteConfig?: string }): string | null {
  if (a.siteUrl !== undefined) return a.siteUrl;
  return loadSiteConfig(a.siteConfig ?? DEFAULT_SITE_CONFIG, a.siteConfig !== undefined).baseUrl;
}

export async function compareEntry(argv: string[], io: CompareIO, d: EntryDefaults): Promise<number> {
  const a = parseCompareArgs(argv, d.db);
  if (a === 'help') throw new UsageError('--help is answered before the command runs');
  const bad = unwritable(a);
  if (bad) throw new UsageError(bad);
  if (a.mode === 'unpaired') {
    const { compareUnpaired } = await import('./unpaired.ts');
    return compareUnpaired(a, io, commandLine('compare', argv));
  }
  const env = commandEnv('compare', argv, a, io, d);
  if (env === undefined) return EXIT_BAD_INPUT;
  const { comparePaired, compareResume } = await import('./command.ts');
  return a.mode === 'resume' ? compareResume(a, io, env) : comparePaired(a, io, env);
}

/** `metalbench calibrate SPEC [--base REF]`: an A/A compare whose estimates become the noise floor. */
export async function calibrateEntry(argv: string[], io: CompareIO, d: EntryDefaults): Promise<number> {
  const at = argv.indexOf('--base');
  const ref = at >= 0 ? argv[at + 1] : argv.find((x) => x.startsWith('--base='))?.slice(7);
  const rest = argv.filter((x, i) => !(i === at || (at >= 0 && i === at + 1) || x.startsWith('--base=')));
  for (const flag of ['--head', '--no-confirm', '--fail-on', '--resume', '--base-run', '--head-run']) {
    if (rest.some((x) => x === flag || x.startsWith(`${flag}=`))) throw new UsageError(`${flag} does not apply: calibrate compares one commit with itself`);
  }
  const base = ref ?? 'HEAD';
  const a = parseCompareArgs([...rest, '--base', base, '--head', base, '--no-confirm', '--fail-on', 'never'], d.db);
  if (a === 'help' || a.mode !== 'paired') throw new UsageError('expected one spec file, e.g. metalbench calibrate benchmarks/pr.yaml');
  const bad = unwritable(a);
  if (bad) throw new UsageError(bad);
  const env = commandEnv('calibrate', argv, a, io, d);
  if (env === undefined) return EXIT_BAD_INPUT;
  const { comparePaired } = await import('./command.ts');
  const paired: PairedArgs & { db: string } = { ...a, calibrate: true };
  return comparePaired(paired, io, env);
}

/** The inventory, command line and published page address of a paired command; undefined (said on stderr) when the site configuration is unusable. */
function commandEnv(name: 'compare' | 'calibrate', argv: string[], a: Parameters<typeof publishedSiteUrl>[0] & { inventory?: string }, io: CompareIO, d: EntryDefaults) {
  let site: string | null;
  try {
    site = publishedSiteUrl(a);
  } catch (e) {
    io.stderr.write(`${(e as Error).message}\nmetalbench ${name}: the site configuration is unusable; nothing was run\n`);
    return undefined;
  }
  return { inventoryPath: a.inventory ?? d.inventory, inventoryExplicit: a.inventory !== undefined, commandLine: commandLine(name, argv), ...(site !== null ? { siteUrl: site } : {}) };
}
