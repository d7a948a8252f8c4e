import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { once, startSshd, type SshdHarness } from '../fleet/sshd-harness.ts';
import type { HostEntry } from '../fleet/inventory.ts';
import { connectSsh, shQuote, SshTransport, type SshConnectOptions } from './ssh.ts';

let h!: SshdHarness;
const open: SshTransport[] = [];

function opts(extra: Partial<SshConnectOptions> = {}): SshConnectOptions {
  return { knownHostsPaths: [h.knownHostsPath], sshConfigPath: h.sshConfigPath, connectTimeoutMs: 5000, inventory: h.hosts, ...extra };
}

async function connect(entry: HostEntry, extra: Partial<SshConnectOptions> = {}): Promise<SshTransport> {
  const t = await connectSsh(entry, opts(extra));
  open.push(t);
  return t;
}

/** Live (not zombie) processes whose command line contains `marker`. */
function alive(marker: string): string[] {
  return execFileSync('ps', ['-eo', 'stat=,args='], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => l.includes(marker) && !l.trim().startsWith('Z') && !l.includes('ps -eo'));
}

async function until(cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return cond();
}

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
}

const start = once(() => startSshd(3, { emulateLast: 'arm64' }));

test.before.each(async () => {
  h = await start();
});

test.after.each(async () => {
  for (const t of open.splice(0)) await t.close();
});

test.after(async () => {
  await h?.stop();
});

test('shQuote makes one word of anything', () => {
  const hostile = `'; touch /tmp/x #"$(id)\`\n\\`;
  const out = execFileSync('sh', ['-c', `printf %s ${shQuote(hostile)}`], { encoding: 'utf8' });
  assert.is(out, hostile);
  assert.throws(() => shQuote('a\0b'), /NUL/);
});

test('exec: hostile arguments, env and cwd arrive intact and nothing runs', async () => {
  const t = await connect(h.hosts[0]!);
  const marker = join(h.dir, `pwned-${randomBytes(4).toString('hex')}`);
  const hostile = `'; touch ${marker} #`;
  const args = [hostile, `$(touch ${marker})`, `\`touch ${marker}\``, 'a b\tc\nd', '', '*', '"', "\\'"];
  const r = await t.exec(['sh', '-c', 'for a in "$@"; do printf "[%s]" "$a"; done; printf "{%s}" "$V"; pwd', 'x', ...args], {
    env: { V: `"; touch ${marker}; '` },
    cwd: h.dir,
  });
  assert.is(r.code, 0, r.stderrTail);
  assert.is(r.stdout, `${args.map((a) => `[${a}]`).join('')}{"; touch ${marker}; '}${h.dir}\n`);
  assert.not.ok(existsSync(marker), 'a hostile value ran as a command');
  // A bench regex of the issue's example reaches the program as a regex.
  const re = await t.exec(['sh', '-c', 'printf %s "$1"', 'x', `'; touch ${marker} #`]);
  assert.is(re.stdout, `'; touch ${marker} #`);
  assert.not.ok(existsSync(marker));
});

test('exec: exit codes, signals, stdin, streaming and a missing cwd', async () => {
  const t = await connect(h.hosts[0]!);
  const r = await t.exec(['sh', '-c', 'cat; echo oops >&2; exit 7'], { stdin: "line 1\nit's\n" });
  assert.equal([r.code, r.signal, r.timedOut, r.stdout, r.stderrTail], [7, null, false, "line 1\nit's\n", 'oops\n']);
  const k = await t.exec(['sh', '-c', 'kill -TERM $$']);
  assert.equal([k.code, k.signal], [null, 'SIGTERM']);
  const chunks: string[] = [];
  const s = await t.exec(['sh', '-c', 'echo a; sleep 0.1; echo b'], { onStdout: (c) => chunks.push(c) });
  assert.is(s.stdout, '');
  assert.is(chunks.join(''), 'a\nb\n');
  const missing = await t.exec(['true'], { cwd: join(h.dir, 'no such dir') });
  assert.is(missing.code, 125);
  assert.match(missing.stderrTail, /no such dir/i);
});

test('exec: commands that exit at once report their status, however fast they are', async () => {
  // A quick exit can arrive in the same read as the channel's opening.
  const t = await connect(h.hosts[0]!);
  for (let round = 0; round < 5; round++) {
    const rs = await Promise.all(Array.from({ length: 30 }, (_, i) => t.exec(['sh', '-c', 'exit $1', 'x', String(i % 3)])));
    assert.equal(rs.map((r) => r.code), Array.from({ length: 30 }, (_, i) => i % 3));
  }
});

