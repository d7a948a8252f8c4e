/**
 * Files shipped beside the code (schemas, the facts script) are found from
 * the package root, whether this runs from source or from dist/.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return dir;
}

export const PACKAGE_ROOT = findRoot();

export function fromPackageRoot(rel: string): string {
  return join(PACKAGE_ROOT, rel);
}
