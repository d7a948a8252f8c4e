// Runs pinned processes for real on this machine through LocalTransport.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LocalTransport } from '../transport/local.ts';
import { formatCpuList } from './cpulist.ts';
import { collectFacts, type HostFacts } from './facts.ts';
import { pinnedArgv, planPinning, verifyPinReport, type PinPlan } from './pinning.ts';

const t = new LocalTransport();
let facts: HostFacts;

test.before(async () => {
  facts = await collectFacts(t);
});

async function runPinned(plan: PinPlan, tools: { numactl: boolean; taskset: boolean }) {
  // The payload prints its own affinity and GOMAXPROCS, proving exec kept both.
  const argv = pinnedArgv(plan, ['sh', '-c', 'grep Cpus_allowed_list /proc/self/status; echo "GOMAXPROCS=$GOMAXPROCS"; echo "arg=$1"', 'x', 'a b;$(c)'], tools);
  const r = await t.exec(argv, { timeoutMs: 10_000 });
  assert.is(r.code, 0, r.stderrTail);
  return r;
}

test('taskset: the pinned process reports the planned CPU and verifyPinReport accepts it', async () => {
  const plan = planPinning(facts.topology, 1);
  assert.ok(facts.tools.taskset);
  const r = await runPinned(plan, { numactl: false, taskset: true });
  assert.is(verifyPinReport(r.stderrTail, plan), null);
  assert.match(r.stdout, new RegExp(`Cpus_allowed_list:\\s+${plan.cpus[0]}\\n`));
  assert.match(r.stdout, /GOMAXPROCS=1\n/);
  assert.match(r.stdout, /arg=a b;\$\(c\)\n/);
  // A plan naming other CPUs than the process got must be rejected.
  const other = facts.topology.online.find((c) => c !== plan.cpus[0])!;
  assert.match(verifyPinReport(r.stderrTail, { ...plan, cpus: [other] })!, new RegExp(`ran on CPUs ${plan.cpus[0]}, plan was ${other}`));
});

test('numactl with membind: the report shows the bind policy', async () => {
  if (!facts.tools.numactl) {
    console.log('numactl is not installed here; skipped');
    return;
  }
  const plan = planPinning(facts.topology, { cpus: 1 });
  const r = await runPinned(plan, { numactl: true, taskset: true });
  assert.match(r.stderrTail, /metalbench-pin cpus=\d+ mems=0 policy=bind:0/);
  assert.is(verifyPinReport(r.stderrTail, plan), null);
  // Pretending the host has two nodes makes the bind policy checked; a different node must fail.
  const tampered: PinPlan = { ...plan, hostNodes: 2, nodes: [1] };
  assert.match(verifyPinReport(r.stderrTail, tampered)!, /memory of node 1/);
});

test('an unpinned process (all CPUs) fails verification against a 1-CPU plan', async () => {
  const plan = planPinning(facts.topology, 1);
  const wide = { ...plan, cpus: facts.topology.online };
  // Run "pinned" to every online CPU, then check against the narrow plan.
  const r = await t.exec(pinnedArgv(wide, ['true'], { numactl: false, taskset: true }), { timeoutMs: 10_000 });
  assert.is(verifyPinReport(r.stderrTail, plan), `process ran on CPUs ${formatCpuList(facts.topology.online)}, plan was ${formatCpuList(plan.cpus)}`);
});

test.run();
