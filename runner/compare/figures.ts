/**
 * The compare figures, measured on this machine with real compares:
 *
 *   1. A/A false alarms, m = 1 (real): `compare --base X --head X` of the
 *      calibration suite's Spin, N times, each with its own confirmation.
 *   2. A/A false alarms, m = 20 and m = 100 (resampled): every real A/A
 *      session stored by 1 and 4 is handed to results/paired's simulation
 *      (resampledSource: rounds drawn with replacement, the same rounds for
 *      every benchmark of a session; falseAlarms: compare's rule with its
 *      confirmation, benchstat's α = 0.05 and asv's rule on the same draws).
 *   3. Power: Factor-injected compares (the calibration suite's Rounds
 *      constant scaled by the factor in a head commit), R rounds each, the
 *      fraction confirmed; 1.05 with the most trials, a curve 1.01–1.20.
 *   4. MDE per benchmark for the payload suites (pr.yaml's selection) from
 *      real A/A sessions of those suites, at R rounds.
 *
 * node --import tsx runner/compare/figures.ts [--aa 200] [--power 40]
 *   [--curve 10] [--payload-sessions 5] [--rounds 16] [--benchtime 20ms]
 *   [--payload-benchtime 10ms] [--resampled 2000] [--out DIR] [--db FILE]
 *
 * Writes DIR/figures.md and DIR/figures.json, and keeps DIR/figures.db
 * with every A/A session (--db adds to an existing one, so --aa 0
 * --payload-sessions 0 reruns only the power part) and DIR/power.db with the
 * power trials, whose δ is the 1 % threshold; the power the same trials have
 * with the floor the A/A sessions teach is computed from them afterwards.
 * The builds and worktrees go to a private cache.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { PassThrough } from 'node:stream';
import { main } from '../cli.ts';
import { Store } from '../../results/store/store.ts';
import { fromPackageRoot } from '../package-root.ts';
import { compareRows, confirmCandidates, minimumDetectableEffect, logRatioSd, hodgesLehmann, noiseFloor, type NoiseFloor, type PairedInput } from '../../results/paired/index.ts';
import { makeTestRepo } from './test-repo.ts';
import { falseAlarms, resampledSource, type AaSession } from '../../results/paired/simulate.ts';
import { rng as pairedRng } from '../../results/paired/random.ts';

/** One benchmark × unit of one stored A/A session: its rounds as (base, head) pairs. */
interface PoolEntry {
  benchmark: string;
  session: number;
  base: number[];
  head: number[];
}
import type { CompareDocument } from '../../results/paired/index.ts';

interface Options {
  aa: number;
  power: number;
  curve: number;
  payloadSessions: number;
  rounds: number;
  benchtime: string;
  payloadBenchtime: string;
  resampled: number;
  out: string;
  /** The A/A database (default OUT/figures.db); an existing one is added to, so runs can be split. */
  db?: string;
}

function options(argv: string[]): Options {
  const o: Options = { aa: 200, power: 40, curve: 10, payloadSessions: 5, rounds: 16, benchtime: '20ms', payloadBenchtime: '10ms', resampled: 2000, out: join(tmpdir(), 'metalbench-figures') };
  for (let i = 0; i < argv.length; i += 2) {
    const k = argv[i]!.replace(/^--/, '');
    const v = argv[i + 1];
    if (v === undefined) throw new Error(`--${k} needs a value`);
    const num = (x: string) => {
      if (!/^[0-9]+$/.test(x)) throw new Error(`--${k}: expected a whole number, got ${x}`);
      return Number(x);
    };
    switch (k) {
      case 'aa': o.aa = num(v); break;
      case 'power': o.power = num(v); break;
      case 'curve': o.curve = num(v); break;
      case 'payload-sessions': o.payloadSessions = num(v); break;
      case 'rounds': o.rounds = num(v); break;
      case 'resampled': o.resampled = num(v); break;
      case 'benchtime': o.benchtime = v; break;
      case 'payload-benchtime': o.payloadBenchtime = v; break;
      case 'out': o.out = resolve(v); break;
      case 'db': o.db = resolve(v); break;
      default: throw new Error(`unknown option --${k}`);
    }
  }
  return o;
}

