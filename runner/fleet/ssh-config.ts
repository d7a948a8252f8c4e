/**
 * Reads ~/.ssh/config the way OpenSSH does for the fields metalbench needs
 * (HostName, User, Port, IdentityFile, ProxyJump), so an existing SSH set-up
 * works unchanged: the first value found wins, IdentityFile accumulates, Host
 * patterns take * ? and !negation, Include is followed. Match blocks other
 * than `Match all` / `Match host …` are skipped (never applied).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { basename, dirname, isAbsolute, join } from 'node:path';

export interface SshConfigValues {
  hostName?: string;
  user?: string;
  port?: number;
  identityFiles: string[];
  proxyJump?: string;
}

export const DEFAULT_SSH_CONFIG = join(homedir(), '.ssh', 'config');

type Line = { keyword: string; args: string[]; file: string; line: number };

/** The values that apply to `host` (the name as given, before HostName). */
export function lookupSshConfig(host: string, configPath: string = DEFAULT_SSH_CONFIG): SshConfigValues {
  const out: SshConfigValues = { identityFiles: [] };
  if (!existsSync(configPath)) return out;
  let active = true;
  for (const l of readLines(configPath, 0)) {
    if (l.keyword === 'host') {
      active = hostMatches(host, l.args);
      continue;
    }
    if (l.keyword === 'match') {
      active = matchApplies(host, l.args);
      continue;
    }
    if (!active) continue;
    const v = l.args[0];
    if (v === undefined) continue;
    switch (l.keyword) {
      case 'hostname':
        out.hostName ??= v;
        break;
      case 'user':
        out.user ??= v;
        break;
      case 'port':
        if (out.port === undefined) {
          const n = Number(v);
          if (!Number.isInteger(n) || n < 1 || n > 65535) {
            throw new Error(`${l.file}:${l.line}: Port ${JSON.stringify(v)} is not a port number (1-65535)`);
          }
          out.port = n;
        }
        break;
      case 'identityfile':
        if (v.toLowerCase() !== 'none') out.identityFiles.push(v);
        break;
      case 'proxyjump':
        out.proxyJump ??= v;
        break;
    }
  }
  if (out.hostName) out.hostName = out.hostName.replace(/%(%|h)/g, (_m, c: string) => (c === '%' ? '%' : host));
  return out;
}

/** Expand ~ and the %d %u %h %r %% tokens of an IdentityFile value. */
export function expandIdentityPath(p: string, vars: { host: string; user: string }): string {
  let s = p.replace(/%([%dhur])/g, (_m, c: string) => {
    switch (c) {
      case 'd':
        return homedir();
      case 'u':
        return userInfo().username;
      case 'h':
        return vars.host;
      case 'r':
        return vars.user;
      default:
        return '%';
    }
  });
  if (s === '~') s = homedir();
  else if (s.startsWith('~/')) s = join(homedir(), s.slice(2));
  else if (!isAbsolute(s)) s = join(homedir(), '.ssh', s);
  return s;
}

/** OpenSSH's pattern lists: any positive match and no negated match. */
export function hostMatches(host: string, patterns: readonly string[]): boolean {
  let matched = false;
  for (const raw of patterns) {
    for (const p of raw.split(',')) {
      if (p.startsWith('!')) {
        if (globMatch(host, p.slice(1))) return false;
      } else if (globMatch(host, p)) {
        matched = true;
      }
    }
  }
  return matched;
}

function globMatch(s: string, pattern: string): boolean {
  const re = new RegExp(
    '^' +
      pattern
        .split('')
        .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
        .join('') +
      '$',
    'i',
  );
  return re.test(s);
}

function matchApplies(host: string, args: readonly string[]): boolean {
  if (args.length === 1 && args[0]!.toLowerCase() === 'all') return true;
  // Only `Match host|originalhost LIST [host|originalhost LIST …]`; anything
  // else (exec, user, localuser, canonical…) is not evaluated and not applied.
  for (let i = 0; i < args.length; i += 2) {
    const crit = args[i]!.toLowerCase();
    const list = args[i + 1];
    if ((crit !== 'host' && crit !== 'originalhost') || list === undefined) return false;
    if (!hostMatches(host, [list])) return false;
  }
  return args.length > 0;
}

function readLines(path: string, depth: number): Line[] {
  if (depth > 16) throw new Error(`${path}: Include nested too deeply`);
  const out: Line[] = [];
  const text = readFileSync(path, 'utf8');
  text.split(/\r?\n/).forEach((rawLine, idx) => {
    const line = rawLine.trim();
    if (!line || line.startsWith('#')) return;
    const m = /^(\S+?)(?:\s*=\s*|\s+)(.*)$/.exec(line);
    if (!m) return;
    const keyword = m[1]!.toLowerCase();
    const args = splitArgs(m[2]!);
    if (keyword === 'include') {
      for (const pat of args) {
        for (const f of expandInclude(pat, dirname(path))) out.push(...readLines(f, depth + 1));
      }
      return;
    }
    out.push({ keyword, args, file: path, line: idx + 1 });
  });
  return out;
}

function splitArgs(s: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|(\S+)/g;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    const tok = m[1] ?? m[2]!;
    if (m[2]?.startsWith('#')) break;
    out.push(tok);
  }
  return out;
}

/** Include paths are relative to ~/.ssh; the last component may hold * and ?. */
function expandInclude(pattern: string, configDir: string): string[] {
  let p = pattern.startsWith('~/') ? join(homedir(), pattern.slice(2)) : pattern;
  if (!isAbsolute(p)) p = join(configDir, p);
  const dir = dirname(p);
  const base = basename(p);
  if (!/[*?]/.test(base)) return existsSync(p) ? [p] : [];
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => globMatch(f, base))
    .sort()
    .map((f) => join(dir, f));
}
