// `metalbench compare` and `metalbench calibrate`: flags → runner/compare/.
import { DEFAULT_DB_PATH } from '../../results/store/default-path.ts';
import { DEFAULT_INVENTORY, type CliIO } from './options.ts';

const defaults = { db: DEFAULT_DB_PATH, inventory: DEFAULT_INVENTORY };

export async function compareHandler(args: string[], io: CliIO): Promise<number> {
  const { compareEntry } = await import('../compare/entry.ts');
  return compareEntry(args, io, defaults);
}

export async function calibrateHandler(args: string[], io: CliIO): Promise<number> {
  const { calibrateEntry } = await import('../compare/entry.ts');
  return calibrateEntry(args, io, defaults);
}
