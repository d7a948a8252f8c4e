// Differential test: metalbench stat against the real benchstat on generated
// inputs. Each round writes a few files (1 to 5 columns, n from 1 to 60 per
// side, ties, all-equal samples, values from 0.3 ns to 100 s, custom and
// assume=exact units, benchmarks missing from some files, sub-benchmark
// names, configuration changes) and runs both tools with several flag sets
// (projections with one or more keys, tables, filters, sort orders, CSV).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchstatPath, mulberry32, runStat } from './test-harness.ts';

const ROUNDS = 150;

/** Magnitudes in ns: 0.3 ns to 100 s. */
const MAGNITUDES = [0.3, 0.85, 3, 45, 980, 12_000, 3.4e5, 3.4e6, 1e8, 2.5e9, 1e11];
const SIZES = ['1', '4', '64', '1Ki', '512', '2k', '1M'];
const MODES = ['json', 'gob', 'xml'];

/** A value as go test prints it, sometimes in other spellings benchstat reads. */
function fmtValue(x: number, r: () => number): string {
  if (r() < 0.03) return x.toExponential(3);
  if (x >= 1000) return String(Math.round(x));
  if (x >= 100) return x.toFixed(1);
  if (x >= 10) return x.toFixed(2);
  return x.toFixed(3);
}

interface Round {
  files: string[];
  texts: string[];
  hasSubs: boolean;
  hasProcs: boolean;
  hasNote: boolean;
}

/** One round's files: several columns of results, each benchmark with its own n, spread and ties. */
function generate(r: () => number, round: number): Round {
  const columns = [1, 2, 2, 2, 2, 3, 3, 4, 5][Math.floor(r() * 9)]!;
  const benches = 2 + Math.floor(r() * 9);
  const hasSubs = r() < 0.6;
  const hasProcs = r() < 0.7;
  const hasNote = r() < 0.3;
  const multiPkg = r() < 0.25;
  const exactUnit = r() < 0.5;
  const texts: string[][] = Array.from({ length: columns }, (_, c) => {
    const head = ['goos: linux', `goarch: ${r() < 0.1 && c > 0 ? 'arm64' : 'amd64'}`, `pkg: example.com/gen${round % 3}`];
    if (r() < 0.5) head.push('cpu: Example CPU @ 2.00GHz');
    if (hasNote) head.push(`note: ${['before', 'after', 'x y'][c % 3]}`);
    if (exactUnit) head.push('Unit text-bytes assume=exact');
    if (r() < 0.15) head.push('Unit frobs/op assume=exact');
    head.push('');
    return head;
  });
  const names: string[] = [];
  for (let b = 0; b < benches; b++) {
    let name = `Bench${String.fromCharCode(65 + ((b * 7) % 26))}${b}`;
    if (hasSubs) {
      if (r() < 0.8) name += `/size=${SIZES[Math.floor(r() * SIZES.length)]}`;
      if (r() < 0.4) name += `/mode=${MODES[Math.floor(r() * MODES.length)]}`;
      if (r() < 0.15) name += '/plain';
    }
    if (hasProcs) name += `-${[1, 4, 8][Math.floor(r() * 3)]}`;
    names.push(name);
  }
  for (let b = 0; b < benches; b++) {
    const mag = MAGNITUDES[Math.floor(r() * MAGNITUDES.length)]!;
    const kind = r();
    const extra = r();
    for (let c = 0; c < columns; c++) {
      if (columns > 1 && r() < 0.1) continue; // missing from this file
      const roll = r();
      const n = roll < 0.25 ? 1 + Math.floor(r() * 6) : roll < 0.4 ? 60 - Math.floor(r() * 12) : 1 + Math.floor(r() * 60);
      const shift = 1 + (r() - 0.5) * (r() < 0.5 ? 0.3 : 0.01);
      const allEqual = kind < 0.12;
      const spread = allEqual ? 0 : r() * 0.1;
      const tieGrid = !allEqual && kind < 0.4 ? mag * (r() < 0.5 ? 0.01 : 0.05) : 0;
      const lines = texts[c]!;
      if (multiPkg && b === Math.floor(benches / 2)) lines.push(`pkg: example.com/other${c % 2}`);
      for (let i = 0; i < n; i++) {
        let x = mag * shift * (1 + (r() - 0.5) * spread);
        if (tieGrid > 0) x = Math.max(tieGrid, Math.round(x / tieGrid) * tieGrid);
        let line = `Benchmark${names[b]} \t${1000 + i}\t${fmtValue(x, r)} ns/op`;
        if (extra > 0.3) line += `\t${Math.round(64 * shift)} B/op\t${allEqual ? 3 : Math.round(r() * 3)} allocs/op`;
        if (extra > 0.75) line += `\t${fmtValue((1e3 / x) * 1e3, r)} MB/s`;
        if (extra > 0.85) line += `\t${fmtValue(x * 2.5, r)} frobs/op\t${b % 2 === 0 ? 1000 + c * 10 : 1000 + (i % 2)} text-bytes`;
        if (extra < 0.05) line += `\t${fmtValue(x / 7, r)} ns/frob`;
        lines.push(line);
      }
    }
  }
  if (r() < 0.1) texts[0]!.push('BenchmarkBroken 10 abc ns/op');
  if (r() < 0.1) texts[0]!.push('PASS', 'ok  \texample.com/gen\t1.234s');
  return { files: texts.map((_, c) => `r${round}-c${c}.txt`), texts: texts.map((l) => `${l.join('\n')}\n`), hasSubs, hasProcs, hasNote };
}

