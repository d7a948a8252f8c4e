/**
 * CPU topology of one host, built from the raw sysfs dump that hosts/facts.sh
 * prints (cpuN.* and nodeN.* lines), with its `lscpu -p` lines as fallback.
 */
import { formatCpuList, parseCpuList } from './cpulist.ts';

export interface Cpu {
  id: number;
  package: number;
  die: number;
  /** ARM cluster; null where the kernel has none (x86 reports 65535 or -1). */
  cluster: number | null;
  core: number;
  /** This CPU and its SMT siblings, sorted. */
  siblings: number[];
  /** cpu_capacity (big.LITTLE); null when the kernel does not report it. */
  capacity: number | null;
  node: number;
}

export interface NumaNode {
  id: number;
  cpus: number[];
  /** MemTotal of the node; 0 for a memory-less node, null when unknown. */
  memKb: number | null;
}

export interface Topology {
  source: 'sysfs' | 'lscpu';
  /** Online CPUs only, by id. */
  cpus: Cpu[];
  online: number[];
  offline: number[];
  isolated: number[];
  nodes: NumaNode[];
  sockets: number;
  /** Physical cores among the online CPUs. */
  cores: number;
  threadsPerCore: number;
  smt: boolean;
  /** True when online CPUs differ in cpu_capacity (big.LITTLE). */
  heterogeneous: boolean;
  /** CPUs with the highest capacity; all online CPUs on a homogeneous host. */
  big: number[];
}

export class TopologyError extends Error {}

/** Key/value lines of a facts dump; later lines win. */
export type FactMap = ReadonlyMap<string, string>;

function int(v: string | undefined): number | null {
  if (v === undefined || !/^-?\d+$/.test(v.trim())) return null;
  return Number(v.trim());
}

/** Build the topology from the facts lines; `where` names the source for errors. */
export function parseTopology(kv: FactMap, where = 'host facts'): Topology {
  const list = (k: string) => parseCpuList(kv.get(k) ?? '', `${where}: ${k}`);
  const ids = new Set<number>();
  for (const k of kv.keys()) {
    const m = /^cpu(\d+)\./.exec(k);
    if (m) ids.add(Number(m[1]));
  }
  let online = kv.has('cpus.online') ? list('cpus.online') : [...ids].filter((i) => kv.get(`cpu${i}.online`) !== '0');
  const nodeOf = new Map<number, number>();
  const nodes: NumaNode[] = [];
  for (const k of kv.keys()) {
    const m = /^node(\d+)\.cpulist$/.exec(k);
    if (!m) continue;
    const cpus = list(k).filter((c) => online.includes(c));
    nodes.push({ id: Number(m[1]), cpus, memKb: int(kv.get(`node${m[1]}.mem_kb`)) });
    for (const c of cpus) nodeOf.set(c, Number(m[1]));
  }

  const sysfsComplete = online.length > 0 && online.every((c) => int(kv.get(`cpu${c}.core`)) !== null);
  let cpus: Cpu[];
  let source: Topology['source'] = 'sysfs';
  if (sysfsComplete) {
    cpus = online.map((id) => {
      const cluster = int(kv.get(`cpu${id}.cluster`));
      const sib = kv.get(`cpu${id}.siblings`);
      return {
        id,
        package: int(kv.get(`cpu${id}.package`)) ?? 0,
        die: int(kv.get(`cpu${id}.die`)) ?? 0,
        cluster: cluster === null || cluster < 0 || cluster === 65535 ? null : cluster,
        core: int(kv.get(`cpu${id}.core`))!,
        siblings: sib ? parseCpuList(sib, `${where}: cpu${id}.siblings`).filter((c) => online.includes(c)) : [id],
        capacity: int(kv.get(`cpu${id}.capacity`)),
        node: nodeOf.get(id) ?? 0,
      };
    });
  } else {
    cpus = fromLscpu(kv, where);
    source = 'lscpu';
    if (cpus.length === 0) {
      throw new TopologyError(`${where}: no CPU topology (neither sysfs cpuN/topology nor lscpu -p lines); run hosts/facts.sh on the host to check what it can read`);
    }
    if (!kv.has('cpus.online')) online = cpus.map((c) => c.id);
    cpus = cpus.filter((c) => online.includes(c.id));
    for (const c of cpus) if (!nodeOf.has(c.id)) nodeOf.set(c.id, c.node);
  }
  if (nodes.length === 0) {
    const byNode = new Map<number, number[]>();
    for (const c of cpus) byNode.set(c.node, [...(byNode.get(c.node) ?? []), c.id]);
    for (const [id, list2] of byNode) nodes.push({ id, cpus: list2, memKb: null });
  }
  nodes.sort((a, b) => a.id - b.id);
  for (const c of cpus) c.node = nodeOf.get(c.id) ?? c.node;

  const coreKeys = new Set(cpus.map((c) => c.siblings.join(',')));
  const caps = cpus.map((c) => c.capacity).filter((c): c is number => c !== null);
  const maxCap = caps.length ? Math.max(...caps) : null;
  const heterogeneous = caps.length > 0 && new Set(caps).size > 1;
  const possible = kv.has('cpus.present') ? list('cpus.present') : [...ids];
  const offlineListed = kv.get('cpus.offline');
  const offline = offlineListed !== undefined ? list('cpus.offline') : possible.filter((c) => !online.includes(c));
  const threadsPerCore = Math.max(1, ...cpus.map((c) => c.siblings.length));
  return {
    source,
    cpus,
    online,
    offline,
    isolated: list('cpus.isolated'),
    nodes: nodes.filter((n) => n.cpus.length > 0),
    sockets: new Set(cpus.map((c) => c.package)).size,
    cores: coreKeys.size,
    threadsPerCore,
    smt: threadsPerCore > 1,
    heterogeneous,
    big: cpus.filter((c) => !heterogeneous || c.capacity === maxCap).map((c) => c.id),
  };
}

