// Differential test: metalbench stat against the real benchstat on 5,000
// generated cases (results/stat/diffgen.ts: a wide general generator and one
// family per class of input that once printed differently). Standard output,
// standard error and exit status must agree byte for byte. On a mismatch the
// case is shrunk (lines and flags dropped while it still differs) and written
// to a directory whose path the failure names, with a script to rerun it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchstatPath, mulberry32, runStatBytes } from './test-harness.ts';
import { FAMILY_NAMES, generateCase, type DiffCase } from './diffgen.ts';

const CASES = Number(process.env.METALBENCH_STAT_DIFF_CASES ?? 5000);
const SEED = Number(process.env.METALBENCH_STAT_DIFF_SEED ?? 20261130);
/** benchstat processes in flight while this process runs its side. */
const PARALLEL = 3;

interface Outcome {
  code: number;
  stdout: Buffer;
  stderr: Buffer;
}

function runBenchstat(bin: string, args: string[], cwd: string): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const p = spawn(bin, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    p.stdout.on('data', (c: Buffer) => out.push(c));
    p.stderr.on('data', (c: Buffer) => err.push(c));
    // benchstat never needs long for these inputs; a hang is a failure, not a wait.
    const timer = setTimeout(() => p.kill('SIGKILL'), 20_000);
    p.on('error', reject);
    p.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), stdout: Buffer.concat(out), stderr: Buffer.concat(err) });
    });
  });
}

/**
 * CSV prints geomeans at full precision, computed with log and exp rounded
 * as Go's amd64 assembly does; elsewhere Go's portable versions may differ in
 * the last bit, so only on amd64 must those fields agree exactly.
 */
function sameUpToLastBit(a: string, b: string): boolean {
  const la = a.split('\n');
  const lb = b.split('\n');
  if (la.length !== lb.length) return false;
  return la.every((x, i) => {
    const fa = x.split(',');
    const fb = lb[i]!.split(',');
    return fa.length === fb.length && fa.every((f, j) => f === fb[j] || (f !== '' && Math.abs(Number(f) - Number(fb[j])) <= 1e-13 * Math.abs(Number(f))));
  });
}

/** Why ours differs from benchstat's, or null when it does not. */
function difference(want: Outcome, got: Outcome): string | null {
  if (got.code !== want.code) return `exit status ${got.code}, benchstat ${want.code}`;
  const wantErr = want.stderr.toString('latin1');
  const gotErr = got.stderr.toString('latin1');
  // Flag usage prose is our own; its first line is benchstat's.
  const usage = /^(flag provided but not defined|invalid value|flag needs an argument|bad flag syntax)/.test(wantErr);
  if (usage ? wantErr.split('\n')[0] !== gotErr.split('\n')[0] : wantErr !== gotErr) return 'standard error differs';
  if (got.stdout.equals(want.stdout)) return null;
  if (process.arch !== 'x64' && sameUpToLastBit(want.stdout.toString(), got.stdout.toString())) return null;
  return 'standard output differs';
}

async function runBoth(bin: string, c: DiffCase, dir: string): Promise<{ want: Outcome; got: Outcome }> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const f of c.files) writeFileSync(join(dir, f.name), f.data);
  const theirs = runBenchstat(bin, c.args, dir);
  const got = await runStatBytes(c.args, dir);
  return { want: await theirs, got };
}

