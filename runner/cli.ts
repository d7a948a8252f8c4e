/**
 * The metalbench command line: a thin dispatcher over the command table
 * (cli/commands.ts). Exit codes: 0 ok, 1 regression or failed check, 2 bad
 * input (nothing run), 3 partial run; 130/143/129 after SIGINT/SIGTERM/SIGHUP.
 */
import { dropOutputOnClosedPipe } from './cli/closed-pipe.ts';
import { findCommand, overview, type Command } from './cli/commands.ts';
import { InputError, UsageError, type CliIO } from './cli/options.ts';

export { DEFAULT_INVENTORY } from './cli/options.ts';

/** `-h`/`--help` anywhere before a `--` asks for the command's usage, and nothing is done. */
function asksForHelp(args: readonly string[]): boolean {
  for (const a of args) {
    if (a === '--') return false;
    if (a === '--help' || a === '-h') return true;
  }
  return false;
}

export async function main(argv: string[], io: CliIO = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  dropOutputOnClosedPipe(io.stdout);
  const [name, ...args] = argv;
  const err = (s: string) => io.stderr.write(`${s}\n`);
  if (name === undefined) {
    io.stderr.write(overview());
    return 2;
  }
  if (name === '--help' || name === '-h') {
    io.stdout.write(overview());
    return 0;
  }
  if (name === '--version' || name === '-V') {
    const { packageVersion } = await import('./cli/version.ts');
    io.stdout.write(`metalbench ${packageVersion()}\n`);
    return 0;
  }
  const command = findCommand(name);
  if (!command) {
    err(`metalbench: unknown command ${JSON.stringify(name)}; the commands are listed by: metalbench --help`);
    return 2;
  }
  if (!command.ownHelp && asksForHelp(args)) {
    io.stdout.write(command.usage);
    return 0;
  }
  return dispatch(command, args, io);
}

async function dispatch(command: Command, args: string[], io: CliIO): Promise<number> {
  const err = (s: string) => io.stderr.write(`${s}\n`);
  try {
    const handler = await command.load();
    return await handler(args, io);
  } catch (e) {
    if (e instanceof UsageError) {
      err(`metalbench ${command.name}: ${e.message}`);
      err(`usage: metalbench ${command.name} --help`);
      return 2;
    }
    // A database that cannot be opened is bad input, whichever command met it.
    if (e instanceof InputError || (e instanceof Error && e.name === 'StoreOpenError')) {
      err(`metalbench ${command.name}: ${e.message}`);
      return 2;
    }
    throw e;
  }
}
