/**
 * SSH dispatch speed on loopback, against real OpenSSH sshd instances.
 *   1. Per-job dispatch overhead: exec `true` over one reused connection
 *      (wrapper, setsid, channel open and close). Target: ≤ 50 ms.
 *   2. 16 hosts in parallel, each running a fixed `sleep 0.5` job, against
 *      one host alone. Target: ratio ≤ 1.2.
 * The sshd instances start sessions without the login shell's rc files (see
 * the harness); part 3 shows what a heavy ~/.bashrc adds per exec.
 * Run: node --import tsx runner/fleet/dispatch.bench.ts
 */
import Benchmark from 'benchmark';
import { connectSsh, type SshTransport } from '../transport/ssh.ts';
import { startSshd } from './sshd-harness.ts';

const HOSTS = 16;
const h = await startSshd(HOSTS);
const connect = (i: number) =>
  connectSsh(h.hosts[i]!, { knownHostsPaths: [h.knownHostsPath], sshConfigPath: h.sshConfigPath, inventory: h.hosts });

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

async function job(t: SshTransport): Promise<void> {
  const r = await t.exec(['sleep', '0.5']);
  if (r.code !== 0) throw new Error(`sleep failed on ${t.hostName}: ${r.stderrTail}`);
}

try {
  const one = await connect(0);

  // 1a. The benchmark package's estimate (deferred, async exec).
  await new Promise<void>((resolve, reject) => {
    new Benchmark.Suite()
      .add('exec true over one SSH connection', {
        defer: true,
        minSamples: 30,
        fn: (d: { resolve(): void }) => {
          one.exec(['true']).then(() => d.resolve(), reject);
        },
      })
      .on('cycle', (e: { target: Benchmark }) => console.log(String(e.target)))
      .on('complete', () => resolve())
      .on('error', (e: { target: { error?: unknown } }) => reject(e.target.error))
      .run({ async: true });
  });

  // 1b. Median and tail of 200 sequential execs.
  const times: number[] = [];
  for (let i = 0; i < 200; i++) {
    const t0 = performance.now();
    const r = await one.exec(['true']);
    times.push(performance.now() - t0);
    if (r.code !== 0) throw new Error('true failed');
  }
  const sorted = [...times].sort((a, b) => a - b);
  console.log(
    `per-exec overhead over one reused connection: median ${median(times).toFixed(2)} ms, p90 ${sorted[179]!.toFixed(2)} ms, max ${sorted[199]!.toFixed(2)} ms (200 execs of true; target <= 50 ms)`,
  );

  // 2. One host alone vs 16 in parallel, each connection already open (as in a run).
  const all = [one, ...(await Promise.all(Array.from({ length: HOSTS - 1 }, (_, i) => connect(i + 1))))];
  const alone: number[] = [];
  const parallel: number[] = [];
  for (let rep = 0; rep < 5; rep++) {
    let t0 = performance.now();
    await job(one);
    alone.push(performance.now() - t0);
    t0 = performance.now();
    await Promise.all(all.map(job));
    parallel.push(performance.now() - t0);
  }
  const ratio = median(parallel) / median(alone);
  console.log(
    `sleep 0.5 job: one host alone median ${median(alone).toFixed(1)} ms; ${HOSTS} hosts in parallel median ${median(parallel).toFixed(1)} ms; ratio ${ratio.toFixed(3)} (5 rounds; target <= 1.2)`,
  );
  await Promise.all(all.map((t) => t.close()));
} finally {
  await h.stop();
}

// 3. For reference: the same exec when the login shell reads its rc files, as
// bash does for every sshd session (~/.bashrc); that cost is the host's.
const withRc = await startSshd(1, { loginShellRc: true });
try {
  const t = await connectSsh(withRc.hosts[0]!, { knownHostsPaths: [withRc.knownHostsPath], sshConfigPath: withRc.sshConfigPath });
  const times: number[] = [];
  for (let i = 0; i < 20; i++) {
    const t0 = performance.now();
    await t.exec(['true']);
    times.push(performance.now() - t0);
  }
  console.log(`same exec with the login shell reading ~/.bashrc: median ${median(times).toFixed(2)} ms (20 execs; the rc file's own cost)`);
  await t.close();
} finally {
  await withRc.stop();
}
