/**
 * Test harness: real OpenSSH sshd instances on loopback addresses
 * 127.0.0.2, 127.0.0.3, … each with its own generated host key, all accepting
 * one generated client key, running as the current user in a temp dir. It
 * fails loudly when sshd or ssh-keygen is missing: tests must not skip.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import type { EmulatedArch, HostEntry } from './inventory.ts';
import type { RunOptions } from '../run/run.ts';

export const SSHD = '/usr/sbin/sshd';

export interface SshdInstance {
  name: string;
  address: string;
  port: number;
  hostKeyPath: string;
  configPath: string;
  /** The listening sshd, while running. */
  proc: ChildProcess | undefined;
  /** Kill the listener and every sshd serving a connection (sessions' commands are left alone). */
  kill(): Promise<void>;
  /** Start the listener again with the same keys, address and port. */
  restart(): Promise<void>;
}

export interface SshdHarness {
  dir: string;
  hosts: HostEntry[];
  instances: SshdInstance[];
  /** A known_hosts file that knows every instance's host key. */
  knownHostsPath: string;
  clientKeyPath: string;
  /** An empty ssh_config, so the user's own ~/.ssh/config does not leak into tests. */
  sshConfigPath: string;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  /** Make the last host emulate this GOARCH through qemu-user. */
  emulateLast?: EmulatedArch;
  /** First address is 127.0.0.<firstOctet> (default 2). */
  firstOctet?: number;
  tags?: (i: number) => string[];
  /**
   * Let the login shell read its rc files as it would on a real host. Off by
   * default: bash sources ~/.bashrc for every sshd session, and a heavy one
   * (pyenv init and the like) would be measured instead of metalbench.
   */
  loginShellRc?: boolean;
}