/** The flag sets a round is run with: the default and a few drawn from a pool. */
function variants(r: () => number, g: Round): string[][] {
  const f = g.files;
  const out: string[][] = [f];
  const pool: string[][] = [
    ['-format', 'csv', ...f],
    ['-alpha', '0.01', '-confidence', '0.9', ...f],
    ['-confidence', '0.99', ...f],
    ['-row', '.name', ...f],
    ['-table', '', ...f],
    ['-table', 'goarch', ...f],
    ['-table', '.name', '-row', '.fullname', ...f],
    ['-table', 'pkg,goos', ...f],
    ['-filter', '.unit:(sec/op OR B/op)', ...f],
    ['-filter', '-.name:/A/', ...f],
    ['-filter', 'goarch:amd64 .unit:/op$/', ...f],
    ['-row', '.fullname@alpha', ...f],
    ['-ignore', '.file', ...f],
    [`L1=${f[0]}`, ...f.slice(1).map((x, i) => `L${i + 2}=${x}`)],
    [...f, f[0]!],
  ];
  if (g.hasSubs) {
    pool.push(
      ['-row', '.name', '-col', '/size', f[0]!],
      ['-col', '/size@num', '-row', '.name', ...f.slice(0, 1)],
      ['-row', '.name,/size', ...f],
      ['-row', '/size,.name', '-col', '.file', ...f],
      ['-col', '.file,/mode', '-row', '.name', ...f],
      ['-col', '/mode@(json gob)', '-row', '.name', '-ignore', '.file', ...f],
      ['-table', '/mode', '-row', '.name', ...f],
      ['-filter', '/size:(1 OR 64 OR 1Ki)', '-col', '/size', '-row', '.name', ...f],
      ['-format', 'csv', '-col', '.file,/size', '-row', '.name', ...f],
    );
  }
  if (g.hasProcs) pool.push(['-col', '/gomaxprocs', '-row', '.name', ...f], ['-row', '.name,/gomaxprocs@num', ...f]);
  if (g.hasNote) pool.push(['-col', 'note', ...f], ['-ignore', 'note', ...f], ['-table', 'note', '-col', '.file', ...f]);
  const k = 2 + Math.floor(r() * 3);
  for (let i = 0; i < k; i++) out.push(pool[Math.floor(r() * pool.length)]!);
  return out;
}

/**
 * Lines equal, or equal except one number's last printed digit: CSV prints
 * geomeans at full precision, computed with log and exp rounded as Go's amd64
 * versions; elsewhere Go uses other ones, so only there must every byte agree.
 */
function nearlyEqual(a: string, b: string): boolean {
  const fa = a.split(',');
  const fb = b.split(',');
  if (fa.length > 1 && fa.length === fb.length) {
    // CSV: full-precision geomeans may differ in the last bits (log/exp).
    return fa.every((x, i) => x === fb[i] || (x !== '' && Math.abs(Number(x) - Number(fb[i])) <= 1e-13 * Math.abs(Number(x))));
  }
  const ta = a.split(/(\d+)/);
  const tb = b.split(/(\d+)/);
  if (ta.length !== tb.length) return false;
  let diffs = 0;
  for (let i = 0; i < ta.length; i++) {
    if (ta[i] === tb[i]) continue;
    if (i % 2 === 0 || ta[i]!.length !== tb[i]!.length) return false;
    if (Math.abs(Number(ta[i]) - Number(tb[i])) > 1) return false;
    diffs++;
  }
  return diffs <= 1;
}

test('matches benchstat on several hundred generated inputs', async () => {
  const bin = benchstatPath();
  const dir = mkdtempSync(join(tmpdir(), 'stat-diff-'));
  const r = mulberry32(20261126);
  let inputs = 0;
  let lastDigit = 0;
  const failures: string[] = [];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const g = generate(r, round);
      g.files.forEach((name, i) => writeFileSync(join(dir, name), g.texts[i]!));
      for (const args of variants(r, g)) {
        const want = spawnSync(bin, args, { cwd: dir, encoding: 'utf8' });
        const { code, stdout: outText, stderr: errText } = await runStat(args, dir);
        inputs++;
        const what = args.join(' ');
        if (code !== want.status) failures.push(`${what}: exit ${code}, want ${want.status}`);
        if (errText !== want.stderr) failures.push(`${what}: stderr differs:\n${errText}\nwant\n${want.stderr}`);
        const wl = want.stdout.split('\n');
        const gl = outText.split('\n');
        if (wl.length !== gl.length) failures.push(`${what}: ${gl.length} lines, want ${wl.length}\n${outText}\nwant\n${want.stdout}`);
        else
          wl.forEach((w, i) => {
            if (w === gl[i]) return;
            if (nearlyEqual(w, gl[i]!)) lastDigit++;
            else failures.push(`${what} line ${i + 1}:\n  got  ${gl[i]}\n  want ${w}`);
          });
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`${inputs} generated inputs compared; ${lastDigit} lines differ only in one last printed digit`);
  assert.ok(inputs >= 500, `only ${inputs} inputs`);
  assert.equal(failures.slice(0, 6), []);
  if (process.arch === 'x64') assert.is(lastDigit, 0, 'on amd64 every byte must agree');
});

test.run();
