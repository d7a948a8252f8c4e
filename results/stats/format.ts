// Exact decimal formatting (Go's strconv 'f' with round-half-to-even on the
// exact binary value) and benchstat's per-row scaler with SI/IEC prefixes.

import { decompose } from './float-bits.ts';

/** 2^(prec+1) for small precisions. */
const TWO_POW = [2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];

/** Go's strconv.FormatFloat(x, 'f', prec, 64). */
export function formatFixed(x: number, prec: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return '+Inf';
  if (x === -Infinity) return '-Inf';
  // toFixed rounds the exact binary value too, but breaks exact ties away from
  // zero. |x|·10^prec ends in exactly .5 only when y = |x|·2^(prec+1) is an odd
  // integer (5^prec is odd); only those go the long way.
  const ax = Math.abs(x);
  const y = ax * (prec < TWO_POW.length ? TWO_POW[prec]! : 2 ** (prec + 1));
  if (ax < 1e21 && prec <= 100 && !(Number.isInteger(y) && y % 2 === 1)) {
    const t = ax.toFixed(prec);
    return x < 0 || Object.is(x, -0) ? `-${t}` : t;
  }
  const [m, exp] = decompose(x);
  const neg = m < 0n || Object.is(x, -0);
  const mant = neg ? -m : m;
  // |x| * 10^prec = mant * 10^prec * 2^exp, rounded half to even.
  let num = mant * 10n ** BigInt(prec);
  let q: bigint;
  if (exp >= 0) q = num << BigInt(exp);
  else {
    const den = 1n << BigInt(-exp);
    q = num / den;
    const rem2 = (num % den) * 2n;
    if (rem2 > den || (rem2 === den && (q & 1n) === 1n)) q += 1n;
  }
  num = 0n;
  let digits = q.toString();
  if (prec > 0) {
    if (digits.length <= prec) digits = '0'.repeat(prec - digits.length + 1) + digits;
    digits = `${digits.slice(0, digits.length - prec)}.${digits.slice(digits.length - prec)}`;
  }
  return neg ? `-${digits}` : digits;
}

export type UnitClass = 'decimal' | 'binary';

export interface Scaler {
  prec: number;
  factor: number;
  prefix: string;
}

interface Factor {
  factor: number;
  prefix: string;
  t100: number;
  t10: number;
  t1: number;
}

function pow10(e: number): number {
  return e >= 0 ? 10 ** e : 1 / 10 ** -e;
}

// Thresholds come from parsing the printed form so they agree with rounding.
const SI: Factor[] = ['T', 'G', 'M', 'k', '', 'm', 'µ', 'n'].map((prefix, i) => {
  const e = 12 - 3 * i;
  return {
    factor: pow10(e),
    prefix,
    t100: Number(`99.995e${e}`),
    t10: Number(`9.9995e${e}`),
    t1: Number(`.99995e${e}`),
  };
});

const T100 = 99.995;
const T10 = 9.9995;
const T1 = 0.99995;
const IEC: Factor[] = ['Ti', 'Gi', 'Mi', 'Ki', ''].map((prefix, i) => {
  const f = 2 ** (40 - 10 * i);
  // Multiplying by a power of two is exact, like Go's hex-float thresholds.
  return { factor: f, prefix, t100: T100 * f, t10: T10 * f, t1: T1 * f };
});

const SIGFIGS: number[] = [];
for (let e = -1; e > -9; e--) SIGFIGS.push(Number(`9.9995e${e}`));

/** One scale for all the values of a row, from the smallest non-zero |value|. */
export function commonScale(vals: readonly number[], cls: UnitClass): Scaler {
  let min = 0;
  for (const v0 of vals) {
    const v = Math.abs(v0);
    if (v !== 0 && (min === 0 || v < min)) min = v;
  }
  // A NaN met first stays the minimum (no comparison replaces it), as in Go.
  if (min === 0) return { prec: 3, factor: 1, prefix: '' };
  const factors = cls === 'decimal' ? SI : IEC;
  for (const f of factors) {
    if (min >= f.t100) return { prec: 1, factor: f.factor, prefix: f.prefix };
    if (min >= f.t10) return { prec: 2, factor: f.factor, prefix: f.prefix };
    if (min >= f.t1) return { prec: 3, factor: f.factor, prefix: f.prefix };
  }
  const last = factors[factors.length - 1]!;
  const val = min / last.factor;
  for (let i = 0; i < SIGFIGS.length; i++) {
    if (val >= SIGFIGS[i]! || i === SIGFIGS.length - 1) return { prec: i + 3, factor: last.factor, prefix: last.prefix };
  }
  return { prec: 3, factor: 1, prefix: '' };
}

export function formatScaled(s: Scaler, val: number): string {
  return formatFixed(val / s.factor, s.prec) + s.prefix;
}

export function scale(val: number, cls: UnitClass): string {
  return formatScaled(commonScale([val], cls), val);
}
