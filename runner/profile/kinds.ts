/**
 * The kinds of profile metalbench captures, and how `--profile KINDS` is read.
 */
export const PROFILE_KINDS = ['cpu', 'alloc', 'block', 'mutex', 'gc'] as const;
export type ProfileKind = (typeof PROFILE_KINDS)[number];

export function isProfileKind(s: string): s is ProfileKind {
  return (PROFILE_KINDS as readonly string[]).includes(s);
}

/** "cpu,alloc" or "all" → kinds in canonical order; throws with the allowed values. */
export function parseProfileKinds(text: string): ProfileKind[] {
  const words = text.split(',').map((w) => w.trim()).filter((w) => w !== '');
  if (words.length === 1 && words[0] === 'all') return [...PROFILE_KINDS];
  const bad = words.filter((w) => !isProfileKind(w));
  if (words.length === 0 || bad.length > 0) {
    throw new Error(`--profile ${JSON.stringify(text)}: ${bad.length > 0 ? `unknown kind ${bad.map((b) => JSON.stringify(b)).join(', ')}` : 'no kind given'} (allowed: ${PROFILE_KINDS.join(', ')}, or all)`);
  }
  return canonicalKinds(words as ProfileKind[]);
}

export function canonicalKinds(kinds: Iterable<ProfileKind>): ProfileKind[] {
  const set = new Set(kinds);
  return PROFILE_KINDS.filter((k) => set.has(k));
}

/** A command's `--profile KINDS|none`: none → no profiles; the message names both extra words. */
export function parseProfileOption(text: string): ProfileKind[] {
  if (text === 'none') return [];
  try {
    return parseProfileKinds(text);
  } catch (e) {
    throw new Error((e as Error).message.replace(/, or all\)$/, ', all or none)'));
  }
}
