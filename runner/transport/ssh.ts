/**
 * The SSH transport: one ssh2 connection per host, reused for every exec,
 * upload and the lock, with keepalive. Host keys must already be in a
 * known_hosts file; no password or passphrase is ever asked for.
 *
 * Every exec runs under a small POSIX sh wrapper that starts the command in
 * its own session (setsid) and keeps the SSH channel's stdin as a dead-man
 * switch: when the channel's stdin reaches EOF (a timeout, close(), or the
 * connection dropping) the wrapper kills the command's whole process group,
 * so nothing is left running on the host.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { StringDecoder } from 'node:string_decoder';
import ssh2, { type AnyAuthMethod, type Client, type ClientChannel, type ConnectConfig, type SFTPWrapper } from 'ssh2';
import type { Readable } from 'node:stream';
import type { HostEntry } from '../fleet/inventory.ts';
import { checkHostKey, hostKeyAlgorithmsFor, keyFingerprint, keyTypeOf } from '../fleet/known-hosts.ts';
import { describeHop, resolveRoute, type Hop } from '../fleet/route.ts';
import { appendTail, busyMessage, HostBusyError, type ExecOptions, type ExecResult, type LockOptions, type Transport } from './transport.ts';

export interface SshConnectOptions {
  /** known_hosts files, searched in order (e.g. hosts/known_hosts, ~/.ssh/known_hosts). */
  knownHostsPaths: string[];
  /** Default ~/.ssh/config. */
  sshConfigPath?: string;
  /** Per hop: TCP connect plus SSH handshake. Default 10 s. */
  connectTimeoutMs?: number;
  /** Default 5 s; the connection is declared dead after 3 missed answers. */
  keepaliveIntervalMs?: number;
  /** Inventory hosts, so `jump: NAME` can name one of them. */
  inventory?: readonly HostEntry[];
  /**
   * Called with a host key that is in no known_hosts file. Returning true
   * accepts it for this connection (used by `hosts trust`); the default refuses.
   */
  onUnknownHostKey?: (hop: Hop, key: Buffer) => boolean;
}

/** A host key problem: unknown, changed or revoked. */
export class HostKeyError extends Error {
  override name = 'HostKeyError';
  constructor(
    message: string,
    readonly hop: Hop,
    readonly key: Buffer,
    readonly status: 'unknown' | 'changed' | 'revoked',
  ) {
    super(message);
  }
}

/** qemu-user binary for each GOARCH a host may emulate. */
export const QEMU_FOR_GOARCH: Record<string, string> = {
  arm64: 'qemu-aarch64-static',
  arm: 'qemu-arm-static',
  amd64: 'qemu-x86_64-static',
  '386': 'qemu-i386-static',
  riscv64: 'qemu-riscv64-static',
  ppc64le: 'qemu-ppc64le-static',
  s390x: 'qemu-s390x-static',
};

/** Largest `stdin` an exec may carry (it travels as one argument). */
export const MAX_EXEC_STDIN = 96 * 1024;

