/**
 * The measured false-alarm rate of a comparison protocol: of the stored A/A
 * comparisons (head = base, so every regression raised is false), how many
 * raised one, with the exact (Clopper–Pearson) one-sided upper confidence
 * bound, so "0 of 20" reads as "at most 14 %" and not as "never".
 */

/** P(X ≤ x) for X ~ Binomial(n, p), summed in log space (n up to millions stays finite). */
export function binomialCdf(x: number, n: number, p: number): number {
  if (x >= n || p <= 0) return 1;
  if (p >= 1) return x >= n ? 1 : 0;
  let logTerm = n * Math.log1p(-p); // k = 0
  let sum = Math.exp(logTerm);
  for (let k = 1; k <= x; k++) {
    logTerm += Math.log((n - k + 1) / k) + Math.log(p) - Math.log1p(-p);
    sum += Math.exp(logTerm);
  }
  return Math.min(1, sum);
}

/** The largest p whose P(X ≤ x) is still ≥ 1 − level: the exact one-sided upper bound of a rate seen x times in n. */
export function rateUpperBound(x: number, n: number, level = 0.95): number {
  if (!(Number.isInteger(n) && n > 0 && Number.isInteger(x) && x >= 0 && x <= n)) throw new RangeError(`rate bound: ${x} of ${n} is not a count`);
  if (x === n) return 1;
  const tail = 1 - level;
  let lo = x / n;
  let hi = 1;
  // binomialCdf falls as p grows: bisect to where it crosses the tail.
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (binomialCdf(x, n, mid) > tail) lo = mid;
    else hi = mid;
  }
  return hi;
}

export interface AaRecord {
  /** A/A comparisons of the protocol whose confirmation ran. */
  comparisons: number;
  /** Of those, how many confirmed a regression (a false alarm, since head = base). */
  falseAlarms: number;
  /** 95 % upper bound of the false-alarm rate. */
  upper: number;
  /** Every complete A/A screening of the protocol, with or without confirmation, and how many raised a candidate. */
  screenings: number;
  screenedAlarms: number;
}

export function aaRecord(sessions: ReadonlyArray<{ screened: number; confirmed: number | null }>): AaRecord {
  const confirmed = sessions.filter((s) => s.confirmed !== null);
  const falseAlarms = confirmed.filter((s) => s.confirmed! > 0).length;
  return {
    comparisons: confirmed.length,
    falseAlarms,
    upper: confirmed.length > 0 ? rateUpperBound(falseAlarms, confirmed.length) : 1,
    screenings: sessions.length,
    screenedAlarms: sessions.filter((s) => s.screened > 0).length,
  };
}

const pct = (x: number) => `${(100 * x).toFixed(x < 0.1 ? 1 : 0)} %`;

/** One line for the terminal and the PR comment. */
export function aaRecordLine(r: AaRecord): string {
  if (r.comparisons === 0) {
    const screened = r.screenings > 0 ? ` (${r.screenings} A/A screening${r.screenings === 1 ? '' : 's'} without confirmation: ${r.screenedAlarms} raised a candidate)` : '';
    return `false-alarm rate here: not measured yet${screened}; A/A comparisons with confirmation (compare --base X --head X) measure it`;
  }
  return `false-alarm rate here: ${r.falseAlarms} of ${r.comparisons} A/A comparisons of this protocol confirmed a regression (${pct(r.falseAlarms / r.comparisons)}; at most ${pct(r.upper)} at 95 % confidence)`;
}
