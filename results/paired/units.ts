// What a unit says about its values: which direction is better (so that
// "regression" always means worse) and whether its values are exact counts
// judged by equality. The benchfmt Unit metadata ("Unit B/s better=higher",
// "Unit text-bytes assume=exact"), keyed by the tidied unit, wins over the
// defaults.

export type Better = 'lower' | 'higher';

/** Unit metadata for one tidied unit: key → value (e.g. better → higher). */
export type UnitMetadata = Readonly<Record<string, string>>;

/**
 * Units exact by nature unless the metadata says otherwise: allocations per
 * operation are whole counts that code changes move in steps. B/op is left to
 * the paired analysis (equal values give d = 0 and "no change" there) unless a
 * Unit line declares it exact.
 */
const EXACT_BY_NATURE = new Set(['allocs/op']);

/**
 * Better direction: the `better` metadata if given; else higher for rates
 * (a unit ending in "/s" or "/sec", e.g. B/s from MB/s, ops/s), lower otherwise
 * (sec/op, B/op, allocs/op and custom costs).
 */
export function betterDirection(unit: string, meta: UnitMetadata = {}): Better {
  const b = meta.better;
  if (b === 'higher' || b === 'lower') return b;
  return /\/(s|sec)$/.test(unit) ? 'higher' : 'lower';
}

/** Whether the unit is judged by equality: `assume=exact`, or allocs/op unless `assume` says otherwise. */
export function isExactUnit(unit: string, meta: UnitMetadata = {}): boolean {
  const a = meta.assume;
  if (a !== undefined) return a === 'exact';
  return EXACT_BY_NATURE.has(unit);
}

/** The log ratio oriented so that positive means worse. */
export function worseSign(better: Better): 1 | -1 {
  return better === 'lower' ? 1 : -1;
}
