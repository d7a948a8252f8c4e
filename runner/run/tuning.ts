/**
 * Opt-in tuning for the length of a run: every host tuned at the start
 * (each change saved beside the database) and restored at the end, or by
 * the signal handler when the run is stopped.
 */
import type { TuneState } from '../host/tune.ts';
import type { HostSession } from './hosts.ts';

export interface RunTuning {
  /** Restore every tuned host; problems are reported with the command that retries. */
  restore(): Promise<void>;
  readonly tunedHosts: number;
}

export async function tuneHosts(
  hosts: readonly HostSession[],
  o: { dbPath: string; sysRoot?: string; log: (line: string) => void; err: (line: string) => void },
): Promise<RunTuning> {
  const { tuneAndSave, resetFromState, tuneStatePath } = await import('../host/tune-command.ts');
  const tuned = new Map<string, HostSession>();
  for (const h of hosts) {
    try {
      const state: TuneState = await tuneAndSave(h.transport, tuneStatePath(o.dbPath, h.name), o.sysRoot);
      tuned.set(h.name, h);
      o.log(`tuned ${h.name}: ${state.changes.length} change${state.changes.length === 1 ? '' : 's'}${state.failed.length ? `; not changed: ${state.failed.join('; ')}` : ''}`);
    } catch (e) {
      o.log(`warning ${h.name}: not tuned: ${(e as Error).message}`);
    }
  }
  return {
    get tunedHosts() {
      return tuned.size;
    },
    async restore() {
      for (const [name, h] of tuned) {
        tuned.delete(name);
        try {
          const problems = await resetFromState(h.transport, tuneStatePath(o.dbPath, name));
          for (const p of problems) o.err(`metalbench: ${name}: not restored: ${p} (retry with: metalbench hosts reset ${name})`);
        } catch (e) {
          o.err(`metalbench: ${name}: tuning not undone: ${(e as Error).message} (retry with: metalbench hosts reset ${name})`);
        }
      }
    },
  };
}

/** No tuning asked for. */
export const NO_TUNING: RunTuning = { restore: async () => undefined, tunedHosts: 0 };