test('exec: a timeout kills the whole remote process group', async () => {
  const t = await connect(h.hosts[0]!);
  const marker = `sleep 31${Math.floor(Math.random() * 9)}.5`;
  const r = await t.exec(['sh', '-c', `${marker} & ${marker}; echo never`], { timeoutMs: 400 });
  assert.ok(r.timedOut);
  assert.is(r.code, null);
  assert.is(r.signal, 'SIGKILL');
  assert.not.match(r.stdout, /never/);
  assert.ok(await until(() => alive(marker).length === 0, 3000), `left running: ${alive(marker).join('\n')}`);
  // The connection is still good afterwards.
  assert.is((await t.exec(['echo', 'ok'])).stdout, 'ok\n');
});

test('putFile: content-addressed, verified, not sent twice', async () => {
  const t = await connect(h.hosts[0]!);
  const local = join(mkdtempSync(join(tmpdir(), 'mb-put-')), 'payload.test');
  writeFileSync(local, randomBytes(300_000));
  const sha = createHash('sha256').update(readFileSync(local)).digest('hex');
  const path = await t.putFile(local, sha, 'payload.test');
  assert.is(path, `${h.hosts[0]!.workdir}/bin/${sha}/payload.test`);
  assert.is(createHash('sha256').update(readFileSync(path)).digest('hex'), sha);
  assert.ok(statSync(path).mode & 0o100, 'uploaded binary is executable');
  const before = statSync(path).mtimeMs;
  // A fresh connection finds it there and does not upload again.
  const t2 = await connect(h.hosts[0]!);
  await new Promise((r) => setTimeout(r, 20));
  assert.is(await t2.putFile(local, sha, 'payload.test'), path);
  assert.is(statSync(path).mtimeMs, before);
  assert.equal(readdirSync(resolve(path, '..')), ['payload.test'], 'no partial files left');
  // A copy damaged on the host is noticed by the next connection and replaced.
  writeFileSync(path, 'garbage');
  const t3 = await connect(h.hosts[0]!);
  assert.is(await t3.putFile(local, sha, 'payload.test'), path);
  assert.is(createHash('sha256').update(readFileSync(path)).digest('hex'), sha);
  // A sha that does not match the file is refused before anything is sent.
  const wrong = 'f'.repeat(64);
  const err = await rejection(t.putFile(local, wrong, 'payload.test'));
  assert.match(err.message, /has sha256 [0-9a-f]{64}, not f{64}/);
  assert.not.ok(existsSync(`${h.hosts[0]!.workdir}/bin/${wrong}`));
  assert.match((await rejection(t.putFile(local, sha, '../evil'))).message, /plain name/);
});