/** POSIX sh single-quoting: the result is exactly one word whatever `s` holds. */
export function shQuote(s: string): string {
  if (s.includes('\0')) throw new Error(`an argument contains a NUL byte, which no remote command can receive: ${JSON.stringify(s)}`);
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** stat(1) format naming one version of a file: device, inode, size, mtime, ctime (ns). */
const FILE_IDENTITY = '%d %i %s %.9Y %.9Z';
/** What the exec wrapper prints before refusing a binary that changed. */
const INTEGRITY_MARKER = 'metalbench-integrity:';

/**
 * The wrapper run by the remote login shell. $1 = directory ('' = stay),
 * $2 = 1 when $3 is stdin data, then the command. fd 3 keeps the channel's
 * stdin for the watchdog; the command gets /dev/null or the data.
 */
const EXEC_WRAPPER = [
  'd=$1; h=$2; i=$3; vs=$4; vi=$5; vp=$6; shift 6',
  // The binary must be the one whose sha256 was verified: same identity
  // (device, inode, size, mtime and ctime to the nanosecond: any write or
  // replacement changes one), or the same sha256 when hashed again now.
  'if [ -n "$vp" ]; then',
  `  n=$(stat -c '${FILE_IDENTITY}' -- "$vp" 2>/dev/null)`,
  '  if [ "$n" != "$vi" ]; then',
  '    s=$(sha256sum -- "$vp" 2>/dev/null); s=${s%% *}',
  `    if [ "$s" != "$vs" ]; then echo "${INTEGRITY_MARKER} $vp has sha256 \${s:-unreadable}, expected $vs" >&2; exit 126; fi`,
  '  fi',
  'fi',
  'if [ -n "$d" ]; then cd -- "$d" || exit 125; fi',
  'exec 3<&0 </dev/null',
  'if [ "$h" = 1 ]; then printf %s "$i" | setsid "$@" 3<&- & else setsid "$@" 3<&- & fi',
  'p=$!',
  '( read -r _ <&3; kill -KILL -$p ) >/dev/null 2>&1 &',
  'w=$!',
  'exec 3<&-',
  '{ wait $p; } 2>/dev/null; c=$?',
  'kill $w 2>/dev/null',
  // A command killed by one of these signals is reported as killed, not as exit 128+n.
  'case $c in 129|130|137|141|142|143) kill -$((c-128)) $$;; esac',
  'exit $c',
].join('\n');

/**
 * Holds the lock for the life of the channel; writes who holds it into the
 * file. First the workdir (and its bin/) must belong to this user and be
 * writable by no one else: a binary another user can replace is not run.
 */
const LOCK_WRAPPER = [
  'umask 022',
  'mkdir -p -- "$1" "$1/bin" || exit 1',
  'command -v flock >/dev/null 2>&1 || { echo "flock(1) is not installed (util-linux)" >&2; exit 127; }',
  'me=$(id -u)',
  'for d in "$1" "$1/bin"; do',
  '  [ -d "$d" ] || continue',
  '  s=$(stat -c "%u %a" -- "$d") || exit 1',
  '  if [ "${s%% *}" != "$me" ]; then echo "owner: $d belongs to uid ${s%% *}, not to $(id -un) (uid $me)" >&2; exit 77; fi',
  '  if [ $(( 0${s#* } & 022 )) -ne 0 ]; then echo "mode: $d is writable by group or others (mode ${s#* })" >&2; exit 77; fi',
  'done',
  'if [ "$3" = 0 ]; then w=--nonblock; else w="--wait $3"; fi',
  `flock --conflict-exit-code 75 $w "$2" sh -c 'printf "%s\\n" "$1" >"$2"; echo locked; exec cat >/dev/null' sh "$4" "$2"`,
  'c=$?',
  'if [ $c = 75 ]; then printf "held by %s\\n" "$(cat -- "$2" 2>/dev/null)" >&2; fi',
  'exit $c',
].join('\n');

/** sha256 of $1 and its identity, only when the identity did not change while it was hashed. */
const HASH_WITH_IDENTITY = [
  '[ -f "$1" ] || { echo missing; exit 0; }',
  `a=$(stat -c '${FILE_IDENTITY}' -- "$1"); s=$(sha256sum -- "$1") || exit 1; b=$(stat -c '${FILE_IDENTITY}' -- "$1")`,
  'printf "%s\\n" "${s%% *}"',
  'if [ "$a" = "$b" ]; then printf "%s\\n" "$a"; fi',
].join('\n');

/**
 * A shell's error text with the errno named: a full disk (ENOSPC) or an
 * exhausted quota (EDQUOT) says what to do about it.
 */
export function nameDiskError(text: string, dir: string): string {
  if (/No space left on device/i.test(text)) return `no space left on the device holding ${dir} (ENOSPC); free space there or point the host's workdir at a larger filesystem (${text})`;
  if (/quota exceeded/i.test(text)) return `the disk quota of the SSH user is exhausted on the filesystem of ${dir} (EDQUOT); free space or raise the quota (${text})`;
  return text;
}

/** What the host has, asked once at connect. */
const PROBE = 'printf "%s\\n" "$HOME"; for c in setsid flock sha256sum; do command -v "$c" >/dev/null 2>&1 || echo "missing $c"; done';

interface Pending {
  reject: (e: Error) => void;
}

export class SshTransport implements Transport {
  readonly hostName: string;
  readonly emulated: boolean;
  /** Absolute remote workdir. */
  readonly workdir: string;
  /** Why the connection ended, once it has. */
  lostReason: string | undefined;

  get lost(): boolean {
    return this.lostReason !== undefined;
  }
  private readonly pending = new Set<Pending>();
  private readonly uploaded = new Set<string>();
  /** stat identity of each uploaded file at the moment its sha256 was verified. */
  private readonly identities = new Map<string, string>();
  /**
   * Each channel's exit status, recorded from the moment it opens: ssh2 emits
   * 'exit' while it parses the packet, and a fast command's exit can arrive in
   * the same read as the channel's opening, before exec() or lock() listen.
   */
  private readonly exits = new WeakMap<ClientChannel, { code: number | null; signal: string | null }>();
  private sftpP: Promise<SFTPWrapper> | undefined;
  private lockChannel: ClientChannel | undefined;
  private closing = false;

  constructor(
    readonly entry: HostEntry,
    private readonly clients: Client[],
    workdir: string,
    private readonly qemu: string | undefined,
  ) {
    this.hostName = entry.name;
    this.emulated = qemu !== undefined;
    this.workdir = workdir;
    // Any hop going down takes the host with it.
    for (const c of clients) {
      c.on('close', () => this.markLost('the connection closed'));
      c.on('error', (e: Error) => this.markLost(e.message));
    }
  }

  private get client(): Client {
    return this.clients[this.clients.length - 1]!;
  }

  private markLost(reason: string): void {
    if (this.lostReason !== undefined) return;
    this.lostReason = this.closing ? 'closed by metalbench' : reason;
    const err = new Error(`host ${this.hostName}: connection lost (${reason})`);
    for (const p of this.pending) p.reject(err);
    this.pending.clear();
  }

  private alive(): void {
    if (this.lostReason !== undefined) throw new Error(`host ${this.hostName}: connection lost (${this.lostReason})`);
  }

  /** Open an exec channel, rejecting promptly if the connection goes. */
  private channel(command: string): Promise<ClientChannel> {
    this.alive();
    return new Promise((resolve, reject) => {
      const p: Pending = { reject };
      this.pending.add(p);
      this.client.exec(command, (err, ch) => {
        this.pending.delete(p);
        if (err) {
          reject(new Error(`host ${this.hostName}: cannot start a command: ${err.message}`));
          return;
        }
        ch.once('exit', (code: number | null, signal?: string) => {
          this.exits.set(ch, { code: code ?? null, signal: signal ? normalizeSignal(signal) : null });
        });
        resolve(ch);
      });
    });
  }

  /** The remote command line for argv, after emulation and env. */
  commandLine(argv: readonly string[], opts: ExecOptions = {}): string {
    if (argv.length === 0) throw new Error('exec: empty argv');
    let words = [...argv];
    if (this.qemu) {
      // Binaries we shipped run through qemu-user; everything else natively.
      const i = words.findIndex((w) => this.uploaded.has(w));
      if (i >= 0) words = [...words.slice(0, i), this.qemu, ...words.slice(i)];
    }
    const env = Object.entries(opts.env ?? {});
    if (env.length > 0) {
      for (const [k] of env) {
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) throw new Error(`exec: environment variable name ${JSON.stringify(k)} is not valid`);
      }
      words = ['env', ...env.map(([k, v]) => `${k}=${v}`), ...words];
    }
    if (opts.stdin !== undefined && Buffer.byteLength(opts.stdin) > MAX_EXEC_STDIN) {
      throw new Error(`exec on host ${this.hostName}: stdin of ${Buffer.byteLength(opts.stdin)} bytes is over the ${MAX_EXEC_STDIN}-byte limit; upload a file instead`);
    }
    const v = opts.verify;
    const head = [opts.cwd ?? '', opts.stdin !== undefined ? '1' : '0', opts.stdin ?? '', v?.sha256 ?? '', v ? (this.identities.get(v.path) ?? '') : '', v?.path ?? ''];
    return ['sh', '-c', EXEC_WRAPPER, 'metalbench', ...head, ...words].map(shQuote).join(' ');
  }

  async exec(argv: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
    const command = this.commandLine(argv, opts);
    const ch = await this.channel(command);
    return new Promise((resolve, reject) => {
      let stdout = '';
      let stderrTail = '';
      let timedOut = false;
      const out = new StringDecoder('utf8');
      const err = new StringDecoder('utf8');
      const p: Pending = {
        reject: (e) => {
          finish();
          reject(new Error(`${e.message} while running ${argv[0]}${received(stdout, stderrTail)}`));
        },
      };
      this.pending.add(p);
      let hardStop: NodeJS.Timeout | undefined;
      const timer =
        opts.timeoutMs !== undefined
          ? setTimeout(() => {
              timedOut = true;
              // EOF on the channel's stdin makes the remote wrapper kill the group.
              ch.end();
              hardStop = setTimeout(() => ch.close(), 5000);
            }, opts.timeoutMs)
          : undefined;
      const finish = () => {
        this.pending.delete(p);
        if (timer) clearTimeout(timer);
        if (hardStop) clearTimeout(hardStop);
      };
      ch.on('data', (b: Buffer) => {
        const s = out.write(b);
        if (opts.onStdout) opts.onStdout(s);
        else stdout += s;
      });
      ch.stderr.on('data', (b: Buffer) => {
        const s = err.write(b);
        stderrTail = appendTail(stderrTail, s);
        opts.onStderr?.(s);
      });
      ch.on('close', () => {
        // A connection that died takes its channels with it: let markLost name it.
        setImmediate(() => {
          if (!this.pending.has(p)) return;
          finish();
          const restOut = out.end();
          if (restOut) {
            if (opts.onStdout) opts.onStdout(restOut);
            else stdout += restOut;
          }
          stderrTail = appendTail(stderrTail, err.end());
          const exit = this.exits.get(ch);
          if (!exit && !timedOut) {
            const why = this.lostReason ?? 'the channel closed without an exit status';
            reject(new Error(`host ${this.hostName}: connection lost (${why}) while running ${argv[0]}${received(stdout, stderrTail)}`));
            return;
          }
          const r = exit ?? { code: null, signal: 'SIGKILL' };
          const bad = r.code === 126 && opts.verify ? new RegExp(`${INTEGRITY_MARKER} (.*)`).exec(stderrTail) : null;
          if (bad) {
            // Hashed again by every later exec of it.
            this.identities.delete(opts.verify!.path);
            reject(new Error(`host ${this.hostName}: refused to run a binary that changed after it was verified: ${bad[1]}; check who else can write to ${this.workdir}`));
            return;
          }
          resolve({
            code: timedOut ? null : r.code,
            signal: timedOut ? 'SIGKILL' : r.signal,
            timedOut,
            stdout,
            stderrTail,
          });
        });
      });
    });
  }

  private sftp(): Promise<SFTPWrapper> {
    this.alive();
    this.sftpP ??= new Promise((resolve, reject) => {
      this.client.sftp((err, s) => {
        if (err) {
          this.sftpP = undefined;
          reject(new Error(`host ${this.hostName}: SFTP is not available (${err.message}); enable the sftp subsystem in sshd_config`));
        } else resolve(s);
      });
    });
    return this.sftpP;
  }

  /** `<workdir>/bin/<sha256>/<fileName>`, uploaded once and checked by sha256. */
  async putFile(localPath: string, sha256: string, fileName: string): Promise<string> {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`putFile: ${JSON.stringify(sha256)} is not a sha256 hex digest`);
    if (!/^[A-Za-z0-9._+-]+$/.test(fileName) || fileName.startsWith('.')) {
      throw new Error(`putFile: file name ${JSON.stringify(fileName)} must be a plain name (letters, digits, . _ + -)`);
    }
    const dir = `${this.workdir}/bin/${sha256}`;
    const final = `${dir}/${fileName}`;
    if (this.uploaded.has(final)) return final;
    // Checked once per connection: a file damaged on the host is replaced, not
    // run. Its identity before and after hashing is kept for the exec check.
    const present = await this.exec(['sh', '-c', HASH_WITH_IDENTITY, 'check', final]);
    const [have, identity] = present.stdout.split('\n');
    if (present.code === 0 && have === sha256) {
      this.recordVerified(final, identity);
      return final;
    }
    const sftp = await this.sftp();
    const localSum = await sha256File(localPath);
    if (localSum !== sha256) throw new Error(`putFile: local file ${localPath} has sha256 ${localSum}, not ${sha256}; rebuild it`);
    // The host is locked: a .part file here is a leftover of an upload that died.
    const mk = await this.exec(['sh', '-c', 'umask 022 && mkdir -p -m 0755 -- "$1" && rm -f -- "$1"/*.part-*', 'mkdir', dir]);
    if (mk.code !== 0) throw new Error(`host ${this.hostName}: cannot create ${dir}: ${nameDiskError(mk.stderrTail.trim(), dir)}`);
    const tmp = `${final}.part-${randomBytes(6).toString('hex')}`;
    try {
      await new Promise<void>((resolve, reject) => sftp.fastPut(localPath, tmp, { mode: 0o755 }, (e) => (e ? reject(e) : resolve())));
    } catch (e) {
      const why = await this.diagnoseUpload(dir, localPath).catch(() => undefined);
      await this.exec(['rm', '-f', '--', tmp]).catch(() => undefined);
      throw new Error(`host ${this.hostName}: upload of ${localPath} to ${tmp} failed: ${why ?? (e as Error).message}; the partial file was removed`);
    }
    const verify = await this.exec([
      'sh',
      '-c',
      'chmod 0755 -- "$1" && s=$(sha256sum -- "$1") && s=${s%% *} && ' +
        'if [ "$s" = "$3" ]; then mv -f -- "$1" "$2" && stat -c "$4" -- "$2"; else rm -f -- "$1"; echo "$s"; exit 3; fi',
      'verify',
      tmp,
      final,
      sha256,
      FILE_IDENTITY,
    ]);
    if (verify.code === 3) {
      throw new Error(`host ${this.hostName}: ${fileName} arrived corrupt (sha256 ${verify.stdout.trim() || '?'}, expected ${sha256}); the partial file was removed`);
    }
    if (verify.code !== 0) {
      await this.exec(['rm', '-f', '--', tmp]).catch(() => undefined);
      throw new Error(`host ${this.hostName}: cannot verify ${tmp}: ${nameDiskError(verify.stderrTail.trim(), dir) || `exit ${verify.code}`}`);
    }
    this.recordVerified(final, verify.stdout.trim());
    return final;
  }

  private recordVerified(path: string, identity: string | undefined): void {
    this.uploaded.add(path);
    // Without an identity (a stat without %.9Y), every exec hashes the binary again.
    if (identity && identity.split(' ').length === 5) this.identities.set(path, identity);
  }

  /**
   * SFTP says only "Failure" when the disk is full. Writing the same number
   * of bytes with the shell gets the system's own words for it.
   */
  private async diagnoseUpload(dir: string, localPath: string): Promise<string | undefined> {
    const size = statSync(localPath).size;
    const probe = `${dir}/.space-check-${randomBytes(6).toString('hex')}`;
    const r = await this.exec(['sh', '-c', 'head -c "$2" /dev/zero >"$1"; c=$?; rm -f -- "$1"; exit $c', 'probe', probe, String(size)]);
    if (r.code === 0) return undefined;
    return nameDiskError(r.stderrTail.trim(), dir);
  }



  /**
   * flock(1) on `<workdir>/lock`, held by a channel whose stdin stays open:
   * released by close(), or by sshd when the connection dies.
   */
  async lock(opts: LockOptions = {}): Promise<void> {
    if (this.lockChannel) return;
    const waitMs = Math.max(0, opts.waitMs ?? this.entry.lockWaitMs);
    // Without waiting first: a busy host is reported before the wait begins.
    let got = await this.tryLock(0);
    if (got !== 'locked' && waitMs > 0) {
      opts.onWait?.(got.holder);
      got = await this.tryLock(Math.ceil(waitMs / 1000));
    }
    if (got !== 'locked') throw new HostBusyError(busyMessage(this.hostName, `${this.workdir}/lock`, got.holder, waitMs), got.holder);
  }

  private async tryLock(waitSec: number): Promise<'locked' | { holder: string | undefined }> {
    const lockFile = `${this.workdir}/lock`;
    const who = `metalbench pid ${process.pid} on ${hostname()} (user ${userInfo().username}) since ${new Date().toISOString()}`;
    const ch = await this.channel(['sh', '-c', LOCK_WRAPPER, 'lock', this.workdir, lockFile, String(waitSec), who].map(shQuote).join(' '));
    const got = await new Promise<'locked' | { holder: string | undefined }>((resolve, reject) => {
      let said = '';
      let errText = '';
      const p: Pending = { reject };
      this.pending.add(p);
      ch.on('data', (b: Buffer) => {
        said += b.toString();
        if (said.includes('locked')) {
          this.pending.delete(p);
          resolve('locked');
        }
      });
      ch.stderr.on('data', (b: Buffer) => (errText += b.toString()));
      ch.on('close', () => {
        this.pending.delete(p);
        if (said.includes('locked')) return;
        const code = this.exits.get(ch)?.code ?? null;
        if (code === 75) {
          resolve({ holder: /held by (.*)/.exec(errText)?.[1]?.trim() || undefined });
        } else if (code === 77) {
          const what = errText.trim();
          const dir = /^\w+: (.*?) (?:belongs|is writable)/.exec(what)?.[1] ?? this.workdir;
          const user = /not to (\S+) \(uid/.exec(what)?.[1] ?? '$USER';
          const fix = what.startsWith('owner:') ? `chown -R ${user} ${shQuote(dir)}` : `chmod go-w ${shQuote(dir)}`;
          reject(new Error(`host ${this.hostName}: workdir refused: ${what.replace(/^\w+: /, '')}; another user could replace the binaries run there. Fix it on the host with: ${fix}`));
        } else {
          reject(new Error(`host ${this.hostName}: cannot take the lock ${lockFile}: ${errText.trim() || `exit ${code}`}`));
        }
      });
    });
    if (got === 'locked') this.lockChannel = ch;
    return got;
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    const ch = this.lockChannel;
    this.lockChannel = undefined;
    if (ch && this.lostReason === undefined) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 2000);
        ch.once('close', () => {
          clearTimeout(t);
          resolve();
        });
        ch.end();
      });
    }
    for (const c of [...this.clients].reverse()) c.end();
    this.markLost('closed by metalbench');
  }
}

