/**
 * The host phase: the spec's `hosts:` resolved against the inventory, the
 * chosen hosts connected, locked and probed. Bad input (an inventory or
 * selector problem) and "no host to run on" stop the command here, before
 * anything is built or recorded.
 */
import { ValidationError } from '../spec/validate.ts';
import { SelectionError, type HostSelector } from '../fleet/selection.ts';
import { hostsPlace } from '../spec/hosts-place.ts';
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
  /** The status line (a terminal's), updated while waiting for busy hosts. */
  show?: (text: string) => void;
  /** Said when no host can run, e.g. the command that resumes the run later. */
  retryHint?: string;
}

export async function resolveHosts(selector: HostSelector, o: ResolveOptions): Promise<ResolvedHosts> {
  let opened;
  let order: (name: string) => number;
  try {
    const inv = readInventory(o);
    order = (n) => inv.hosts.findIndex((e) => e.name === n);
    opened = await withWaitStatus(o, (onLockWait) => openHosts(selector, inv, { ...o, onLockWait }));
  } catch (e) {
    if (e instanceof ValidationError) throw new RunStop(EXIT_BAD_INPUT, [e.message]);
    if (e instanceof SelectionError) throw new RunStop(EXIT_BAD_INPUT, [`${hostsPlace(o.specPath, e.terms)}: hosts: ${e.message} (inventory: ${o.inventoryPath})`]);
    throw e;
  }
  let closed: Promise<void> | undefined;
  const sessions = opened.sessions;
  const close = () => (closed ??= Promise.all(sessions.map((h) => h.close().catch(() => undefined))).then(() => undefined));
  const unknownLines = opened.unknown.map((u) => `metalbench: host ${u.name} is unreachable, so whether the selector matches it is unknown: ${u.error}`);
  if (sessions.length === 0) {
    // Nothing can run: say why, once per host, and record nothing.
    await close();
    const lines = [...opened.failed.map((f) => `metalbench: ${named(f.name, f.error)}`), ...unknownLines];
    const what = opened.failed.length > 0 ? 'no selected host can be used' : 'no reachable host matches';
    lines.push(`${o.specPath}: hosts: ${what}; nothing was run${o.retryHint ? ` (${o.retryHint})` : ''}`);
    throw new RunStop(opened.failed.length > 0 || opened.unknown.length > 0 ? EXIT_PARTIAL : EXIT_BAD_INPUT, lines);
  }
  for (const l of unknownLines) o.log(l);
  const names = o.names ?? [...sessions.map((h) => h.name), ...opened.failed.map((f) => f.name)].sort((a, b) => order(a) - order(b));
  return { sessions, failed: opened.failed, names, close };
}

/** "host NAME: why", unless the reason already starts by naming the host. */
export function named(host: string, why: string): string {
  return why.startsWith(`host ${host} `) || why.startsWith(`host ${host}:`) ? why : `host ${host}: ${why}`;
}

type OnLockWait = NonNullable<OpenHostsOptions['onLockWait']>;

/**
 * While hosts are waited for: one line per busy host when the wait begins,
 * and on a terminal a status line counting the seconds.
 */
async function withWaitStatus<T>(o: ResolveOptions, f: (onLockWait: OnLockWait) => Promise<T>): Promise<T> {
  const waiting = new Map<string, { since: number; waitMs: number }>();
  let timer: NodeJS.Timeout | undefined;
  const tick = () => {
    const now = Date.now();
    o.show?.(`waiting for ${[...waiting].map(([h, w]) => `${h} (${Math.round((now - w.since) / 1000)}s of ${Math.round(w.waitMs / 1000)}s)`).join(', ')}`);
  };
  const onLockWait: OnLockWait = (host, holder, waitMs) => {
    o.log(`metalbench: host ${host} is busy${holder ? ` (held by ${holder})` : ''}; waiting up to ${Math.round(waitMs / 1000)}s for it`);
    waiting.set(host, { since: Date.now(), waitMs });
    timer ??= setInterval(tick, 1000);
    tick();
  };
  try {
    return await f(onLockWait);
  } finally {
    if (timer) clearInterval(timer);
  }
}
