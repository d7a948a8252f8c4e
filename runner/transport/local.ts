import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { copyFile } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { delimiter, dirname, join } from 'node:path';
import { appendTail, busyMessage, HostBusyError, type ExecOptions, type ExecResult, type LockOptions, type Transport } from './transport.ts';

/**
 * Where the built-in host's lock lives; shared by every metalbench on this
 * machine. `METALBENCH_LOCK_DIR` moves it (tests use a private directory so
 * they never contend with a real run).
 */
export function localLockPath(): string {
  return join(process.env.METALBENCH_LOCK_DIR || '/tmp', 'metalbench-local.lock');
}

let setprivPath: string | null | undefined;

/** util-linux's setpriv, if this machine has it (looked up once). */
function setpriv(): string | null {
  if (setprivPath === undefined) {
    const dirs = (process.env.PATH ?? '/usr/bin:/bin').split(delimiter).filter(Boolean);
    setprivPath = dirs.map((d) => join(d, 'setpriv')).find((p) => existsSync(p)) ?? null;
  }
  return setprivPath;
}

/**
 * argv that dies with this process: `setpriv --pdeathsig KILL` asks the
 * kernel to SIGKILL the child when its parent goes, even by kill -9, which
 * no exit handler sees. Without setpriv the exit handler is all there is.
 */
export function dyingWithParent(command: string, args: readonly string[]): [string, string[]] {
  const sp = setpriv();
  return sp ? [sp, ['--pdeathsig', 'KILL', '--', command, ...args]] : [command, [...args]];
}

/** Per file: its identity when its sha256 was last verified in this process. */
const verifiedIdentity = new Map<string, string>();

/** device, inode, size, mtime and ctime to the nanosecond: any write or replacement changes one. */
function fileIdentity(path: string): string {
  const st = statSync(path, { bigint: true });
  return `${st.dev} ${st.ino} ${st.size} ${st.mtimeNs} ${st.ctimeNs}`;
}

/**
 * Beside the binary, "SHA256 IDENTITY" of its last verification, so a later
 * process need not hash an unchanged file again. It is trusted as far as the
 * build cache that holds it (which also holds the binary and its recorded
 * sha256): a changed binary has a new ctime, which no unprivileged process
 * can set back, so a stale record never matches.
 */
const verifiedRecord = (path: string) => `${path}.verified`;

function recordedIdentity(path: string, sha256: string): string | undefined {
  try {
    const [sha, ...identity] = readFileSync(verifiedRecord(path), 'utf8').trim().split(' ');
    return sha === sha256 ? identity.join(' ') : undefined;
  } catch {
    return undefined;
  }
}

