// `metalbench run`: flags → runner/run/run.ts.
import { LOCK_WAIT_OPTION, parseLockWait } from '../run/lock-wait.ts';
import { DEFAULT_INVENTORY, parseCommand, parseRunId, UsageError, type CliIO } from './options.ts';

export async function runHandler(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommand(args, {
    resume: { type: 'string' },
    trigger: { type: 'string', default: 'manual' },
    revision: { type: 'string' },
    variant: { type: 'string' },
    tune: { type: 'boolean', default: false },
    'sysfs-root': { type: 'string' },
    ...LOCK_WAIT_OPTION,
  });
  const resume = values.resume !== undefined ? parseRunId(values.resume) : undefined;
  if (resume === undefined && positionals.length !== 1) throw new UsageError('expected exactly one spec file, e.g. metalbench run benchmarks/smoke.yaml');
  if (resume !== undefined && positionals.length > 0) throw new UsageError('--resume takes the run id only, not a spec');
  const lockWait = values['lock-wait'] !== undefined ? parseLockWait(values['lock-wait']) : undefined;
  if (typeof lockWait === 'object') throw new UsageError(lockWait.error);
  const { runCommand } = await import('../run/run.ts');
  return runCommand({
    ...(lockWait !== undefined ? { lockWaitMs: lockWait } : {}),
    specPath: positionals[0],
    resumeRunId: resume,
    dbPath: values.db,
    inventoryPath: values.inventory ?? DEFAULT_INVENTORY,
    inventoryExplicit: values.inventory !== undefined,
    tune: values.tune,
    ...(values['sysfs-root'] !== undefined ? { sysRoot: values['sysfs-root'] } : {}),
    trigger: values.trigger,
    revision: values.revision,
    variant: values.variant,
    json: values.json,
    stdout: io.stdout,
    stderr: io.stderr,
  });
}