/** One line for people, e.g. "2 sockets, 40 cores, 80 CPUs (SMT x2), 2 NUMA nodes". */
export function describeTopology(t: Topology): string {
  const parts = [
    `${t.sockets} socket${t.sockets === 1 ? '' : 's'}`,
    `${t.cores} core${t.cores === 1 ? '' : 's'}`,
    `${t.online.length} CPU${t.online.length === 1 ? '' : 's'}${t.smt ? ` (SMT x${t.threadsPerCore})` : ''}`,
    `${t.nodes.length} NUMA node${t.nodes.length === 1 ? '' : 's'}`,
  ];
  if (t.heterogeneous) parts.push(`big cores ${formatCpuList(t.big)}`);
  if (t.offline.length) parts.push(`offline ${formatCpuList(t.offline)}`);
  if (t.isolated.length) parts.push(`isolated ${formatCpuList(t.isolated)}`);
  return parts.join(', ');
}

/** `lscpu -p=CPU,CORE,SOCKET,NODE` rows, printed by facts.sh as lscpu=... lines. */
function fromLscpu(kv: FactMap, where: string): Cpu[] {
  const rows = kv.get('lscpu');
  if (!rows) return [];
  const cpus: Cpu[] = [];
  for (const line of rows.split('\n')) {
    const f = line.split(',');
    const [id, core, pkg, node] = f.map((x) => int(x));
    if (id === null || id === undefined || core === null || core === undefined) {
      throw new TopologyError(`${where}: lscpu line "${line}" is not CPU,CORE,SOCKET,NODE`);
    }
    cpus.push({ id, package: pkg ?? 0, die: 0, cluster: null, core, siblings: [], capacity: null, node: node ?? 0 });
  }
  for (const c of cpus) {
    c.siblings = cpus.filter((o) => o.package === c.package && o.core === c.core).map((o) => o.id).sort((a, b) => a - b);
  }
  return cpus;
}
