import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { LocalTransport } from '../transport/local.ts';
import { spawnCollect } from '../transport/local.ts';
import { FACTS_SCRIPT_PATH, checkManualTags, collectFacts, derivedTags, fingerprint, hygieneWarnings, parseFacts } from './facts.ts';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const facts = (name: string) => parseFacts(fixture(name), name);

test('every fixture parses', () => {
  const names = readdirSync(new URL('./fixtures/', import.meta.url)).filter((n) => n.endsWith('.txt'));
  assert.ok(names.length >= 7);
  for (const n of names) assert.ok(facts(n).topology.online.length > 0, n);
});

test('x86 server facts: model, microcode, turbo, governor', () => {
  const f = facts('xeon-2s-smt.txt');
  assert.is(f.goarch, 'amd64');
  assert.is(f.cpu.model, 'Intel(R) Xeon(R) Gold 6248 CPU @ 2.50GHz');
  assert.is(f.cpu.microcode, '0x5003604');
  assert.is(f.turbo, 'on');
  assert.is(f.turboSource, 'intel_pstate/no_turbo');
  assert.equal(f.governors, ['powersave']);
  assert.is(f.thp, 'madvise');
  assert.is(f.load1, 0.08);
  assert.is(f.amd64Level, 'v4');
  assert.is(facts('kvm-vm-4cpu.txt').amd64Level, 'v3');
  assert.is(facts('graviton2.txt').amd64Level, null);
  assert.ok(facts('graviton2.txt').cpu.flags.includes('atomics'));
});

test('ARM facts: no model name, so the model comes from implementer and part', () => {
  const f = facts('graviton2.txt');
  assert.is(f.goarch, 'arm64');
  assert.is(f.cpu.model, 'Neoverse-N1');
  assert.is(f.cpu.vendor, null);
  assert.is(f.cpufreqDriver, null);
  assert.is(f.turbo, 'unknown');
});

test('AMD boost and isolcpus/nohz_full from the command line', () => {
  const amd = facts('epyc-nps4.txt');
  assert.is(amd.turbo, 'on');
  assert.is(amd.turboSource, 'cpufreq/boost');
  const d = facts('desktop-offline-isolcpus.txt');
  assert.is(d.isolcpusArg, '2,3,10,11');
  assert.is(d.nohzFullArg, '2,3,10,11');
  assert.is(d.turbo, 'off');
});

test('derived tags', () => {
  assert.equal(derivedTags(facts('xeon-2s-smt.txt')), ['os:linux', 'arch:amd64', 'numa:2', 'smt:on', 'cpus:80', 'sockets:2']);
  assert.equal(derivedTags(facts('odroid-n2-biglittle.txt')), ['os:linux', 'arch:arm64', 'numa:1', 'smt:off', 'cpus:6', 'sockets:1', 'big-little']);
  assert.ok(derivedTags(facts('kvm-vm-4cpu.txt')).includes('cpufreq:none'));
  assert.ok(derivedTags(facts('desktop-offline-isolcpus.txt')).includes('isolated'));
});

test('manual tags that contradict the facts', () => {
  const x86 = facts('kvm-vm-4cpu.txt');
  const arm = facts('graviton2.txt');
  assert.equal(checkManualTags(['fast', 'x86'], x86), []);
  assert.match(checkManualTags(['arm'], x86).join('\n'), /tag "arm" says ARM but the host is x86_64/);
  assert.match(checkManualTags(['x86'], arm).join('\n'), /tag "x86" says x86 but the host is aarch64/);
  assert.match(checkManualTags(['numa'], arm).join('\n'), /one NUMA node/);
  assert.equal(checkManualTags(['numa'], facts('epyc-nps4.txt')), []);
  assert.match(checkManualTags(['arch:arm64'], x86).join('\n'), /contradicts.*arch:amd64/);
});

test('hygiene warnings in the spirit of pyperf system show', () => {
  const w = hygieneWarnings(facts('xeon-2s-smt.txt')).join('\n');
  assert.match(w, /governor is powersave/);
  assert.match(w, /turbo\/boost is on/);
  assert.match(w, /no isolated CPUs/);
  assert.match(w, /ASLR is on/);
  assert.not.match(w, /load average/);
  assert.match(hygieneWarnings(facts('epyc-nps4.txt')).join('\n'), /load average is 0.31, above 0.2/);
  assert.match(hygieneWarnings(facts('epyc-nps4.txt')).join('\n'), /transparent huge pages are "always"/);
  const tuned = hygieneWarnings(facts('desktop-offline-isolcpus.txt')).join('\n');
  assert.not.match(tuned, /governor|turbo|isolated/);
  assert.match(tuned, /nohz_full/);
});

