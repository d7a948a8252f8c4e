/**
 * What verifying a job's binary immediately before exec costs, per job, for
 * the smoke spec's suites (the largest of their test binaries).
 *   local: the identity check (one stat in process); for reference, the
 *          sha256 of the whole file, which runs the first time and when
 *          the identity changed.
 *   ssh:   the exec wrapper's identity check (one stat(1) on the host), and
 *          for reference a full sha256sum on the host, which only runs when
 *          the identity differs.
 * Execs with and without verification alternate, so drift on a busy
 * machine hits both alike; the cost is the difference of the medians.
 * Target: < 5 ms per job. Run: node --import tsx runner/transport/verify.bench.ts
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Benchmark from 'benchmark';
import { buildSuite } from '../build/build.ts';
import { startSshd } from '../fleet/sshd-harness.ts';
import { loadSpec } from '../spec/spec.ts';
import { LocalTransport, verifyFile } from './local.ts';
import { connectSsh } from './ssh.ts';
import type { ExecOptions, Transport } from './transport.ts';

const root = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
const ROUNDS = 60;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const spec = loadSpec(join(root, 'benchmarks/smoke.yaml'));
const target = { goos: 'linux', goarch: process.arch === 'arm64' ? 'arm64' : 'amd64' };
const built = await Promise.all(spec.suites.map((s) => buildSuite(s, target)));
const largest = built.reduce((a, b) => (statSync(a.path).size >= statSync(b.path).size ? a : b));
const mib = (statSync(largest.path).size / 2 ** 20).toFixed(1);
console.log(`binary: ${largest.path} (${mib} MiB, the largest of the smoke suites)`);

/** Median time of exec with and without verification, alternating. */
async function abCost(t: Transport, path: string, verify: ExecOptions['verify']): Promise<{ plain: number; verified: number }> {
  const argv = [path, '-test.run=^$', '-test.bench=^$'];
  const plain: number[] = [];
  const verified: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    for (const [list, opts] of [[plain, {}], [verified, { verify }]] as const) {
      const t0 = performance.now();
      const r = await t.exec(argv, opts);
      list.push(performance.now() - t0);
      if (r.code !== 0) throw new Error(`exec failed: ${r.stderrTail}`);
    }
  }
  return { plain: median(plain), verified: median(verified) };
}

const report = (what: string, r: { plain: number; verified: number }) =>
  console.log(`${what}: exec median ${r.plain.toFixed(2)} ms plain, ${r.verified.toFixed(2)} ms verified: ${(r.verified - r.plain).toFixed(2)} ms per job (target < 5 ms)`);

// Local: the full hash alone, then the check as part of an exec.
const local = new LocalTransport();
await new Promise<void>((resolve, reject) => {
  new Benchmark.Suite()
    .add(`local: sha256 of the ${mib} MiB binary in process (first exec, or after a change)`, () => {
      createHash('sha256').update(readFileSync(largest.path)).digest('hex');
    })
    .add('local: the identity check of an unchanged binary', () => verifyFile(largest.path, largest.sha256))
    .on('cycle', (e: { target: Benchmark }) => console.log(String(e.target)))
    .on('complete', () => resolve())
    .on('error', (e: { target: { error?: unknown } }) => reject(e.target.error))
    .run();
});
report('local', await abCost(local, largest.path, { path: largest.path, sha256: largest.sha256 }));

// SSH: upload once (recording the identity), then exec with and without the check.
const h = await startSshd(1);
try {
  const ssh = await connectSsh(h.hosts[0]!, { knownHostsPaths: [h.knownHostsPath], sshConfigPath: h.sshConfigPath });
  await ssh.lock();
  const remote = await ssh.putFile(largest.path, largest.sha256, 'bench.test');
  report('ssh, identity check', await abCost(ssh, remote, { path: remote, sha256: largest.sha256 }));
  const full: number[] = [];
  const none: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    let t0 = performance.now();
    await ssh.exec(['sha256sum', '--', remote]);
    full.push(performance.now() - t0);
    t0 = performance.now();
    await ssh.exec(['true']);
    none.push(performance.now() - t0);
  }
  console.log(`ssh, full sha256sum on the host (only when the identity changed): ${(median(full) - median(none)).toFixed(2)} ms more than exec true`);
  await ssh.close();
} finally {
  await h.stop();
}