const sink = () => {
  const s = new PassThrough();
  s.resume();
  return s;
};

/** One real compare, in process; returns its exit code and document. */
async function compare(args: string[], db: string, out: string): Promise<{ code: number; doc: CompareDocument }> {
  const json = join(out, 'last.json');
  const code = await main(['compare', ...args, '--db', db, '--json', json], { stdout: sink(), stderr: sink() });
  if (code === 2) throw new Error(`compare ${args.join(' ')} exited 2`);
  return { code, doc: JSON.parse(readFileSync(json, 'utf8')) as CompareDocument };
}

/** Every stored A/A screening session's rounds of one unit, one pool entry per benchmark × session. */
function poolOf(db: string, unit: string, specName?: string): PoolEntry[] {
  const store = new Store(db);
  try {
    const rows = store.db
      .prepare<[string, string | null, string | null], { run_id: number; benchmark: string; side: string; round: number; value: number }>(
        `SELECT s.run_id, b.name AS benchmark, j.side, j.round, s.value FROM samples s JOIN jobs j ON j.id = s.job_id
         JOIN benchmarks b ON b.id = s.benchmark_id JOIN compare_sessions cs ON cs.run_id = s.run_id JOIN runs r ON r.id = s.run_id
         WHERE cs.is_aa = 1 AND cs.role = 'screen' AND s.unit = ? AND (? IS NULL OR r.spec_name = ?) AND s.value > 0 ORDER BY s.run_id, b.name, j.round`,
      )
      .all(unit, specName ?? null, specName ?? null);
    const m = new Map<string, Map<number, { base?: number; head?: number }>>();
    for (const r of rows) {
      const k = `${r.run_id}\0${r.benchmark}`;
      const byRound = m.get(k) ?? new Map<number, { base?: number; head?: number }>();
      const slot = byRound.get(r.round) ?? {};
      slot[r.side as 'base' | 'head'] = r.value;
      byRound.set(r.round, slot);
      m.set(k, byRound);
    }
    const out: PoolEntry[] = [];
    for (const [k, byRound] of m) {
      const [session, benchmark] = k.split('\0') as [string, string];
      const pairs = [...byRound.values()].filter((s) => s.base && s.head);
      if (pairs.length >= 2) out.push({ session: Number(session), benchmark, base: pairs.map((p) => p.base!), head: pairs.map((p) => p.head!) });
    }
    return out;
  } finally {
    store.close();
  }
}

function spinFloor(db: string, rounds: number): NoiseFloor | undefined {
  const store = new Store(db);
  try {
    const est = store.db
      .prepare<[number], { estimate: number }>("SELECT estimate FROM compare_results WHERE is_aa = 1 AND role = 'screen' AND benchmark = 'Spin' AND unit = 'sec/op' AND rounds = ? AND estimate IS NOT NULL ORDER BY run_id DESC LIMIT 20")
      .all(rounds)
      .map((r) => r.estimate)
      .reverse();
    return noiseFloor(est);
  } finally {
    store.close();
  }
}

