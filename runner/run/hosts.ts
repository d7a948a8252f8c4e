/**
 * Host sessions for a run: the spec's `hosts:` resolved against the
 * inventory, each chosen host connected and locked, its facts collected, and
 * each job's pinning planned from that host's real topology. The run loop
 * only sees HostSession.
 */
import { resolve } from 'node:path';
import type { HostFacts } from '../host/facts.ts';
import { formatCpuList } from '../host/cpulist.ts';
import { pinConfigLines, pinnedArgv, planPinning, verifyPinReport, type PinPlan, type PinSpec } from '../host/pinning.ts';
import { loadInventory, type HostEntry, type Inventory } from '../fleet/inventory.ts';
import { defaultKnownHosts, openSelection, type ProbedHost } from '../fleet/probe.ts';
import { selectHosts, selectsByName, SelectionError, type HostSelector } from '../fleet/selection.ts';
import type { BuildTarget } from '../build/build.ts';
import type { Transport } from '../transport/transport.ts';
import type { SuiteSpec } from '../spec/spec.ts';

export interface JobPin {
  /** Wrap the benchmark argv so it runs pinned and reports its CPUs. */
  wrap(argv: string[]): string[];
  /** The CPU list as text, e.g. "1" or "2-3"; undefined when unpinned. */
  cpus?: string;
  /** Identity lines written with every sample. */
  config: Array<readonly [string, string]>;
  /** Checks the process's own report against the plan; a mismatch or null. */
  verify?: (stderr: string) => string | null;
  /** Things that make the plan weaker than it looks (shown, not fatal). */
  warnings: string[];
}

export interface HostSession {
  name: string;
  transport: Transport;
  target: BuildTarget;
  facts: unknown;
  fingerprint: string;
  /** Hygiene warnings (governor, turbo, load …). */
  warnings: string[];
  /** True once the connection is gone: later jobs on it cannot run. */
  readonly lost: boolean;
  /** Configuration lines that identify the host in every sample. */
  config: Array<readonly [string, string]>;
  /** The CPUs for a suite's jobs, planned once per suite; throws PinningError when this host cannot satisfy the policy. */
  pinFor(suite: SuiteSpec): JobPin;
  cwdFor(suite: SuiteSpec): string | undefined;
  close(): Promise<void>;
}

export interface HostFailure {
  name: string;
  error: string;
}

export interface OpenedHosts {
  sessions: HostSession[];
  /** Hosts the run should have used but cannot: their jobs are recorded as failed. */
  failed: HostFailure[];
  /** Unreachable hosts that a tag selector might have matched; only reported. */
  unknown: HostFailure[];
}

export interface OpenHostsOptions {
  inventoryPath: string;
  /** True when the user named the inventory: then it must exist. */
  inventoryExplicit?: boolean;
  /** For --resume: exactly these hosts, whatever the selector now matches. */
  names?: string[];
  knownHostsPaths?: string[];
  sshConfigPath?: string;
  connectTimeoutMs?: number;
  /** Wait this long for a busy host (default: each host's lockWaitMs from the inventory). */
  lockWaitMs?: number;
  /** A chosen host is busy and the wait for it begins. */
  onLockWait?: (host: string, holder: string | undefined, waitMs: number) => void;
}

/** Reads the inventory; errors (InventoryError, SelectionError) are bad input for the caller. */
export function readInventory(o: OpenHostsOptions): Inventory {
  return loadInventory(o.inventoryPath, { required: o.inventoryExplicit === true });
}

/**
 * Connect and lock every host the selector chooses. Names that are not in
 * the inventory throw SelectionError (bad input, nothing has run).
 */
