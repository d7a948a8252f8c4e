/**
 * CPU/NUMA pinning: choose a benchmark process's CPUs from the host's real
 * topology, wrap its argv so it is pinned and reports what it got, and check
 * that report against the plan.
 */
import { formatCpuList, parseCpuList } from './cpulist.ts';
import type { Cpu, Topology } from './topology.ts';

/** The spec's `pin:` value: a CPU count, an explicit CPU list, or a full policy. */
export type PinSpec = number | number[] | PinPolicyInput;

export interface PinPolicyInput {
  cpus?: number | number[];
  smt?: 'off' | 'on';
  numa?: 'local' | 'spread';
  avoid?: number[];
  preferIsolated?: boolean;
  bigOnly?: boolean;
}

export interface PinPolicy {
  /** How many CPUs, or exactly which ones. */
  cpus: number | number[];
  /** off: one thread per physical core, siblings left idle. */
  smt: 'off' | 'on';
  /** local: CPUs and memory on one node (membind); spread: CPUs across nodes. */
  numa: 'local' | 'spread';
  /** Housekeeping CPUs never chosen. */
  avoid: number[];
  preferIsolated: boolean;
  bigOnly: boolean;
}

export interface PinPlan {
  cpus: number[];
  /** NUMA nodes of the chosen CPUs. */
  nodes: number[];
  /** Bind memory to `nodes` (numa: local). */
  membind: boolean;
  /** Nodes the host has; memory binding only matters when above 1. */
  hostNodes: number;
  gomaxprocs: number;
  policy: PinPolicy;
  /** Why these CPUs, e.g. "isolated CPUs", for logs. */
  notes: string[];
  /** Things that make the plan weaker than it looks; shown to the user, not fatal. */
  warnings: string[];
}

export class PinningError extends Error {
  override name = 'PinningError';
}

/** JSON Schema of the spec's `pin:` key (embedded into the spec schema). */
export const pinPolicySchema = {
  description: 'CPU pinning: a CPU count, an explicit list of CPU ids, or a policy object.',
  oneOf: [
    { type: 'integer', minimum: 1, description: 'number of CPUs' },
    { type: 'array', items: { type: 'integer', minimum: 0 }, minItems: 1, uniqueItems: true, description: 'explicit CPU ids' },
    {
      type: 'object',
      additionalProperties: false,
      properties: {
        cpus: {
          oneOf: [
            { type: 'integer', minimum: 1 },
            { type: 'array', items: { type: 'integer', minimum: 0 }, minItems: 1, uniqueItems: true },
          ],
        },
        smt: { enum: ['off', 'on'], description: 'off: one thread per physical core (default)' },
        numa: { enum: ['local', 'spread'], description: 'local: CPUs and memory on one node (default)' },
        avoid: { type: 'array', items: { type: 'integer', minimum: 0 }, uniqueItems: true, description: 'housekeeping CPUs to leave alone (default [0])' },
        preferIsolated: { type: 'boolean', description: 'use isolated CPUs when the kernel has them (default true)' },
        bigOnly: { type: 'boolean', description: 'on big.LITTLE, big cores only (default true)' },
      },
    },
  ],
} as const;

/** Fill in defaults; an inventory override is merged over the spec's policy. */
export function normalizePolicy(spec: PinSpec, override?: PinSpec): PinPolicy {
  const obj = (s: PinSpec): PinPolicyInput => (typeof s === 'number' || Array.isArray(s) ? { cpus: s } : s);
  const merged: PinPolicyInput = { ...obj(spec), ...(override === undefined ? {} : obj(override)) };
  if (merged.cpus === undefined) throw new PinningError('pin: no CPU count or list (set pin: N, pin: [ids] or pin: {cpus: N})');
  return {
    cpus: merged.cpus,
    smt: merged.smt ?? 'off',
    numa: merged.numa ?? 'local',
    avoid: merged.avoid ?? [0],
    preferIsolated: merged.preferIsolated ?? true,
    bigOnly: merged.bigOnly ?? true,
  };
}

/** Short text of the policy, e.g. "smt=off,numa=local,avoid=0,isolated=prefer,big=only". */
export function policyText(p: PinPolicy): string {
  return [
    `smt=${p.smt}`,
    `numa=${p.numa}`,
    `avoid=${p.avoid.length ? formatCpuList(p.avoid) : 'none'}`,
    `isolated=${p.preferIsolated ? 'prefer' : 'ignore'}`,
    `big=${p.bigOnly ? 'only' : 'any'}`,
  ].join(',');
}

