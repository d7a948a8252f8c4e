// Go's exact U distribution with ties (go-moremath's makeUmemo, Klotz's
// method), step for step: the same terms, the same order, the same
// Go-rounded binomials, so the same float result. Slow on large tie
// structures (benchstat spends most of its time here); the U test asks it
// only when a faster exact count lands too near a decision to trust the last
// bit.
import { choose } from './lgamma.ts';

/** A (n1, 2U) state as one number: 2U may be negative while states are pruned. */
const keyOf = (n1: number, twoU: number): number => n1 * 1_000_000 + twoU + 500_000;

function twoUmin(n1: number, K: number, t: readonly number[], a: readonly number[]): number {
  let twoU = -n1 * n1;
  let left = n1;
  for (let k = 1; k <= K; k++) {
    const take = Math.min(left, t[k - 1]!);
    twoU += take * a[k]!;
    left -= take;
  }
  return twoU;
}

function twoUmax(n1: number, K: number, t: readonly number[], a: readonly number[]): number {
  let twoU = -n1 * n1;
  let left = n1;
  for (let k = K; k > 0; k--) {
    const take = Math.min(left, t[k - 1]!);
    twoU += take * a[k]!;
    left -= take;
  }
  return twoU;
}

/** Go's UDist{N1: n1, N2, T: t}.CDF(twoU / 2) for a tie vector t with at least two groups. */
export function tiedCdfGo(n1: number, n2: number, t: readonly number[], twoU: number): number {
  if (twoU < 0) return 0;
  if (twoU / 2 >= n1 * n2) return 1;
  const K = t.length;
  const a = new Array<number>(K + 1).fill(0);
  a[1] = t[0]!;
  for (let k = 2; k <= K; k++) a[k] = a[k - 1]! + t[k - 2]! + t[k - 1]!;
  // States per level: key → [n1, 2U, value].
  const A: Array<Map<number, [number, number, number]>> = [];
  for (let k = 0; k <= K; k++) A.push(new Map());
  A[K]!.set(keyOf(n1, twoU), [n1, twoU, 0]);
  let tsum = 0;
  for (const x of t) tsum += x;
  for (let k = K - 1; k >= 2; k--) {
    tsum -= t[k]!;
    for (const [sn1, s2u] of A[k + 1]!.values()) {
      const lo = Math.max(0, sn1 - tsum);
      const hi = Math.min(sn1, t[k]!);
      for (let rk = lo; rk <= hi; rk++) {
        const twoUk = s2u - rk * (a[k + 1]! - 2 * sn1 + rk);
        const n1k = sn1 - rk;
        if (twoUmin(n1k, k, t, a) <= twoUk && twoUk <= twoUmax(n1k, k, t, a)) A[k]!.set(keyOf(n1k, twoUk), [n1k, twoUk, 0]);
      }
    }
  }
  const N2 = t[0]! + t[1]!;
  for (const st of A[2]!.values()) {
    const [sn1, s2u] = st;
    let sum = 0;
    const hi = Math.trunc((s2u - sn1 * (t[0]! - sn1)) / N2);
    for (let r2 = Math.max(0, sn1 - t[0]!); r2 <= hi; r2++) sum += choose(t[0]!, sn1 - r2) * choose(t[1]!, r2);
    st[2] = sum;
  }
  tsum = t[0]!;
  for (let k = 3; k <= K; k++) {
    tsum += t[k - 2]!;
    const below = A[k - 1]!;
    for (const st of A[k]!.values()) {
      const [sn1, s2u] = st;
      let sum = 0;
      const lo = Math.max(0, sn1 - tsum);
      const hi = Math.min(sn1, t[k - 1]!);
      for (let rk = lo; rk <= hi; rk++) {
        const twoUk = s2u - rk * (a[k]! - 2 * sn1 + rk);
        const n1k = sn1 - rk;
        const prev = below.get(keyOf(n1k, twoUk));
        let x = prev ? prev[2] : 0;
        if (!prev && twoUmax(n1k, k - 1, t, a) < twoUk) x = choose(tsum, n1k);
        sum += x * choose(t[k - 1]!, rk);
      }
      st[2] = sum;
    }
  }
  const top = A[K]!.get(keyOf(n1, twoU))!;
  return top[2] / choose(n1 + n2, n1);
}