export async function startSshd(n: number, opts: HarnessOptions = {}): Promise<SshdHarness> {
  if (!existsSync(SSHD)) {
    throw new Error(`${SSHD} is missing: install Debian's openssh-server (scripts/install-test-deps.sh or apt-get install -y openssh-server)`);
  }
  // sshd refuses to start as root without its privilege separation directory.
  if (process.getuid?.() === 0) mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const dir = mkdtempSync(join(tmpdir(), 'mb-sshd-'));
  const clientKeyPath = join(dir, 'client_ed25519');
  keygen(clientKeyPath, 'metalbench-test-client');
  const authorized = join(dir, 'authorized_keys');
  writeFileSync(authorized, readFileSync(`${clientKeyPath}.pub`));
  const sshConfigPath = join(dir, 'ssh_config');
  writeFileSync(sshConfigPath, '');
  const knownHostsPath = join(dir, 'known_hosts');
  const first = opts.firstOctet ?? 2;
  const instances: SshdInstance[] = [];
  const hosts: HostEntry[] = [];
  const known: string[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const name = `h${i + 1}`;
      const address = `127.0.0.${first + i}`;
      const idir = join(dir, name);
      mkdirSync(idir);
      const hostKeyPath = join(idir, 'host_ed25519_key');
      keygen(hostKeyPath, `${name}-host`);
      const port = await freePort(address);
      const configPath = join(idir, 'sshd_config');
      writeFileSync(
        configPath,
        [
          `ListenAddress ${address}:${port}`,
          `HostKey ${hostKeyPath}`,
          `PidFile ${join(idir, 'sshd.pid')}`,
          `AuthorizedKeysFile ${authorized}`,
          'StrictModes no',
          'PasswordAuthentication no',
          'KbdInteractiveAuthentication no',
          'UsePAM no',
          'PermitRootLogin prohibit-password',
          'AllowTcpForwarding yes',
          'MaxSessions 64',
          'MaxStartups 200',
          'LogLevel ERROR',
          'Subsystem sftp internal-sftp',
          // bash skips ~/.bashrc for sshd sessions when it is not a top-level shell.
          ...(opts.loginShellRc ? [] : ['SetEnv SHLVL=1']),
          '',
        ].join('\n'),
      );
      const inst = makeInstance(name, address, port, hostKeyPath, configPath);
      await inst.restart();
      instances.push(inst);
      known.push(`[${address}]:${port} ${readFileSync(`${hostKeyPath}.pub`, 'utf8').split(' ').slice(0, 2).join(' ')}`);
      const entry: HostEntry = {
        name,
        builtin: false,
        address,
        port,
        user: userInfo().username,
        identityFile: clientKeyPath,
        agent: false,
        tags: opts.tags?.(i) ?? [],
        workdir: join(idir, 'work'),
        lockWaitMs: 0,
      };
      if (opts.emulateLast && i === n - 1) entry.emulate = opts.emulateLast;
      hosts.push(entry);
    }
  } catch (e) {
    for (const inst of instances) await inst.kill();
    throw e;
  }
  writeFileSync(knownHostsPath, `${known.join('\n')}\n`);
  return {
    dir,
    hosts,
    instances,
    knownHostsPath,
    clientKeyPath,
    sshConfigPath,
    async stop() {
      for (const inst of instances) await inst.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function makeInstance(name: string, address: string, port: number, hostKeyPath: string, configPath: string): SshdInstance {
  const inst: SshdInstance = {
    name,
    address,
    port,
    hostKeyPath,
    configPath,
    proc: undefined,
    async kill() {
      const p = inst.proc;
      inst.proc = undefined;
      if (!p || p.pid === undefined) return;
      // Per-connection sshd processes are children of the listener; kill them too.
      const victims = sshdDescendants(p.pid);
      for (const pid of [p.pid, ...victims]) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      if (p.exitCode === null && p.signalCode === null) await new Promise((r) => p.once('exit', r));
    },
    async restart() {
      const p = spawn(SSHD, ['-D', '-e', '-f', configPath], { stdio: ['ignore', 'ignore', 'pipe'] });
      let errText = '';
      p.stderr!.on('data', (b: Buffer) => (errText += b.toString()));
      inst.proc = p;
      const deadline = Date.now() + 10_000;
      while (!(await answers(address, port))) {
        if (p.exitCode !== null) throw new Error(`sshd ${name} on ${address}:${port} exited ${p.exitCode}: ${errText.trim()}`);
        if (Date.now() > deadline) throw new Error(`sshd ${name} on ${address}:${port} did not start in 10 s: ${errText.trim()}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
  return inst;
}

function keygen(path: string, comment: string): void {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', path], { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Processes under `root` whose command is sshd (the listener's per-connection children). */
function sshdDescendants(root: number): number[] {
  const rows = execFileSync('ps', ['-e', '-o', 'pid=,ppid=,comm='], { encoding: 'utf8' })
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length >= 3)
    .map(([pid, ppid, comm]) => ({ pid: Number(pid), ppid: Number(ppid), comm: comm! }));
  const out: number[] = [];
  const walk = (pid: number) => {
    for (const r of rows) {
      if (r.ppid === pid && r.comm === 'sshd') {
        out.push(r.pid);
        walk(r.pid);
      }
    }
  };
  walk(root);
  return out;
}

function freePort(address: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, address, () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** True once something on address:port sends an SSH banner. */
function answers(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = new Socket();
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(500, () => done(false));
    s.once('error', () => done(false));
    s.once('data', (b: Buffer) => done(b.toString().startsWith('SSH-')));
    s.connect(port, address);
  });
}

/**
 * Run `init` once, on first use, for tests to call from test.before.each.
 * uvu swallows an error thrown in test.before, so a missing sshd there would
 * pass silently; from before.each it fails every test with its message.
 */
export function once<T>(init: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () => (p ??= init());
}

/** A harness host as an inventory (fleet.yaml) entry, for tests that go through the inventory. */
export function inventoryEntry(e: HostEntry): Record<string, unknown> {
  return {
    name: e.name,
    address: e.address,
    port: e.port,
    user: e.user,
    identityFile: e.identityFile,
    agent: false,
    tags: e.tags,
    workdir: e.workdir,
    ...(e.jump ? { jump: e.jump } : {}),
    ...(e.emulate ? { emulate: e.emulate } : {}),
  };
}

/** What `runCommand` needs to reach the harness's hosts through an inventory, with none of the user's SSH files. */
export function harnessRunOptions(h: SshdHarness, inventoryPath: string): Pick<RunOptions, 'inventoryPath' | 'inventoryExplicit' | 'knownHostsPaths' | 'sshConfigPath' | 'trigger' | 'json'> {
  return { inventoryPath, inventoryExplicit: true, knownHostsPaths: [h.knownHostsPath], sshConfigPath: h.sshConfigPath, trigger: 'manual', json: false };
}
