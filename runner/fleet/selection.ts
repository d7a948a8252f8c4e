/**
 * Which hosts a spec's `hosts:` means. A string is always a host name, a list
 * is a list of names, and a mapping selects by tags (manual and derived):
 *
 *   hosts: {all: [numa>1], any: [arm, arch:arm64], not: [noisy]}
 *
 * A term is a tag (`bare-metal`, `arch:arm64`) or a numeric comparison on a
 * `key:N` tag (`numa>1`, `cpus>=16`). Tag selectors only consider inventory
 * hosts; the built-in `local` is chosen by name.
 */
export type HostSelector = string | string[] | { all?: string[]; any?: string[]; not?: string[] };

export interface HostWithTags {
  name: string;
  /** Manual and derived tags together. */
  tags: readonly string[];
  /** True for the built-in host `local`. */
  builtin?: boolean;
  /** The inventory entry, whose tags are the manual ones (probed hosts carry it). */
  entry?: { tags: readonly string[] };
}

/**
 * Tag selectors pick fleet hosts. The machine running metalbench joins only
 * when the inventory gives it manual tags (`local: {tags: …}`): a fleet
 * selector like {all: [arch:amd64]} must not quietly measure the orchestrator.
 */
export function joinsTagSelection(h: HostWithTags): boolean {
  return !h.builtin || (h.entry?.tags ?? h.tags).length > 0;
}

const TERM_PATTERN = '^([A-Za-z0-9][A-Za-z0-9._:/+-]*|[A-Za-z0-9][A-Za-z0-9._/+-]*(>=|<=|>|<|=)[0-9]+)$';
const TERM_HINT = 'a tag such as arm or arch:arm64, or a comparison such as numa>1';

/** JSON Schema for `hosts:`, to embed in the spec schema. */
export const hostSelectorSchema = {
  description: 'Where to run: a host name, a list of host names, or a tag selector {all, any, not}. Default: local.',
  oneOf: [
    { type: 'string', minLength: 1, maxLength: 128, description: 'a host name from the inventory, or local' },
    { type: 'array', minItems: 1, maxItems: 1024, uniqueItems: true, items: { type: 'string', minLength: 1, maxLength: 128 } },
    {
      type: 'object',
      additionalProperties: false,
      minProperties: 1,
      properties: {
        all: { type: 'array', minItems: 1, maxItems: 256, items: { type: 'string', maxLength: 128, pattern: TERM_PATTERN, description: TERM_HINT } },
        any: { type: 'array', minItems: 1, maxItems: 256, items: { type: 'string', maxLength: 128, pattern: TERM_PATTERN, description: TERM_HINT } },
        not: { type: 'array', minItems: 1, maxItems: 256, items: { type: 'string', maxLength: 128, pattern: TERM_PATTERN, description: TERM_HINT } },
      },
    },
  ],
} as const;

export class SelectionError extends Error {
  override name = 'SelectionError';
  /** The names or tags at fault (unknown names, tags no host has), for pointing at them in the spec. */
  constructor(
    message: string,
    readonly terms: readonly string[] = [],
  ) {
    super(message);
  }
}

/** True when the selector names hosts rather than tags (no facts needed to resolve it). */
export function selectsByName(selector: HostSelector): selector is string | string[] {
  return typeof selector === 'string' || Array.isArray(selector);
}

/**
 * The hosts the selector picks, in inventory order. Throws a SelectionError
 * for an unknown name or when a tag selector matches nothing.
 */
export function selectHosts<T extends HostWithTags>(selector: HostSelector, hosts: readonly T[]): T[] {
  if (selectsByName(selector)) {
    const names = typeof selector === 'string' ? [selector] : selector;
    const unknown = names.filter((n) => !hosts.some((h) => h.name === n));
    if (unknown.length > 0) {
      throw new SelectionError(
        `unknown host${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `"${n}"`).join(', ')}; known hosts: ${hosts.map((h) => h.name).join(', ')}` +
          ' (to select by tag write hosts: {all: [TAG]})',
        unknown,
      );
    }
    return hosts.filter((h) => names.includes(h.name));
  }
  const all = selector.all ?? [];
  const any = selector.any ?? [];
  const not = selector.not ?? [];
  const picked = hosts.filter(
    (h) =>
      joinsTagSelection(h) &&
      all.every((t) => termMatches(t, h.tags)) &&
      (any.length === 0 || any.some((t) => termMatches(t, h.tags))) &&
      !not.some((t) => termMatches(t, h.tags)),
  );
  if (picked.length === 0) {
    const seen = hosts.filter(joinsTagSelection).map((h) => `${h.name} [${h.tags.join(' ')}]`);
    const noHostHas = [...all, ...any].filter((t) => !hosts.some((h) => joinsTagSelection(h) && termMatches(t, h.tags)));
    throw new SelectionError(
      `${describeSelector(selector)} matches no host; hosts and their tags: ${seen.length ? seen.join('; ') : '(the inventory has no hosts; local joins tag selectors only when tagged under local: in the inventory)'}`,
      noHostHas,
    );
  }
  return picked;
}

export function describeSelector(selector: HostSelector): string {
  if (typeof selector === 'string') return selector;
  if (Array.isArray(selector)) return selector.join(', ');
  return (['all', 'any', 'not'] as const)
    .filter((k) => selector[k]?.length)
    .map((k) => `${k}: [${selector[k]!.join(', ')}]`)
    .join(' ');
}

/** Does one selector term hold for a host's tags? */
export function termMatches(term: string, tags: readonly string[]): boolean {
  const cmp = /^(.+?)(>=|<=|>|<|=)(\d+)$/.exec(term);
  if (!cmp) return tags.includes(term);
  const [, key, op, num] = cmp;
  const want = Number(num);
  return tags.some((t) => {
    if (!t.startsWith(`${key}:`)) return false;
    const v = t.slice(key!.length + 1);
    if (!/^\d+$/.test(v)) return false;
    const n = Number(v);
    switch (op) {
      case '>':
        return n > want;
      case '>=':
        return n >= want;
      case '<':
        return n < want;
      case '<=':
        return n <= want;
      default:
        return n === want;
    }
  });
}