/**
 * Choose CPUs for one benchmark process. Throws PinningError naming the reason
 * when the host cannot satisfy the policy; never falls back to an unpinned run.
 */
export function planPinning(topo: Topology, spec: PinSpec | PinPolicy, opts: { cpuSweep?: number[]; override?: PinSpec } = {}): PinPlan {
  const policy = normalizePolicy(spec, opts.override);
  const byId = new Map(topo.cpus.map((c) => [c.id, c]));
  const notes: string[] = [];
  let cpus: number[];
  if (Array.isArray(policy.cpus)) {
    cpus = checkExplicit(topo, policy, byId);
    notes.push('explicit CPU list');
  } else {
    cpus = chooseCount(topo, policy, policy.cpus, byId, notes);
  }
  const nodes = [...new Set(cpus.map((c) => byId.get(c)!.node))].sort((a, b) => a - b);
  if (policy.numa === 'local' && nodes.length > 1) {
    throw new PinningError(`pin: numa: local, but CPUs ${formatCpuList(cpus)} span NUMA nodes ${nodes.join(',')}; list CPUs of one node or set numa: spread`);
  }
  const n = cpus.length;
  for (const p of opts.cpuSweep ?? []) {
    if (!Number.isInteger(p) || p < 1 || p > n) {
      throw new PinningError(`cpu: ${p} does not fit the ${n} pinned CPU${n === 1 ? '' : 's'} (${formatCpuList(cpus)}); keep every cpu value between 1 and ${n} or pin more CPUs`);
    }
  }
  const warnings: string[] = [];
  const isolated = cpus.filter((c) => topo.isolated.includes(c));
  if (n > 1 && isolated.length > 1) {
    // isolcpus takes CPUs out of load balancing: Go threads can pile up on one of them.
    warnings.push(`CPUs ${formatCpuList(isolated)} are isolated (isolcpus), and the kernel does not balance load between them: with GOMAXPROCS ${n} threads may share a CPU; use one CPU per process, or a cpuset root partition instead of isolcpus`);
  }
  return { cpus, nodes, membind: policy.numa === 'local', hostNodes: topo.nodes.length, gomaxprocs: n, policy, notes, warnings };
}

function checkExplicit(topo: Topology, p: PinPolicy, byId: Map<number, Cpu>): number[] {
  const list = [...new Set(p.cpus as number[])].sort((a, b) => a - b);
  for (const c of list) {
    if (!byId.has(c)) {
      const why = topo.offline.includes(c) ? 'is offline' : 'does not exist';
      throw new PinningError(`pin: CPU ${c} ${why} on this host (online: ${formatCpuList(topo.online)})`);
    }
    if (p.avoid.includes(c)) throw new PinningError(`pin: CPU ${c} is in the housekeeping set (avoid: [${p.avoid.join(', ')}]); drop it from the list or set avoid: []`);
    if (p.bigOnly && topo.heterogeneous && !topo.big.includes(c)) {
      throw new PinningError(`pin: CPU ${c} is a LITTLE core (big cores: ${formatCpuList(topo.big)}); use big cores or set bigOnly: false`);
    }
  }
  if (p.smt === 'off') {
    for (const c of list) {
      const twin = byId.get(c)!.siblings.find((s) => s !== c && list.includes(s));
      if (twin !== undefined) throw new PinningError(`pin: CPUs ${c} and ${twin} are SMT siblings of one core, but smt: off; drop one or set smt: on`);
    }
  }
  return list;
}

/** Cores (sibling groups) usable under the policy, in CPU order, each as the CPUs to take. */
function coreUnits(topo: Topology, p: PinPolicy, allowed: Set<number>, byId: Map<number, Cpu>): number[][] {
  const seen = new Set<string>();
  const units: number[][] = [];
  for (const c of topo.cpus) {
    const key = c.siblings.join(',');
    if (seen.has(key)) continue;
    seen.add(key);
    // A core shared with a housekeeping CPU is not quiet, even on its other thread.
    if (c.siblings.some((s) => p.avoid.includes(s))) continue;
    const usable = c.siblings.filter((s) => allowed.has(s) && byId.has(s));
    if (usable.length === 0) continue;
    units.push(p.smt === 'off' ? [usable[0]!] : usable);
  }
  return units;
}

