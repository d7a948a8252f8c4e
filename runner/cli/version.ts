// `metalbench --version`: the version in package.json, read only when asked.
import { readFileSync } from 'node:fs';
import { fromPackageRoot } from '../package-root.ts';

export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(fromPackageRoot('package.json'), 'utf8')) as { version?: unknown };
  return typeof pkg.version === 'string' ? pkg.version : 'unknown';
}
