import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cpSync, mkdtempSync, rmSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { buildSuite, BuildError, moduleTreeHash, sha256File } from './build.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'metalbench-build-'));
const cache = join(work, 'cache');
const moduleDir = join(work, 'calibration-module');
cpSync(join(here, '../../benchmarks/go.mod'), join(moduleDir, 'go.mod'));
cpSync(join(here, '../../benchmarks/calibration'), join(moduleDir, 'calibration'), { recursive: true });
const suite = { name: 'calibration', package: './calibration', moduleDir };
const native = { goos: process.platform === 'darwin' ? 'darwin' : 'linux', goarch: process.arch === 'arm64' ? 'arm64' : 'amd64' };

test('go test -c builds a runnable binary whose sha256 is recorded', async () => {
  const b = await buildSuite(suite, native, cache);
  assert.is(b.cached, false);
  assert.is(b.sha256, await sha256File(b.path));
  const r = spawnSync(b.path, ['-test.run=^$', '-test.bench=Spin', '-test.benchtime=3x'], { encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /^BenchmarkSpin/m);
});

test('an unchanged suite is not rebuilt; a changed source is', async () => {
  const again = await buildSuite(suite, native, cache);
  assert.is(again.cached, true);
  const before = await moduleTreeHash(moduleDir);
  appendFileSync(join(moduleDir, 'calibration/calibration.go'), '\n// changed\n');
  assert.is.not(await moduleTreeHash(moduleDir), before);
  const rebuilt = await buildSuite(suite, native, cache);
  assert.is(rebuilt.cached, false);
  assert.is.not(rebuilt.cacheKey, again.cacheKey);
});

test('build flags and target are part of the key; cross-compiling needs no target toolchain', async () => {
  const slower = await buildSuite({ ...suite, ldflags: '-X=metalbench/benchmarks/calibration.Factor=1.05' }, native, cache);
  const plain = await buildSuite(suite, native, cache);
  assert.is.not(slower.cacheKey, plain.cacheKey);
  const arm = await buildSuite(suite, { goos: 'linux', goarch: 'arm64' }, cache);
  assert.is(arm.goarch, 'arm64');
  assert.is.not(arm.cacheKey, plain.cacheKey);
  const file = spawnSync('od', ['-An', '-tx1', '-j18', '-N2', arm.path], { encoding: 'utf8' }).stdout.trim();
  assert.is(file, 'b7 00', 'ELF e_machine is EM_AARCH64');
});

test('gcflags and the build environment (GOAMD64, GOTOOLCHAIN) are part of the key; metalbench\'s own variables cannot be overridden', async () => {
  const plain = await buildSuite(suite, { goos: 'linux', goarch: 'amd64' }, cache);
  const noInline = await buildSuite({ ...suite, gcflags: '-l' }, { goos: 'linux', goarch: 'amd64' }, cache);
  assert.is.not(noInline.cacheKey, plain.cacheKey);
  const v3 = await buildSuite({ ...suite, buildEnv: { GOAMD64: 'v3' } }, { goos: 'linux', goarch: 'amd64' }, cache);
  assert.is.not(v3.cacheKey, plain.cacheKey);
  assert.is.not(v3.sha256, plain.sha256, 'GOAMD64 reached the compiler');
  const again = await buildSuite({ ...suite, buildEnv: { GOAMD64: 'v3' } }, { goos: 'linux', goarch: 'amd64' }, cache);
  assert.is(again.cached, true);
  try {
    await buildSuite({ ...suite, buildEnv: { GOARCH: 'arm64' } }, native, cache);
    assert.unreachable('GOARCH comes from the target');
  } catch (e) {
    assert.instance(e, BuildError);
    assert.match((e as Error).message, /may not set GOARCH/);
  }
});

test('a compile error carries the compiler output', async () => {
  try {
    await buildSuite({ name: 'broken', package: '.', moduleDir: join(here, 'fixtures/broken') }, native, cache);
    assert.unreachable('the build should fail');
  } catch (e) {
    assert.instance(e, BuildError);
    assert.match((e as BuildError).message, /broken_test\.go:7:\d+: undefined: undefinedFunction/);
  }
});

test.after(() => rmSync(work, { recursive: true, force: true }));
test.run();
