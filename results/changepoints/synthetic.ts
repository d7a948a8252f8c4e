// Synthetic nightly series with known change points, for the detector's
// figures (and Otava's, on the same series). Values are on the ratio scale
// around 1 (a relative performance level); every family is seeded.

import { rng, type Rng } from '../paired/random.ts';

export interface SyntheticSeries {
  family: string;
  id: string;
  values: number[];
  /** Indices of the first point after each true change. */
  changes: number[];
  /** For the latest-point-outlier family: only the final night is judged. */
  tailOutlier?: boolean;
  /** Changes of the environment only (the anchored ratio stays flat); the absolute series is in `absolute`. */
  absolute?: number[];
}

export interface Family {
  name: string;
  make(r: Rng, n: number): Omit<SyntheticSeries, 'family' | 'id'>;
}

const gauss = (r: Rng, n: number, cv: number, level = (_i: number) => 1) => Array.from({ length: n }, (_, i) => level(i) * (1 + cv * r.normal()));
const stepAt = (r: Rng, n: number) => Math.floor(n * 0.4) + r.int(Math.floor(n * 0.45));

function stepFamily(cv: number, size = 0.05): Family {
  return {
    name: `step ${size * 100} % CV ${cv * 100} %`,
    make: (r, n) => {
      const c = stepAt(r, n);
      const up = r.next() < 0.5 ? 1 : -1;
      return { values: gauss(r, n, cv, (i) => (i >= c ? 1 + up * size : 1)), changes: [c] };
    },
  };
}

function nullFamily(cv: number): Family {
  return { name: `no change CV ${cv * 100} %`, make: (r, n) => ({ values: gauss(r, n, cv), changes: [] }) };
}

export const FAMILIES: Family[] = [
  nullFamily(0.01),
  nullFamily(0.02),
  nullFamily(0.05),
  stepFamily(0.01),
  stepFamily(0.02),
  stepFamily(0.05),
  {
    name: 'multi-step 5 % CV 2 %',
    make: (r, n) => {
      const a = Math.floor(n * 0.35) + r.int(5);
      const b = a + 12 + r.int(8);
      return { values: gauss(r, n, 0.02, (i) => (i >= b ? 1.1 : i >= a ? 1.05 : 1)), changes: [a, b] };
    },
  },
  { name: 'slow drift +5 % CV 2 %', make: (r, n) => ({ values: gauss(r, n, 0.02, (i) => 1 + (0.05 * i) / n), changes: [] }) },
  {
    name: '5 % outliers (+3…+10σ) CV 2 %',
    make: (r, n) => ({ values: gauss(r, n, 0.02).map((v) => (r.next() < 0.05 ? v + 0.02 * (3 + 7 * r.next()) : v)), changes: [] }),
  },
  {
    name: 'AR(1) ρ = 0.5 CV 2 %',
    make: (r, n) => {
      const rho = 0.5;
      const innov = 0.02 * Math.sqrt(1 - rho * rho);
      let e = 0.02 * r.normal();
      const values: number[] = [];
      for (let i = 0; i < n; i++) {
        values.push(1 + e);
        e = rho * e + innov * r.normal();
      }
      return { values, changes: [] };
    },
  },
  { name: 'lognormal σ = 3 %', make: (r, n) => ({ values: Array.from({ length: n }, () => Math.exp(0.03 * r.normal())), changes: [] }) },
  {
    name: 'latest point +6σ CV 2 %',
    make: (r, n) => {
      const values = gauss(r, n, 0.02);
      values[n - 1] = 1 + 6 * 0.02;
      return { values, changes: [], tailOutlier: true };
    },
  },
  {
    name: 'environment step +5 % on one host (anchored)',
    make: (r, n) => {
      const c = stepAt(r, n);
      const env = (i: number) => (i >= c ? 1.05 : 1);
      // Anchor and head both move with the host; the anchored ratio does not.
      const anchor = gauss(r, n, 0.02, env);
      const head = anchor.map((a) => a * (1 + 0.01 * r.normal()));
      return { values: head.map((h, i) => h / anchor[i]!), absolute: head, changes: [] };
    },
  },
];

export function generate(perFamily: number, n: number, seed = 1): SyntheticSeries[] {
  const out: SyntheticSeries[] = [];
  FAMILIES.forEach((f, fi) => {
    const r = rng(seed * 1000 + fi);
    for (let i = 0; i < perFamily; i++) out.push({ family: f.name, id: `${f.name}#${i}`, ...f.make(r, n) });
  });
  return out;
}
