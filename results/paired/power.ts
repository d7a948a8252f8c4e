// Minimum detectable effect (MDE) and the rounds a decision would need, from
// the observed dispersion of the per-round log ratios.
//
// With per-round SD σ, the Hodges–Lehmann estimate of R rounds has standard
// error se(R) = σ·√(π / 3R) (the signed-rank test's asymptotic relative
// efficiency against the mean is 3/π for normal data; Hollander & Wolfe §3.2).
// A regression verdict needs two things at once, each with power 1 − β:
//   - the test rejects at the per-test level α′ (under BH the first rejection of
//     m tests needs p ≤ α/m, so α′ = α/m is the lone-change worst case):
//       Δ ≥ (z_{1−α′/2} + z_{1−β})·se(R)
//   - the CI's lower bound clears δ:  Δ ≥ δ + (z_{1−αci/2} + z_{1−β})·se(R)
// and an exact test on R rounds cannot reject below p = 2/2^R, so R ≥ log2(2/α′).
// MDE(R) is the larger of the two bounds (∞ when R is below the exactness floor);
// the rounds needed for an effect Δ solve both inequalities for R.

import { sampleStandardDeviation } from 'simple-statistics';
import { normalInvCdf } from '../stats/normal.ts';

export interface PowerInputs {
  /** SD of the per-round log ratios. */
  sd: number;
  /** δ on the log scale. */
  delta: number;
  /** Per-test level the rejection must reach (α/m for a family of m). */
  testAlpha: number;
  /** Two-sided CI level's α (0.05 for a 95 % CI). */
  ciAlpha?: number;
  /** Target power (default 0.8). */
  power?: number;
}

/** se of the HL estimate at R rounds. */
export function hlStandardError(sd: number, rounds: number): number {
  return sd * Math.sqrt(Math.PI / (3 * rounds));
}

/** Fewest rounds whose exact two-sided test can reach p ≤ testAlpha: 2/2^R ≤ α′. */
export function exactnessFloor(testAlpha: number): number {
  return Math.max(1, Math.ceil(Math.log2(2 / testAlpha) - 1e-12));
}

/** The smallest log-ratio change with the target power to be called a regression at R rounds (∞ if none can). */
export function minimumDetectableEffect(rounds: number, inp: PowerInputs): number {
  if (rounds < exactnessFloor(inp.testAlpha)) return Infinity;
  const zb = normalInvCdf(inp.power ?? 0.8);
  const za = normalInvCdf(1 - inp.testAlpha / 2);
  const zc = normalInvCdf(1 - (inp.ciAlpha ?? 0.05) / 2);
  const se = hlStandardError(inp.sd, rounds);
  return Math.max((za + zb) * se, inp.delta + (zc + zb) * se);
}

/** Rounds needed to call a log-ratio change `effect` a regression with the target power (∞ if effect ≤ δ). */
export function roundsNeeded(effect: number, inp: PowerInputs): number {
  const e = Math.abs(effect);
  if (!(e > inp.delta)) return Infinity;
  const zb = normalInvCdf(inp.power ?? 0.8);
  const za = normalInvCdf(1 - inp.testAlpha / 2);
  const zc = normalInvCdf(1 - (inp.ciAlpha ?? 0.05) / 2);
  const k = Math.PI / 3;
  const byTest = k * (((za + zb) * inp.sd) / e) ** 2;
  const byCi = k * (((zc + zb) * inp.sd) / (e - inp.delta)) ** 2;
  return Math.max(exactnessFloor(inp.testAlpha), Math.ceil(byTest - 1e-9), Math.ceil(byCi - 1e-9), 2);
}

/** Sample SD of the log ratios (0 for fewer than two). */
export function logRatioSd(d: ReadonlyArray<number>): number {
  return d.length < 2 ? 0 : sampleStandardDeviation(d as number[]);
}
