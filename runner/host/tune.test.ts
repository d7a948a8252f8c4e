import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { LocalTransport } from '../transport/local.ts';
import { loadTuneState, parseTuneState, resetHost, saveTuneState, tuneHost } from './tune.ts';

const t = new LocalTransport();
let root = '';

function put(p: string, v: string): void {
  mkdirSync(dirname(join(root, p)), { recursive: true });
  writeFileSync(join(root, p), v);
}
const get = (p: string) => readFileSync(join(root, p), 'utf8');

/** A fake Intel host: 2 CPUs, intel_pstate, powersave, turbo on. */
function intelTree(): Record<string, string> {
  const files: Record<string, string> = {
    'sys/devices/system/cpu/intel_pstate/no_turbo': '0\n',
    'proc/sys/kernel/perf_event_max_sample_rate': '25000\n',
    'proc/sys/kernel/randomize_va_space': '2\n',
  };
  for (const c of [0, 1]) {
    const d = `sys/devices/system/cpu/cpu${c}/cpufreq`;
    files[`${d}/scaling_governor`] = 'powersave\n';
    files[`${d}/scaling_available_governors`] = 'performance powersave\n';
    files[`${d}/scaling_min_freq`] = '800000\n';
    files[`${d}/cpuinfo_max_freq`] = '3900000\n';
  }
  for (const [p, v] of Object.entries(files)) put(p, v);
  return files;
}

test.before.each(() => {
  root = mkdtempSync(join(tmpdir(), 'tune-root-'));
});
test.after.each(() => {
  rmSync(root, { recursive: true, force: true });
});

test('tune applies governor, min frequency, turbo and perf rate; reset restores every file exactly', async () => {
  const original = intelTree();
  const state = await tuneHost(t, { root });
  assert.is(get('sys/devices/system/cpu/cpu1/cpufreq/scaling_governor'), 'performance\n');
  assert.is(get('sys/devices/system/cpu/cpu0/cpufreq/scaling_min_freq'), '3900000\n');
  assert.is(get('sys/devices/system/cpu/intel_pstate/no_turbo'), '1\n');
  assert.is(get('proc/sys/kernel/perf_event_max_sample_rate'), '1\n');
  assert.equal(state.failed, []);
  assert.equal(state.notControllable, []);
  assert.is(state.changes.length, 6);
  // The governor goes first: setting it resets no_turbo.
  const order = state.changes.map((c) => c.path.slice(root.length));
  assert.ok(order.indexOf('/sys/devices/system/cpu/intel_pstate/no_turbo') > order.indexOf('/sys/devices/system/cpu/cpu1/cpufreq/scaling_governor'));
  assert.equal(state.changes[0], { path: `${root}/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor`, before: 'powersave', after: 'performance' });

  const file = join(root, 'state.json');
  saveTuneState(file, state);
  const problems = await resetHost(t, loadTuneState(file));
  assert.equal(problems, []);
  for (const [p, v] of Object.entries(original)) assert.is(get(p), v, p);
});

test('tuning an already tuned host changes nothing', async () => {
  intelTree();
  await tuneHost(t, { root });
  const again = await tuneHost(t, { root });
  assert.equal(again.changes, []);
});

test('AMD boost is turned off; a VM without cpufreq is recorded as not controllable', async () => {
  put('sys/devices/system/cpu/cpufreq/boost', '1\n');
  put('sys/devices/system/cpu/cpu0/cpufreq/scaling_governor', 'schedutil\n');
  const s = await tuneHost(t, { root });
  assert.is(get('sys/devices/system/cpu/cpufreq/boost'), '0\n');
  assert.equal(await resetHost(t, s), []);
  assert.is(get('sys/devices/system/cpu/cpufreq/boost'), '1\n');

  const vm = mkdtempSync(join(tmpdir(), 'tune-vm-'));
  try {
    const v = await tuneHost(t, { root: vm });
    assert.equal(v.changes, []);
    assert.match(v.notControllable.join('\n'), /no cpufreq/);
    assert.match(v.notControllable.join('\n'), /turbo: neither/);
  } finally {
    rmSync(vm, { recursive: true, force: true });
  }
});

test('a write the kernel refuses is reported and not recorded as a change', async () => {
  intelTree();
  rmSync(join(root, 'sys/devices/system/cpu/intel_pstate/no_turbo'));
  // /proc/version cannot be written, even by root.
  symlinkSync('/proc/version', join(root, 'sys/devices/system/cpu/intel_pstate/no_turbo'));
  const s = await tuneHost(t, { root });
  assert.is(s.failed.length, 1);
  assert.match(s.failed[0]!, /intel_pstate\/no_turbo: /);
  assert.not.ok(s.changes.some((c) => c.path.endsWith('no_turbo')));
  assert.equal(await resetHost(t, s), []);
  assert.is(get('sys/devices/system/cpu/cpu0/cpufreq/scaling_governor'), 'powersave\n');
});

test('bad state files and the wrong host are clear errors', async () => {
  assert.throws(() => parseTuneState('{', 'tune/a.json'), /tune\/a.json: not JSON/);
  assert.throws(() => parseTuneState('{"format":"x"}', 'f.json'), /f.json: format is "x"/);
  assert.throws(
    () => parseTuneState('{"format":"metalbench-tune 1","host":"a","root":"/","tunedAt":"t","changes":[{"path":"rel","before":"1","after":"0"}]}', 'f.json'),
    /f.json: changes\[0\] must be/,
  );
  const s = parseTuneState('{"format":"metalbench-tune 1","host":"other","root":"/","tunedAt":"t","changes":[]}', 'f.json');
  try {
    await resetHost(t, s);
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error).message, /tune state is for host other, not local/);
  }
  try {
    await tuneHost(t, { root: 'relative/dir' });
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error).message, /must be an absolute path/);
  }
});

test.run();
