// A double's exact value as integer mantissa and power of two, for the code
// that must round as Go does (exact decimal formatting, fused multiply-add).

const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);

/** x = m · 2^e with m an integer (BigInt, negative for negative x), exactly; x finite. */
export function decompose(x: number): [bigint, number] {
  f64[0] = x;
  const bits = u64[0]!;
  const neg = bits >> 63n === 1n;
  const biased = Number((bits >> 52n) & 0x7ffn);
  let m = bits & 0xfffffffffffffn;
  let e: number;
  if (biased === 0) e = -1074;
  else {
    m |= 1n << 52n;
    e = biased - 1075;
  }
  return [neg ? -m : m, e];
}
