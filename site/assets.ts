/** The client files the pages load, copied from node_modules so a page needs no network. */
import { copyFileSync, existsSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { PAGE_JS, SITE_CSS } from './html.ts';

const require = createRequire(import.meta.url);

/** [package, file in the folder of its main entry (build/), name in assets/]. */
const BUNDLES: readonly (readonly [string, string, string])[] = [
  ['vega', 'vega.min.js', 'vega.min.js'],
  ['vega-lite', 'vega-lite.min.js', 'vega-lite.min.js'],
  ['vega-embed', 'vega-embed.min.js', 'vega-embed.min.js'],
];

/** The browser build of a package; its exports hide build/, so go through the main entry's folder. */
export function bundlePath(pkg: string, file: string): string {
  let entry: string;
  try {
    entry = require.resolve(pkg);
  } catch {
    throw new Error(`site: the npm package ${pkg} is not installed; run npm install`);
  }
  const path = join(dirname(entry), file);
  if (!existsSync(path)) throw new Error(`site: ${path} is missing from the installed ${pkg}; reinstall it (npm ci)`);
  return path;
}

export function writeAssets(assetsDir: string): void {
  for (const [pkg, file, name] of BUNDLES) copyFileSync(bundlePath(pkg, file), join(assetsDir, name));
  writeFileSync(join(assetsDir, 'page.js'), PAGE_JS);
  writeFileSync(join(assetsDir, 'site.css'), SITE_CSS);
}
