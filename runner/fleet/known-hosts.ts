/**
 * OpenSSH known_hosts files: look a server's key up (plain, wildcard and
 * hashed `|1|` host names, `[host]:port` for ports other than 22, @revoked)
 * and record a newly trusted one.
 */
import { createHash, createHmac } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { hostMatches } from './ssh-config.ts';

export type HostKeyVerdict =
  | { status: 'known'; file: string; line: number }
  | { status: 'unknown' }
  | { status: 'changed'; file: string; line: number; knownType: string }
  | { status: 'revoked'; file: string; line: number };

interface KnownEntry {
  file: string;
  line: number;
  marker?: string;
  hosts: string;
  keyType: string;
  key: string;
}

/** How known_hosts names a host: `host`, or `[host]:port` off port 22. */
export function knownHostName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/** OpenSSH's `SHA256:…` fingerprint of a key blob. */
export function keyFingerprint(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** The key type named inside an SSH public key blob (e.g. ssh-ed25519). */
export function keyTypeOf(blob: Buffer): string {
  if (blob.length < 4) return 'unknown';
  const n = blob.readUInt32BE(0);
  return blob.subarray(4, 4 + n).toString('latin1');
}

/** Check a presented key against every file in order, like OpenSSH. */
export function checkHostKey(paths: readonly string[], host: string, port: number, blob: Buffer): HostKeyVerdict {
  const entries = entriesFor(paths, host, port);
  const b64 = blob.toString('base64');
  const revoked = entries.find((e) => e.marker === '@revoked' && e.key === b64);
  if (revoked) return { status: 'revoked', file: revoked.file, line: revoked.line };
  const plain = entries.filter((e) => e.marker === undefined);
  const match = plain.find((e) => e.key === b64);
  if (match) return { status: 'known', file: match.file, line: match.line };
  const type = keyTypeOf(blob);
  const sameType = plain.find((e) => e.keyType === type) ?? plain[0];
  if (sameType) return { status: 'changed', file: sameType.file, line: sameType.line, knownType: sameType.keyType };
  return { status: 'unknown' };
}

/**
 * The server host key algorithms to offer, so a server is asked for a key of
 * a type already recorded for it (as OpenSSH orders them); undefined = any.
 */
export function hostKeyAlgorithmsFor(paths: readonly string[], host: string, port: number): string[] | undefined {
  const types = new Set(entriesFor(paths, host, port).filter((e) => e.marker === undefined).map((e) => e.keyType));
  if (types.size === 0) return undefined;
  const algs: string[] = [];
  for (const t of types) {
    if (t === 'ssh-rsa') algs.push('rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa');
    else algs.push(t);
  }
  return algs;
}

/** Append `host keytype key` to a known_hosts file. */
export function recordHostKey(path: string, host: string, port: number, blob: Buffer): string {
  mkdirSync(dirname(path), { recursive: true });
  const line = `${knownHostName(host, port)} ${keyTypeOf(blob)} ${blob.toString('base64')}\n`;
  const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
  appendFileSync(path, text.length > 0 && !text.endsWith('\n') ? `\n${line}` : line);
  return line.trimEnd();
}

function entriesFor(paths: readonly string[], host: string, port: number): KnownEntry[] {
  const name = knownHostName(host, port);
  const out: KnownEntry[] = [];
  for (const file of paths) {
    if (!existsSync(file)) continue;
    readFileSync(file, 'utf8')
      .split(/\r?\n/)
      .forEach((raw, i) => {
        const line = raw.trim();
        if (!line || line.startsWith('#')) return;
        const f = line.split(/\s+/);
        const marker = f[0]!.startsWith('@') ? f.shift() : undefined;
        if (f.length < 3) return;
        const [hosts, keyType, key] = f as [string, string, string];
        if (marker === '@cert-authority') return;
        if (!namesMatch(hosts, name)) return;
        out.push({ file, line: i + 1, ...(marker ? { marker } : {}), hosts, keyType, key });
      });
  }
  return out;
}

function namesMatch(field: string, name: string): boolean {
  if (field.startsWith('|1|')) {
    const [, , salt, hash] = field.split('|');
    if (!salt || !hash) return false;
    const mac = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64');
    return mac === hash;
  }
  return hostMatches(name, [field]);
}
