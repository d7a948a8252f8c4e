/**
 * `metalbench hosts tune NAME` and `metalbench hosts reset NAME`.
 *
 * tune applies host/tune.ts's changes and saves what it changed (with the
 * values before) in a state file; reset restores exactly those values and
 * removes the file. A second tune before a reset is refused: it would record
 * tuned values as the "before" and lose the originals.
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { openTransport, type ProbeOptions } from '../fleet/probe.ts';
import { findHost, type Inventory } from '../fleet/inventory.ts';
import type { Transport } from '../transport/transport.ts';
import { loadTuneState, resetHost, saveTuneState, tuneHost, type TuneState } from './tune.ts';

interface Out {
  write(s: string): unknown;
}

export interface TuneCommandOptions {
  inv: Inventory;
  dbPath: string;
  json: boolean;
  /** Root of the host's /sys and /proc; "/" except in tests and containers. */
  sysRoot?: string;
  /** How to connect (known_hosts, ssh_config, timeout), as the other hosts subcommands do. */
  probe: ProbeOptions;
}

/** Where a host's tune state lives: beside the results database. */
export function tuneStatePath(dbPath: string, host: string): string {
  return join(dirname(dbPath), 'tune', `${host}.json`);
}


/** Tune one connected host and save its state; throws when it is already tuned. */
export async function tuneAndSave(t: Transport, statePath: string, sysRoot?: string): Promise<TuneState> {
  if (existsSync(statePath)) {
    const prev = loadTuneState(statePath);
    throw new Error(
      `host ${t.hostName} was tuned at ${prev.tunedAt} and not reset (state in ${statePath}); run 'metalbench hosts reset ${t.hostName}' first`,
    );
  }
  const state = await tuneHost(t, sysRoot !== undefined ? { root: sysRoot } : {});
  mkdirSync(dirname(statePath), { recursive: true });
  saveTuneState(statePath, state);
  return state;
}

/** Restore a host from its state file; the file is removed only when every value came back. */
export async function resetFromState(t: Transport, statePath: string): Promise<string[]> {
  const state = loadTuneState(statePath);
  const problems = await resetHost(t, state);
  if (problems.length === 0) rmSync(statePath);
  return problems;
}

export async function tuneCommand(sub: 'tune' | 'reset', name: string, io: { stdout: Out; stderr: Out }, o: TuneCommandOptions): Promise<number> {
  const err = (s: string) => io.stderr.write(`metalbench hosts ${sub}: ${s}\n`);
  const statePath = tuneStatePath(o.dbPath, name);
  if (sub === 'reset' && !existsSync(statePath)) {
    err(`host ${name} has no tune state (${statePath}); nothing to reset`);
    return 1;
  }
  let t: Transport;
  try {
    t = await openTransport(findHost(o.inv, name), o.inv, o.probe);
  } catch (e) {
    err((e as Error).message);
    return 1;
  }
  try {
    if (sub === 'tune') {
      const state = await tuneAndSave(t, statePath, o.sysRoot);
      if (o.json) io.stdout.write(`${JSON.stringify(state, null, 2)}\n`);
      else {
        for (const c of state.changes) io.stdout.write(`${name}: ${c.path}: ${c.before} -> ${c.after}\n`);
        for (const f of state.failed) io.stdout.write(`${name}: not changed: ${f}\n`);
        for (const n of state.notControllable) io.stdout.write(`${name}: not controllable here: ${n}\n`);
        io.stdout.write(`${name}: ${state.changes.length} change${state.changes.length === 1 ? '' : 's'} recorded in ${statePath}; undo with 'metalbench hosts reset ${name}'\n`);
      }
      return state.failed.length > 0 ? 1 : 0;
    }
    const problems = await resetFromState(t, statePath);
    if (o.json) io.stdout.write(`${JSON.stringify({ host: name, ok: problems.length === 0, problems }, null, 2)}\n`);
    else if (problems.length === 0) io.stdout.write(`${name}: every tuned value restored\n`);
    for (const p of problems) err(`${name}: ${p}`);
    return problems.length === 0 ? 0 : 1;
  } catch (e) {
    err((e as Error).message);
    return 1;
  } finally {
    await t.close().catch(() => undefined);
  }
}
