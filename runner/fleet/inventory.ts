/**
 * The host inventory (hosts/fleet.yaml): which machines exist, how to reach
 * them and what they are tagged with. Validated like specs, with positioned
 * errors. The built-in host `local` always exists, file or not.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import {
  compileSchema,
  formatProblem,
  locate,
  parseYaml,
  readYamlFile,
  schemaProblems,
  ValidationError,
  type ParsedYaml,
  type Problem,
} from '../spec/validate.ts';
import { fromPackageRoot } from '../package-root.ts';

/** GOARCH values a host can emulate with qemu-user. */
export type EmulatedArch = 'arm64' | 'arm' | 'amd64' | '386' | 'riscv64' | 'ppc64le' | 's390x';

export interface HostEntry {
  name: string;
  /** True only for the built-in host `local` (no SSH). */
  builtin: boolean;
  /** Host name, IP address or ~/.ssh/config alias. */
  address: string;
  /** Unset means: ~/.ssh/config, else 22 (resolved when connecting). */
  port?: number;
  /** Unset means: ~/.ssh/config, else the local user. */
  user?: string;
  /** Absolute path of a private key. */
  identityFile?: string;
  /** Use ssh-agent; unset means "when SSH_AUTH_SOCK is set". */
  agent?: boolean;
  /** ProxyJump-style jump host(s): inventory names or [user@]host[:port]. */
  jump?: string;
  /** Manual tags, as written. */
  tags: string[];
  /** Remote working directory: absolute, or under `~/`. */
  workdir: string;
  /** How long lock() waits for another metalbench, in ms. */
  lockWaitMs: number;
  /** Binaries for this GOARCH run through qemu-user on the host. */
  emulate?: EmulatedArch;
  /** Per-host pin policy override; validated by the caller. */
  pin?: unknown;
}

export interface Inventory {
  /** Absolute path of the file read (it may not exist for the default). */
  path: string;
  /** Every host, `local` first. */
  hosts: HostEntry[];
}

export const DEFAULT_WORKDIR = '~/.metalbench';
export const INVENTORY_SCHEMA_PATH = fromPackageRoot('hosts/inventory.schema.json');

export const LOCAL_HOST: Readonly<HostEntry> = Object.freeze({
  name: 'local',
  builtin: true,
  address: 'localhost',
  tags: [],
  workdir: '',
  lockWaitMs: 0,
});

export class InventoryError extends ValidationError {
  constructor(problems: Problem[]) {
    super(problems);
    this.name = 'InventoryError';
  }
}

type RawFields = {
  port?: number;
  user?: string;
  identityFile?: string;
  agent?: boolean;
  jump?: string;
  tags?: string[];
  workdir?: string;
  lockWaitMs?: number;
};
type RawHost = RawFields & { name: string; address: string; emulate?: EmulatedArch; pin?: unknown };
type RawInventory = { defaults?: RawFields; local?: { tags?: string[]; pin?: unknown; lockWaitMs?: number }; hosts?: RawHost[] } | null;

let validator: ReturnType<typeof compileSchema> | undefined;

/**
 * Read and validate an inventory. A missing file gives just `local` unless
 * `required` (an explicit --inventory) is set.
 */
