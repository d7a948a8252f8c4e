// Differential test: metalbench stat against the real benchstat on generated inputs.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { statCommand } from './command.ts';

const VERSION = 'golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da';

function benchstatPath(): string {
  let gopath = '';
  try {
    gopath = execFileSync('go', ['env', 'GOPATH'], { encoding: 'utf8' }).trim();
  } catch {
    /* reported below */
  }
  const p = join(gopath, 'bin', 'benchstat');
  if (!gopath || !existsSync(p)) throw new Error(`benchstat not found; install it with: go install ${VERSION}`);
  return p;
}

/** mulberry32: small seeded PRNG so failures reproduce. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: () => void): void {
    this.text += chunk.toString();
    cb();
  }
}

const MAGNITUDES = [0.3, 3, 45, 980, 12_000, 3.4e6, 1e8, 1e11];

/** Values as go test prints them: integers from 1µs up, decimals below. */
function fmtValue(x: number): string {
  if (x >= 1000) return String(Math.round(x));
  if (x >= 100) return x.toFixed(1);
  if (x >= 10) return x.toFixed(2);
  return x.toFixed(3);
}

interface Generated {
  files: string[][];
  benches: number;
}

/** Several columns of results; each benchmark gets its own n, spread and ties. */
function generate(r: () => number, columns: number, benches: number): Generated {
  const files: string[][] = Array.from({ length: columns }, () => ['goos: linux', 'goarch: amd64', 'pkg: example.com/gen', 'Unit text-bytes assume=exact', '']);
  for (let b = 0; b < benches; b++) {
    const mag = MAGNITUDES[Math.floor(r() * MAGNITUDES.length)]!;
    const kind = r();
    const name = kind < 0.3 ? `Bench${b}/size=${1 << Math.floor(r() * 12)}-8` : `Bench${b}-8`;
    for (let c = 0; c < columns; c++) {
      if (r() < 0.08) continue; // benchmark missing from this column
      const n = 1 + Math.floor(r() ** 2 * 60);
      const shift = 1 + (r() - 0.5) * (r() < 0.5 ? 0.2 : 0.01);
      const spread = r() < 0.15 ? 0 : r() * 0.08;
      const tieGrid = r() < 0.3 ? mag * 0.01 : 0;
      for (let i = 0; i < n; i++) {
        let x = mag * shift * (1 + (r() - 0.5) * spread);
        if (tieGrid > 0) x = Math.round(x / tieGrid) * tieGrid;
        let line = `Benchmark${name} 1000 ${fmtValue(x)} ns/op ${Math.round(64 * shift)} B/op`;
        if (kind > 0.85) line += ` ${Math.round(r() * 3)} allocs/op ${fmtValue(x * 3)} custom-things`;
        if (kind > 0.95) line += ` ${b % 2 === 0 ? 1000 + c * 10 : 1000 + (i % 2)} text-bytes`;
        files[c]!.push(line);
      }
    }
  }
  return { files, benches };
}

/** Lines equal, or equal except one number's last printed digit (geomeans, normal-path p). */
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

test('matches benchstat on generated inputs (text and CSV, 2-4 columns, projections)', async () => {
  const bin = benchstatPath();
  const dir = mkdtempSync(join(tmpdir(), 'stat-diff-'));
  const r = rng(20261123);
  let compared = 0;
  let lastDigit = 0;
  const failures: string[] = [];
  try {
    for (let round = 0; round < 60; round++) {
      const columns = round % 4 === 3 ? 3 + (round % 2) : 2;
      const g = generate(r, columns, 20);
      const names = g.files.map((lines, c) => {
        const n = `r${round}-c${c}.txt`;
        writeFileSync(join(dir, n), `${lines.join('\n')}\n`);
        return n;
      });
      const variants: string[][] = [names];
      if (round % 3 === 0) variants.push(['-format', 'csv', ...names]);
      if (round % 5 === 1) variants.push(['-row', '.name', '-col', '/size', names[0]!]);
      if (round % 7 === 2) variants.push(['-alpha', '0.01', '-confidence', '0.9', ...names]);
      for (const args of variants) {
        let want = '';
        let wantErr = '';
        try {
          want = execFileSync(bin, args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
        } catch (e) {
          const err = e as { stdout?: string; stderr?: string };
          want = err.stdout ?? '';
          wantErr = err.stderr ?? '';
        }
        const out = new Sink();
        const errOut = new Sink();
        await statCommand(args, { stdout: out, stderr: errOut, cwd: dir });
        compared += g.benches;
        const wl = want.split('\n');
        const gl = out.text.split('\n');
        if (wl.length !== gl.length) failures.push(`${args.join(' ')}: ${gl.length} lines, want ${wl.length}`);
        else
          wl.forEach((w, i) => {
            if (w === gl[i]) return;
            if (nearlyEqual(w, gl[i]!)) lastDigit++;
            else failures.push(`${args.join(' ')} line ${i + 1}:\n  got  ${gl[i]}\n  want ${w}`);
          });
        if (wantErr !== '' && errOut.text !== wantErr) failures.push(`${args.join(' ')}: stderr differs:\n${errOut.text}\nwant\n${wantErr}`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`compared ${compared} benchmark rows; ${lastDigit} lines differ only in the last printed digit`);
  assert.equal(failures.slice(0, 8), []);
});

test.run();
