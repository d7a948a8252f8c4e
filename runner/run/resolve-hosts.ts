/**
 * The host phase: the spec's `hosts:` resolved against the inventory, the
 * chosen hosts connected, locked and probed. Bad input (an inventory or
 * selector problem) and "no host to run on" stop the command here, before
 * anything is built or recorded.
 */
import { ValidationError } from '../spec/validate.ts';
import { SelectionError, type HostSelector } from '../fleet/selection.ts';
import { openHosts, readInventory, type HostFailure, type HostSession, type OpenHostsOptions } from './hosts.ts';
import { EXIT_BAD_INPUT, EXIT_PARTIAL, RunStop } from './stop.ts';

export interface ResolvedHosts {
  sessions: HostSession[];
  /** Chosen hosts that cannot run jobs: their jobs are recorded as failed. */
  failed: HostFailure[];
  /** Every chosen host, in inventory order (the order jobs are planned in). */
  names: string[];
  /** Release every host (locks, connections); safe to call more than once. */
  close(): Promise<void>;
}

export interface ResolveOptions extends OpenHostsOptions {
  /** For messages: where `hosts:` was written. */
  specPath: string;
  /** A line for the user (warnings, unknowns). */
  log: (line: string) => void;
}

export async function resolveHosts(selector: HostSelector, o: ResolveOptions): Promise<ResolvedHosts> {
  let opened;
  let order: (name: string) => number;
  try {
    const inv = readInventory(o);
    order = (n) => inv.hosts.findIndex((e) => e.name === n);
    opened = await openHosts(selector, inv, o);
  } catch (e) {
    if (e instanceof ValidationError) throw new RunStop(EXIT_BAD_INPUT, [e.message]);
    if (e instanceof SelectionError) throw new RunStop(EXIT_BAD_INPUT, [`${o.specPath}: hosts: ${e.message} (inventory: ${o.inventoryPath})`]);
    throw e;
  }
  let closed: Promise<void> | undefined;
  const sessions = opened.sessions;
  const close = () => (closed ??= Promise.all(sessions.map((h) => h.close().catch(() => undefined))).then(() => undefined));
  for (const u of opened.unknown) o.log(`metalbench: host ${u.name} is unreachable, so whether the selector matches it is unknown: ${u.error}`);
  if (sessions.length === 0 && opened.failed.length === 0) {
    await close();
    throw new RunStop(opened.unknown.length > 0 ? EXIT_PARTIAL : EXIT_BAD_INPUT, [`${o.specPath}: hosts: no reachable host matches; nothing was run`]);
  }
  const names = o.names ?? [...sessions.map((h) => h.name), ...opened.failed.map((f) => f.name)].sort((a, b) => order(a) - order(b));
  return { sessions, failed: opened.failed, names, close };
}