test('lock: a second orchestrator fails clearly, or waits for the first', async () => {
  const a = await connect(h.hosts[1]!);
  const b = await connect(h.hosts[1]!);
  await a.lock({ waitMs: 0 });
  const err = await rejection(b.lock({ waitMs: 0 }));
  assert.match(err.message, /host h2 is busy: another metalbench holds .*\/lock \(metalbench pid \d+/);
  const waiting = b.lock({ waitMs: 10_000 });
  setTimeout(() => void a.close(), 300);
  await waiting;
  // And the lock dies with the connection: a third takes it once b is gone.
  const c = await connect(h.hosts[1]!);
  assert.match((await rejection(c.lock({ waitMs: 0 }))).message, /busy/);
  await b.close();
  await c.lock({ waitMs: 5000 });
});

test('host keys: unknown and changed keys are refused with a clear message', async () => {
  const empty = join(h.dir, 'empty_known_hosts');
  writeFileSync(empty, '');
  const unknown = await rejection(connectSsh(h.hosts[0]!, opts({ knownHostsPaths: [empty] })));
  assert.match(unknown.message, /host h1 \(root@127\.0\.0\.2:\d+\) refused: unknown host key ssh-ed25519 SHA256:[A-Za-z0-9+/]{43}/);
  assert.match(unknown.message, /metalbench hosts trust h1/);
  // h2's key recorded under h1's name: h1 now looks like an impostor.
  const lines = readFileSync(h.knownHostsPath, 'utf8').trim().split('\n');
  const forged = join(h.dir, 'forged_known_hosts');
  writeFileSync(forged, `${lines[0]!.split(' ')[0]} ${lines[1]!.split(' ').slice(1).join(' ')}\n`);
  const changed = await rejection(connectSsh(h.hosts[0]!, opts({ knownHostsPaths: [forged] })));
  assert.match(changed.message, /HOST KEY CHANGED/);
  assert.match(changed.message, new RegExp(`${forged.replace(/[/.]/g, '\\$&')}:1`));
});

test('unreachable hosts fail fast with a clear error', async () => {
  const refused = { ...h.hosts[0]!, name: 'gone', address: '127.0.0.250' };
  const e1 = await rejection(connectSsh(refused, opts()));
  assert.match(e1.message, /host gone \(root@127\.0\.0\.250:\d+\): connection refused/);
  // Something that accepts TCP but never speaks SSH.
  const silent: Server = createServer(() => undefined);
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  const port = (silent.address() as { port: number }).port;
  const started = Date.now();
  const e2 = await rejection(connectSsh({ ...h.hosts[0]!, name: 'mute', address: '127.0.0.1', port }, opts({ connectTimeoutMs: 300 })));
  silent.close();
  assert.match(e2.message, /host mute .*no SSH answer within 300 ms/);
  assert.ok(Date.now() - started < 5000);
  const noKey = await rejection(connectSsh({ ...h.hosts[0]!, identityFile: join(h.dir, 'nope') }, opts()));
  assert.match(noKey.message, /no usable key: cannot read .*nope/);
});

test('a connection killed mid-exec rejects with the host named, and nothing is left running', async () => {
  const t = await connect(h.hosts[2]!);
  const marker = `sleep 32${Math.floor(Math.random() * 9)}.5`;
  let started!: () => void;
  const up = new Promise<void>((r) => (started = r));
  const run = t.exec(['sh', '-c', `echo started; ${marker}`], { onStdout: (s) => s.includes('started') && started() });
  const failed = rejection(run);
  await up;
  await h.instances[2]!.kill();
  const err = await failed;
  assert.match(err.message, /^host h3: connection lost .* while running sh/);
  assert.ok(await until(() => alive(marker).length === 0, 3000), `left running: ${alive(marker).join('\n')}`);
  await rejection(t.exec(['true']));
  await h.instances[2]!.restart();
  const again = await connect(h.hosts[2]!);
  assert.is((await again.exec(['echo', 'back'])).stdout, 'back\n');
});

test('a host that freezes is declared lost by keepalive, not waited on forever', async () => {
  const t = await connect(h.hosts[1]!, { keepaliveIntervalMs: 200 });
  const rows = execFileSync('ps', ['-eo', 'pid=,ppid=,comm='], { encoding: 'utf8' })
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f[2] === 'sshd')
    .map((f) => ({ pid: Number(f[0]), ppid: Number(f[1]) }));
  // The per-connection sshd processes of this instance: below its listener.
  const mine: number[] = [];
  const walk = (pid: number) => rows.filter((r) => r.ppid === pid).forEach((r) => (mine.push(r.pid), walk(r.pid)));
  walk(h.instances[1]!.proc!.pid!);
  assert.ok(mine.length > 0);
  const failed = rejection(t.exec(['sleep', '30.25']));
  await new Promise((r) => setTimeout(r, 100));
  for (const p of mine) process.kill(p, 'SIGSTOP');
  try {
    const err = await failed;
    assert.match(err.message, /^host h2: connection lost \(Keepalive timeout\)/);
  } finally {
    for (const p of mine) process.kill(p, 'SIGCONT');
  }
  // Once sshd runs again it sees the connection gone, and the watchdog ends the job.
  assert.ok(await until(() => alive('sleep 30.25').length === 0, 5000), alive('sleep 30.25').join('\n'));
});

test('jump hosts and ~/.ssh/config are honoured', async () => {
  const viaJump = await connect({ ...h.hosts[1]!, jump: 'h1' });
  assert.is((await viaJump.exec(['echo', 'through h1'])).stdout, 'through h1\n');
  const cfg = join(h.dir, 'ssh_config_alias');
  const target = h.hosts[0]!;
  writeFileSync(
    cfg,
    [`Host bench-alias`, `  HostName ${target.address}`, `  Port ${target.port}`, `  User ${target.user}`, `  IdentityFile ${h.clientKeyPath}`, ''].join('\n'),
  );
  const alias: HostEntry = { name: 'aliased', builtin: false, address: 'bench-alias', tags: [], workdir: target.workdir, lockWaitMs: 0, agent: false };
  const t = await connect(alias, { sshConfigPath: cfg });
  assert.is((await t.exec(['echo', 'aliased'])).stdout, 'aliased\n');
});

test('the emulated arm64 host really runs an arm64 test binary through qemu', async () => {
  const out = join(mkdtempSync(join(tmpdir(), 'mb-arm64-')), 'calibration.test');
  execFileSync('go', ['test', '-c', '-o', out, './calibration'], {
    cwd: resolve('benchmarks'),
    env: { ...process.env, GOOS: 'linux', GOARCH: 'arm64', CGO_ENABLED: '0' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  assert.match(execFileSync('file', [out], { encoding: 'utf8' }), /ARM aarch64/);
  const t = await connect(h.hosts[2]!);
  assert.ok(t.emulated);
  const sha = createHash('sha256').update(readFileSync(out)).digest('hex');
  const bin = await t.putFile(out, sha, 'calibration.test');
  const r = await t.exec([bin, '-test.run', '^$', '-test.bench', '.', '-test.benchtime', '10x'], { timeoutMs: 60_000 });
  assert.is(r.code, 0, r.stderrTail);
  assert.match(r.stdout, /^goarch: arm64$/m);
  assert.match(r.stdout, /^Benchmark\S+\s+10\s+[\d.]+ ns\/op/m);
});

test.run();
