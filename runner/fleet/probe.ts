/**
 * Connect to hosts and learn what they are: transport, facts, fingerprint,
 * derived tags (selectable like manual ones), manual tags that contradict the
 * facts, hygiene warnings. `hosts check` and the run loop both start here.
 */
import { createHash } from 'node:crypto';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { LocalTransport } from '../transport/local.ts';
import type { SshConnectOptions } from '../transport/ssh.ts';
import type { Transport } from '../transport/transport.ts';
import type { HostEntry, Inventory } from './inventory.ts';
import { joinsTagSelection, selectHosts, selectsByName, SelectionError, type HostSelector } from './selection.ts';
import { checkManualTags, collectFacts, derivedTags, fingerprint as factsFingerprint, hygieneWarnings, type HostFacts } from '../host/facts.ts';

export interface ProbedHost {
  entry: HostEntry;
  name: string;
  transport: Transport;
  /** The collected facts; `emulated` says binaries run under qemu-user as another GOARCH. */
  facts: HostFacts & { emulated?: { goarch: string; via: 'qemu-user' } };
  fingerprint: string;
  /** Manual then derived tags: what selectors match against. */
  tags: string[];
  derivedTags: string[];
  /** Manual tags the facts contradict (e.g. `arm` on an x86_64 host): an error. */
  tagErrors: string[];
  /** Hygiene warnings in the spirit of `pyperf system show`. */
  warnings: string[];
  builtin: boolean;
  /** What to cross-compile for this host (an emulating host gets its emulated GOARCH). */
  target: { goos: string; goarch: string };
}

export interface ProbeFailure {
  entry: HostEntry;
  name: string;
  error: string;
  /** The selection chose this host (by name, or its facts matched) but it cannot be used. */
  chosen?: boolean;
}

export interface ProbeOptions {
  knownHostsPaths?: string[];
  sshConfigPath?: string;
  connectTimeoutMs?: number;
  /**
   * Lock the hosts chosen: named hosts right after connecting; for a tag
   * selector, only the matches, after probing them all unlocked.
   */
  lock?: boolean;
  /** How long to wait for a busy host (default: the inventory's lockWaitMs). */
  lockWaitMs?: number;
  /** A chosen host is busy and the wait for it begins. */
  onLockWait?: (host: string, holder: string | undefined, waitMs: number) => void;
}

/** hosts/known_hosts next to the inventory first, then the user's own. */
export function defaultKnownHosts(inventoryPath: string): string[] {
  return [join(dirname(inventoryPath), 'known_hosts'), join(homedir(), '.ssh', 'known_hosts')];
}

/** Open a transport to one inventory host (local or SSH). */
export async function openTransport(entry: HostEntry, inv: Inventory, opts: ProbeOptions = {}): Promise<Transport> {
  if (entry.builtin) return new LocalTransport();
  const ssh: SshConnectOptions = {
    knownHostsPaths: opts.knownHostsPaths ?? defaultKnownHosts(inv.path),
    inventory: inv.hosts,
    ...(opts.sshConfigPath !== undefined ? { sshConfigPath: opts.sshConfigPath } : {}),
    ...(opts.connectTimeoutMs !== undefined ? { connectTimeoutMs: opts.connectTimeoutMs } : {}),
  };
  // Loaded on first use: a run on the local host alone never needs SSH.
  const { connectSsh } = await import('../transport/ssh.ts');
  return connectSsh(entry, ssh);
}

/** Take a chosen host's lock, waiting as the options (or the inventory) say. */
export async function lockHost(transport: Transport, entry: HostEntry, opts: ProbeOptions): Promise<void> {
  const waitMs = opts.lockWaitMs ?? entry.lockWaitMs;
  await transport.lock({ waitMs, onWait: (holder) => opts.onLockWait?.(entry.name, holder, waitMs) });
}

/** Connect, optionally lock, collect facts. Closes the transport on failure. */
export async function probeHost(entry: HostEntry, inv: Inventory, opts: ProbeOptions = {}): Promise<ProbedHost> {
  const transport = await openTransport(entry, inv, opts);
  try {
    if (!opts.lock) return describeHost(entry, transport, await collectFacts(transport));
    // Facts are collected while the lock is taken: a free host pays for one
    // round trip, not two. Facts gathered while the host was busy with
    // another run describe that run's state, so after a wait they are collected again.
    const early = collectFacts(transport);
    early.catch(() => undefined);
    let waited = false;
    await lockHost(transport, entry, {
      ...opts,
      onLockWait: (host, holder, waitMs) => {
        waited = true;
        opts.onLockWait?.(host, holder, waitMs);
      },
    });
    return describeHost(entry, transport, waited ? await collectFacts(transport) : await early);
  } catch (e) {
    await transport.close().catch(() => undefined);
    throw e;
  }
}

/** Facts collected again (after the lock was taken, another run may have changed the host). */
export async function reprobe(h: ProbedHost): Promise<ProbedHost> {
  return describeHost(h.entry, h.transport, await collectFacts(h.transport));
}

