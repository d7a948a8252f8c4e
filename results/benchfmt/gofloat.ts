/**
 * Go's `%v` for a float64: strconv's 'g' format with the shortest digits that
 * round-trip, switching to exponent form when the decimal exponent is below
 * -4 or at least 6 (so 1234567 prints as 1.234567e+06). Used wherever a
 * number must read exactly as Go tools write it (benchfmt export, CSV).
 */
export function formatGoV(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return '+Inf';
  if (x === -Infinity) return '-Inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  // toExponential() with no argument gives the shortest round-trip digits.
  const [mant, expText] = x.toExponential().split('e') as [string, string];
  const exp = Number(expText);
  const neg = mant.startsWith('-');
  const digits = mant.replace('-', '').replace('.', '');
  const sign = neg ? '-' : '';
  if (exp < -4 || exp >= 6) return sign + expForm(digits, exp);
  return sign + plainForm(digits, exp);
}

function expForm(digits: string, exp: number): string {
  const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  const e = Math.abs(exp);
  return `${m}e${exp < 0 ? '-' : '+'}${e < 10 ? '0' : ''}${e}`;
}

function plainForm(digits: string, exp: number): string {
  if (exp < 0) return `0.${'0'.repeat(-exp - 1)}${digits}`;
  if (digits.length <= exp + 1) return digits + '0'.repeat(exp + 1 - digits.length);
  return `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
}
