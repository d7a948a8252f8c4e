// For tests and figures: a throwaway git repository holding a copy of the
// calibration suite, with helpers to commit a change of its speed.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromPackageRoot } from '../package-root.ts';
import { writeTree } from '../test-support.ts';

export interface TestRepo {
  dir: string;
  spec: string;
  git(...args: string[]): string;
  /** Set calibration.Rounds (work per op; 1000 is the original) and commit; returns the commit id. */
  commitRounds(rounds: number, message?: string): string;
  /** Write files relative to the repository and commit them; returns the commit id. */
  commitFiles(files: Record<string, string>, message: string): string;
}

export function makeTestRepo(opts: { benchtime?: string; rounds?: number; bench?: string; extraSpec?: string } = {}): TestRepo {
  const dir = mkdtempSync(join(tmpdir(), 'metalbench-compare-repo-'));
  const src = fromPackageRoot('benchmarks/calibration');
  const files: Record<string, string> = { 'go.mod': 'module metalbench/benchmarks\n\ngo 1.24\n' };
  for (const f of readdirSync(src)) if (f.endsWith('.go')) files[`calibration/${f}`] = readFileSync(join(src, f), 'utf8');
  files['bench.yaml'] = [
    'name: compare-test',
    `benchtime: ${opts.benchtime ?? '20ms'}`,
    `rounds: ${opts.rounds ?? 6}`,
    'pin: 1',
    'timeout: 2m',
    ...(opts.extraSpec ? [opts.extraSpec] : []),
    'suites:',
    '  - name: calibration',
    '    package: ./calibration',
    `    bench: '${opts.bench ?? '^BenchmarkSpin$'}'`,
    '',
  ].join('\n');
  writeTree(dir, files);
  const git = (...args: string[]) =>
    execFileSync('git', args, {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' },
    }).trim();
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'calibration suite');
  const commitFiles = (f: Record<string, string>, message: string) => {
    writeTree(dir, f);
    git('add', '-A');
    git('commit', '-q', '-m', message);
    return git('rev-parse', 'HEAD');
  };
  const commitRounds = (rounds: number, message = `calibration: ${rounds} rounds per op`) => {
    const p = join(dir, 'calibration/calibration.go');
    const text = readFileSync(p, 'utf8').replace(/const Rounds = \d+/, `const Rounds = ${rounds}`);
    return commitFiles({ 'calibration/calibration.go': text }, message);
  };
  return { dir, spec: join(dir, 'bench.yaml'), git, commitRounds, commitFiles };
}

/** Make a file in the repository without committing it. */
export function touch(repo: TestRepo, path: string, text: string): void {
  writeFileSync(join(repo.dir, path), text);
}
