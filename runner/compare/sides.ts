/**
 * The two sides of a comparison as buildable things: each side's checkout
 * root, its suites (the spec's suites moved into that checkout), and its
 * build variant and run environment from the side overrides.
 */
import { join, relative } from 'node:path';
import type { Spec, SuiteSpec } from '../spec/spec.ts';
import { buildSuite, type BuildInput, type BuildTarget, type BuiltBinary } from '../build/build.ts';
import type { Side, SideOverrides } from './args.ts';

export interface SideSource {
  side: Side;
  /** The ref as given ("." for the working tree). */
  ref: string;
  /** Full commit id; for the working tree, a commit holding its tracked changes. */
  sha: string;
  /** Directory the side's sources are read from (a cached worktree, or the repository itself for "."). */
  root: string;
  worktree: boolean;
  overrides: SideOverrides;
}

/** The spec's suites, read from a side's checkout instead of the working tree. */
export function suitesOf(spec: Spec, repoRoot: string, side: SideSource): SuiteSpec[] {
  return spec.suites.map((s) => {
    const rel = relative(repoRoot, s.moduleDir);
    return { ...s, moduleDir: join(side.root, rel), env: { ...s.env, ...side.overrides.env } };
  });
}

/** The build of one suite on one side: its overrides become build flags and build environment. */
export function buildInput(suite: SuiteSpec, o: SideOverrides): BuildInput {
  const env = { ...o.env, ...(o.go ? { GOTOOLCHAIN: o.go } : {}) };
  return {
    name: suite.name,
    package: suite.package,
    moduleDir: suite.moduleDir,
    ...(suite.ldflags ? { ldflags: suite.ldflags } : {}),
    ...(Object.keys(env).length > 0 ? { buildEnv: env } : {}),
    ...(o.gcflags ? { gcflags: o.gcflags } : {}),
    ...(o.pgo ? { pgo: o.pgo } : {}),
  };
}

export type Binaries = Map<string, BuiltBinary>;
export const binaryKey = (side: Side, target: BuildTarget, suite: string) => `${side}\0${target.goos}/${target.goarch}\0${suite}`;

/**
 * Build every suite of both sides for every target; the first failure throws
 * a BuildError (the caller says which side and ref).
 */
export async function buildSides(
  spec: Spec,
  repoRoot: string,
  sides: Record<Side, SideSource>,
  targets: readonly BuildTarget[],
  cacheDir: string,
  onBuild: (what: string) => void,
): Promise<Binaries> {
  const out: Binaries = new Map();
  for (const side of ['base', 'head'] as const) {
    const src = sides[side];
    for (const target of targets) {
      for (const suite of suitesOf(spec, repoRoot, src)) {
        onBuild(`building ${side} (${src.ref}) ${suite.name} for ${target.goos}/${target.goarch}`);
        try {
          out.set(binaryKey(side, target, suite.name), await buildSuite(buildInput(suite, src.overrides), target, cacheDir));
        } catch (e) {
          (e as Error).message = `${side} ${src.ref === '.' ? '(the working tree)' : `${src.ref} (${src.sha.slice(0, 12)})`}: ${(e as Error).message}`;
          throw e;
        }
      }
    }
  }
  return out;
}
