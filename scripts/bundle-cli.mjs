// The CLI as a few files instead of some hundred: Node 20 has no compile
// cache, and resolving and linking every module of the graph on each start
// cost about 20 ms of a run's fixed start-up. tsc still type-checks and emits
// dist/ (benches and tests use it); this bundles tsc's output for bin/.
// Native and optional-native packages stay outside the bundle.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = `${root}dist/cli`;
rmSync(outdir, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: ['dist/runner/cli.js'],
  outdir,
  bundle: true,
  // Commands load their modules on first use; splitting keeps that lazy.
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['better-sqlite3', 'ssh2', 'cpu-features'],
  // Bundled CommonJS packages call require() for Node's own modules.
  banner: { js: "import { createRequire as metalbenchRequire } from 'node:module'; const require = metalbenchRequire(import.meta.url);" },
  logLevel: 'warning',
});
