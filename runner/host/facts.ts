/**
 * Host facts: run hosts/facts.sh through a Transport, parse its key=value
 * output, and derive the fingerprint, tags and hygiene warnings from it.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fromPackageRoot } from '../package-root.ts';
import type { Transport } from '../transport/transport.ts';
import { formatCpuList } from './cpulist.ts';
import { parseTopology, type Topology } from './topology.ts';

export type Turbo = 'on' | 'off' | 'unknown';

export interface HostFacts {
  os: string;
  /** uname -m, e.g. x86_64, aarch64. */
  machine: string;
  /** Go's GOARCH for `machine` (amd64, arm64, ...), or `machine` when unknown. */
  goarch: string;
  kernel: string;
  kernelVersion: string;
  cpu: {
    vendor: string | null;
    /** "model name" on x86; built from implementer/part on ARM. */
    model: string;
    family: string | null;
    modelNumber: string | null;
    stepping: string | null;
    implementer: string | null;
    part: string | null;
    microcode: string | null;
    /** CPU flags (x86 "flags", arm64 "Features"). */
    flags: string[];
  };
  /** Highest GOAMD64 level the CPU supports (x86-64 only), from its flags. */
  amd64Level: 'v1' | 'v2' | 'v3' | 'v4' | null;
  topology: Topology;
  cmdline: string;
  /** isolcpus= and nohz_full= values from the kernel command line, or null. */
  isolcpusArg: string | null;
  nohzFullArg: string | null;
  cpufreqDriver: string | null;
  /** Governors in use across online CPUs (usually one). Empty without cpufreq. */
  governors: string[];
  turbo: Turbo;
  /** Where `turbo` was read from. */
  turboSource: 'intel_pstate/no_turbo' | 'cpufreq/boost' | null;
  smtControl: string | null;
  aslr: number | null;
  /** Selected transparent huge pages mode (always, madvise, never). */
  thp: string | null;
  memTotalKb: number | null;
  load1: number | null;
  tools: { taskset: boolean; numactl: boolean; lscpu: boolean };
  /** Every key=value line as printed (repeated keys joined by newlines). */
  raw: Record<string, string>;
}

export const FACTS_SCRIPT_PATH = fromPackageRoot('hosts/facts.sh');

/** Run hosts/facts.sh on the host (script on stdin of `sh -s`) and parse it. */
export async function collectFacts(t: Transport): Promise<HostFacts> {
  const script = readFileSync(FACTS_SCRIPT_PATH, 'utf8');
  const r = await t.exec(['sh', '-s'], { stdin: script, timeoutMs: 30_000 });
  if (r.code !== 0) {
    throw new Error(`host ${t.hostName}: facts script exited with ${r.code ?? r.signal}${r.timedOut ? ' (timed out)' : ''}: ${r.stderrTail.trim().slice(-500)}`);
  }
  return parseFacts(r.stdout, `facts of host ${t.hostName}`);
}

const GOARCH: Record<string, string> = {
  x86_64: 'amd64', amd64: 'amd64', i686: '386', i386: '386', aarch64: 'arm64', arm64: 'arm64',
  armv7l: 'arm', armv6l: 'arm', riscv64: 'riscv64', ppc64le: 'ppc64le', s390x: 's390x', loongarch64: 'loong64',
};

const ARM_PARTS: Record<string, string> = {
  '0x41:0xd0c': 'Neoverse-N1', '0x41:0xd40': 'Neoverse-V1', '0x41:0xd4f': 'Neoverse-V2', '0x41:0xd49': 'Neoverse-N2',
  '0x41:0xd03': 'Cortex-A53', '0x41:0xd05': 'Cortex-A55', '0x41:0xd08': 'Cortex-A72', '0x41:0xd09': 'Cortex-A73',
  '0x41:0xd0b': 'Cortex-A76', '0x41:0xd41': 'Cortex-A78', '0xc0:0xac3': 'Ampere-1',
};