test('fingerprint: stable, ignores load and memory, changes with governor or microcode', () => {
  const text = fixture('xeon-2s-smt.txt');
  const base = fingerprint(parseFacts(text));
  assert.match(base, /^[0-9a-f]{64}$/);
  const busy = text.replace(/^loadavg=.*$/m, 'loadavg=7.50 3.00 1.00 9/1300 5000').replace(/^mem.total_kb=.*$/m, 'mem.total_kb=1');
  assert.is(fingerprint(parseFacts(busy)), base);
  assert.is.not(fingerprint(parseFacts(text.replace(/=powersave$/gm, '=performance'))), base);
  assert.is.not(fingerprint(parseFacts(text.replace('cpu.microcode=0x5003604', 'cpu.microcode=0x5003707'))), base);
  assert.is.not(fingerprint(facts('graviton2.txt')), base);
});

test('damaged output is a clear error', () => {
  assert.throws(() => parseFacts('hello\n', 'facts of host a'), /facts of host a, line 1: "hello" is not key=value/);
  assert.throws(() => parseFacts('uname.m=x86_64\n', 'x'), /not output of hosts\/facts.sh/);
  assert.throws(() => parseFacts(fixture('graviton2.txt').replace('end=1', ''), 'x'), /cut off/);
});

test('collectFacts runs facts.sh here through LocalTransport: facts agree with Node, the fingerprint is deterministic', async () => {
  // This machine's own recording (fixtures/this-machine.txt) is one of the
  // parser fixtures; the live machine may differ from it, so compare with Node.
  const f = await collectFacts(new LocalTransport());
  assert.is(f.machine, execFileSync('uname', ['-m'], { encoding: 'utf8' }).trim());
  assert.is(f.topology.online.length, cpus().length);
  assert.ok(f.memTotalKb !== null && Math.abs(f.memTotalKb * 1024 - totalmem()) < 0.05 * totalmem(), `memory ${f.memTotalKb} kB vs ${totalmem()} B`);
  assert.ok(f.tools.taskset);
  const again = await collectFacts(new LocalTransport());
  assert.is(fingerprint(again), fingerprint(f));
});

