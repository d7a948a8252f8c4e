/**
 * The site configuration (`site.yaml`): the title, where the site is
 * published and how a revision links to its commit. Validated against
 * site/site.schema.json with positioned errors, as specs are.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fromPackageRoot } from '../runner/package-root.ts';
import { compileSchema, parseYaml, schemaProblems, ValidationError } from '../runner/spec/validate.ts';

export interface SiteConfig {
  title: string;
  /** Where the site is published, ending in "/", or null. */
  baseUrl: string | null;
  /** URL template with {rev}, or null when revisions are not linked. */
  commitUrl: string | null;
  /** How many of the latest history revisions the cross-architecture page offers (default DEFAULT_ARCH_REVISIONS). */
  archRevisions?: number;
}

export const DEFAULT_TITLE = 'metalbench performance';
export const DEFAULT_ARCH_REVISIONS = 30;
export const DEFAULT_SITE_CONFIG = 'site.yaml';
export const SITE_SCHEMA_PATH = fromPackageRoot('site/site.schema.json');

let validator: ReturnType<typeof compileSchema> | undefined;

export function parseSiteConfig(text: string, file: string): SiteConfig {
  const parsed = parseYaml(text, file);
  if (parsed.value === null || parsed.value === undefined) return defaultSiteConfig();
  validator ??= compileSchema(JSON.parse(readFileSync(SITE_SCHEMA_PATH, 'utf8')) as object);
  const problems = schemaProblems(validator, parsed);
  if (problems.length > 0) throw new ValidationError(problems);
  const raw = parsed.value as { title?: string; base_url?: string; commit_url?: string; arch_revisions?: number };
  return {
    title: raw.title ?? DEFAULT_TITLE,
    baseUrl: raw.base_url === undefined ? null : raw.base_url.endsWith('/') ? raw.base_url : `${raw.base_url}/`,
    commitUrl: raw.commit_url ?? null,
    archRevisions: raw.arch_revisions ?? DEFAULT_ARCH_REVISIONS,
  };
}

export function defaultSiteConfig(): SiteConfig {
  return { title: DEFAULT_TITLE, baseUrl: null, commitUrl: null, archRevisions: DEFAULT_ARCH_REVISIONS };
}

/** Load PATH; a missing file is an error only when the path was given explicitly. */
export function loadSiteConfig(path: string, explicit: boolean): SiteConfig {
  if (!existsSync(path)) {
    if (explicit) throw new Error(`${path}: no site configuration here; create it (see site/site.example.yaml) or leave out --config`);
    return defaultSiteConfig();
  }
  return parseSiteConfig(readFileSync(path, 'utf8'), path);
}

/** The link to a revision's commit, or null when there is no template or no revision. */
export function commitLink(config: SiteConfig, revision: string | null): string | null {
  if (config.commitUrl === null || !revision) return null;
  return config.commitUrl.split('{rev}').join(encodeURIComponent(revision));
}