function received(stdout: string, stderrTail: string): string {
  const tail = stderrTail.trim().split('\n').slice(-3).join(' | ');
  return `${stdout ? `; ${stdout.length} bytes of output had arrived` : ''}${tail ? `; last stderr: ${tail}` : ''}`;
}

function normalizeSignal(s: string): string {
  return s.startsWith('SIG') ? s : `SIG${s}`;
}

export function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(path)
      .on('data', (b) => h.update(b))
      .on('error', reject)
      .on('end', () => resolve(h.digest('hex')));
  });
}

/**
 * Connect to a host over its route (jump hosts first), check its host key,
 * probe what it has, and return the transport.
 */
export async function connectSsh(entry: HostEntry, opts: SshConnectOptions): Promise<SshTransport> {
  if (entry.builtin) throw new Error(`host ${entry.name} is the built-in local host; it needs no SSH`);
  const route = resolveRoute(entry, {
    ...(opts.sshConfigPath !== undefined ? { sshConfigPath: opts.sshConfigPath } : {}),
    ...(opts.inventory ? { inventory: opts.inventory } : {}),
  });
  const clients: Client[] = [];
  try {
    let sock: Readable | undefined;
    for (const [i, hop] of route.entries()) {
      const via = i > 0 ? ` via ${route.slice(0, i).map((h) => h.label).join(' -> ')}` : '';
      const c = await connectHop(entry.name, hop, sock, via, opts);
      clients.push(c);
      const next = route[i + 1];
      if (next) sock = await forward(c, next, entry.name);
    }
    const last = clients[clients.length - 1]!;
    const probe = await rawExec(last, PROBE, entry.name);
    const [home, ...rest] = probe.split('\n').filter((l) => l !== '');
    const missing = rest.filter((l) => l.startsWith('missing ')).map((l) => l.slice(8));
    if (missing.length > 0) {
      throw new Error(`host ${entry.name} lacks ${missing.join(', ')}; install util-linux and coreutils there`);
    }
    let qemu: string | undefined;
    if (entry.emulate) {
      qemu = QEMU_FOR_GOARCH[entry.emulate];
      const found = await rawExec(last, `command -v ${shQuote(qemu!)} || echo missing`, entry.name);
      if (found.trim() === 'missing' || found.trim() === '') {
        throw new Error(`host ${entry.name} emulates ${entry.emulate} but ${qemu} is not installed there (Debian: apt-get install qemu-user-static)`);
      }
    }
    const workdir = entry.workdir.startsWith('~/') ? `${home ?? ''}/${entry.workdir.slice(2)}` : entry.workdir;
    if (!workdir.startsWith('/')) throw new Error(`host ${entry.name}: cannot resolve workdir ${entry.workdir} ($HOME is ${JSON.stringify(home)})`);
    return new SshTransport(entry, clients, workdir, qemu);
  } catch (e) {
    for (const c of clients.reverse()) c.end();
    throw e;
  }
}