export async function openHosts(selector: HostSelector, inv: Inventory, o: OpenHostsOptions): Promise<OpenedHosts> {
  const chosen: HostSelector = o.names ?? selector;
  if (selectsByName(chosen)) selectHosts(chosen, inv.hosts); // unknown names: SelectionError now
  const { hosts, failed } = await openSelection(chosen, inv, {
    lock: true,
    knownHostsPaths: o.knownHostsPaths ?? defaultKnownHosts(inv.path),
    ...(o.sshConfigPath !== undefined ? { sshConfigPath: o.sshConfigPath } : {}),
    connectTimeoutMs: o.connectTimeoutMs ?? 15_000,
    ...(o.lockWaitMs !== undefined ? { lockWaitMs: o.lockWaitMs } : {}),
    ...(o.onLockWait ? { onLockWait: o.onLockWait } : {}),
  });
  const out: OpenedHosts = { sessions: [], failed: [], unknown: [] };
  for (const f of failed) {
    // A tag selector needs facts to decide; an unreachable host whose manual
    // tags already match is one the run is missing, the others are unknowns.
    const missing = f.chosen === true || selectsByName(chosen) || manualTagsMatch(chosen, f.entry);
    (missing ? out.failed : out.unknown).push({ name: f.name, error: f.error });
  }
  for (const h of hosts) {
    if (h.tagErrors.length > 0) {
      out.failed.push({ name: h.name, error: `inventory tags contradict the host's facts: ${h.tagErrors.join('; ')}; fix the tags in ${inv.path}` });
      await h.transport.close().catch(() => undefined);
      continue;
    }
    out.sessions.push(sessionOf(h));
  }
  // The order hosts appear in the inventory: stable, so --resume plans the same job numbers.
  const order = (n: string) => inv.hosts.findIndex((e) => e.name === n);
  out.sessions.sort((a, b) => order(a.name) - order(b.name));
  out.failed.sort((a, b) => order(a.name) - order(b.name));
  return out;
}

function manualTagsMatch(selector: HostSelector, entry: HostEntry): boolean {
  try {
    return selectHosts(selector, [{ name: entry.name, tags: entry.tags }]).length > 0;
  } catch (e) {
    if (e instanceof SelectionError) return false;
    throw e;
  }
}

function sessionOf(h: ProbedHost): HostSession {
  const facts = h.facts;
  const override = h.entry.pin as PinSpec | undefined;
  const config: Array<readonly [string, string]> = [['host', h.name]];
  if (h.transport.emulated) config.push(['emulated', `qemu-user ${h.target.goarch}`]);
  const transport = h.transport;
  const pins = new Map<string, JobPin>();
  return {
    name: h.name,
    transport,
    target: h.target,
    facts: h.facts,
    fingerprint: h.fingerprint,
    warnings: h.warnings,
    get lost() {
      return transport.lost;
    },
    config,
    pinFor: (suite) => {
      let pin = pins.get(suite.name);
      if (!pin) pins.set(suite.name, (pin = jobPin(suite, facts, h.fingerprint, override)));
      return pin;
    },
    // Locally a test runs in its package directory (testdata/ works); remotely in the login directory.
    cwdFor: (suite) => (h.builtin ? resolve(suite.moduleDir, suite.package) : undefined),
    close: () => transport.close(),
  };
}

function jobPin(suite: SuiteSpec, facts: HostFacts, fp: string, override: PinSpec | undefined): JobPin {
  const short = fp.slice(0, 12);
  // An override without CPUs only adjusts a spec's policy; alone it pins nothing.
  const overrideHasCpus = override !== undefined && (typeof override !== 'object' || Array.isArray(override) || override.cpus !== undefined);
  if (suite.pin === undefined && !overrideHasCpus) {
    // Unpinned is an identity too: never compared silently with pinned runs.
    return { wrap: (argv) => argv, config: [['pin-cpus', 'none'], ['host-fingerprint', short]], warnings: [] };
  }
  const plan: PinPlan = planPinning(facts.topology, suite.pin ?? (override as PinSpec), {
    ...(suite.cpu ? { cpuSweep: suite.cpu } : {}),
    ...(override !== undefined && suite.pin !== undefined ? { override } : {}),
  });
  const lines = pinConfigLines(plan, short);
  // With a -cpu sweep GOMAXPROCS is each result's -N suffix, not one value.
  if (suite.cpu) lines.gomaxprocs = `cpu ${suite.cpu.join(',')}`;
  return {
    wrap: (argv) => pinnedArgv(plan, argv, facts.tools, { gomaxprocs: !suite.cpu }),
    cpus: formatCpuList(plan.cpus),
    config: Object.entries(lines),
    verify: (stderr) => verifyPinReport(stderr, plan),
    warnings: plan.warnings,
  };
}
