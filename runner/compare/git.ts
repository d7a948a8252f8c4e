/**
 * The git side of a comparison: where the suites' repository is, which
 * commit a ref names, whether the working tree has uncommitted changes, and
 * a detached worktree per commit, cached under the metalbench cache so a
 * second comparison of the same commit checks nothing out again.
 *
 * git is driven through zx: every interpolated value is quoted as one
 * argument, and a failure carries git's own stderr.
 */
import { $ } from 'zx';
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

/** Bad input about the repository or a ref: exit 2, nothing stored. */
export class GitInputError extends Error {
  override name = 'GitInputError';
}

const git = (cwd: string) => $({ cwd, quiet: true, nothrow: true });

/** The top of the git repository holding dir, or a GitInputError naming dir. */
export async function repoRoot(dir: string): Promise<string> {
  if (!existsSync(dir)) throw new GitInputError(`${dir} does not exist`);
  const r = await git(dir)`git rev-parse --show-toplevel`;
  if (r.exitCode !== 0) {
    throw new GitInputError(`${dir} is not inside a git repository (${r.stderr.trim()}); compare checks out commits, so the suites' Go module must live in one (or name it with --repo DIR)`);
  }
  return r.stdout.trim();
}

/** The full commit id a ref names, or a GitInputError saying which ref is wrong. */
export async function resolveCommit(repo: string, ref: string, flag: string): Promise<string> {
  if (ref.startsWith('-')) throw new GitInputError(`${flag} ${JSON.stringify(ref)}: a ref cannot start with "-"`);
  const r = await git(repo)`git rev-parse --verify --quiet --end-of-options ${`${ref}^{commit}`}`;
  if (r.exitCode !== 0 || !/^[0-9a-f]{40,64}$/.test(r.stdout.trim())) {
    throw new GitInputError(`${flag} ${JSON.stringify(ref)}: not a commit in ${repo} (try a branch, a tag or a commit id, e.g. origin/main)`);
  }
  return r.stdout.trim();
}

/** Paths with uncommitted changes (tracked or untracked, ignored files excluded). */
export async function uncommittedChanges(repo: string): Promise<string[]> {
  const r = await git(repo)`git status --porcelain=v1 --untracked-files=normal`;
  if (r.exitCode !== 0) throw new GitInputError(`git status failed in ${repo}: ${r.stderr.trim()}`);
  return r.stdout.split('\n').filter((l) => l.trim() !== '').map((l) => l.slice(3));
}

/**
 * A commit object holding the working tree's tracked changes, so the
 * session records an id that names what head measured (HEAD when clean).
 * Nothing in the repository moves: no branch, index or stash entry changes.
 */
export async function workingTreeCommit(repo: string): Promise<string> {
  const r = await git(repo)`git stash create ${'metalbench compare: working tree'}`;
  if (r.exitCode !== 0) throw new GitInputError(`git stash create failed in ${repo}: ${r.stderr.trim()}`);
  return r.stdout.trim() || resolveCommit(repo, 'HEAD', '--head');
}

/**
 * A detached worktree of commit under cacheDir/worktrees/<commit>, made
 * once and reused. A directory left half-made by an interrupted checkout is
 * removed and made again.
 */
export async function worktreeFor(repo: string, commit: string, cacheDir: string): Promise<string> {
  const dir = join(cacheDir, 'worktrees', commit);
  if (existsSync(dir)) {
    const head = await git(dir)`git rev-parse --verify HEAD`;
    const status = await git(dir)`git status --porcelain=v1 --untracked-files=no`;
    if (head.exitCode === 0 && head.stdout.trim() === commit && status.exitCode === 0 && status.stdout.trim() === '') return dir;
    await rm(dir, { recursive: true, force: true });
  }
  await mkdir(join(cacheDir, 'worktrees'), { recursive: true });
  // A worktree whose directory vanished is still registered: forget it first.
  await git(repo)`git worktree prune`;
  const r = await git(repo)`git worktree add --detach --force ${dir} ${commit}`;
  if (r.exitCode !== 0) throw new Error(`git worktree add ${dir} ${commit} failed: ${r.stderr.trim()}`);
  return dir;
}
