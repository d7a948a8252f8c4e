/**
 * A transport runs commands and places files on one host. `local` runs them
 * here; `ssh` runs them over one reused SSH connection. Later stages (dispatch,
 * facts, pinning) only ever talk to a host through this interface.
 */

export interface ExecOptions {
  /** Extra environment for the process (merged over the host's own). */
  env?: Record<string, string>;
  /** Working directory on the host. */
  cwd?: string;
  /** Kill the whole process group after this many milliseconds. */
  timeoutMs?: number;
  /** Called with each decoded chunk of standard output as it arrives. */
  onStdout?: (chunk: string) => void;
  /** Called with each decoded chunk of standard error as it arrives. */
  onStderr?: (chunk: string) => void;
  /** Data written to the process's standard input, then closed. */
  stdin?: string;
  /**
   * Refuse to start unless the file at `path` (the binary) still has this
   * sha256, checked immediately before the process starts.
   */
  verify?: { path: string; sha256: string };
}

export interface ExecResult {
  /** Exit code, or null when killed by a signal. */
  code: number | null;
  /** Signal name when killed by one (e.g. "SIGKILL"). */
  signal: string | null;
  /** True when the process was killed because timeoutMs passed. */
  timedOut: boolean;
  /** Standard output, only collected when no onStdout callback was given. */
  stdout: string;
  /** The last 8 KiB of standard error. */
  stderrTail: string;
}

export interface Transport {
  /** The inventory name of the host ("local" for the built-in host). */
  readonly hostName: string;
  /** True when commands run under emulation (e.g. qemu-user), not natively. */
  readonly emulated: boolean;
  /** True once the connection to the host is gone: nothing more can run on it. */
  readonly lost: boolean;
  /**
   * Run argv on the host without a shell: every element arrives as exactly
   * one argument, whatever characters it holds.
   */
  exec(argv: readonly string[], opts?: ExecOptions): Promise<ExecResult>;
  /**
   * Place a local file on the host under a content-addressed path and return
   * that path. A file already there with the same sha256 is not sent again.
   */
  putFile(localPath: string, sha256: string, fileName: string): Promise<string>;
  /**
   * Take the host's exclusive benchmarking lock; held until close(). A lock
   * held by another metalbench throws HostBusyError, after waiting up to
   * `waitMs` (onWait is called once when the wait begins).
   */
  lock(opts?: LockOptions): Promise<void>;
  close(): Promise<void>;
}

export interface LockOptions {
  waitMs?: number;
  /** The lock is held by someone else (as the lock file says) and the wait begins. */
  onWait?: (holder: string | undefined) => void;
}

/** Another metalbench holds the host. */
export class HostBusyError extends Error {
  override name = 'HostBusyError';
  constructor(
    message: string,
    readonly holder: string | undefined,
  ) {
    super(message);
  }
}

/** How a busy host is described, the same for every transport. */
export function busyMessage(host: string, lockFile: string, holder: string | undefined, waitedMs: number): string {
  return (
    `host ${host} is busy: another metalbench holds ${lockFile}${holder ? ` (${holder})` : ''}` +
    `${waitedMs > 0 ? `; waited ${Math.round(waitedMs / 1000)}s` : ''}; wait for it to finish, or let the run wait with --lock-wait DURATION`
  );
}

export const STDERR_TAIL_BYTES = 8192;

/** Keep only the last `max` characters of a growing text. */
export function appendTail(tail: string, chunk: string, max = STDERR_TAIL_BYTES): string {
  const joined = tail + chunk;
  return joined.length > max ? joined.slice(joined.length - max) : joined;
}
