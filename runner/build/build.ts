/**
 * `go test -c` per suite package into a content-addressed cache. The key
 * covers the module's build inputs (Go sources, assembly, cgo files, go.mod,
 * go.sum, testdata), the Go version, GOOS/GOARCH and the build flags, so an
 * unchanged suite is never rebuilt and a changed one always is.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { spawnCollect } from '../transport/local.ts';
import type { SuiteSpec } from '../spec/spec.ts';

export interface BuildTarget {
  goos: string;
  goarch: string;
}

export interface BuiltBinary {
  cacheKey: string;
  path: string;
  sha256: string;
  goos: string;
  goarch: string;
  goVersion: string;
  /** True when the binary came from the cache. */
  cached: boolean;
}

export class BuildError extends Error {
  constructor(
    readonly suite: string,
    readonly output: string,
  ) {
    super(`build of suite ${suite} failed:\n${output.trimEnd()}`);
    this.name = 'BuildError';
  }
}

export function defaultCacheDir(): string {
  if (process.env.METALBENCH_CACHE) return process.env.METALBENCH_CACHE;
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'metalbench');
}

const BUILD_INPUT = /\.(go|s|c|h|cc|cpp|hh|hpp|syso)$|^go\.(mod|sum|work|work\.sum)$/;

type GoEnv = { GOVERSION: string; GOHOSTOS: string; GOHOSTARCH: string };
/** One `go env` per build environment: GOTOOLCHAIN changes the Go version. */
const goEnvs = new Map<string, Promise<GoEnv>>();

export function hostGoEnv(buildEnv: Readonly<Record<string, string>> = {}): Promise<GoEnv> {
  const key = JSON.stringify(Object.entries(buildEnv).sort());
  let p = goEnvs.get(key);
  if (!p) {
    p = spawnCollect('go', ['env', '-json', 'GOVERSION', 'GOHOSTOS', 'GOHOSTARCH'], { env: { ...buildEnv } }).then((r) => {
      if (r.code !== 0) throw new Error(`go env failed (is Go installed and on PATH?): ${r.stderrTail}`);
      return JSON.parse(r.stdout) as GoEnv;
    });
    goEnvs.set(key, p);
    p.catch(() => goEnvs.delete(key));
  }
  return p;
}

/** sha256 over the module's build inputs, by relative path. */
export async function moduleTreeHash(moduleDir: string): Promise<string> {
  const h = createHash('sha256');
  const walk = async (dir: string, inTestdata: boolean): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (e.name.startsWith('.') || e.name.startsWith('_')) continue;
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        await walk(p, inTestdata || e.name === 'testdata');
      } else if (e.isFile() && (inTestdata || BUILD_INPUT.test(e.name))) {
        h.update(relative(moduleDir, p).split(sep).join('/'));
        h.update('\0');
        h.update(await readFile(p));
        h.update('\0');
      }
    }
  };
  await walk(moduleDir, false);
  return h.digest('hex');
}

export function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(path)
      .on('data', (b) => h.update(b))
      .on('error', reject)
      .on('end', () => resolve(h.digest('hex')));
  });
}

/** What `go test -c` is given besides the package: all of it is part of the cache key. */
export interface BuildInput extends Pick<SuiteSpec, 'name' | 'package' | 'moduleDir' | 'ldflags'> {
  gcflags?: string;
  /** Extra build environment, e.g. GOTOOLCHAIN or GOAMD64. */
  buildEnv?: Readonly<Record<string, string>>;
}

/** Build variables metalbench sets itself; a caller may not override them. */
const RESERVED_BUILD_ENV = new Set(['GOOS', 'GOARCH', 'CGO_ENABLED', 'GOFLAGS']);

export async function buildSuite(
  suite: BuildInput,
  target: BuildTarget,
  cacheDir = defaultCacheDir(),
  /** Module tree hashes already computed in this build phase, by module directory. */
  treeHashes?: Map<string, Promise<string>>,
): Promise<BuiltBinary> {
  const buildEnv = suite.buildEnv ?? {};
  for (const k of Object.keys(buildEnv)) {
    if (RESERVED_BUILD_ENV.has(k)) throw new BuildError(suite.name, `build environment may not set ${k}: metalbench sets it from the host's target`);
  }
  const env = await hostGoEnv(buildEnv);
  let tree = treeHashes?.get(suite.moduleDir);
  if (!tree) {
    tree = moduleTreeHash(suite.moduleDir);
    treeHashes?.set(suite.moduleDir, tree);
  }
  const key: Record<string, unknown> = {
    tree: await tree,
    go: env.GOVERSION,
    goos: target.goos,
    goarch: target.goarch,
    pkg: suite.package,
    ldflags: suite.ldflags ?? '',
    cgo: '0',
  };
  // Only present when used, so existing cache entries keep their keys.
  if (suite.gcflags) key.gcflags = suite.gcflags;
  if (Object.keys(buildEnv).length > 0) key.env = Object.fromEntries(Object.entries(buildEnv).sort());
  const cacheKey = createHash('sha256').update(JSON.stringify(key)).digest('hex');
  const dir = join(cacheDir, 'builds', cacheKey);
  const binName = `${suite.package.replace(/^\.\/?/, '').replace(/\//g, '_') || 'root'}.test`;
  const path = join(dir, binName);
  const shaPath = `${path}.sha256`;
  const base = { cacheKey, path, goos: target.goos, goarch: target.goarch, goVersion: env.GOVERSION };
  try {
    await stat(path);
    const sha256 = (await readFile(shaPath, 'utf8')).trim();
    if (/^[0-9a-f]{64}$/.test(sha256)) return { ...base, sha256, cached: true };
  } catch {
    // not cached yet
  }
  await mkdir(dir, { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  const args = ['test', '-c', '-o', tmp];
  if (suite.ldflags) args.push(`-ldflags=${suite.ldflags}`);
  if (suite.gcflags) args.push(`-gcflags=${suite.gcflags}`);
  args.push(suite.package);
  // CGO off: the binary is shipped to hosts that may lack the C libraries.
  const r = await spawnCollect('go', args, {
    cwd: suite.moduleDir,
    env: { ...buildEnv, GOOS: target.goos, GOARCH: target.goarch, CGO_ENABLED: '0', GOFLAGS: process.env.GOFLAGS ?? '' },
  });
  if (r.code !== 0) {
    await rm(tmp, { force: true });
    throw new BuildError(suite.name, `${r.stdout}${r.stderrTail}` || `go test -c exited with ${r.code ?? r.signal}`);
  }
  try {
    await stat(tmp);
  } catch {
    // go test -c writes nothing for a package without tests.
    throw new BuildError(suite.name, `go test -c produced no binary: package ${suite.package} has no test files`);
  }
  const sha256 = await sha256File(tmp);
  await rename(tmp, path);
  await writeFile(shaPath, `${sha256}\n`);
  return { ...base, sha256, cached: false };
}
