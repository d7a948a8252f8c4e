/**
 * Opt-in host tuning for hosts where the user has root, in the spirit of
 * `pyperf system tune`: performance governor, minimum frequency at maximum,
 * turbo/boost off, perf sampling rate at its minimum, ASLR at its default.
 * Every change is recorded with the previous value, so reset restores it
 * exactly. All reads and writes go through Transport.exec, under `root`
 * (default "/"), so tests can run against a fake sysfs tree.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { Transport } from '../transport/transport.ts';

export interface TuneChange {
  /** Absolute path on the host. */
  path: string;
  /** Value before tuning (first line, as read). */
  before: string;
  /** Value written. */
  after: string;
}

export interface TuneState {
  format: 'metalbench-tune 1';
  host: string;
  root: string;
  tunedAt: string;
  /** Applied changes, in the order applied; reset restores them in this order. */
  changes: TuneChange[];
  /** Writes that failed (path: reason); nothing to restore for them. */
  failed: string[];
  /** Knobs the host does not have (VMs, cloud ARM): recorded as not controllable. */
  notControllable: string[];
}

// Prints "path<TAB>first line" for each readable knob under the root ($1).
const READ_SCRIPT = `R=$1
for f in "$R"/sys/devices/system/cpu/cpu[0-9]*/cpufreq/scaling_governor \\
  "$R"/sys/devices/system/cpu/cpu[0-9]*/cpufreq/scaling_available_governors \\
  "$R"/sys/devices/system/cpu/cpu[0-9]*/cpufreq/scaling_min_freq \\
  "$R"/sys/devices/system/cpu/cpu[0-9]*/cpufreq/cpuinfo_max_freq \\
  "$R"/sys/devices/system/cpu/intel_pstate/no_turbo \\
  "$R"/sys/devices/system/cpu/cpufreq/boost \\
  "$R"/proc/sys/kernel/perf_event_max_sample_rate \\
  "$R"/proc/sys/kernel/randomize_va_space; do
  [ -r "$f" ] && printf '%s\\t%s\\n' "$f" "$(head -n 1 "$f")"
done
exit 0`;

// Writes pairs (path, value) in order; prints "ok<TAB>path" or "fail<TAB>path<TAB>reason".
const WRITE_SCRIPT = `while [ $# -ge 2 ]; do
  if err=$( { printf '%s\\n' "$2" > "$1"; } 2>&1 ); then printf 'ok\\t%s\\n' "$1"
  else printf 'fail\\t%s\\t%s\\n' "$1" "$(printf '%s' "$err" | tr '\\n' ' ')"; fi
  shift 2
done
exit 0`;

async function readKnobs(t: Transport, root: string): Promise<Map<string, string>> {
  const r = await t.exec(['sh', '-c', READ_SCRIPT, 'sh', root], { timeoutMs: 20_000 });
  if (r.code !== 0) throw new Error(`host ${t.hostName}: reading tuning state failed (${r.code ?? r.signal}): ${r.stderrTail.trim()}`);
  const m = new Map<string, string>();
  for (const line of r.stdout.split('\n')) {
    const tab = line.indexOf('\t');
    if (tab > 0) m.set(line.slice(0, tab), line.slice(tab + 1));
  }
  return m;
}

async function writeKnobs(t: Transport, pairs: [string, string][]): Promise<{ ok: Set<string>; failed: string[] }> {
  const ok = new Set<string>();
  const failed: string[] = [];
  if (pairs.length === 0) return { ok, failed };
  const r = await t.exec(['sh', '-c', WRITE_SCRIPT, 'sh', ...pairs.flat()], { timeoutMs: 20_000 });
  if (r.code !== 0) throw new Error(`host ${t.hostName}: writing tuning values failed (${r.code ?? r.signal}): ${r.stderrTail.trim()}`);
  for (const line of r.stdout.split('\n')) {
    const [status, path, reason] = line.split('\t');
    if (status === 'ok' && path) ok.add(path);
    if (status === 'fail' && path) failed.push(`${path}: ${reason?.trim() || 'write failed'}${/denied|not permitted/i.test(reason ?? '') ? ' (needs root)' : ''}`);
  }
  return { ok, failed };
}

function checkRoot(root: string): string {
  if (!root.startsWith('/')) throw new Error(`tune: root "${root}" must be an absolute path`);
  return root === '/' ? '' : root.replace(/\/+$/, '');
}