/** Per factor: how many power trials results/paired confirms when δ is the floor (screening and confirmation decided again). */
function powerWithFloor(db: string, floor: NoiseFloor): Record<string, { trials: number; confirmed: number }> {
  const store = new Store(db);
  try {
    const rounds = (runId: number): PairedInput => {
      const rows = store.db
        .prepare<[number], { side: string; round: number; value: number }>("SELECT j.side, j.round, s.value FROM samples s JOIN jobs j ON j.id = s.job_id WHERE s.run_id = ? AND s.unit = 'sec/op'")
        .all(runId);
      const n = Math.max(0, ...rows.map((r) => r.round + 1));
      const base = new Array<number | null>(n).fill(null);
      const head = new Array<number | null>(n).fill(null);
      for (const r of rows) (r.side === 'base' ? base : head)[r.round] = r.value;
      return { host: 'local', benchmark: 'Spin', unit: 'sec/op', base, head, floor };
    };
    const sessions = store.db.prepare<[], { run_id: number; role: string; parent_run_id: number | null; source: string }>('SELECT cs.run_id, cs.role, cs.parent_run_id, cs.head_sha AS source FROM compare_sessions cs ORDER BY cs.run_id').all();
    const out: Record<string, { trials: number; confirmed: number }> = {};
    for (const s of sessions.filter((x) => x.role === 'screen')) {
      const label = factorLabels.get(s.source) ?? '?';
      const row = compareRows([rounds(s.run_id)])[0]!;
      let ok = false;
      if (row.verdict === 'regression') {
        const conf = sessions.find((x) => x.role === 'confirm' && x.parent_run_id === s.run_id);
        if (conf) ok = confirmCandidates([{ candidate: row, confirmation: rounds(conf.run_id) }]).confirmed > 0;
      }
      const e = (out[label] ??= { trials: 0, confirmed: 0 });
      e.trials++;
      if (ok) e.confirmed++;
    }
    return out;
  } finally {
    store.close();
  }
}

/** Head commit → its factor, filled as the power trials make the commits. */
const factorLabels = new Map<string, string>();

/** The payload suites in a throwaway repository, with pr.yaml's selection at a short benchtime. */
function payloadCopy(o: Options): { dir: string; spec: string } {
  const dir = mkdtempSync(join(tmpdir(), 'metalbench-figures-payload-'));
  cpSync(fromPackageRoot('benchmarks'), dir, { recursive: true, filter: (src) => !src.endsWith('.yaml') && !src.endsWith('.json') });
  const spec = parseYaml(readFileSync(fromPackageRoot('benchmarks/pr.yaml'), 'utf8')) as Record<string, unknown>;
  spec.benchtime = o.payloadBenchtime;
  spec.rounds = o.rounds;
  spec.timeout = '5m';
  writeFileSync(join(dir, 'pr.yaml'), stringifyYaml(spec));
  const env = { ...process.env, GIT_AUTHOR_NAME: 'figures', GIT_AUTHOR_EMAIL: 'figures@example.com', GIT_COMMITTER_NAME: 'figures', GIT_COMMITTER_EMAIL: 'figures@example.com' };
  for (const args of [['init', '-q'], ['add', '-A'], ['commit', '-q', '-m', 'payload suites']]) execFileSync('git', args, { cwd: dir, env });
  return { dir, spec: join(dir, 'pr.yaml') };
}

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;

