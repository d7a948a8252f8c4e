/**
 * `metalbench hosts check [SELECTOR]` and `metalbench hosts trust NAME`.
 *
 * check: connect, collect facts, store them (a changed fingerprint becomes a
 * new host environment), print a table and hygiene warnings. Exit 0 when
 * every host answered and no manual tag contradicts its facts, 1 otherwise,
 * 2 for bad input.
 *
 * trust: connect, show each unknown host key's fingerprint (jump hosts too)
 * and record it in the known_hosts file next to the inventory.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { Ajv } from 'ajv';
import { parse as parseYaml } from 'yaml';
import { Store } from '../../results/store/store.ts';
import { connectSsh, HostKeyError } from '../transport/ssh.ts';
import { findHost, InventoryError, loadInventory, type HostEntry, type Inventory } from './inventory.ts';
import { keyFingerprint, keyTypeOf, recordHostKey } from './known-hosts.ts';
import { defaultKnownHosts, probeHosts, type ProbedHost, type ProbeFailure, type ProbeOptions } from './probe.ts';
import { formatCpuList } from '../host/cpulist.ts';
import { describeHop } from './route.ts';
import { describeSelector, hostSelectorSchema, joinsTagSelection, SelectionError, selectHosts, selectsByName, type HostSelector } from './selection.ts';

interface Out {
  write(s: string): unknown;
}

export interface HostsCommandOptions {
  inventoryPath: string;
  dbPath: string;
  json: boolean;
  /** True when --inventory was given: then a missing file is an error. */
  inventoryExplicit?: boolean;
  /** Default ~/.ssh/config. */
  sshConfigPath?: string;
  /** Default: known_hosts next to the inventory, then ~/.ssh/known_hosts. */
  knownHostsPaths?: string[];
  connectTimeoutMs?: number;
  /** The command's usage (kept in the CLI's command table), for `hosts help`. */
  usage?: string;
}


const SUBCOMMANDS = ['check', 'facts', 'trust', 'tune', 'reset'];

export async function hostsCommand(argv: string[], io: { stdout: Out; stderr: Out }, opts: HostsCommandOptions): Promise<number> {
  const [sub, ...rest] = argv;
  const err = (s: string) => io.stderr.write(`${s}\n`);
  // Bad command lines say what is wrong and where the usage is, and exit 2.
  const usageError = (s: string) => {
    err(s);
    err('usage: metalbench hosts --help');
    return 2;
  };
  let values: { fingerprint?: string; json?: boolean; help?: boolean; 'connect-timeout'?: string; 'sysfs-root'?: string };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      strict: true,
      options: {
        fingerprint: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        'connect-timeout': { type: 'string' },
        'sysfs-root': { type: 'string' },
      },
    }));
  } catch (e) {
    return usageError(`metalbench hosts${sub ? ` ${sub}` : ''}: ${(e as Error).message}`);
  }
  const json = opts.json || values.json === true;
  if (sub === undefined) return usageError(`metalbench hosts: expected a subcommand: ${SUBCOMMANDS.join(', ')}`);
  if (values.help || sub === 'help') {
    io.stdout.write(opts.usage ?? 'usage: metalbench hosts --help\n');
    return 0;
  }
  if (!SUBCOMMANDS.includes(sub)) return usageError(`metalbench hosts: unknown subcommand "${sub}"; the subcommands are ${SUBCOMMANDS.join(', ')}`);
  const timeout = values['connect-timeout'];
  if (timeout !== undefined && !/^[1-9][0-9]*$/.test(timeout)) {
    return usageError(`metalbench hosts ${sub}: --connect-timeout takes milliseconds, got ${JSON.stringify(timeout)}`);
  }
  const o = { ...opts, json, ...(timeout ? { connectTimeoutMs: Number(timeout) } : {}) };
  let inv: Inventory;
  try {
    inv = loadInventory(opts.inventoryPath, { required: opts.inventoryExplicit === true });
  } catch (e) {
    if (e instanceof InventoryError) {
      err(e.message);
      return 2;
    }
    throw e;
  }
  switch (sub) {
    case 'check':
      if (positionals.length > 1) {
        return usageError('metalbench hosts check: expected at most one SELECTOR (quote a tag selector)');
      }
      return check(positionals[0], inv, io, o);
    case 'facts':
      if (positionals.length !== 1) {
        return usageError('metalbench hosts facts: expected exactly one host NAME');
      }
      return facts(positionals[0]!, inv, io, o);
    case 'trust':
      if (positionals.length !== 1) {
        return usageError('metalbench hosts trust: expected exactly one host NAME');
      }
      return trust(positionals[0]!, inv, io, o, values.fingerprint);
    case 'tune':
    case 'reset': {
      if (positionals.length !== 1) {
        return usageError(`metalbench hosts ${sub}: expected exactly one host NAME`);
      }
      const { tuneCommand } = await import('../host/tune-command.ts');
      return tuneCommand(sub, positionals[0]!, io, {
        inv,
        dbPath: opts.dbPath,
        json,
        ...(values['sysfs-root'] !== undefined ? { sysRoot: values['sysfs-root'] } : {}),
        probe: probeOptions(o, inv),
      });
    }
    default:
      return usageError(`metalbench hosts: unknown subcommand "${sub}"`);
  }
}