/** One SSH connection: TCP (or a forwarded stream), host key check, public key auth. */
export function connectHop(
  hostName: string,
  hop: Hop,
  sock: Readable | undefined,
  via: string,
  opts: SshConnectOptions,
): Promise<Client> {
  const timeoutMs = opts.connectTimeoutMs ?? 10_000;
  const where = `${describeHop(hop)}${via}`;
  const who = hop.label === hostName ? `host ${hostName}` : `host ${hostName}: jump host ${hop.label}`;
  return new Promise((resolve, reject) => {
    let keyError: HostKeyError | undefined;
    const auth = authMethods(hop);
    if (auth.methods.length === 0) {
      reject(new Error(`${who} (${where}): no usable key: ${auth.notes.join('; ') || 'no identity file and no ssh-agent'}; set identityFile in the inventory or load a key into ssh-agent`));
      return;
    }
    const c = new ssh2.Client();
    const algs = hostKeyAlgorithmsFor(opts.knownHostsPaths, hop.host, hop.port);
    const cfg: ConnectConfig = {
      host: hop.host,
      port: hop.port,
      username: hop.user,
      readyTimeout: timeoutMs,
      keepaliveInterval: opts.keepaliveIntervalMs ?? 5000,
      keepaliveCountMax: 3,
      tryKeyboard: false,
      authHandler: auth.methods,
      hostVerifier: (key: Buffer) => {
        const v = checkHostKey(opts.knownHostsPaths, hop.host, hop.port, key);
        if (v.status === 'known') return true;
        const fp = `${keyTypeOf(key)} ${keyFingerprint(key)}`;
        if (v.status === 'unknown') {
          if (opts.onUnknownHostKey?.(hop, key)) return true;
          keyError = new HostKeyError(
            `${who} (${where}) refused: unknown host key ${fp}; it is in none of ${opts.knownHostsPaths.join(', ')}. ` +
              `Check that fingerprint with the host's administrator, then run: metalbench hosts trust ${hostName}`,
            hop,
            key,
            'unknown',
          );
        } else if (v.status === 'changed') {
          keyError = new HostKeyError(
            `${who} (${where}) refused: HOST KEY CHANGED. The server now presents ${fp}, but ${v.file}:${v.line} records a different ${v.knownType} key. ` +
              `The host may have been reinstalled, or someone may be intercepting the connection. If the change is expected, delete line ${v.line} of ${v.file} and run: metalbench hosts trust ${hostName}`,
            hop,
            key,
            'changed',
          );
        } else {
          keyError = new HostKeyError(`${who} (${where}) refused: its host key ${fp} is marked @revoked in ${v.file}:${v.line}`, hop, key, 'revoked');
        }
        return false;
      },
      ...(sock ? { sock } : {}),
      ...(algs ? { algorithms: { serverHostKey: algs as NonNullable<ConnectConfig['algorithms']>['serverHostKey'] } } : {}),
    };
    let settled = false;
    // ssh2 may report more than one error for one failure; the first one counts.
    c.on('error', (e: Error & { code?: string; level?: string }) => {
      if (settled) return;
      settled = true;
      c.end();
      reject(keyError ?? new Error(`${who} (${where}): ${explainConnectError(e, timeoutMs, hop, auth.offered)}`));
    });
    c.once('ready', () => {
      // Later errors surface through the transport's 'error'/'close' handling.
      settled = true;
      // Many small request/reply packets: Nagle plus delayed ACKs would add ~40 ms to each.
      c.setNoDelay(true);
      resolve(c);
    });
    c.connect(cfg);
  });
}

