/**
 * The new site is written beside the old one and swapped in by renames, so a
 * crash or Ctrl-C never leaves a half-written site where the old one was:
 *
 *   OUT.building   the new site (a hard-linked copy of OUT for incremental builds)
 *   OUT.previous   the old site during the swap (two renames apart)
 *
 * A build first repairs what an interrupted one left: a missing OUT with an
 * OUT.previous is put back, a stale OUT.building is deleted.
 */
import { existsSync, linkSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export function stagingPaths(outDir: string): { building: string; previous: string; lock: string } {
  return { building: `${outDir}.building`, previous: `${outDir}.previous`, lock: `${outDir}.lock` };
}

/**
 * One build per site folder at a time: OUT.lock holds the builder's pid. A
 * lock left by a process that no longer exists (kill -9) is taken over.
 * Returns the release function.
 */
export function lockSite(outDir: string): () => void {
  const { lock } = stagingPaths(outDir);
  mkdirSync(dirname(lock), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
      return () => rmSync(lock, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number(readFileSync(lock, 'utf8'));
      if (Number.isInteger(pid) && pid > 0 && alive(pid)) {
        throw new Error(`${outDir}: another metalbench site (pid ${pid}) is building this folder; wait for it, or remove ${lock} if that process is not metalbench`);
      }
      rmSync(lock, { force: true });
    }
  }
  throw new Error(`${outDir}: cannot take ${lock}; remove it and build again`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Undo what an interrupted build left behind. */
export function recover(outDir: string): void {
  const { building, previous } = stagingPaths(outDir);
  if (!existsSync(outDir) && existsSync(previous)) renameSync(previous, outDir);
  rmSync(building, { recursive: true, force: true });
  rmSync(previous, { recursive: true, force: true });
}

/** A fresh staging folder: empty, or sharing every file of the current site by hard links. */
export function startStaging(outDir: string, copyCurrent: boolean): string {
  const { building } = stagingPaths(outDir);
  mkdirSync(dirname(building), { recursive: true });
  if (copyCurrent && existsSync(outDir)) linkTree(outDir, building);
  else mkdirSync(building, { recursive: true });
  return building;
}

function linkTree(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const e of readdirSync(from, { withFileTypes: true })) {
    const a = join(from, e.name);
    const b = join(to, e.name);
    if (e.isDirectory()) linkTree(a, b);
    else if (e.isFile()) linkSync(a, b);
  }
}

/**
 * Write a file in the staging folder. The old file may be a hard link shared
 * with the live site: unlink it first, so the live copy is never changed.
 */
export function stageFile(path: string, content: string, shared: boolean): void {
  if (shared) rmSync(path, { force: true });
  writeFileSync(path, content);
}

export function ensureDir(path: string): void {
  mkdirSync(path, { recursive: true });
}

/** Swap the staging folder in. Between the two renames OUT is missing; recover() repairs that. */
export function commitStaging(outDir: string): void {
  const { building, previous } = stagingPaths(outDir);
  const hadSite = existsSync(outDir);
  if (hadSite) renameSync(outDir, previous);
  renameSync(building, outDir);
  if (hadSite) rmSync(previous, { recursive: true, force: true });
}

/** Bytes of every file under a folder (for the build report). */
export function treeSize(dir: string): { files: number; bytes: number; largest: number } {
  let files = 0;
  let bytes = 0;
  let largest = 0;
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else {
        const s = statSync(p).size;
        files++;
        bytes += s;
        largest = Math.max(largest, s);
      }
    }
  };
  walk(dir);
  return { files, bytes, largest };
}