function describeHost(entry: HostEntry, transport: Transport, collected: HostFacts): ProbedHost {
  let derived = derivedTags(collected);
  let fingerprint = factsFingerprint(collected);
  let tagErrors = checkManualTags(entry.tags, collected);
  let stored: ProbedHost['facts'] = collected;
  if (transport.emulated && entry.emulate) {
    // The host runs these binaries under qemu: it is an emulated arm64 (say)
    // host, never to be compared with the same machine running natively.
    derived = [...derived.filter((t) => !t.startsWith('arch:')), `arch:${entry.emulate}`, 'emulated'];
    fingerprint = createHash('sha256').update(`${fingerprint}\nemulate=${entry.emulate}`).digest('hex');
    stored = { ...collected, emulated: { goarch: entry.emulate, via: 'qemu-user' } };
    // Arch tags are judged against the emulated architecture, not the machine's.
    const goarch = entry.emulate;
    const archTags = entry.tags.filter((t) => ARCH_TAGS.includes(t));
    tagErrors = tagErrors.filter((m) => !archTags.some((t) => m.includes(t)));
    for (const t of archTags) {
      if (!archTagFits(t, goarch)) tagErrors.push(`tag "${t}" contradicts the emulated architecture ${goarch} (emulate: ${goarch})`);
    }
  }
  return {
    entry,
    name: entry.name,
    transport,
    facts: stored,
    fingerprint,
    tags: [...new Set([...entry.tags, ...derived])],
    derivedTags: derived,
    tagErrors,
    warnings: hygieneWarnings(collected),
    builtin: entry.builtin,
    target: buildTarget(entry, collected),
  };
}

/** Probe hosts in parallel; each failure is reported for its host, the others go on. */
export async function probeHosts(
  entries: readonly HostEntry[],
  inv: Inventory,
  opts: ProbeOptions = {},
): Promise<{ ok: ProbedHost[]; failed: ProbeFailure[] }> {
  const settled = await Promise.allSettled(entries.map((e) => probeHost(e, inv, opts)));
  const ok: ProbedHost[] = [];
  const failed: ProbeFailure[] = [];
  settled.forEach((s, i) => {
    const entry = entries[i]!;
    if (s.status === 'fulfilled') ok.push(s.value);
    else failed.push({ entry, name: entry.name, error: s.reason instanceof Error ? s.reason.message : String(s.reason) });
  });
  return { ok, failed };
}

/**
 * Resolve a spec's `hosts:` against the inventory and leave the chosen hosts
 * connected (and locked with `lock`). Names connect only the hosts named. A
 * tag selector probes every inventory host without locking (derived tags
 * need facts), closes the hosts it does not match, then locks the matches
 * and probes them again: a host that no longer matches is let go. Hosts
 * that could not be reached or locked are returned in `failed`.
 */
export async function openSelection(
  selector: HostSelector,
  inv: Inventory,
  opts: ProbeOptions = {},
): Promise<{ hosts: ProbedHost[]; failed: ProbeFailure[] }> {
  if (selectsByName(selector)) {
    const entries = selectHosts(selector, inv.hosts.map((h) => ({ ...h })));
    const r = await probeHosts(entries, inv, opts);
    return { hosts: r.ok, failed: r.failed.map((f) => ({ ...f, chosen: true })) };
  }
  const r = await probeHosts(inv.hosts.filter(joinsTagSelection), inv, { ...opts, lock: false });
  let chosen: ProbedHost[] = [];
  try {
    chosen = r.ok.length > 0 ? selectHosts(selector, r.ok) : [];
  } catch (e) {
    // No reachable host matches, but an unreachable one might: the caller decides.
    if (!(e instanceof SelectionError) || r.failed.length === 0) throw e;
  } finally {
    for (const h of r.ok) if (!chosen.includes(h)) await h.transport.close();
  }
  if (chosen.length === 0 && r.failed.length === 0) selectHosts(selector, r.ok); // throws the no-match error
  if (!opts.lock) return { hosts: chosen, failed: r.failed };
  const failed: ProbeFailure[] = [...r.failed];
  const hosts: ProbedHost[] = [];
  await Promise.all(
    chosen.map(async (h) => {
      try {
        await lockHost(h.transport, h.entry, opts);
        const now = await reprobe(h);
        if (selectHosts(selector, [now]).length === 0) {
          await h.transport.close();
          failed.push({ entry: h.entry, name: h.name, chosen: true, error: `host ${h.name} no longer matches the selector once locked (tags now: ${now.tags.join(', ')})` });
        } else hosts.push(now);
      } catch (e) {
        await h.transport.close().catch(() => undefined);
        failed.push({ entry: h.entry, name: h.name, chosen: true, error: e instanceof Error ? e.message : String(e) });
      }
    }),
  );
  return { hosts, failed };
}

const GOARCH_FOR_MACHINE: Record<string, string> = {
  x86_64: 'amd64',
  amd64: 'amd64',
  aarch64: 'arm64',
  arm64: 'arm64',
  armv7l: 'arm',
  armv6l: 'arm',
  i686: '386',
  i386: '386',
  riscv64: 'riscv64',
  ppc64le: 'ppc64le',
  s390x: 's390x',
};

/** GOOS/GOARCH from the facts (uname -s/-m or their Go names); emulation wins. */
export function buildTarget(entry: HostEntry, facts: unknown): { goos: string; goarch: string } {
  const f = (facts ?? {}) as Record<string, unknown>;
  const str = (...keys: string[]) => keys.map((k) => f[k]).find((v): v is string => typeof v === 'string' && v !== '');
  const os = (str('goos', 'os', 'kernelName', 'system') ?? 'linux').toLowerCase();
  const machine = str('goarch', 'arch', 'machine') ?? '';
  const goarch = entry.emulate ?? GOARCH_FOR_MACHINE[machine] ?? machine;
  if (!goarch) throw new Error(`host ${entry.name}: the facts do not say which CPU architecture it has`);
  return { goos: os, goarch };
}

const ARCH_TAGS = ['arm', 'arm64', 'aarch64', 'x86', 'x86_64', 'amd64'];

/** Does a manual arch tag agree with an emulated GOARCH? */
function archTagFits(tag: string, goarch: string): boolean {
  if (['arm', 'arm64', 'aarch64'].includes(tag)) return goarch === 'arm64' || goarch === 'arm';
  return goarch === 'amd64' || goarch === '386';
}
