/**
 * The build state, stored in the site folder (so it is swapped in with the
 * site): what was built from what. `watermark` is the largest summary id the
 * site includes; a later build rewrites only what summaries above it touch.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SeriesRow } from './rows.ts';

export const STATE_FILE = '.metalbench-site';
/** Bump when the output format changes: an older state then means a full build. */
export const GENERATOR_VERSION = 5;

export interface PageState {
  benchmarkId: number;
  pkg: string | null;
  name: string;
  /** Months ("YYYY-MM") with a data file, ascending. */
  months: string[];
  /** In display order: unit, host, trigger. */
  series: SeriesRow[];
}

export interface SiteState {
  format: number;
  /** Generator version, configuration and history trigger: when it differs, rebuild everything. */
  inputs: string;
  watermark: number;
  /** Host labels in colour order: a host keeps its colour on every page and across builds. */
  hosts: string[];
  /** By page base name. */
  pages: Record<string, PageState>;
  /** The commits the cross-architecture page offers, newest first, and the runs each data file was built from. */
  arch?: { key: string; runs: number[] }[];
}

export function emptyState(inputs: string): SiteState {
  return { format: GENERATOR_VERSION, inputs, watermark: 0, hosts: [], pages: {} };
}

/** The state of the site in `dir`, or null when there is none this version can build on. */
export function readState(dir: string): SiteState | null {
  const path = join(dir, STATE_FILE);
  if (!existsSync(path)) return null;
  try {
    const s = JSON.parse(readFileSync(path, 'utf8')) as SiteState;
    return s.format === GENERATOR_VERSION && typeof s.watermark === 'number' && s.pages ? s : null;
  } catch {
    return null;
  }
}

export function isSiteFolder(dir: string): boolean {
  return existsSync(join(dir, STATE_FILE));
}
