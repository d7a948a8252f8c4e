/**
 * Unit tidying as benchstat does it on read: pre-scaled units become base
 * units ("ns" → "sec", "MB" → "B") so every statistic sees one scale.
 */

export interface TidyUnit {
  unit: string;
  factor: number;
}

const cache = new Map<string, TidyUnit>();

export function tidyUnit(unit: string): TidyUnit {
  // Fast paths for the units the testing package prints.
  switch (unit) {
    case 'ns/op':
      return { unit: 'sec/op', factor: 1e-9 };
    case 'MB/s':
      return { unit: 'B/s', factor: 1e6 };
    case 'B/op':
    case 'allocs/op':
      return { unit, factor: 1 };
  }
  if (!unit.includes('ns') && !unit.includes('MB')) return { unit, factor: 1 };
  let hit = cache.get(unit);
  if (!hit) {
    hit = tidyUncached(unit);
    cache.set(unit, hit);
  }
  return hit;
}

/**
 * Tokens are separated by "*", "/", "-" and whitespace; after a "/" tokens
 * are in the denominator until the next "*", and only numerator tokens change.
 */
function tidyUncached(unit: string): TidyUnit {
  let factor = 1;
  let out = '';
  let denom = false;
  let i = 0;
  while (i < unit.length) {
    const c = unit[i]!;
    if (c === '*' || c === '/' || c === '-' || /\s/.test(c)) {
      if (c === '/') denom = true;
      else if (c === '*') denom = false;
      out += c;
      i++;
      continue;
    }
    let j = i;
    while (j < unit.length && !'*/-'.includes(unit[j]!) && !/\s/.test(unit[j]!)) j++;
    const tok = unit.slice(i, j);
    if (!denom && tok === 'ns') {
      out += 'sec';
      factor /= 1e9;
    } else if (!denom && tok === 'MB') {
      out += 'B';
      factor *= 1e6;
    } else {
      out += tok;
    }
    i = j;
  }
  return { unit: out, factor };
}