function explainConnectError(e: Error & { code?: string; level?: string }, timeoutMs: number, hop: Hop, offered: string[]): string {
  if (e.code === 'ECONNREFUSED') return `connection refused; is sshd running and is port ${hop.port} right?`;
  if (e.code === 'EHOSTUNREACH' || e.code === 'ENETUNREACH') return `unreachable (${e.code}); check the address and the network`;
  if (e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN') return `cannot resolve ${hop.host} (${e.code}); check the address or ~/.ssh/config HostName`;
  if (/Timed out while waiting for handshake/i.test(e.message) || e.code === 'ETIMEDOUT') {
    return `no SSH answer within ${timeoutMs} ms; the host is down or unreachable`;
  }
  if (e.level === 'client-authentication' || /authentication methods failed/i.test(e.message)) {
    return `authentication failed as ${hop.user} with ${offered.join(', ') || 'no key'}; metalbench never asks for passwords: add the public key to ~${hop.user}/.ssh/authorized_keys on the host, or load it into ssh-agent`;
  }
  return e.message;
}

function authMethods(hop: Hop): { methods: AnyAuthMethod[]; offered: string[]; notes: string[] } {
  const methods: AnyAuthMethod[] = [];
  const offered: string[] = [];
  const notes: string[] = [];
  for (const f of hop.identityFiles) {
    let text: Buffer;
    try {
      text = readFileSync(f);
    } catch (e) {
      notes.push(`cannot read ${f} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
      continue;
    }
    const parsed = ssh2.utils.parseKey(text);
    if (parsed instanceof Error) {
      // Never prompt for a passphrase: batch runs have no one to answer.
      notes.push(/passphrase|encrypted/i.test(parsed.message) ? `${f} is passphrase-protected (load it into ssh-agent instead)` : `${f}: ${parsed.message}`);
      continue;
    }
    methods.push({ type: 'publickey', username: hop.user, key: text });
    offered.push(f);
  }
  if (hop.agentSocket) {
    methods.push({ type: 'agent', username: hop.user, agent: hop.agentSocket });
    offered.push('ssh-agent');
  }
  return { methods, offered, notes };
}

function forward(c: Client, next: Hop, hostName: string): Promise<Readable> {
  return new Promise((resolve, reject) =>
    c.forwardOut('127.0.0.1', 0, next.host, next.port, (err, stream) =>
      err
        ? reject(new Error(`host ${hostName}: the jump host cannot open a connection to ${next.host}:${next.port} (${err.message}); is AllowTcpForwarding on there?`))
        : resolve(stream),
    ),
  );
}

/** A command without the wrapper (used before the host is known to have setsid). */
function rawExec(c: Client, command: string, hostName: string): Promise<string> {
  return new Promise((resolve, reject) => {
    c.exec(command, (err, ch) => {
      if (err) return reject(new Error(`host ${hostName}: cannot run commands (${err.message})`));
      let out = '';
      let errText = '';
      ch.on('data', (b: Buffer) => (out += b.toString()));
      ch.stderr.on('data', (b: Buffer) => (errText += b.toString()));
      ch.on('close', () => (errText && !out ? reject(new Error(`host ${hostName}: ${errText.trim()}`)) : resolve(out)));
    });
  });
}