function take(units: number[][], n: number): number[] | null {
  const out: number[] = [];
  for (const u of units) {
    for (const c of u) if (out.length < n) out.push(c);
    if (out.length === n) return out.sort((a, b) => a - b);
  }
  return null;
}

function chooseCount(topo: Topology, p: PinPolicy, n: number, byId: Map<number, Cpu>, notes: string[]): number[] {
  if (!Number.isInteger(n) || n < 1) throw new PinningError(`pin: CPU count ${n} must be a positive integer`);
  let base = topo.online.filter((c) => byId.has(c));
  if (p.bigOnly && topo.heterogeneous) {
    base = base.filter((c) => topo.big.includes(c));
    notes.push('big cores only');
  }
  const pools: { name: string; cpus: number[] }[] = [];
  if (p.preferIsolated && topo.isolated.length > 0) pools.push({ name: 'isolated CPUs', cpus: base.filter((c) => topo.isolated.includes(c)) });
  pools.push({ name: 'online CPUs', cpus: base });
  let best = 0;
  let bestWhere = '';
  const memoryless: number[] = [];
  for (const pool of pools) {
    const allowed = new Set(pool.cpus);
    const units = coreUnits(topo, p, allowed, byId);
    if (p.numa === 'local') {
      for (const node of topo.nodes) {
        const nodeUnits = units.filter((u) => byId.get(u[0]!)!.node === node.id);
        // membind to a memory-less node would fail at the first allocation.
        if (node.memKb === 0) {
          if (nodeUnits.flat().length >= n) memoryless.push(node.id);
          continue;
        }
        const got = take(nodeUnits, n);
        if (got) {
          notes.push(pool.name, `node ${node.id}`);
          return got;
        }
        const have = nodeUnits.flat().length;
        if (have > best) [best, bestWhere] = [have, `node ${node.id}`];
      }
    } else {
      // Round-robin across nodes so each gets a share.
      const perNode = topo.nodes.map((node) => units.filter((u) => byId.get(u[0]!)!.node === node.id));
      const order: number[][] = [];
      for (let i = 0; perNode.some((l) => i < l.length); i++) for (const l of perNode) if (i < l.length) order.push(l[i]!);
      const got = take(order, n);
      if (got) {
        notes.push(pool.name, 'spread over nodes');
        return got;
      }
      const have = order.flat().length;
      if (have > best) [best, bestWhere] = [have, 'the host'];
    }
  }
  const limits = [
    p.smt === 'off' && topo.smt ? 'smt: off (one thread per core)' : '',
    p.avoid.length ? `avoid: [${p.avoid.join(', ')}]` : '',
    p.bigOnly && topo.heterogeneous ? 'big cores only' : '',
    p.numa === 'local' && topo.nodes.length > 1 ? 'numa: local (one node)' : '',
    memoryless.length ? `node ${[...new Set(memoryless)].join(',')} has no memory to bind` : '',
  ].filter(Boolean);
  throw new PinningError(
    `pin: ${n} CPUs requested but only ${best} usable${bestWhere ? ` on ${bestWhere}` : ''}` +
      ` (host: ${topo.online.length} online CPUs, ${topo.cores} cores, ${topo.nodes.length} NUMA node${topo.nodes.length === 1 ? '' : 's'}` +
      `${limits.length ? `; limited by ${limits.join(', ')}` : ''}); pin fewer CPUs or relax the policy`,
  );
}

/** The marker line the pinned process prints on stderr before exec. */
export const PIN_MARKER = 'metalbench-pin';

// Fixed script: argv arrives as positional parameters, never pasted in. One
// awk reads what the pinned process got (its own /proc/self, with the
// affinity and memory policy the exec'd benchmark inherits); numa_maps is
// absent on kernels without NUMA, and then the policy is left empty.
const REPORT_SCRIPT =
  `n=/proc/self/numa_maps; [ -r "$n" ] || n=; ` +
  `awk -v marker='${PIN_MARKER}' '` +
  `FILENAME == "/proc/self/status" && $1 == "Cpus_allowed_list:" { c = $2 } ` +
  `FILENAME == "/proc/self/status" && $1 == "Mems_allowed_list:" { m = $2 } ` +
  `FILENAME != "/proc/self/status" && FNR == 1 { p = $2 } ` +
  `END { printf "%s cpus=%s mems=%s policy=%s\\n", marker, c, m, p > "/dev/stderr" }' /proc/self/status $n; ` +
  `exec "$@"`;

