import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { parseFacts } from './facts.ts';
import { formatCpuList } from './cpulist.ts';
import { PinningError, pinConfigLines, pinPolicySchema, pinnedArgv, planPinning, verifyPinReport, type PinPlan } from './pinning.ts';
import type { Topology } from './topology.ts';

const topo = (name: string): Topology =>
  parseFacts(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'), name).topology;
const xeon = topo('xeon-2s-smt.txt');

function throwsPin(fn: () => unknown, re: RegExp): void {
  try {
    fn();
  } catch (e) {
    assert.instance(e, PinningError);
    assert.match((e as Error).message, re);
    return;
  }
  assert.unreachable('expected a PinningError');
}

test('2-socket SMT server, pin: 4: four distinct physical cores on one node, CPU 0 avoided', () => {
  const p = planPinning(xeon, 4);
  assert.is(p.cpus.length, 4);
  assert.not.ok(p.cpus.includes(0));
  assert.not.ok(p.cpus.includes(40), 'the sibling of CPU 0 shares its core');
  const cores = new Set(p.cpus.map((c) => xeon.cpus.find((x) => x.id === c)!.siblings.join()));
  assert.is(cores.size, 4);
  assert.equal(p.nodes, [0]);
  assert.ok(p.membind);
  assert.equal(p.cpus, [1, 2, 3, 4]);
  assert.is(p.gomaxprocs, 4);
});

test('smt: on fills whole cores with both threads', () => {
  const p = planPinning(xeon, { cpus: 4, smt: 'on' });
  assert.equal(p.cpus, [1, 2, 41, 42]);
});

test('numa: local refuses more CPUs than one node has; spread takes both nodes', () => {
  throwsPin(() => planPinning(xeon, 30), /30 CPUs requested but only 20 usable on node 1/);
  throwsPin(() => planPinning(xeon, 30), /numa: local \(one node\)/);
  const s = planPinning(xeon, { cpus: 30, numa: 'spread' });
  assert.is(s.cpus.length, 30);
  assert.equal(s.nodes, [0, 1]);
  assert.not.ok(s.membind);
});

test('EPYC NPS4: a local plan stays inside one of four nodes', () => {
  const t = topo('epyc-nps4.txt');
  const p = planPinning(t, 8);
  assert.equal(p.nodes, [0]);
  assert.equal(p.cpus, [1, 2, 3, 4, 5, 6, 7, 8]);
  const big = planPinning(t, 16);
  assert.equal(big.nodes, [1], 'node 0 lost a core to the housekeeping CPU, node 1 has 16');
  assert.is(formatCpuList(big.cpus), '16-31');
});

test('a memory-less node is never chosen for numa: local', () => {
  const text = readFileSync(new URL('./fixtures/xeon-2s-smt.txt', import.meta.url), 'utf8').replace(/^node0\.mem_kb=.*$/m, 'node0.mem_kb=0');
  const t = parseFacts(text, 'memless').topology;
  assert.equal(planPinning(t, 4).nodes, [1]);
  const t1 = parseFacts(text.replace('node0.mem_kb=0', 'node0.mem_kb=1000').replace(/^node1\.mem_kb=.*$/m, 'node1.mem_kb=0'), 'memless1').topology;
  // Node 0 has 19 cores besides CPU 0's; node 1 has 20 but no memory.
  throwsPin(() => planPinning(t1, 20), /only 19 usable on node 0.*node 1 has no memory to bind/);
});

test('big.LITTLE picks big cores unless told otherwise', () => {
  const t = topo('odroid-n2-biglittle.txt');
  assert.equal(planPinning(t, 4).cpus, [2, 3, 4, 5]);
  throwsPin(() => planPinning(t, 5), /big cores only/);
  assert.equal(planPinning(t, { cpus: 5, bigOnly: false }).cpus, [1, 2, 3, 4, 5]);
  throwsPin(() => planPinning(t, [1, 2]), /CPU 1 is a LITTLE core/);
});

test('a request for 8 CPUs on a 4-CPU VM is a PinningError naming the reason', () => {
  const t = topo('kvm-vm-4cpu.txt');
  throwsPin(() => planPinning(t, 8), /8 CPUs requested but only 3 usable.*4 online CPUs.*avoid: \[0\]/);
  assert.equal(planPinning(t, { cpus: 4, avoid: [] }).cpus, [0, 1, 2, 3]);
});

test('isolated CPUs are preferred; offline CPUs are refused', () => {
  const t = topo('desktop-offline-isolcpus.txt');
  const p = planPinning(t, 2);
  assert.equal(p.cpus, [2, 3]);
  assert.ok(p.notes.includes('isolated CPUs'));
  assert.match(p.warnings.join(), /CPUs 2-3 are isolated \(isolcpus\).*GOMAXPROCS 2/);
  assert.equal(planPinning(t, { cpus: 2, preferIsolated: false }).cpus, [1, 2]);
  assert.equal(planPinning(t, 1).warnings, []);
  // Four distinct cores do not fit in the isolated set (two cores), so the plan uses all online CPUs.
  assert.equal(planPinning(t, 4).cpus, [1, 2, 3, 4]);
  throwsPin(() => planPinning(t, [6, 7]), /CPU 6 is offline/);
  throwsPin(() => planPinning(t, [2, 10]), /2 and 10 are SMT siblings/);
  throwsPin(() => planPinning(t, [0, 1]), /housekeeping set/);
});

test('GOMAXPROCS sweep must fit inside the pinned set', () => {
  const t = topo('graviton2.txt');
  assert.is(planPinning(t, 8, { cpuSweep: [1, 2, 4, 8] }).gomaxprocs, 8);
  throwsPin(() => planPinning(t, 4, { cpuSweep: [1, 2, 4, 8] }), /cpu: 8 does not fit the 4 pinned CPUs \(1-4\)/);
});

test('an inventory override is merged over the spec policy', () => {
  const p = planPinning(xeon, { cpus: 2, smt: 'off' }, { override: { smt: 'on', avoid: [] } });
  assert.equal(p.cpus, [0, 40]);
});

test('pinConfigLines', () => {
  const p = planPinning(topo('graviton2.txt'), 2);
  assert.equal(pinConfigLines(p), { 'pin-cpus': '1-2', 'pin-numa': '0', 'pin-policy': 'smt=off,numa=local,avoid=0,isolated=prefer,big=only', gomaxprocs: '2' });
  assert.is(pinConfigLines(p, 'ab12')['host-fingerprint'], 'ab12');
});

test('pinPolicySchema accepts counts, lists and policies, and rejects unknown keys', () => {
  const validate = new Ajv({ strict: false }).compile(pinPolicySchema);
  for (const ok of [4, [2, 3], { cpus: 4, smt: 'on', numa: 'spread', avoid: [], preferIsolated: false, bigOnly: false }]) {
    assert.ok(validate(ok), JSON.stringify(ok));
  }
  for (const bad of [0, [], { cpus: 2, smp: 'off' }, { cpus: 2, numa: 'near' }, 'four']) assert.not.ok(validate(bad), JSON.stringify(bad));
});

test('pinnedArgv: numactl with membind when memory matters, argv passed as positional parameters', () => {
  const p = planPinning(xeon, 2);
  const evil = ['./x.test', '-test.bench=$(rm -rf /); `x` "q"'];
  const a = pinnedArgv(p, evil, { numactl: true, taskset: true });
  assert.equal(a.slice(0, 4), ['numactl', '--physcpubind=1-2', '--membind=0', '--']);
  assert.equal(a.slice(-2), evil);
  assert.ok(a.includes('GOMAXPROCS=2'));
  assert.not.ok(a.some((x) => x.includes('rm -rf') && x !== evil[1]));
  throwsPin(() => pinnedArgv(p, evil, { numactl: false, taskset: true }), /needs numactl/);
  const one = planPinning(topo('graviton2.txt'), 2);
  assert.equal(pinnedArgv(one, ['x'], { numactl: false, taskset: true }).slice(0, 3), ['taskset', '-c', '1-2']);
  assert.not.ok(pinnedArgv(one, ['x'], { numactl: false, taskset: true }, { gomaxprocs: false }).some((x) => x.startsWith('GOMAXPROCS')));
  throwsPin(() => pinnedArgv(one, ['x'], { numactl: false, taskset: false }), /neither taskset nor numactl/);
});

test('verifyPinReport parses the marker and names mismatches', () => {
  const p = planPinning(xeon, 2);
  assert.is(verifyPinReport('noise\nmetalbench-pin cpus=1-2 mems=0-1 policy=bind:0\n', p), null);
  assert.match(verifyPinReport('metalbench-pin cpus=0-79 mems=0-1 policy=default\n', p)!, /CPUs 0-79, plan was 1-2/);
  assert.match(verifyPinReport('metalbench-pin cpus=1-2 mems=0-1 policy=default\n', p)!, /memory policy is default, plan was bind:0/);
  assert.match(verifyPinReport('nothing here', p)!, /no "metalbench-pin" line/);
});

test.run();
