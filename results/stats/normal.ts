// Standard normal CDF and its inverse to near double precision (the CI orders
// and p-values sit on integer boundaries, so a 1e-7 approximation is not enough).
const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

/** erf(x) from the all-positive series 2/√π·e^(−x²)·Σ 2^n x^(2n+1)/(2n+1)!!, no cancellation. */
export function erf(x: number): number {
  if (x < 0) return -erf(-x);
  if (x > 6) return 1;
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < 500; n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
}

/** erfc(x) for x ≥ 0: 1 − erf below 3, Laplace's continued fraction above (keeps tiny tails). */
export function erfc(x: number): number {
  if (x < 3) return 1 - erf(x);
  let f = x;
  for (let k = 80; k >= 1; k--) f = x + k / 2 / f;
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
}

/** Φ((x-mu)/sigma). */
export function normalCdf(x: number, mu = 0, sigma = 1): number {
  const z = (x - mu) / (sigma * Math.SQRT2);
  return z < 0 ? erfc(-z) / 2 : 1 - erfc(z) / 2;
}

/** Inverse of the normal CDF: probit start, then Newton steps on the precise CDF. */
export function normalInvCdf(p: number, mu = 0, sigma = 1): number {
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  // A rational start good to ~5e-4 (Abramowitz & Stegun 26.2.23), then Newton
  // steps on the precise CDF, which double the correct digits each time.
  const q = p < 0.5 ? p : 1 - p;
  const t = Math.sqrt(-2 * Math.log(q));
  let z = t - (2.515517 + t * (0.802853 + t * 0.010328)) / (1 + t * (1.432788 + t * (0.189269 + t * 0.001308)));
  if (p < 0.5) z = -z;
  for (let i = 0; i < 8; i++) {
    const pdf = Math.exp((-z * z) / 2) / Math.sqrt(2 * Math.PI);
    if (pdf === 0) break;
    const step = (normalCdf(z) - p) / pdf;
    z -= step;
    if (Math.abs(step) <= 1e-15 * (1 + Math.abs(z))) break;
  }
  return mu + sigma * z;
}