/** Drops file lines and flag pairs one at a time while the case still differs. */
async function shrink(bin: string, c: DiffCase, dir: string): Promise<DiffCase> {
  let best = c;
  let budget = 300;
  const differs = async (k: DiffCase) => {
    budget--;
    const { want, got } = await runBoth(bin, k, dir);
    return difference(want, got) !== null;
  };
  let progress = true;
  while (progress && budget > 0) {
    progress = false;
    for (let fi = 0; fi < best.files.length && budget > 0; fi++) {
      const lines = splitLines(best.files[fi]!.data);
      for (let li = lines.length - 1; li >= 0 && budget > 0; li--) {
        const cur = splitLines(best.files[fi]!.data);
        if (li >= cur.length) continue;
        const files = best.files.map((f, i) => (i === fi ? { name: f.name, data: Buffer.concat(cur.filter((_, j) => j !== li)) } : f));
        const k = { ...best, files };
        if (await differs(k)) {
          best = k;
          progress = true;
        }
      }
    }
    for (let ai = 0; ai + 1 < best.args.length && budget > 0; ai++) {
      if (!best.args[ai]!.startsWith('-')) continue;
      const k = { ...best, args: best.args.filter((_, j) => j !== ai && j !== ai + 1) };
      if (await differs(k)) {
        best = k;
        progress = true;
        ai--;
      }
    }
  }
  return best;
}

function splitLines(b: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let s = 0;
  for (let i = 0; i < b.length; i++) {
    if (b[i] === 10) {
      out.push(b.subarray(s, i + 1));
      s = i + 1;
    }
  }
  if (s < b.length) out.push(b.subarray(s));
  return out;
}

/** Writes the case, both outputs and a script that reruns it; returns the directory. */
function writeReproducer(c: DiffCase, want: Outcome, got: Outcome, why: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'metalbench-stat-repro-'));
  for (const f of c.files) writeFileSync(join(dir, f.name), f.data);
  const quoted = c.args.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  writeFileSync(join(dir, 'rerun.sh'), `#!/bin/sh\n# ${c.family}: ${why}\ncd "$(dirname "$0")"\nbenchstat ${quoted} >want.stdout 2>want.stderr; echo "benchstat: $?"\nmetalbench stat ${quoted} >got.stdout 2>got.stderr; echo "metalbench stat: $?"\ndiff want.stdout got.stdout && diff want.stderr got.stderr\n`, { mode: 0o755 });
  writeFileSync(join(dir, 'want.stdout'), want.stdout);
  writeFileSync(join(dir, 'want.stderr'), want.stderr);
  writeFileSync(join(dir, 'got.stdout'), got.stdout);
  writeFileSync(join(dir, 'got.stderr'), got.stderr);
  return dir;
}

test(`matches benchstat byte for byte on ${CASES} generated cases`, async () => {
  const bin = benchstatPath();
  const root = mkdtempSync(join(tmpdir(), 'stat-diff-'));
  const r = mulberry32(SEED);
  const cases = Array.from({ length: CASES }, () => generateCase(r));
  const perFamily = new Map<string, number>();
  const failures: Array<{ c: DiffCase; why: string }> = [];
  const t0 = Date.now();
  try {
    let next = 0;
    const worker = async (w: number) => {
      const dir = join(root, `w${w}`);
      while (next < cases.length) {
        const c = cases[next++]!;
        const { want, got } = await runBoth(bin, c, dir);
        perFamily.set(c.family, (perFamily.get(c.family) ?? 0) + 1);
        const why = difference(want, got);
        if (why !== null) failures.push({ c, why });
      }
    };
    await Promise.all(Array.from({ length: PARALLEL }, (_, w) => worker(w)));
    console.log(`${CASES} cases in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${[...perFamily].map(([f, n]) => `${f} ${n}`).join(', ')}`);
    for (const f of FAMILY_NAMES) assert.ok((perFamily.get(f) ?? 0) > 0, `family ${f} generated no case`);
    if (failures.length > 0) {
      const first = failures[0]!;
      const small = await shrink(bin, first.c, join(root, 'shrink'));
      const { want, got } = await runBoth(bin, small, join(root, 'shrink'));
      const repro = writeReproducer(small, want, got, difference(want, got) ?? first.why);
      const families = [...new Set(failures.map((f) => f.c.family))].join(', ');
      for (const f of failures.slice(0, 8)) console.error(`  ${f.c.family}: ${f.why}: ${f.c.args.join(' ')}`);
      assert.unreachable(`${failures.length} of ${CASES} cases differ from benchstat (families: ${families}); first (${first.c.family}, ${first.why}) shrunk and written to ${repro}`);
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test.run();