function recordIdentity(path: string, sha256: string, identity: string): void {
  const tmp = `${verifiedRecord(path)}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, `${sha256} ${identity}\n`);
    renameSync(tmp, verifiedRecord(path));
  } catch {
    // A read-only cache only costs later processes a hash.
    rmSync(tmp, { force: true });
  }
}

/**
 * The file must still have the sha256 it was built with, checked right
 * before the exec: hashed the first time, and again whenever its identity
 * differs from the one it had when it was hashed (otherwise it is the same
 * unchanged file, and a stat suffices).
 */
export function verifyFile(path: string, sha256: string): void {
  const key = `${path}\0${sha256}`;
  let before: string;
  let have: string;
  try {
    before = fileIdentity(path);
    if (verifiedIdentity.get(key) === before) return;
    if (recordedIdentity(path, sha256) === before) {
      verifiedIdentity.set(key, before);
      return;
    }
    have = createHash('sha256').update(readFileSync(path)).digest('hex');
  } catch (e) {
    throw new Error(`host local: cannot read ${path} to verify it before running it: ${(e as Error).message}`);
  }
  if (have !== sha256) {
    throw new Error(`host local: refused to run ${path}: its sha256 is ${have}, but it was built as ${sha256}; something changed the build cache (delete that entry and run again)`);
  }
  // Only an identity that held while the file was read vouches for these bytes.
  if (fileIdentity(path) === before) {
    verifiedIdentity.set(key, before);
    recordIdentity(path, sha256, before);
  }
}

/** Who holds a lock file, as its holder wrote it; undefined when unknown. */
function lockHolderOf(lockPath: string): string | undefined {
  try {
    return readFileSync(lockPath, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Run a process in its own process group so a timeout can kill all of it. */
export function spawnCollect(
  command: string,
  args: readonly string[],
  opts: ExecOptions = {},
): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const [cmd, argv] = dyingWithParent(command, args);
    const child = spawn(cmd, argv, {
      cwd: opts.cwd,
      env: { ...process.env, ...opts.env },
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderrTail = '';
    let timedOut = false;
    const out = new StringDecoder('utf8');
    const err = new StringDecoder('utf8');
    const timer =
      opts.timeoutMs !== undefined
        ? setTimeout(() => {
            timedOut = true;
            killGroup(child);
          }, opts.timeoutMs)
        : undefined;
    // An interrupted orchestrator must not leave a benchmark running.
    const onExit = () => killGroup(child);
    process.once('exit', onExit);
    child.stdout.on('data', (b: Buffer) => {
      const s = out.write(b);
      if (opts.onStdout) opts.onStdout(s);
      else stdout += s;
    });
    child.stderr.on('data', (b: Buffer) => {
      const s = err.write(b);
      stderrTail = appendTail(stderrTail, s);
      opts.onStderr?.(s);
    });
    child.on('error', (e) => {
      if (timer) clearTimeout(timer);
      process.removeListener('exit', onExit);
      reject(e);
    });
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      process.removeListener('exit', onExit);
      const restOut = out.end();
      if (restOut) {
        if (opts.onStdout) opts.onStdout(restOut);
        else stdout += restOut;
      }
      stderrTail = appendTail(stderrTail, err.end());
      resolve({ code, signal, timedOut, stdout, stderrTail });
    });
    if (opts.stdin !== undefined) child.stdin.end(opts.stdin);
    else child.stdin.end();
  });
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** The built-in host: this machine, no SSH. */
export class LocalTransport implements Transport {
  readonly hostName = 'local';
  readonly emulated = false;
  /** This machine cannot drop away. */
  readonly lost = false;
  private lockHolder: ChildProcess | undefined;

  async exec(argv: readonly string[], opts?: ExecOptions): Promise<ExecResult> {
    if (argv.length === 0) throw new Error('exec: empty argv');
    if (opts?.verify) verifyFile(opts.verify.path, opts.verify.sha256);
    return spawnCollect(argv[0]!, argv.slice(1), opts);
  }

  /** Binaries built here are already on this host: use them in place. */
  async putFile(localPath: string): Promise<string> {
    return localPath;
  }

  async getFile(path: string, localPath: string): Promise<void> {
    await copyFile(path, localPath);
  }

  /**
   * flock(1) holds the lock for as long as its stdin stays open, so the lock
   * is released when we close it or when this process dies. The holder
   * writes who it is into the lock file, for the message another run shows.
   */
  async lock(opts: LockOptions = {}): Promise<void> {
    if (this.lockHolder) return;
    const lockPath = localLockPath();
    // METALBENCH_LOCK_DIR may name a folder nobody has made yet.
    mkdirSync(dirname(lockPath), { recursive: true });
    const waitMs = Math.max(0, opts.waitMs ?? 0);
    // Without waiting first: a busy host is reported before the wait begins.
    let got = await this.tryLock(lockPath, 0);
    if (got === 'busy' && waitMs > 0) {
      opts.onWait?.(lockHolderOf(lockPath));
      got = await this.tryLock(lockPath, Math.ceil(waitMs / 1000));
    }
    if (got === 'busy') throw new HostBusyError(busyMessage('local', lockPath, lockHolderOf(lockPath), waitMs), lockHolderOf(lockPath));
    this.lockHolder = got;
  }

  private tryLock(lockPath: string, waitSec: number): Promise<ChildProcess | 'busy'> {
    const who = `metalbench pid ${process.pid} since ${new Date().toISOString()}`;
    // A flock still waiting when metalbench dies must not take the lock afterwards.
    const [cmd, argv] = dyingWithParent('flock', [
      '--exclusive', ...(waitSec > 0 ? ['--wait', String(waitSec)] : ['--nonblock']), '--conflict-exit-code', '75', lockPath,
      'sh', '-c', 'printf "%s\\n" "$1" >"$2"; echo locked; exec cat >/dev/null', 'sh', who, lockPath,
    ]);
    const holder = spawn(cmd, argv, { stdio: ['pipe', 'pipe', 'pipe'] });
    const onExit = () => holder.kill('SIGKILL');
    process.once('exit', onExit);
    holder.once('close', () => process.removeListener('exit', onExit));
    return new Promise((resolve, reject) => {
      let said = '';
      let errText = '';
      holder.stdout!.on('data', (b: Buffer) => {
        said += b.toString();
        if (said.includes('locked')) resolve(holder);
      });
      holder.stderr!.on('data', (b: Buffer) => (errText += b.toString()));
      holder.on('error', (e) => reject(new Error(`host local: cannot run flock(1) (util-linux): ${e.message}`)));
      holder.on('close', (code) => {
        if (code === 75) resolve('busy');
        else reject(new Error(`host local: cannot take the lock ${lockPath}: ${errText.trim() || `flock exited ${code}`}`));
      });
    });
  }

  async close(): Promise<void> {
    const h = this.lockHolder;
    this.lockHolder = undefined;
    if (h && h.exitCode === null) {
      await new Promise<void>((resolve) => {
        h.once('close', () => resolve());
        h.stdin!.end();
      });
    }
  }
}
