/** The client files every page loads, copied from site/client so a page needs no network. */
import { copyFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { fromPackageRoot } from '../runner/package-root.ts';

export const CLIENT_FILES = ['common.js', 'chart.js', 'front.js', 'arch.js', 'site.css'] as const;

export function writeAssets(assetsDir: string): void {
  for (const f of CLIENT_FILES) {
    const to = join(assetsDir, f);
    // Copy then rename: the old file may be a hard link shared with the live site, which must not change.
    copyFileSync(fromPackageRoot(`site/client/${f}`), `${to}.tmp`);
    renameSync(`${to}.tmp`, to);
  }
}
