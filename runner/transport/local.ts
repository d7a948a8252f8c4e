import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { delimiter, join } from 'node:path';
import { appendTail, type ExecOptions, type ExecResult, type Transport } from './transport.ts';

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

  exec(argv: readonly string[], opts?: ExecOptions): Promise<ExecResult> {
    if (argv.length === 0) throw new Error('exec: empty argv');
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
   * is released when we close it or when this process dies. The holder keeps
   * the event loop alive until close().
   */
  async lock(opts: { waitMs?: number } = {}): Promise<void> {
    if (this.lockHolder) return;
    const waitSec = Math.max(0, Math.ceil((opts.waitMs ?? 0) / 1000));
    const lockPath = localLockPath();
    const holder = spawn(
      'flock',
      ['--exclusive', '--wait', String(waitSec), lockPath, 'sh', '-c', 'echo locked; exec cat >/dev/null'],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    await new Promise<void>((resolve, reject) => {
      let said = '';
      holder.stdout!.on('data', (b: Buffer) => {
        said += b.toString();
        if (said.includes('locked')) resolve();
      });
      holder.on('error', reject);
      holder.on('close', (code) =>
        reject(
          new Error(
            `host local is busy: another metalbench holds ${lockPath} (flock exited ${code}); wait for it to finish or raise the lock wait`,
          ),
        ),
      );
    });
    this.lockHolder = holder;
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