/** The writes tuning wants, in order: governor first, since setting it resets no_turbo. */
export function plannedWrites(knobs: ReadonlyMap<string, string>, root: string): { writes: [string, string][]; notControllable: string[] } {
  const writes: [string, string][] = [];
  const notControllable: string[] = [];
  const cpuDirs = [...knobs.keys()]
    .map((p) => /^(.*\/cpu(\d+)\/cpufreq)\/scaling_governor$/.exec(p))
    .filter((m): m is RegExpExecArray => m !== null)
    .sort((a, b) => Number(a[2]) - Number(b[2]))
    .map((m) => m[1]!);
  if (cpuDirs.length === 0) notControllable.push('frequency: no cpufreq (VM or firmware-managed)');
  for (const d of cpuDirs) {
    const avail = knobs.get(`${d}/scaling_available_governors`);
    if (avail !== undefined && !avail.split(/\s+/).includes('performance')) {
      notControllable.push(`${d}/scaling_governor: no performance governor (available: ${avail})`);
    } else if (knobs.get(`${d}/scaling_governor`) !== 'performance') {
      writes.push([`${d}/scaling_governor`, 'performance']);
    }
  }
  for (const d of cpuDirs) {
    const max = knobs.get(`${d}/cpuinfo_max_freq`);
    const min = knobs.get(`${d}/scaling_min_freq`);
    if (max !== undefined && min !== undefined && min !== max) writes.push([`${d}/scaling_min_freq`, max]);
  }
  const noTurbo = `${root}/sys/devices/system/cpu/intel_pstate/no_turbo`;
  const boost = `${root}/sys/devices/system/cpu/cpufreq/boost`;
  if (knobs.has(noTurbo)) {
    if (knobs.get(noTurbo) !== '1') writes.push([noTurbo, '1']);
  } else if (knobs.has(boost)) {
    if (knobs.get(boost) !== '0') writes.push([boost, '0']);
  } else {
    notControllable.push('turbo: neither intel_pstate/no_turbo nor cpufreq/boost');
  }
  const perf = `${root}/proc/sys/kernel/perf_event_max_sample_rate`;
  if (knobs.has(perf) && knobs.get(perf) !== '1') writes.push([perf, '1']);
  // pyperf keeps ASLR at the kernel default (2) and relies on many processes.
  const aslr = `${root}/proc/sys/kernel/randomize_va_space`;
  if (knobs.has(aslr) && knobs.get(aslr) !== '2') writes.push([aslr, '2']);
  return { writes, notControllable };
}

/** Tune the host and return what changed; save the result with saveTuneState before running benchmarks. */
export async function tuneHost(t: Transport, opts: { root?: string; now?: Date } = {}): Promise<TuneState> {
  const rootText = opts.root ?? '/';
  const root = checkRoot(rootText);
  const knobs = await readKnobs(t, root);
  const { writes, notControllable } = plannedWrites(knobs, root);
  const { ok, failed } = await writeKnobs(t, writes);
  const changes = writes.filter(([p]) => ok.has(p)).map(([path, after]) => ({ path, before: knobs.get(path)!, after }));
  return { format: 'metalbench-tune 1', host: t.hostName, root: rootText, tunedAt: (opts.now ?? new Date()).toISOString(), changes, failed, notControllable };
}

/** Restore every recorded value, in the order applied; returns problems (empty when all restored). */
export async function resetHost(t: Transport, state: TuneState): Promise<string[]> {
  if (state.host !== t.hostName) throw new Error(`tune state is for host ${state.host}, not ${t.hostName}`);
  const pairs = state.changes.map((c): [string, string] => [c.path, c.before]);
  const { failed } = await writeKnobs(t, pairs);
  const after = await readKnobs(t, checkRoot(state.root));
  const problems = [...failed];
  for (const c of state.changes) {
    const now = after.get(c.path);
    if (now !== undefined && now !== c.before && !failed.some((f) => f.startsWith(`${c.path}:`))) {
      problems.push(`${c.path}: is ${now} after reset, was ${c.before} before tuning`);
    }
  }
  return problems;
}

/** Parse a saved state; `where` (usually the file name) is named in errors. */
export function parseTuneState(text: string, where: string): TuneState {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new Error(`${where}: not JSON (${(e as Error).message}); the tune state file is damaged, restore values by hand from its changes`);
  }
  const o = v as Partial<TuneState>;
  if (o?.format !== 'metalbench-tune 1') throw new Error(`${where}: format is ${JSON.stringify(o?.format)}, expected "metalbench-tune 1"`);
  if (typeof o.host !== 'string' || typeof o.root !== 'string' || typeof o.tunedAt !== 'string') throw new Error(`${where}: host, root and tunedAt must be strings`);
  if (!Array.isArray(o.changes)) throw new Error(`${where}: changes must be an array`);
  o.changes.forEach((c, i) => {
    if (typeof c?.path !== 'string' || typeof c.before !== 'string' || typeof c.after !== 'string' || !c.path.startsWith('/')) {
      throw new Error(`${where}: changes[${i}] must be {path: absolute path, before: string, after: string}`);
    }
  });
  return { format: o.format, host: o.host, root: o.root, tunedAt: o.tunedAt, changes: o.changes, failed: o.failed ?? [], notControllable: o.notControllable ?? [] };
}

export function saveTuneState(file: string, state: TuneState): void {
  // Write then rename, so a crash never leaves half a state file.
  writeFileSync(`${file}.tmp`, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
}

export function loadTuneState(file: string): TuneState {
  return parseTuneState(readFileSync(file, 'utf8'), file);
}
