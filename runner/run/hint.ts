/**
 * Commands printed as hints ("resume with: …") must work when pasted: they
 * carry every option that is not the default, each value quoted for a POSIX
 * shell only when it needs it.
 */
import { DEFAULT_DB_PATH } from '../../results/store/default-path.ts';

export const DEFAULT_INVENTORY_PATH = 'hosts/fleet.yaml';

/** One shell word: plain when safe, else single-quoted. */
export function shellWord(s: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export interface HintPaths {
  dbPath: string;
  inventoryPath?: string;
}

/** `metalbench run --resume ID [--db …] [--inventory …]`. */
export function resumeCommand(runId: number, p: HintPaths): string {
  return ['metalbench', 'run', '--resume', String(runId), ...pathOptions(p)].map(shellWord).join(' ');
}

/** The --db/--inventory options a hint must repeat (those not at their defaults). */
export function pathOptions(p: HintPaths): string[] {
  const out: string[] = [];
  if (p.dbPath !== DEFAULT_DB_PATH) out.push('--db', p.dbPath);
  if (p.inventoryPath !== undefined && p.inventoryPath !== DEFAULT_INVENTORY_PATH) out.push('--inventory', p.inventoryPath);
  return out;
}