test('facts.sh under dash never fails on a missing tree, and reads a fake ARM one', async () => {
  const root = mkdtempSync(join(tmpdir(), 'facts-root-'));
  try {
    const empty = await spawnCollect('dash', [FACTS_SCRIPT_PATH], { env: { FACTS_ROOT: join(root, 'nothing') } });
    assert.is(empty.code, 0, empty.stderrTail);
    assert.match(empty.stdout, /^format=metalbench-facts 1$/m);
    assert.match(empty.stdout, /^end=1$/m);
    const put = (p: string, v: string) => {
      mkdirSync(dirname(join(root, p)), { recursive: true });
      writeFileSync(join(root, p), v);
    };
    put('proc/cpuinfo', 'processor\t: 0\nBogoMIPS\t: 243.75\nFeatures\t: fp asimd\nCPU implementer\t: 0x41\nCPU architecture: 8\nCPU variant\t: 0x1\nCPU part\t: 0xd40\nCPU revision\t: 1\n\nprocessor\t: 1\nCPU implementer\t: 0x41\nCPU part\t: 0xd40\n');
    put('sys/devices/system/cpu/online', '0-1\n');
    for (const c of [0, 1]) {
      put(`sys/devices/system/cpu/cpu${c}/topology/physical_package_id`, '0\n');
      put(`sys/devices/system/cpu/cpu${c}/topology/core_id`, `${c}\n`);
      put(`sys/devices/system/cpu/cpu${c}/topology/core_cpus_list`, `${c}\n`);
    }
    put('sys/devices/system/cpu/cpu1/online', '1\n');
    const r = await spawnCollect('dash', [FACTS_SCRIPT_PATH], { env: { FACTS_ROOT: root } });
    assert.is(r.code, 0, r.stderrTail);
    assert.is(r.stderrTail, '');
    const f = parseFacts(r.stdout, 'fake ARM tree');
    assert.is(f.cpu.model, 'Neoverse-V1');
    assert.is(f.topology.source, 'sysfs');
    assert.is(f.topology.cores, 2);
    assert.is(f.governors.length, 0);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('facts.sh reads a fake two-node x86 tree: each file once under its key, cpu0\'s governor under both of its keys', async () => {
  const root = mkdtempSync(join(tmpdir(), 'facts-root-'));
  try {
    const put = (p: string, v: string) => {
      mkdirSync(dirname(join(root, p)), { recursive: true });
      writeFileSync(join(root, p), v);
    };
    const S = 'sys/devices/system';
    put('proc/cpuinfo', 'processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Xeon\n');
    put('proc/meminfo', 'MemTotal:       1000 kB\nMemFree: 3 kB\n');
    // A command line that looks like the file names the rules match: still only `cmdline`.
    put('proc/cmdline', 'BOOT_IMAGE=/x|y isolcpus=2-3 a:/cpu1/online:b\n');
    put('proc/loadavg', '0.10 0.20 0.30 1/2 3\n');
    put(`${S}/cpu/online`, '0-3\n');
    put(`${S}/cpu/isolated`, '2-3\n');
    for (const c of [0, 1, 2, 3]) {
      put(`${S}/cpu/cpu${c}/topology/core_id`, `${c % 2}\n`);
      put(`${S}/cpu/cpu${c}/topology/physical_package_id`, `${c >> 1}\n`);
      put(`${S}/cpu/cpu${c}/topology/thread_siblings_list`, `${c}\n`);
      put(`${S}/cpu/cpu${c}/cpufreq/scaling_governor`, c === 0 ? 'performance\n' : 'powersave\n');
    }
    put(`${S}/cpu/cpu1/topology/core_cpus_list`, '1,3\n'); // the newer file wins
    put(`${S}/cpu/vulnerabilities/spectre_v2`, 'Vulnerable: a/b: c\n');
    put(`${S}/node/online`, '0-1\n');
    for (const n of [0, 1]) {
      put(`${S}/node/node${n}/cpulist`, `${2 * n}-${2 * n + 1}\n`);
      put(`${S}/node/node${n}/distance`, n === 0 ? '10 20\n' : '20 10\n');
      put(`${S}/node/node${n}/meminfo`, `Node ${n} MemTotal:       50${n} kB\nNode ${n} MemFree: 1 kB\n`);
    }
    const r = await spawnCollect('dash', [FACTS_SCRIPT_PATH], { env: { FACTS_ROOT: root } });
    assert.is(r.code, 0, r.stderrTail);
    const lines = r.stdout.split('\n').filter((l) => l !== '' && !/^(uname|tool)\./.test(l));
    assert.equal(lines.sort(), [
      'cmdline=BOOT_IMAGE=/x|y isolcpus=2-3 a:/cpu1/online:b',
      'cpu.model=Xeon',
      'cpu.vendor=GenuineIntel',
      'cpu0.core=0', 'cpu0.governor=performance', 'cpu0.package=0', 'cpu0.siblings=0',
      'cpu1.core=1', 'cpu1.governor=powersave', 'cpu1.package=0', 'cpu1.siblings=1', 'cpu1.siblings=1,3',
      'cpu2.core=0', 'cpu2.governor=powersave', 'cpu2.package=1', 'cpu2.siblings=2',
      'cpu3.core=1', 'cpu3.governor=powersave', 'cpu3.package=1', 'cpu3.siblings=3',
      'cpufreq.governor=performance',
      'cpus.isolated=2-3',
      'cpus.online=0-3',
      'end=1',
      'format=metalbench-facts 1',
      'loadavg=0.10 0.20 0.30 1/2 3',
      'mem.total_kb=1000',
      'node0.cpulist=0-1', 'node0.distance=10 20', 'node0.mem_kb=500',
      'node1.cpulist=2-3', 'node1.distance=20 10', 'node1.mem_kb=501',
      'nodes.online=0-1',
      'vuln.spectre_v2=Vulnerable: a/b: c',
    ]);
    const f = parseFacts(r.stdout, 'fake x86 tree');
    assert.equal(f.governors.sort(), ['performance', 'powersave']);
    assert.is(f.memTotalKb, 1000);
    assert.is(f.load1, 0.1);
    assert.is(f.isolcpusArg, '2-3');
    assert.is(f.topology.nodes.length, 2);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('facts.sh has no bash-isms (dash -n, and no [[ or arrays)', async () => {
  const r = await spawnCollect('dash', ['-n', FACTS_SCRIPT_PATH]);
  assert.is(r.code, 0, r.stderrTail);
  const src = readFileSync(FACTS_SCRIPT_PATH, 'utf8');
  assert.not.match(src, /(^|\s)\[\[\s|\bfunction\b|\$\{[A-Za-z_]+\[|<<<|\blocal\b/);
});

test.run();