export function loadInventory(path: string, opts: { required?: boolean } = {}): Inventory {
  const abs = resolve(path);
  if (!existsSync(abs)) {
    if (opts.required) {
      throw new InventoryError([
        { file: path, line: 1, col: 1, path: '', message: 'inventory file not found (check --inventory, or create it from hosts/fleet.yaml)' },
      ]);
    }
    return { path: abs, hosts: [{ ...LOCAL_HOST, tags: [] }] };
  }
  const parsed = parseYamlAs(readInventoryFile(path), path);
  // An empty file is an empty inventory.
  if (parsed.value === null || parsed.value === undefined) parsed.value = {};
  validator ??= compileSchema(JSON.parse(readFileSync(INVENTORY_SCHEMA_PATH, 'utf8')) as object);
  const problems = schemaProblems(validator, parsed);
  const raw = parsed.value as RawInventory;
  if (problems.length > 0) {
    problems.push(...duplicateNames(raw, parsed, path));
    throw new InventoryError(problems.sort((a, b) => a.line - b.line || a.col - b.col));
  }

  const defaults = raw?.defaults ?? {};
  // The built-in host takes tags, a pin override and a lock wait, nothing about SSH.
  const local: HostEntry = { ...LOCAL_HOST, tags: [...(raw?.local?.tags ?? [])] };
  if (raw?.local?.pin !== undefined) local.pin = raw.local.pin;
  if (raw?.local?.lockWaitMs !== undefined) local.lockWaitMs = raw.local.lockWaitMs;
  const hosts: HostEntry[] = [local];
  const rawHosts = raw?.hosts ?? [];
  problems.push(...duplicateNames(raw, parsed, path));
  rawHosts.forEach((h) => {
    const f = { ...defaults, ...h };
    const entry: HostEntry = {
      name: h.name,
      builtin: false,
      address: h.address,
      tags: [...new Set([...(defaults.tags ?? []), ...(h.tags ?? [])])],
      workdir: stripSlash(f.workdir ?? DEFAULT_WORKDIR),
      lockWaitMs: f.lockWaitMs ?? 0,
    };
    if (f.port !== undefined) entry.port = f.port;
    if (f.user !== undefined) entry.user = f.user;
    if (f.identityFile !== undefined) entry.identityFile = expandLocalPath(f.identityFile, dirname(abs));
    if (f.agent !== undefined) entry.agent = f.agent;
    if (f.jump !== undefined) entry.jump = f.jump;
    if (h.emulate !== undefined) entry.emulate = h.emulate;
    if (h.pin !== undefined) entry.pin = h.pin;
    hosts.push(entry);
  });
  // Jump hosts named like inventory hosts must not loop back on themselves.
  rawHosts.forEach((h, i) => {
    const cycle = jumpCycle(h.name, hosts);
    if (cycle) {
      const p = locate(parsed, ['hosts', i], h.jump !== undefined ? 'jump' : 'name');
      problems.push({ file: path, ...p, path: `hosts[${i}].jump`, message: `jump hosts form a loop: ${cycle.join(' -> ')}; a jump chain must end at a directly reachable host` });
    }
  });
  if (problems.length > 0) throw new InventoryError(problems);
  return { path: abs, hosts };
}

/** The entry named `name`, or an error listing the names there are. */
export function findHost(inv: Inventory, name: string): HostEntry {
  const h = inv.hosts.find((x) => x.name === name);
  if (!h) {
    throw new Error(`unknown host "${name}" in ${inv.path}; known hosts: ${inv.hosts.map((x) => x.name).join(', ')}`);
  }
  return h;
}

function duplicateNames(raw: RawInventory, parsed: ParsedYaml, file: string): Problem[] {
  const out: Problem[] = [];
  const seen = new Map<string, number>();
  const list: unknown[] = Array.isArray(raw?.hosts) ? raw.hosts : [];
  list.forEach((h, i) => {
    const name = (h as { name?: unknown } | null)?.name;
    if (typeof name !== 'string') return;
    const prev = seen.get(name);
    if (prev !== undefined) {
      const p = locate(parsed, ['hosts', i], 'name');
      out.push({ file, ...p, path: `hosts[${i}].name`, message: `duplicate host name "${name}" (first defined at hosts[${prev}]); names must be unique` });
    } else seen.set(name, i);
  });
  return out;
}

function jumpCycle(start: string, hosts: HostEntry[]): string[] | undefined {
  const byName = new Map(hosts.map((h) => [h.name, h]));
  const path = [start];
  let cur = byName.get(start);
  while (cur?.jump) {
    const hops = cur.jump.split(',');
    const next = hops[hops.length - 1]!;
    if (!byName.has(next)) return undefined;
    path.push(next);
    if (next === start || path.indexOf(next) !== path.length - 1) return path;
    cur = byName.get(next);
  }
  return undefined;
}

function readInventoryFile(path: string): string {
  try {
    return readYamlFile(path, 'inventory');
  } catch (e) {
    if (e instanceof ValidationError) throw new InventoryError(e.problems);
    throw e;
  }
}

function parseYamlAs(text: string, file: string) {
  try {
    return parseYaml(text, file);
  } catch (e) {
    if (e instanceof ValidationError) throw new InventoryError(e.problems);
    throw e;
  }
}

function stripSlash(p: string): string {
  return p.length > 1 ? p.replace(/\/+$/, '') : p;
}

/** `~/x` is under the local home; a relative path is relative to the inventory. */
export function expandLocalPath(p: string, base: string): string {
  if (p === '~') return homedir();
  if (p.startsWith('~/')) return join(homedir(), p.slice(2));
  return isAbsolute(p) ? p : resolve(base, p);
}

export { formatProblem };