/** Parse facts.sh output. `where` names the source in errors. */
export function parseFacts(text: string, where = 'host facts'): HostFacts {
  const kv = new Map<string, string>();
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    const eq = line.indexOf('=');
    if (eq <= 0) throw new Error(`${where}, line ${i + 1}: "${line.slice(0, 80)}" is not key=value; the host's facts.sh output is damaged`);
    const k = line.slice(0, eq);
    const v = line.slice(eq + 1);
    kv.set(k, k === 'lscpu' && kv.has(k) ? `${kv.get(k)}\n${v}` : v);
  });
  if (!kv.get('format')?.startsWith('metalbench-facts ')) {
    throw new Error(`${where}: no "format=metalbench-facts" line; this is not output of hosts/facts.sh`);
  }
  if (kv.get('end') !== '1') throw new Error(`${where}: output ends early (no "end=1" line); the facts script was cut off`);
  const get = (k: string) => {
    const v = kv.get(k)?.trim();
    return v === undefined || v === '' ? null : v;
  };
  const num = (k: string) => {
    const v = get(k);
    return v !== null && /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : null;
  };
  const topology = parseTopology(kv, where);
  const machine = get('uname.m') ?? 'unknown';
  const implementer = get('cpu.implementer');
  const part = get('cpu.part');
  const armName = implementer && part ? ARM_PARTS[`${implementer}:${part}`] ?? `implementer ${implementer} part ${part}` : null;
  const governors = [...new Set(topology.online.map((c) => get(`cpu${c}.governor`)).filter((g): g is string => g !== null))];
  if (governors.length === 0 && get('cpufreq.governor')) governors.push(get('cpufreq.governor')!);
  let turbo: Turbo = 'unknown';
  let turboSource: HostFacts['turboSource'] = null;
  if (get('intel_pstate.no_turbo') !== null) {
    turbo = get('intel_pstate.no_turbo') === '1' ? 'off' : 'on';
    turboSource = 'intel_pstate/no_turbo';
  } else if (get('cpufreq.boost') !== null) {
    turbo = get('cpufreq.boost') === '0' ? 'off' : 'on';
    turboSource = 'cpufreq/boost';
  }
  const cmdline = get('cmdline') ?? '';
  const arg = (name: string) => {
    const m = new RegExp(`(?:^|\\s)${name}=(\\S+)`).exec(cmdline.split(' -- ')[0]!);
    return m ? m[1]! : null;
  };
  const flags = (get('cpu.flags') ?? get('cpu.features') ?? '').split(/\s+/).filter(Boolean);
  const thpRaw = get('thp.enabled');
  const load = get('loadavg');
  return {
    os: get('uname.s') ?? 'unknown',
    machine,
    goarch: GOARCH[machine] ?? machine,
    kernel: get('uname.r') ?? 'unknown',
    kernelVersion: get('uname.v') ?? '',
    cpu: {
      vendor: get('cpu.vendor'),
      model: get('cpu.model') ?? armName ?? get('cpu.hardware') ?? 'unknown',
      family: get('cpu.family'),
      modelNumber: get('cpu.modelnum'),
      stepping: get('cpu.stepping'),
      implementer,
      part,
      microcode: get('cpu.microcode') ?? get('cpu.microcode_sysfs'),
      flags,
    },
    amd64Level: GOARCH[machine] === 'amd64' && flags.length ? amd64Level(flags) : null,
    topology,
    cmdline,
    isolcpusArg: arg('isolcpus'),
    nohzFullArg: arg('nohz_full'),
    cpufreqDriver: get('cpufreq.driver'),
    governors,
    turbo,
    turboSource,
    smtControl: get('smt.control'),
    aslr: num('aslr'),
    thp: thpRaw ? (/\[(\w+)\]/.exec(thpRaw)?.[1] ?? thpRaw) : null,
    memTotalKb: num('mem.total_kb'),
    load1: load && /^\d+(\.\d+)?/.test(load) ? Number(load.split(/\s+/)[0]) : null,
    tools: { taskset: get('tool.taskset') === '1', numactl: get('tool.numactl') === '1', lscpu: get('tool.lscpu') === '1' },
    raw: Object.fromEntries(kv),
  };
}

// x86-64 microarchitecture levels as Go's GOAMD64 defines them (cpuinfo flag names).
const AMD64_LEVELS: [HostFacts['amd64Level'] & string, string[]][] = [
  ['v2', ['cx16', 'lahf_lm', 'popcnt', 'sse4_1', 'sse4_2', 'ssse3']],
  ['v3', ['avx', 'avx2', 'bmi1', 'bmi2', 'f16c', 'fma', 'abm', 'movbe', 'xsave']],
  ['v4', ['avx512f', 'avx512bw', 'avx512cd', 'avx512dq', 'avx512vl']],
];

function amd64Level(flags: readonly string[]): 'v1' | 'v2' | 'v3' | 'v4' {
  const have = new Set(flags);
  let level: 'v1' | 'v2' | 'v3' | 'v4' = 'v1';
  for (const [name, need] of AMD64_LEVELS) {
    if (!need.every((f) => have.has(f))) break;
    level = name;
  }
  return level;
}