/** How every hosts subcommand connects: known_hosts, ssh_config, a 10 s connect timeout. */
function probeOptions(o: HostsCommandOptions, inv: Inventory): ProbeOptions {
  return {
    knownHostsPaths: o.knownHostsPaths ?? defaultKnownHosts(inv.path),
    ...(o.sshConfigPath !== undefined ? { sshConfigPath: o.sshConfigPath } : {}),
    connectTimeoutMs: o.connectTimeoutMs ?? 10_000,
  };
}

/** A CLI selector: YAML flow (`h1`, `[a, b]`, `{all: [arm]}`) or `a,b`. */
export function parseSelectorArg(arg: string): HostSelector {
  let v: unknown;
  try {
    v = /^[[{]/.test(arg.trim()) ? parseYaml(arg) : arg.includes(',') ? arg.split(',').map((s) => s.trim()) : arg;
  } catch (e) {
    throw new SelectionError(`selector ${JSON.stringify(arg)} is not valid YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  const validate = new Ajv({ strict: false }).compile(hostSelectorSchema);
  if (!validate(v)) {
    throw new SelectionError(`selector ${JSON.stringify(arg)} is not a host name, a list of names, or {all|any|not: [TAG…]} (e.g. '{all: [arch:arm64]}')`);
  }
  return v as HostSelector;
}

async function check(arg: string | undefined, inv: Inventory, io: { stdout: Out; stderr: Out }, o: HostsCommandOptions): Promise<number> {
  let selector: HostSelector | undefined;
  let entries: HostEntry[];
  try {
    selector = arg === undefined ? undefined : parseSelectorArg(arg);
    entries =
      selector === undefined ? inv.hosts : selectsByName(selector) ? selectHosts(selector, inv.hosts) : inv.hosts.filter(joinsTagSelection);
  } catch (e) {
    if (e instanceof SelectionError) {
      io.stderr.write(`metalbench hosts check: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  const { ok, failed } = await probeHosts(entries, inv, probeOptions(o, inv));
  let shown = ok;
  try {
    if (selector !== undefined && !selectsByName(selector)) {
      shown = ok.length > 0 ? safeSelect(selector, ok) : [];
      if (shown.length === 0 && failed.length === 0) {
        io.stderr.write(`metalbench hosts check: ${describeSelector(selector)} matches no host\n`);
        return 1;
      }
    }
    const envIds = storeFacts(o.dbPath, shown);
    const order = (n: string) => inv.hosts.findIndex((h) => h.name === n);
    const rows = shown.map((h) => ({ h, s: summarize(h) })).sort((a, b) => order(a.h.name) - order(b.h.name));
    if (o.json) {
      const out = [
        ...rows.map(({ h, s }) => hostJson(h, s, envIds.get(h.name))),
        ...failed.map((f) => ({ host: f.name, ok: false, error: f.error })),
      ];
      io.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    } else {
      printTable(rows, failed, io.stdout);
    }
    const bad = failed.length > 0 || shown.some((h) => h.tagErrors.length > 0);
    return bad ? 1 : 0;
  } finally {
    await Promise.all(ok.map((h) => h.transport.close().catch(() => undefined)));
  }
}

/** One host as `check --json` and `facts` print it. */
function hostJson(h: ProbedHost, summary: HostSummary, hostEnvId: number | undefined) {
  return {
    host: h.name,
    ok: h.tagErrors.length === 0,
    summary,
    fingerprint: h.fingerprint,
    hostEnvId: hostEnvId ?? null,
    emulated: h.transport.emulated,
    tags: { manual: h.entry.tags, derived: h.derivedTags },
    tagErrors: h.tagErrors,
    warnings: h.warnings,
    facts: h.facts,
  };
}

/** Every fact of one host as JSON (stored like check does), with its fingerprint and tags. */
async function facts(name: string, inv: Inventory, io: { stdout: Out; stderr: Out }, o: HostsCommandOptions): Promise<number> {
  let entry: HostEntry;
  try {
    entry = findHost(inv, name);
  } catch (e) {
    io.stderr.write(`metalbench hosts facts: ${(e as Error).message}\n`);
    return 2;
  }
  const { ok, failed } = await probeHosts([entry], inv, probeOptions(o, inv));
  try {
    if (failed.length > 0) {
      io.stderr.write(`metalbench hosts facts: ${failed[0]!.error}\n`);
      return 1;
    }
    const h = ok[0]!;
    // facts only reads: it records the host's facts in an existing database, and creates none.
    const envIds = existsSync(o.dbPath) ? storeFacts(o.dbPath, [h]) : new Map<string, number>();
    io.stdout.write(`${JSON.stringify(hostJson(h, summarize(h), envIds.get(h.name)), null, 2)}\n`);
    return h.tagErrors.length > 0 ? 1 : 0;
  } finally {
    await Promise.all(ok.map((h) => h.transport.close().catch(() => undefined)));
  }
}

function safeSelect(selector: HostSelector, hosts: ProbedHost[]): ProbedHost[] {
  try {
    return selectHosts(selector, hosts);
  } catch (e) {
    if (e instanceof SelectionError) return [];
    throw e;
  }
}

function storeFacts(dbPath: string, hosts: ProbedHost[]): Map<string, number> {
  const ids = new Map<string, number>();
  if (hosts.length === 0) return ids;
  const store = new Store(dbPath);
  try {
    for (const h of hosts) ids.set(h.name, store.upsertHostEnv(h.name, h.fingerprint, h.facts));
  } finally {
    store.close();
  }
  return ids;
}

export interface HostSummary {
  arch: string;
  cpus: string;
  numa: string;
  governor: string;
  turbo: string;
  smt: string;
  isolated: string;
  load: string;
}

/** The table's columns, read from the facts ('?' where the host does not say). */
export function summarize(h: ProbedHost): HostSummary {
  const f = h.facts;
  const t = f.topology;
  return {
    arch: h.transport.emulated ? `${h.target.goarch} (emulated)` : h.target.goarch,
    cpus: String(t.online.length),
    numa: String(t.nodes.length),
    governor: f.governors.length ? f.governors.join('/') : 'none',
    turbo: f.turbo,
    smt: t.smt ? 'on' : 'off',
    isolated: t.isolated.length ? formatCpuList(t.isolated) : 'none',
    load: f.load1 !== null ? f.load1.toFixed(2) : '?',
  };
}

function printTable(rows: Array<{ h: ProbedHost; s: HostSummary }>, failed: ProbeFailure[], out: Out): void {
  const head = ['HOST', 'ARCH', 'CPUS', 'NUMA', 'GOVERNOR', 'TURBO', 'SMT', 'ISOLATED', 'LOAD', 'FINGERPRINT'];
  const body = rows.map(({ h, s }) => [h.name, s.arch, s.cpus, s.numa, s.governor, s.turbo, s.smt, s.isolated, s.load, h.fingerprint.slice(0, 12)]);
  const w = head.map((c, i) => Math.max(c.length, ...body.map((r) => r[i]!.length)));
  for (const r of [head, ...body]) out.write(`${r.map((c, i) => c.padEnd(w[i]!)).join('  ').trimEnd()}\n`);
  for (const { h } of rows) {
    for (const t of h.tagErrors) out.write(`error   ${h.name}: ${t}\n`);
    for (const m of h.warnings) out.write(`warning ${h.name}: ${m}\n`);
  }
  for (const f of failed) out.write(`error   ${f.name}: ${f.error}\n`);
}

async function trust(name: string, inv: Inventory, io: { stdout: Out; stderr: Out }, o: HostsCommandOptions, expected?: string): Promise<number> {
  let entry: HostEntry;
  try {
    entry = findHost(inv, name);
  } catch (e) {
    io.stderr.write(`metalbench hosts trust: ${(e as Error).message}\n`);
    return 2;
  }
  if (entry.builtin) {
    io.stderr.write('metalbench hosts trust: local is this machine and has no SSH host key to trust\n');
    return 2;
  }
  if (expected !== undefined && !/^SHA256:[A-Za-z0-9+/]{43}$/.test(expected)) {
    io.stderr.write(`metalbench hosts trust: --fingerprint must look like SHA256:<43 base64 characters>, as ssh-keygen -lf prints\n`);
    return 2;
  }
  const file = join(dirname(inv.path), 'known_hosts');
  const knownHostsPaths = o.knownHostsPaths ?? defaultKnownHosts(inv.path);
  const recorded: Array<{ hop: string; address: string; keyType: string; fingerprint: string; file: string; line: string }> = [];
  let refused: string | undefined;
  try {
    const t = await connectSsh(entry, {
      knownHostsPaths,
      inventory: inv.hosts,
      ...(o.sshConfigPath !== undefined ? { sshConfigPath: o.sshConfigPath } : {}),
      connectTimeoutMs: o.connectTimeoutMs ?? 10_000,
      onUnknownHostKey: (hop, key) => {
        const fp = keyFingerprint(key);
        const who = hop.label === name ? name : `${name} (jump host ${hop.label})`;
        if (!o.json) io.stdout.write(`${who} ${describeHop(hop)} presents ${keyTypeOf(key)} ${fp}\n`);
        if (expected !== undefined && fp !== expected) {
          refused = `${who} presents ${fp}, not the expected ${expected}; nothing recorded`;
          return false;
        }
        const line = recordHostKey(file, hop.host, hop.port, key);
        recorded.push({ hop: hop.label, address: describeHop(hop), keyType: keyTypeOf(key), fingerprint: fp, file, line });
        if (!o.json) io.stdout.write(`recorded in ${file}\n`);
        return true;
      },
    });
    await t.close();
  } catch (e) {
    const msg = refused ?? (e as Error).message;
    if (o.json) io.stdout.write(`${JSON.stringify({ host: name, ok: false, recorded, error: msg }, null, 2)}\n`);
    else io.stderr.write(`metalbench hosts trust: ${msg}${recorded.length && !(e instanceof HostKeyError) ? ' (the keys above were recorded)' : ''}\n`);
    return 1;
  }
  if (o.json) io.stdout.write(`${JSON.stringify({ host: name, ok: true, recorded }, null, 2)}\n`);
  else if (recorded.length === 0) io.stdout.write(`${name}: host key already known; nothing to record\n`);
  return 0;
}
