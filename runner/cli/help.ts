// `metalbench help [COMMAND]`.
import { findCommand, overview } from './commands.ts';
import { UsageError, type CliIO } from './options.ts';

export async function helpHandler(args: string[], io: CliIO): Promise<number> {
  if (args.length === 0) {
    io.stdout.write(overview());
    return 0;
  }
  // `help hosts check` is the hosts usage: subcommands share their command's page.
  const cmd = findCommand(args[0]!);
  if (!cmd) throw new UsageError(`no command "${args[0]}"; the commands are listed by: metalbench help`);
  io.stdout.write(cmd.usage);
  return 0;
}
