/**
 * The build phase: every (suite, target, overrides) a command needs,
 * compiled through the content-addressed cache before any run is recorded,
 * so a compile error is bad input that leaves nothing half-made behind.
 * Later phases take the binaries from the returned set.
 */
import { buildSuite, BuildError, hostGoEnv, moduleTreeHash, type BuildInput, type BuildTarget, type BuiltBinary } from '../build/build.ts';
import type { SuiteSpec } from '../spec/spec.ts';
import { EXIT_BAD_INPUT, RunStop } from './stop.ts';

/** What a caller may change about how a suite is built (compare builds base and head). */
export interface BuildOverrides {
  /** Another checkout of the module (e.g. the base revision's worktree). */
  moduleDir?: string;
  ldflags?: string;
  gcflags?: string;
  /** Build environment such as GOTOOLCHAIN or GOAMD64. */
  env?: Readonly<Record<string, string>>;
}

export interface BuildRequest {
  suite: SuiteSpec;
  target: BuildTarget;
  overrides?: BuildOverrides;
}

export class BuildSet {
  private readonly built = new Map<string, BuiltBinary>();

  static key(r: BuildRequest): string {
    const o = r.overrides ?? {};
    const env = Object.entries(o.env ?? {}).sort();
    return JSON.stringify([r.target.goos, r.target.goarch, r.suite.name, o.moduleDir ?? '', o.ldflags ?? '', o.gcflags ?? '', env]);
  }

  set(r: BuildRequest, b: BuiltBinary): void {
    this.built.set(BuildSet.key(r), b);
  }

  has(r: BuildRequest): boolean {
    return this.built.has(BuildSet.key(r));
  }

  /** The binary built for a request; asking for one that was not built is a programming error. */
  get(r: BuildRequest): BuiltBinary {
    const b = this.built.get(BuildSet.key(r));
    if (!b) throw new Error(`internal: suite ${r.suite.name} was not built for ${r.target.goos}/${r.target.goarch}`);
    return b;
  }
}

/**
 * Start what every build needs — the Go version and the module trees'
 * hashes — while the hosts are being resolved; buildPhase takes the result.
 */
export function prefetchBuildInputs(suites: readonly SuiteSpec[], overrides: BuildOverrides = {}): Map<string, Promise<string>> {
  const trees = new Map<string, Promise<string>>();
  hostGoEnv(overrides.env).catch(() => undefined);
  for (const s of suites) {
    const dir = overrides.moduleDir ?? s.moduleDir;
    if (trees.has(dir)) continue;
    const p = moduleTreeHash(dir);
    // Failures surface in the build phase, where they are reported.
    p.catch(() => undefined);
    trees.set(dir, p);
  }
  return trees;
}

/** The suite as `go test -c` sees it once overrides are applied. */
export function buildInput(suite: SuiteSpec, o: BuildOverrides = {}): BuildInput {
  return {
    name: suite.name,
    package: suite.package,
    moduleDir: o.moduleDir ?? suite.moduleDir,
    ...(o.ldflags !== undefined ? { ldflags: o.ldflags } : suite.ldflags !== undefined ? { ldflags: suite.ldflags } : {}),
    ...(o.gcflags !== undefined ? { gcflags: o.gcflags } : {}),
    ...(o.env ? { buildEnv: o.env } : {}),
  };
}

/**
 * Build every request (duplicates once). A compile error stops the command
 * with exit 2 and the compiler's output.
 */
export async function buildPhase(
  requests: readonly BuildRequest[],
  show: (text: string) => void = () => undefined,
  /** Module tree hashes already under way (see prefetchBuildInputs). */
  trees = new Map<string, Promise<string>>(),
): Promise<BuildSet> {
  const set = new BuildSet();
  for (const r of requests) {
    if (set.has(r)) continue;
    show(`building ${r.suite.name} (${r.suite.package}) for ${r.target.goos}/${r.target.goarch}`);
    try {
      set.set(r, await buildSuite(buildInput(r.suite, r.overrides), r.target, undefined, trees));
    } catch (e) {
      if (e instanceof BuildError) throw new RunStop(EXIT_BAD_INPUT, [e.message, 'metalbench: nothing was run']);
      throw e;
    }
  }
  return set;
}