/**
 * Wrap argv so it runs pinned: numactl with --membind when memory placement
 * matters and numactl exists, else taskset. GOMAXPROCS is set to the CPU
 * count unless `gomaxprocs: false` (the spec sets cpu).
 */
export function pinnedArgv(plan: PinPlan, argv: readonly string[], tools: { numactl: boolean; taskset: boolean }, opts: { gomaxprocs?: boolean } = {}): string[] {
  if (argv.length === 0) throw new PinningError('pinnedArgv: empty command');
  const cpus = formatCpuList(plan.cpus);
  const env = opts.gomaxprocs === false ? [] : ['env', `GOMAXPROCS=${plan.gomaxprocs}`];
  const tail = [...env, 'sh', '-c', REPORT_SCRIPT, 'sh', ...argv];
  const needsNumactl = plan.membind && plan.hostNodes > 1;
  if (plan.membind && tools.numactl) return ['numactl', `--physcpubind=${cpus}`, `--membind=${formatCpuList(plan.nodes)}`, '--', ...tail];
  if (needsNumactl) throw new PinningError(`pin: numa: local needs numactl to bind memory on this ${plan.hostNodes}-node host; install numactl or set numa: spread`);
  if (tools.taskset) return ['taskset', '-c', cpus, ...tail];
  if (tools.numactl) return ['numactl', `--physcpubind=${cpus}`, '--', ...tail];
  throw new PinningError('pin: neither taskset nor numactl is installed on this host; install util-linux (taskset) or numactl');
}

export interface PinReport {
  cpus: number[];
  mems: number[];
  policy: string;
}

/** Parse the last marker line from the pinned process's stderr; null when absent. */
export function parsePinReport(stderrText: string): PinReport | null {
  const lines = stderrText.split('\n').filter((l) => l.startsWith(`${PIN_MARKER} `));
  const last = lines[lines.length - 1];
  if (!last) return null;
  const field = (k: string) => new RegExp(`(?:^| )${k}=(\\S*)`).exec(last)?.[1] ?? '';
  return { cpus: parseCpuList(field('cpus'), 'pin report cpus'), mems: parseCpuList(field('mems'), 'pin report mems'), policy: field('policy') };
}

/** null when the process got exactly the planned CPUs (and memory binding); else what differs. */
export function verifyPinReport(stderrText: string, plan: PinPlan): string | null {
  let r: PinReport | null;
  try {
    r = parsePinReport(stderrText);
  } catch (e) {
    return `unreadable pin report: ${(e as Error).message}`;
  }
  if (!r) return `no "${PIN_MARKER}" line on stderr: the process did not report its CPUs, so its pinning is unproven`;
  const want = formatCpuList(plan.cpus);
  const got = formatCpuList(r.cpus);
  if (got !== want) return `process ran on CPUs ${got || '(none)'}, plan was ${want}`;
  const missing = plan.nodes.filter((n) => !r.mems.includes(n));
  if (missing.length) return `process may not use memory of node ${missing.join(',')} (Mems_allowed_list ${formatCpuList(r.mems)})`;
  if (plan.membind && plan.hostNodes > 1) {
    const wantPolicy = `bind:${formatCpuList(plan.nodes)}`;
    if (r.policy !== wantPolicy) return `memory policy is ${r.policy || '(unknown)'}, plan was ${wantPolicy}`;
  }
  return null;
}

/**
 * Configuration lines stored with every sample and written by export. With
 * the host's fingerprint, a `host-fingerprint` line is added too.
 */
export function pinConfigLines(plan: PinPlan, hostFingerprint?: string): Record<string, string> {
  const lines: Record<string, string> = {
    'pin-cpus': formatCpuList(plan.cpus),
    'pin-numa': formatCpuList(plan.nodes),
    'pin-policy': policyText(plan.policy),
    gomaxprocs: String(plan.gomaxprocs),
  };
  if (hostFingerprint !== undefined) lines['host-fingerprint'] = hostFingerprint;
  return lines;
}
