// What the stat tests and the speed benchmark share: running the command in
// process, finding the real benchstat, benchstat's own test data, a seeded PRNG.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Writable } from 'node:stream';
import { statCommand } from './command.ts';

export const BENCHSTAT_VERSION = 'golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da';
export const GOLDEN = fileURLToPath(new URL('../fixtures/benchstat-golden/', import.meta.url));
export const TESTDATA = `${GOLDEN}cmd-benchstat-testdata/`;

class Sink extends Writable {
  private readonly chunks: Buffer[] = [];
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: () => void): void {
    this.chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    cb();
  }
  get bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

/** `metalbench stat ARGS` in this process, run in `cwd`; output as bytes (it may hold invalid UTF-8). */
export async function runStatBytes(args: string[], cwd: string): Promise<{ code: number; stdout: Buffer; stderr: Buffer }> {
  const stdout = new Sink();
  const stderr = new Sink();
  const code = await statCommand(args, { stdout, stderr, cwd });
  return { code, stdout: stdout.bytes, stderr: stderr.bytes };
}

/** `metalbench stat ARGS` in this process, run in `cwd`. */
export async function runStat(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const r = await runStatBytes(args, cwd);
  return { code: r.code, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}

/** The real benchstat, installed by scripts/install-test-deps.sh; throws with the install command when missing. */
export function benchstatPath(): string {
  let gopath = '';
  try {
    gopath = execFileSync('go', ['env', 'GOPATH'], { encoding: 'utf8' }).trim();
  } catch {
    /* reported below */
  }
  const p = join(gopath, 'bin', 'benchstat');
  if (!gopath || !existsSync(p)) throw new Error(`benchstat not found; install it with: go install ${BENCHSTAT_VERSION}`);
  return p;
}

// mulberry32 (results/paired/random.ts) seeds the generated inputs, so failures reproduce.
export { mulberry32 } from '../paired/random.ts';
