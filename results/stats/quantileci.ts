// Distribution-free confidence interval of the median from order statistics.
import { choose } from './lgamma.ts';
import { normalCdf, normalInvCdf } from './normal.ts';

export interface OrderCI {
  /** 1-based order of the lower bound; 0 means −∞. */
  lo: number;
  /** 1-based order of the upper bound; n+1 means +∞. */
  hi: number;
  confidence: number;
}

const EXACT_THRESHOLD = 30;

function binomPmf(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  return choose(n, k) * Math.pow(0.5, k) * Math.pow(0.5, n - k);
}

const ciCache = new Map<number, Map<number, OrderCI>>();

/** Orders bounding the median of n samples at the given confidence. */
export function medianCIOrders(n: number, conf: number): OrderCI {
  let byN = ciCache.get(conf);
  if (!byN) ciCache.set(conf, (byN = new Map()));
  let r = byN.get(n);
  if (!r) byN.set(n, (r = medianCIOrdersUncached(n, conf)));
  return r;
}

function medianCIOrdersUncached(n: number, conf: number): OrderCI {
  if (conf >= 1) return { lo: 0, hi: n + 1, confidence: 1 };
  let l: number;
  let r: number;
  let c: number;
  if (n <= EXACT_THRESHOLD) {
    const x = Math.ceil((n + 1) * 0.5) - 1;
    c = binomPmf(n, x);
    l = x;
    r = x + 1;
    let lp = binomPmf(n, l - 1);
    let rp = binomPmf(n, r);
    while (c < conf && (lp > 0 || rp > 0)) {
      if (lp >= rp) {
        c += lp;
        l--;
        lp = binomPmf(n, l - 1);
      } else {
        c += rp;
        r++;
        rp = binomPmf(n, r);
      }
    }
  } else {
    const mu = n / 2;
    const sigma = Math.sqrt(n / 4);
    const cdf = (a: number, b: number) => normalCdf(b - 0.5, mu, sigma) - normalCdf(a - 0.5, mu, sigma);
    const l1 = normalInvCdf((1 - conf) / 2, mu, sigma);
    const r1 = 2 * mu - l1;
    l = Math.floor(Math.floor(l1 - 0.5) + 0.5) + 1;
    r = Math.floor(Math.ceil(r1 - 0.5) + 0.5) + 1;
    c = cdf(l, r);
    const c2 = cdf(l, r - 1);
    if (c2 >= conf && c2 < c) {
      r--;
      c = c2;
    }
    if (l <= 0 && r >= n + 1) c = 1;
  }
  return { lo: Math.max(l, 0), hi: Math.min(r, n + 1), confidence: c };
}
