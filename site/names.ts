/**
 * File names for benchmark pages. Benchmark names and packages are arbitrary
 * text, so the name is a readable slug plus a hash of the exact pair: safe on
 * any file system, and two benchmarks never share a page.
 */
import { createHash } from 'node:crypto';

const MAX_SLUG = 60;

export function slugify(text: string): string {
  const slug = text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, MAX_SLUG)
    .replace(/-+$/, '');
  return slug || 'benchmark';
}

/** The base name (no extension) of a benchmark's page and its data files. */
export function pageBaseName(pkg: string | null, name: string): string {
  const hash = createHash('sha256')
    .update(pkg === null ? '\u0001' : `\u0000${pkg}`)
    .update('\u0000')
    .update(name)
    .digest('hex')
    .slice(0, 10);
  const lastPkgPart = pkg === null ? '' : (pkg.split('/').pop() ?? '');
  return `${slugify(lastPkgPart ? `${lastPkgPart}-${name}` : name)}-${hash}`;
}

/** The index's anchor for a package's section. */
export function packageAnchor(pkg: string | null): string {
  const hash = createHash('sha256')
    .update(pkg === null ? '\u0001' : `\u0000${pkg}`)
    .digest('hex')
    .slice(0, 10);
  return `pkg-${hash}`;
}

/** The file name (no extension) of a host's page. */
export function hostSlug(host: string): string {
  const hash = createHash('sha256').update(host).digest('hex').slice(0, 8);
  return `${slugify(host)}-${hash}`;
}
