// Natural log and exp rounded exactly as Go's math.Log and math.Exp on amd64
// (the assembly versions, with fused multiply-adds as on any x86-64 CPU with
// FMA). benchstat prints geomeans at full precision in CSV, and V8's log/exp
// differ from these in the last bit now and then.

import { decompose } from './float-bits.ts';

const f64 = new Float64Array(1);
/** The same 8 bytes as 32-bit words (index HI holds sign, exponent and the top fraction bits). */
const u32 = new Uint32Array(f64.buffer);
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
const LO = 1 - HI;

/** a·b + c with a single rounding (what the CPU's fused multiply-add gives). */
export function fma(a: number, b: number, c: number): number {
  if (!Number.isFinite(a) || !Number.isFinite(b) || !Number.isFinite(c) || a === 0 || b === 0 || c === 0) return a * b + c;
  const [ma, ea] = decompose(a);
  const [mb, eb] = decompose(b);
  const [mc, ec] = decompose(c);
  const ep = ea + eb;
  // Far apart, the smaller term only decides a tie no product of doubles can make.
  if (Math.abs(ep - ec) > 900) return a * b + c;
  const e = Math.min(ep, ec);
  const sum = ma * mb * (1n << BigInt(ep - e)) + mc * (1n << BigInt(ec - e));
  if (sum === 0n) return a * b + c;
  // BigInt to Number rounds to nearest even once; the power of two is exact
  // for the magnitudes exp and log meet.
  return Number(sum) * 2 ** e;
}

/** Round half to even, then to an int32 as CVTSD2SL does (out of range: -2^31). */
function cvtsd2sl(y: number): number {
  if (!(y > -2147483648.5 && y < 2147483647.5)) return -2147483648;
  let k = Math.round(y);
  if (k - y === 0.5 && k % 2 !== 0) k -= 1;
  return k;
}

const LOG2E = 1.442695040888963407359924681001892;
const LN2U = 0.69314718055966295651160180568695068359375;
const LN2L = 0.28235290563031577122588448175013436025525412068e-12;
const EXP_OVERFLOW = 7.09782712893384e2;
const T = [2.4801587301587301587e-5, 1.9841269841269841270e-4, 1.3888888888888888889e-3, 8.3333333333333333333e-3, 4.1666666666666666667e-2, 1.6666666666666666667e-1, 0.5, 1.0];

/** 2^n as a double for a biased exponent field n in 1..2046. */
function pow2Biased(n: number): number {
  u32[HI] = n << 20;
  u32[LO] = 0;
  return f64[0]!;
}

/**
 * e^x: x = k·ln2 + 16r, e^(16r) from a Taylor polynomial of r and four
 * squarings (each as (q)(q + 2) on q = e^r − 1), then scaled by 2^k.
 */
export function goExp(x: number): number {
  if (Number.isNaN(x) || x === Infinity) return x;
  if (x === -Infinity) return 0;
  if (x > EXP_OVERFLOW) return Infinity;
  const k = cvtsd2sl(x * LOG2E);
  let r = fma(-k, LN2U, x);
  r = fma(-k, LN2L, r);
  r *= 0.0625;
  let p = T[0]!;
  for (let i = 1; i < T.length; i++) p = fma(p, r, T[i]!);
  let q = r * p;
  for (let i = 0; i < 3; i++) q *= q + 2;
  const v = fma(q, q + 2, 1);
  const biased = k + 0x3ff;
  if (biased >= 0x7ff) return Infinity;
  if (biased > 0) return v * pow2Biased(biased);
  if (biased < -52) return 0;
  return v * pow2Biased(biased + 0x3fe) * pow2Biased(1);
}

const HSQRT2 = 7.07106781186547524401e-1;
const LN2HI = 6.93147180369123816490e-1;
const LN2LO = 1.90821492927058770002e-10;
const L1 = 6.666666666666735130e-1;
const L2 = 3.999999999940941908e-1;
const L3 = 2.857142874366239149e-1;
const L4 = 2.222219843214978396e-1;
const L5 = 1.818357216161805012e-1;
const L6 = 1.531383769920937332e-1;
const L7 = 1.479819860511658591e-1;

/** ln x: x = 2^k·(1 + f) with f in (√2/2 − 1, √2 − 1], then the usual rational approximation in s = f/(2 + f). */
export function goLog(x: number): number {
  if (x === 0) return -Infinity;
  if (Number.isNaN(x) || x < 0) return NaN;
  if (x === Infinity) return x;
  f64[0] = x;
  const hi = u32[HI]!;
  // The fraction bits with the exponent of 0.5, and the exponent relative to it
  // (taken from the bits as they are, subnormals included).
  let k = ((hi >>> 20) & 0x7ff) - 0x3fe;
  u32[HI] = (hi & 0xfffff) | 0x3fe00000;
  let f1 = f64[0]!;
  if (f1 <= HSQRT2) {
    k -= 1;
    f1 *= 2;
  }
  const f = f1 - 1;
  const s = f / (2 + f);
  const s2 = s * s;
  const s4 = s2 * s2;
  const t1 = s2 * (((L7 * s4 + L5) * s4 + L3) * s4 + L1);
  const t2 = s4 * ((L6 * s4 + L4) * s4 + L2);
  const R = t1 + t2;
  const hfsq = 0.5 * f * f;
  return k * LN2HI - (hfsq - (s * (hfsq + R) + k * LN2LO) - f);
}