/** The performance-relevant facts, in a fixed order; load and memory are left out. */
export function fingerprintInput(f: HostFacts): Record<string, unknown> {
  const t = f.topology;
  return {
    os: f.os,
    machine: f.machine,
    kernel: f.kernel,
    cpu: { ...f.cpu, flags: undefined },
    cpus: t.cpus.map((c) => [c.id, c.package, c.die, c.cluster, c.core, formatCpuList(c.siblings), c.capacity, c.node]),
    online: formatCpuList(t.online),
    isolated: formatCpuList(t.isolated),
    nohzFull: f.nohzFullArg,
    nodes: t.nodes.map((n) => [n.id, formatCpuList(n.cpus)]),
    cpufreqDriver: f.cpufreqDriver,
    governors: f.governors,
    turbo: f.turbo,
    smt: [t.smt, f.smtControl],
  };
}

/** sha256 hex of the performance-relevant facts (see fingerprintInput). */
export function fingerprint(f: HostFacts): string {
  return createHash('sha256').update(JSON.stringify(fingerprintInput(f))).digest('hex');
}

/** Tags every host gets from its facts, e.g. arch:amd64, numa:2, smt:on, cpus:64. */
export function derivedTags(f: HostFacts): string[] {
  const t = f.topology;
  const tags = [`os:${f.os.toLowerCase()}`, `arch:${f.goarch}`, `numa:${t.nodes.length}`, `smt:${t.smt ? 'on' : 'off'}`, `cpus:${t.online.length}`, `sockets:${t.sockets}`];
  if (t.heterogeneous) tags.push('big-little');
  if (t.isolated.length > 0) tags.push('isolated');
  if (f.cpufreqDriver === null) tags.push('cpufreq:none');
  return tags;
}

const ARM_TAGS = new Set(['arm', 'arm64', 'aarch64', 'graviton', 'ampere']);
const X86_TAGS = new Set(['x86', 'x86_64', 'x86-64', 'amd64', 'intel', 'amd']);

/** Messages for manual tags the facts contradict; empty when none do. */
export function checkManualTags(tags: readonly string[], f: HostFacts): string[] {
  const errors: string[] = [];
  const isArm = f.goarch === 'arm64' || f.goarch === 'arm';
  const isX86 = f.goarch === 'amd64' || f.goarch === '386';
  for (const raw of tags) {
    const tag = raw.toLowerCase();
    if (ARM_TAGS.has(tag) && !isArm) errors.push(`tag "${raw}" says ARM but the host is ${f.machine}; remove the tag or fix the host's address`);
    if (X86_TAGS.has(tag) && !isX86) errors.push(`tag "${raw}" says x86 but the host is ${f.machine}; remove the tag or fix the host's address`);
    if (tag === 'numa' && f.topology.nodes.length < 2) errors.push(`tag "${raw}" but the host has one NUMA node; remove the tag`);
    if ((tag === 'smt' || tag === 'ht') && !f.topology.smt) errors.push(`tag "${raw}" but the host runs one thread per core; remove the tag`);
    const m = /^([a-z]+):(.+)$/.exec(tag);
    if (m) {
      const derived = derivedTags(f).find((d) => d.startsWith(`${m[1]}:`));
      if (derived && derived !== tag && ['arch', 'numa', 'smt', 'cpus', 'os', 'sockets'].includes(m[1]!)) {
        errors.push(`tag "${raw}" contradicts the host's facts (${derived}); remove it, the derived tag is added automatically`);
      }
    }
  }
  return errors;
}

/** Warnings in the spirit of `pyperf system show`: things that add noise to results. */
export function hygieneWarnings(f: HostFacts): string[] {
  const w: string[] = [];
  if (f.governors.length === 0) w.push('no cpufreq: frequency is not controllable here (VM or firmware-managed); results may drift');
  else if (f.governors.some((g) => g !== 'performance')) w.push(`CPU governor is ${f.governors.join('/')}, not performance (metalbench hosts tune sets it)`);
  if (f.turbo === 'on') w.push(`turbo/boost is on (${f.turboSource}); frequency depends on temperature and load (metalbench hosts tune turns it off)`);
  if (f.load1 !== null && f.load1 > 0.2) w.push(`1-minute load average is ${f.load1}, above 0.2: something else is running`);
  if (f.topology.isolated.length === 0) w.push('no isolated CPUs (isolcpus= or a cpuset partition): benchmarks share CPUs with the rest of the system');
  if (f.aslr !== null && f.aslr !== 0) w.push(`ASLR is on (randomize_va_space=${f.aslr}): run enough processes that layout effects average out`);
  if (f.thp === 'always') w.push('transparent huge pages are "always": page faults and khugepaged add noise (madvise is steadier)');
  if (f.nohzFullArg) w.push(`nohz_full=${f.nohzFullArg} is set: with intel_pstate this can leave frequency unstable; fix the frequency`);
  return w;
}
