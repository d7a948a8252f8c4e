/**
 * What every command's flag parsing shares: the common options, the usage
 * error that the dispatcher turns into exit 2, and run-id parsing.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { DEFAULT_DB_PATH } from '../../results/store/default-path.ts';

export const DEFAULT_INVENTORY = 'hosts/fleet.yaml';

/** The streams a command writes to (the process's own, or a test's capture). */
export interface CliIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** Bad command-line input: the dispatcher prints it with a pointer to the usage and exits 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Bad input that is not about the command line (a missing database, an unreadable file): exit 2, no usage pointer. */
export class InputError extends Error {
  override name = 'InputError';
}

export const COMMON_OPTIONS = {
  db: { type: 'string', default: DEFAULT_DB_PATH },
  inventory: { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const satisfies ParseArgsConfig['options'];

/** Node's parseArgs with the common options added; its errors become usage errors. */
export function parseCommand<O extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: O) {
  try {
    return parseArgs({ args, options: { ...COMMON_OPTIONS, ...options }, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

export function parseRunId(s: string): number {
  if (!/^[1-9][0-9]*$/.test(s) || !Number.isSafeInteger(Number(s))) throw new UsageError(`run id must be a positive integer, got ${JSON.stringify(s)}`);
  return Number(s);
}

export function noPositionals(positionals: string[], what: string): void {
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}${what ? `; ${what}` : ''}`);
}
