/**
 * How to reach a host: the chain of SSH hops (jump hosts first, the host
 * last), each with its address, port, user and keys resolved the way OpenSSH
 * would: inventory values first (like command-line options), then
 * ~/.ssh/config, then OpenSSH's defaults.
 */
import { existsSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import type { HostEntry } from './inventory.ts';
import { DEFAULT_SSH_CONFIG, expandIdentityPath, lookupSshConfig } from './ssh-config.ts';

export interface Hop {
  /** What the user calls it: an inventory name or a jump spec. */
  label: string;
  /** Address to connect to (HostName). */
  host: string;
  port: number;
  user: string;
  /** Private key files to offer, in order. */
  identityFiles: string[];
  /** ssh-agent socket to offer, if any. */
  agentSocket?: string;
}

export interface RouteOptions {
  sshConfigPath?: string;
  /** Inventory hosts, so `jump: NAME` can name one of them. */
  inventory?: readonly HostEntry[];
}

const DEFAULT_IDENTITIES = ['id_ed25519', 'id_ecdsa', 'id_rsa'].map((f) => join(homedir(), '.ssh', f));

/** Jump hops then the host itself. */
export function resolveRoute(entry: HostEntry, opts: RouteOptions = {}, depth = 0): Hop[] {
  if (depth > 8) throw new Error(`host ${entry.name}: jump hosts nest more than 8 deep`);
  const cfg = lookupSshConfig(entry.address, opts.sshConfigPath ?? DEFAULT_SSH_CONFIG);
  const host = cfg.hostName ?? entry.address;
  const user = entry.user ?? cfg.user ?? userInfo().username;
  const configured = cfg.identityFiles.map((f) => expandIdentityPath(f, { host, user }));
  const explicit = entry.identityFile ? [entry.identityFile] : [];
  const identityFiles = [...explicit, ...configured];
  const useAgent = entry.agent ?? true;
  const agentSocket = useAgent ? process.env.SSH_AUTH_SOCK : undefined;
  const hop: Hop = {
    label: entry.name,
    host,
    port: entry.port ?? cfg.port ?? 22,
    user,
    // Like ssh: with no key named anywhere, try the usual ones that exist.
    identityFiles: identityFiles.length > 0 ? identityFiles : DEFAULT_IDENTITIES.filter((f) => existsSync(f)),
    ...(agentSocket ? { agentSocket } : {}),
  };
  const jump = entry.jump ?? (cfg.proxyJump && cfg.proxyJump.toLowerCase() !== 'none' ? cfg.proxyJump : undefined);
  if (!jump) return [hop];
  const hops: Hop[] = [];
  // ProxyJump a,b,c: connect to a, through it to b, through b to c, then the host.
  for (const part of jump.split(',')) hops.push(...jumpHops(part.trim(), entry, opts, depth));
  return [...hops, hop];
}

function jumpHops(spec: string, from: HostEntry, opts: RouteOptions, depth: number): Hop[] {
  const named = opts.inventory?.find((h) => h.name === spec && !h.builtin);
  if (named) return resolveRoute(named, opts, depth + 1);
  const m = /^(?:([^@]+)@)?(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(spec);
  if (!m) throw new Error(`host ${from.name}: jump "${spec}" is not [user@]host[:port] or an inventory host name`);
  const [, user, rawHost, port] = m;
  const pseudo: HostEntry = {
    name: spec,
    builtin: false,
    address: rawHost!.replace(/^\[|\]$/g, ''),
    tags: [],
    workdir: '',
    lockWaitMs: 0,
    ...(user ? { user } : {}),
    ...(port ? { port: Number(port) } : {}),
  };
  return resolveRoute(pseudo, opts, depth + 1);
}

export function describeHop(h: Hop): string {
  return `${h.user}@${h.host}:${h.port}`;
}
