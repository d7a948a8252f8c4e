// `metalbench hosts SUB`: the common options are taken here, the rest by runner/fleet/hosts-command.ts.
import { DEFAULT_DB_PATH } from '../../results/store/default-path.ts';
import { DEFAULT_INVENTORY, UsageError, type CliIO } from './options.ts';

export async function hostsHandler(args: string[], io: CliIO): Promise<number> {
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
  if (rest.length === 0) throw new UsageError('expected a subcommand: check, facts, trust, tune or reset');
  const { hostsCommand } = await import('../fleet/hosts-command.ts');
  const usage = (await import('./commands.ts')).findCommand('hosts')?.usage;
  return hostsCommand(rest, io, {
    inventoryPath: inventory ?? DEFAULT_INVENTORY,
    inventoryExplicit: inventory !== undefined,
    dbPath: db,
    json,
    ...(usage !== undefined ? { usage } : {}),
  });
}
