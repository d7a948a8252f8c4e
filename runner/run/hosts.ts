/**
 * A host session: the transport, what the host is (facts, fingerprint, build
 * target), and how a job is pinned there. The run loop only sees this.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { arch, cpus, release, totalmem } from 'node:os';
import { resolve } from 'node:path';
import { LocalTransport } from '../transport/local.ts';
import type { Transport } from '../transport/transport.ts';
import type { BuildTarget } from '../build/build.ts';
import { hostGoEnv } from '../build/build.ts';
import type { HostSelector, PinSpec, SuiteSpec } from '../spec/spec.ts';

export interface JobPin {
  /** argv prefix that applies the pinning (empty when unpinned). */
  launcher: string[];
  env: Record<string, string>;
  /** The CPU list as text, e.g. "1" or "2-3", or undefined when unpinned. */
  cpus?: string;
  /** Identity lines written with every sample. */
  config: Array<readonly [string, string]>;
  verify?: (stderr: string) => string | null;
}

export interface HostSession {
  name: string;
  transport: Transport;
  target: BuildTarget;
  facts: unknown;
  fingerprint: string;
  /** Set when the connection was lost: later jobs on it cannot run. */
  lost: boolean;
  /** Configuration lines that identify the host in every sample. */
  config: Array<readonly [string, string]>;
  pinFor(suite: SuiteSpec): JobPin;
  cwdFor(suite: SuiteSpec): string | undefined;
  close(): Promise<void>;
}

export function resolveHostNames(selector: HostSelector, _inventoryPath: string): string[] {
  const names = typeof selector === 'string' ? [selector] : Array.isArray(selector) ? selector : null;
  if (!names) throw new Error('tag selectors need a host inventory; only host names are supported here');
  for (const n of names) {
    if (n !== 'local') throw new Error(`unknown host "${n}"; the built-in host is "local"`);
  }
  return [...new Set(names)];
}

export async function openHost(name: string, _inventoryPath: string): Promise<HostSession> {
  if (name !== 'local') throw new Error(`unknown host "${name}"`);
  const transport = new LocalTransport();
  await transport.lock({ waitMs: 0 });
  const env = await hostGoEnv();
  const facts = localFacts();
  const fingerprint = createHash('sha256').update(JSON.stringify(facts)).digest('hex');
  const online = parseCpuList(readText('/sys/devices/system/cpu/online') ?? `0-${cpus().length - 1}`);
  return {
    name,
    transport,
    target: { goos: env.GOHOSTOS, goarch: env.GOHOSTARCH },
    facts,
    fingerprint,
    lost: false,
    config: [
      ['host', name],
      ['host-fingerprint', fingerprint.slice(0, 12)],
    ],
    pinFor: (suite) => simplePin(suite.pin, online, suite.cpu),
    cwdFor: (suite) => resolve(suite.moduleDir, suite.package),
    close: () => transport.close(),
  };
}

function localFacts(): Record<string, unknown> {
  const c = cpus();
  return {
    arch: arch(),
    kernel: release(),
    cpuModel: c[0]?.model ?? 'unknown',
    cpus: c.length,
    memBytes: totalmem(),
    governor: readText('/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor') ?? null,
  };
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
}

export function parseCpuList(text: string): number[] {
  const out: number[] = [];
  for (const part of text.trim().split(',')) {
    if (!part) continue;
    const [a, b] = part.split('-').map(Number);
    for (let c = a!; c <= (b ?? a!); c++) out.push(c);
  }
  return out;
}

export function formatCpuList(list: readonly number[]): string {
  const sorted = [...list].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

/** Pick CPUs avoiding CPU 0 (where interrupts and housekeeping land) when possible. */
function simplePin(pin: PinSpec | undefined, online: number[], sweep?: number[]): JobPin {
  if (pin === undefined) return { launcher: [], env: {}, config: [] };
  const want = typeof pin === 'number' ? pin : Array.isArray(pin) ? pin : pin.cpus ?? 1;
  let chosen: number[];
  if (Array.isArray(want)) {
    const missing = want.filter((c) => !online.includes(c));
    if (missing.length) throw new Error(`pin: CPU ${missing.join(',')} is not online on this host (online: ${formatCpuList(online)})`);
    chosen = want;
  } else {
    if (want > online.length) throw new Error(`pin: ${want} CPUs requested but the host has ${online.length} online`);
    const pool = [...online.filter((c) => c !== 0), ...online.filter((c) => c === 0)];
    chosen = pool.slice(0, want);
  }
  const maxSweep = Math.max(...(sweep ?? [0]));
  if (maxSweep > chosen.length) throw new Error(`cpu: GOMAXPROCS ${maxSweep} does not fit in the ${chosen.length} pinned CPUs`);
  const list = formatCpuList(chosen);
  return {
    launcher: ['taskset', '-c', list],
    env: sweep ? {} : { GOMAXPROCS: String(chosen.length) },
    cpus: list,
    config: [['pin-cpus', list]],
  };
}

