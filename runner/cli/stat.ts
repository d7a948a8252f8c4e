// `metalbench stat`: benchstat's own flag syntax (-row, -filter …), passed through untouched.
import type { CliIO } from './options.ts';

export async function statHandler(args: string[], io: CliIO): Promise<number> {
  const { statCommand } = await import('../../results/stat/command.ts');
  return statCommand(args, { stdout: io.stdout, stderr: io.stderr, cwd: process.cwd() });
}
