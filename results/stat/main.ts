// Standalone entry for timing `metalbench stat` without the rest of the CLI.
import { statCommand } from './command.ts';

const code = await statCommand(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() });
process.exitCode = code;
