import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { parseFacts } from './facts.ts';
import { describeTopology } from './topology.ts';
import { formatCpuList, parseCpuList } from './cpulist.ts';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const topo = (name: string) => parseFacts(fixture(name), name).topology;

test('cpu lists round-trip and reject junk with the source named', () => {
  assert.equal(parseCpuList('0-3,8,10-11'), [0, 1, 2, 3, 8, 10, 11]);
  assert.equal(parseCpuList(''), []);
  assert.is(formatCpuList([5, 0, 1, 2, 8]), '0-2,5,8');
  assert.throws(() => parseCpuList('0-x', 'node1.cpulist'), /node1\.cpulist: "0-x"/);
  assert.throws(() => parseCpuList('5-2'), /backwards/);
});

test('2-socket Xeon with SMT: sockets, cores, siblings, nodes', () => {
  const t = topo('xeon-2s-smt.txt');
  assert.is(t.source, 'sysfs');
  assert.is(t.online.length, 80);
  assert.is(t.sockets, 2);
  assert.is(t.cores, 40);
  assert.is(t.threadsPerCore, 2);
  assert.ok(t.smt);
  assert.equal(t.nodes.map((n) => formatCpuList(n.cpus)), ['0-19,40-59', '20-39,60-79']);
  assert.equal(t.cpus.find((c) => c.id === 45)!.siblings, [5, 45]);
  assert.is(t.cpus.find((c) => c.id === 0)!.cluster, null);
  assert.not.ok(t.heterogeneous);
  assert.is(t.nodes[1]!.memKb, 196446724);
  assert.is(describeTopology(t), '2 sockets, 40 cores, 80 CPUs (SMT x2), 2 NUMA nodes');
});

test('EPYC NPS4: four NUMA nodes in one socket', () => {
  const t = topo('epyc-nps4.txt');
  assert.is(t.sockets, 1);
  assert.is(t.nodes.length, 4);
  assert.is(formatCpuList(t.nodes[2]!.cpus), '32-47,96-111');
  assert.is(t.cores, 64);
});

test('Graviton-like ARM server: no SMT, one node', () => {
  const t = topo('graviton2.txt');
  assert.is(t.cores, 16);
  assert.not.ok(t.smt);
  assert.is(t.nodes.length, 1);
  assert.not.ok(t.heterogeneous);
  assert.is(t.big.length, 16);
});

test('big.LITTLE: capacities split big from LITTLE cores, clusters kept', () => {
  const t = topo('odroid-n2-biglittle.txt');
  assert.ok(t.heterogeneous);
  assert.equal(t.big, [2, 3, 4, 5]);
  assert.equal(t.cpus.map((c) => c.cluster), [0, 0, 1, 1, 1, 1]);
});

test('offline CPUs and isolcpus', () => {
  const t = topo('desktop-offline-isolcpus.txt');
  assert.equal(t.offline, [6, 14]);
  assert.not.ok(t.online.includes(6));
  assert.equal(t.isolated, [2, 3, 10, 11]);
  assert.is(t.cores, 7);
  assert.is(describeTopology(t), '1 socket, 7 cores, 14 CPUs (SMT x2), 1 NUMA node, offline 6,14, isolated 2-3,10-11');
  // Core 6 lost both threads; core 7's sibling list only names online CPUs.
  assert.equal(t.cpus.find((c) => c.id === 7)!.siblings, [7, 15]);
});

test('lscpu -p lines stand in when sysfs topology is hidden', () => {
  const stripped = fixture('xeon-2s-smt.txt')
    .split('\n')
    .filter((l) => !/^(cpu\d+\.|node\d+\.)/.test(l))
    .join('\n');
  const t = parseFacts(stripped, 'stripped').topology;
  assert.is(t.source, 'lscpu');
  assert.is(t.online.length, 80);
  assert.is(t.cores, 40);
  assert.is(t.nodes.length, 2);
  assert.equal(t.cpus.find((c) => c.id === 41)!.siblings, [1, 41]);
});

test('no topology at all is a clear error', () => {
  const bare = 'format=metalbench-facts 1\nuname.m=x86_64\nend=1\n';
  assert.throws(() => parseFacts(bare, 'host bare'), /host bare: no CPU topology/);
});

test.run();