async function run(): Promise<void> {
  const o = options(process.argv.slice(2));
  mkdirSync(o.out, { recursive: true });
  process.env.METALBENCH_CACHE ??= join(o.out, 'cache');
  process.env.METALBENCH_LOCK_DIR ??= o.out;
  const db = o.db ?? join(o.out, 'figures.db');
  // Power trials go to their own database: δ there is the 1 % threshold, with no floor learned from the A/A runs.
  const powerDb = join(o.out, 'power.db');
  rmSync(powerDb, { force: true });
  rmSync(`${powerDb}-wal`, { force: true });
  rmSync(`${powerDb}-shm`, { force: true });
  const log = (s: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${s}\n`);
  const report: Record<string, unknown> = { options: o };
  const md: string[] = [`# compare figures (${new Date().toISOString().slice(0, 10)}, this machine)`, '', `Command: \`node --import tsx runner/compare/figures.ts ${process.argv.slice(2).join(' ')}\``, ''];

  // 1. Real A/A compares of the calibration suite.
  const repo = makeTestRepo({ benchtime: o.benchtime, rounds: o.rounds });
  const base = repo.git('rev-parse', 'HEAD');
  let aaConfirmed = 0;
  let aaScreened = 0;
  for (let i = 0; i < o.aa; i++) {
    const { code, doc } = await compare([repo.spec, '--base', base, '--head', base], db, o.out);
    if (doc.summary.confirmed > 0) aaConfirmed++;
    if (doc.summary.screened > 0) aaScreened++;
    if ((i + 1) % 20 === 0) log(`A/A ${i + 1}/${o.aa}: screened ${aaScreened}, confirmed ${aaConfirmed} (last exit ${code})`);
  }
  report.aaReal = { comparisons: o.aa, m: 1, screened: aaScreened, confirmed: aaConfirmed };

  // 3. Power: head commits with the work per op scaled by the factor.
  const factors = [1.01, 1.02, 1.03, 1.05, 1.1, 1.2];
  const power: Array<{ factor: number; trials: number; confirmed: number; medianChange: number }> = [];
  for (const f of factors) {
    const trials = f === 1.05 ? o.power : o.curve;
    if (trials === 0) continue;
    repo.git('checkout', '-q', base);
    const head = repo.commitRounds(Math.round(1000 * f), `factor ${f}`);
    factorLabels.set(head, String(f));
    let confirmed = 0;
    const changes: number[] = [];
    for (let t = 0; t < trials; t++) {
      const { doc } = await compare([repo.spec, '--base', base, '--head', head], powerDb, o.out);
      if (doc.summary.confirmed > 0) confirmed++;
      const row = doc.rows.find((r) => r.unit === 'sec/op');
      if (row && Number.isFinite(row.change)) changes.push(row.change * 100);
    }
    changes.sort((a, b) => a - b);
    power.push({ factor: f, trials, confirmed, medianChange: changes[Math.floor(changes.length / 2)] ?? NaN });
    log(`power at factor ${f}: ${confirmed}/${trials} confirmed`);
  }
  report.power = power;
  // The noise floor the A/A runs taught compare for this benchmark, and the power the same trials have with it.
  const floor = spinFloor(db, o.rounds);
  const withFloor = floor ? powerWithFloor(powerDb, floor) : undefined;
  report.floor = floor ?? null;
  report.powerWithFloor = withFloor ?? null;

  // 4. Payload suites: real A/A sessions, for the MDE table and the resampling pool.
  const payloadRepo = payloadCopy(o);
  for (let s = 0; s < o.payloadSessions; s++) {
    const code = await main(['calibrate', payloadRepo.spec, '--base', 'HEAD', '--db', db], { stdout: sink(), stderr: sink() });
    log(`payload A/A session ${s + 1}/${o.payloadSessions}: exit ${code}`);
  }
  const payload = poolOf(db, 'sec/op', 'pr');
  const byBench = new Map<string, PoolEntry[]>();
  for (const e of payload) byBench.set(e.benchmark, [...(byBench.get(e.benchmark) ?? []), e]);
  const family = byBench.size;
  const mde = [...byBench].map(([benchmark, es]) => {
    const d = es.flatMap((e) => e.base.map((b, i) => Math.log(e.head[i]! / b)));
    const sd = logRatioSd(d);
    const est = es.map((e) => hodgesLehmann(e.base.map((b, i) => Math.log(e.head[i]! / b))).estimate);
    const x = minimumDetectableEffect(o.rounds, { sd, delta: Math.log1p(0.01), testAlpha: 0.05 / family });
    return { benchmark, sessions: es.length, sdPct: sd * 100, mdePct: Number.isFinite(x) ? Math.expm1(x) * 100 : null, worstAaPct: Math.max(...est.map((e) => Math.abs(Math.expm1(e) * 100))) };
  });
  mde.sort((a, b) => a.benchmark.localeCompare(b.benchmark));
  report.mde = mde;

  // 2. Resampled many-benchmark A/A comparisons from every real A/A session (results/paired's simulation).
  const pool = poolOf(db, 'sec/op');
  const bySession = new Map<number, AaSession>();
  for (const e of pool) {
    const sess = bySession.get(e.session) ?? { benchmarks: [] };
    sess.benchmarks.push({ name: e.benchmark, base: e.base, head: e.head });
    bySession.set(e.session, sess);
  }
  const sessions = [...bySession.values()];
  writeFileSync(join(o.out, 'aa-sessions.json'), `${JSON.stringify(sessions)}\n`);
  const source = resampledSource(sessions);
  const resampled = [20, 100].map((m) => falseAlarms(source, pairedRng(1000 + m), { m, rounds: o.rounds, trials: o.resampled, seed: 1 }));
  report.resampled = { sessions: sessions.length, poolEntries: pool.length, results: resampled };

  md.push('## A/A false alarms');
  md.push('');
  md.push('| m benchmarks | comparisons | source | metalbench: ≥ 1 confirmed regression | screening alone | benchstat α = 0.05: ≥ 1 regression | asv (1.1 and p < 0.002) |');
  md.push('|---:|---:|---|---:|---:|---:|---:|');
  if (o.aa > 0) md.push(`| 1 | ${o.aa} | real compares (calibration Spin, R = ${o.rounds}) | ${aaConfirmed} (${pct(aaConfirmed / o.aa)}) | ${aaScreened} (${pct(aaScreened / o.aa)}) | – | – |`);
  for (const r of resampled) {
    const g = r.regression;
    md.push(`| ${r.m} | ${g.metalbench.trials} | resampled by round from ${sessions.length} real A/A sessions (${pool.length} benchmark sessions; results/paired resampledSource) | ${g.metalbench.count} (${pct(g.metalbench.rate)}) | ${g.metalbenchScreen.count} (${pct(g.metalbenchScreen.rate)}) | ${g.benchstat.count} (${pct(g.benchstat.rate)}) | ${g.asv.count} (${pct(g.asv.rate)}) |`);
  }
  md.push('');
  if (power.length > 0) {
    md.push(`## Power (calibration Spin, R = ${o.rounds}, δ = 1 %, confirmation on)`);
    md.push('');
    md.push('| factor | trials | confirmed | fraction | median Δ |');
    md.push('|---:|---:|---:|---:|---:|');
    for (const p of power) md.push(`| ${p.factor} | ${p.trials} | ${p.confirmed} | ${pct(p.confirmed / p.trials)} | ${p.medianChange.toFixed(2)} % |`);
    if (floor && withFloor) {
      md.push('');
      md.push(`With the noise floor the A/A runs above taught compare for Spin (95th percentile of |A/A estimate| over the last ${floor.sessions} sessions: ${(Math.expm1(floor.value) * 100).toFixed(2)} %), δ is that floor; the same trials, decided again with it:`);
      md.push('');
      md.push('| factor | trials | confirmed with δ = floor |');
      md.push('|---:|---:|---:|');
      for (const [f, r] of Object.entries(withFloor)) md.push(`| ${f} | ${r.trials} | ${r.confirmed} (${pct(r.confirmed / r.trials)}) |`);
    }
  }
  md.push('');
  md.push(`## MDE per benchmark (payload suites of pr.yaml, ${Math.max(0, ...mde.map((r) => r.sessions))} real A/A sessions, R = ${o.rounds}, per-test α = 0.05/${family}, 80 % power)`);
  md.push('');
  md.push('| benchmark | sessions | SD of ln(head/base) per round, ×100 | MDE | worst A/A \\|Δ\\| |');
  md.push('|---|---:|---:|---:|---:|');
  for (const r of mde) md.push(`| ${r.benchmark} | ${r.sessions} | ${r.sdPct.toFixed(2)} | ${r.mdePct === null ? '∞' : `${r.mdePct.toFixed(2)} %`} | ${r.worstAaPct.toFixed(2)} % |`);
  md.push('');
  writeFileSync(join(o.out, 'figures.md'), `${md.join('\n')}\n`);
  writeFileSync(join(o.out, 'figures.json'), `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`${md.join('\n')}\n`);
}

run().catch((e: unknown) => {
  process.stderr.write(`figures: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
