// Go's sort.Float64s (slices.Sort: pattern-defeating quicksort), step for step.
// Needed only where equal values are distinguishable: -0 and 0 compare equal,
// so their final order is whatever Go's unstable sort leaves, and it shows in
// an exact-unit mode or a median bound ("-0" against "0").

const lessF = (x: number, y: number): boolean => (Number.isNaN(x) && !Number.isNaN(y)) || x < y;

function swap(d: Float64Array, i: number, j: number): void {
  const t = d[i]!;
  d[i] = d[j]!;
  d[j] = t;
}

function insertionSort(d: Float64Array, a: number, b: number): void {
  for (let i = a + 1; i < b; i++) for (let j = i; j > a && lessF(d[j]!, d[j - 1]!); j--) swap(d, j, j - 1);
}

function siftDown(d: Float64Array, lo: number, hi: number, first: number): void {
  let root = lo;
  for (;;) {
    let child = 2 * root + 1;
    if (child >= hi) return;
    if (child + 1 < hi && lessF(d[first + child]!, d[first + child + 1]!)) child++;
    if (!lessF(d[first + root]!, d[first + child]!)) return;
    swap(d, first + root, first + child);
    root = child;
  }
}

function heapSort(d: Float64Array, a: number, b: number): void {
  const first = a;
  const hi = b - a;
  for (let i = Math.trunc((hi - 1) / 2); i >= 0; i--) siftDown(d, i, hi, first);
  for (let i = hi - 1; i >= 0; i--) {
    swap(d, first, first + i);
    siftDown(d, 0, i, first);
  }
}

const bitsLen = (x: number): number => (x === 0 ? 0 : 32 - Math.clz32(x));

const enum Hint {
  Unknown,
  Increasing,
  Decreasing,
}

function pdqsort(d: Float64Array, a: number, b: number, limit: number): void {
  let wasBalanced = true;
  let wasPartitioned = true;
  for (;;) {
    const length = b - a;
    if (length <= 12) {
      insertionSort(d, a, b);
      return;
    }
    if (limit === 0) {
      heapSort(d, a, b);
      return;
    }
    if (!wasBalanced) {
      breakPatterns(d, a, b);
      limit--;
    }
    let [pivot, hint] = choosePivot(d, a, b);
    if (hint === Hint.Decreasing) {
      reverseRange(d, a, b);
      pivot = b - 1 - (pivot - a);
      hint = Hint.Increasing;
    }
    if (wasBalanced && wasPartitioned && hint === Hint.Increasing && partialInsertionSort(d, a, b)) return;
    if (a > 0 && !lessF(d[a - 1]!, d[pivot]!)) {
      a = partitionEqual(d, a, b, pivot);
      continue;
    }
    const [mid, already] = partition(d, a, b, pivot);
    wasPartitioned = already;
    const leftLen = mid - a;
    const rightLen = b - mid;
    const balanceThreshold = Math.trunc(length / 8);
    if (leftLen < rightLen) {
      wasBalanced = leftLen >= balanceThreshold;
      pdqsort(d, a, mid, limit);
      a = mid + 1;
    } else {
      wasBalanced = rightLen >= balanceThreshold;
      pdqsort(d, mid + 1, b, limit);
      b = mid;
    }
  }
}

function partition(d: Float64Array, a: number, b: number, pivot: number): [number, boolean] {
  swap(d, a, pivot);
  let i = a + 1;
  let j = b - 1;
  while (i <= j && lessF(d[i]!, d[a]!)) i++;
  while (i <= j && !lessF(d[j]!, d[a]!)) j--;
  if (i > j) {
    swap(d, j, a);
    return [j, true];
  }
  swap(d, i, j);
  i++;
  j--;
  for (;;) {
    while (i <= j && lessF(d[i]!, d[a]!)) i++;
    while (i <= j && !lessF(d[j]!, d[a]!)) j--;
    if (i > j) break;
    swap(d, i, j);
    i++;
    j--;
  }
  swap(d, j, a);
  return [j, false];
}

function partitionEqual(d: Float64Array, a: number, b: number, pivot: number): number {
  swap(d, a, pivot);
  let i = a + 1;
  let j = b - 1;
  for (;;) {
    while (i <= j && !lessF(d[a]!, d[i]!)) i++;
    while (i <= j && lessF(d[a]!, d[j]!)) j--;
    if (i > j) break;
    swap(d, i, j);
    i++;
    j--;
  }
  return i;
}

function partialInsertionSort(d: Float64Array, a: number, b: number): boolean {
  const maxSteps = 5;
  const shortestShifting = 50;
  let i = a + 1;
  for (let step = 0; step < maxSteps; step++) {
    while (i < b && !lessF(d[i]!, d[i - 1]!)) i++;
    if (i === b) return true;
    if (b - a < shortestShifting) return false;
    swap(d, i, i - 1);
    if (i - a >= 2) {
      for (let j = i - 1; j >= 1; j--) {
        if (!lessF(d[j]!, d[j - 1]!)) break;
        swap(d, j, j - 1);
      }
    }
    if (b - i >= 2) {
      for (let j = i + 1; j < b; j++) {
        if (!lessF(d[j]!, d[j - 1]!)) break;
        swap(d, j, j - 1);
      }
    }
  }
  return false;
}

const MASK64 = (1n << 64n) - 1n;

function breakPatterns(d: Float64Array, a: number, b: number): void {
  const length = b - a;
  if (length < 8) return;
  let random = BigInt(length);
  const modulus = 1 << bitsLen(length);
  const mid = a + Math.trunc(length / 4) * 2;
  for (let idx = mid - 1; idx <= mid + 1; idx++) {
    random ^= (random << 13n) & MASK64;
    random ^= random >> 7n;
    random ^= (random << 17n) & MASK64;
    let other = Number(random & BigInt(modulus - 1));
    if (other >= length) other -= length;
    swap(d, idx, a + other);
  }
}

function choosePivot(d: Float64Array, a: number, b: number): [number, Hint] {
  const l = b - a;
  const swaps = { n: 0 };
  let i = a + Math.trunc(l / 4);
  let j = a + Math.trunc(l / 4) * 2;
  let k = a + Math.trunc(l / 4) * 3;
  if (l >= 8) {
    if (l >= 50) {
      i = median(d, i - 1, i, i + 1, swaps);
      j = median(d, j - 1, j, j + 1, swaps);
      k = median(d, k - 1, k, k + 1, swaps);
    }
    j = median(d, i, j, k, swaps);
  }
  if (swaps.n === 0) return [j, Hint.Increasing];
  if (swaps.n === 12) return [j, Hint.Decreasing];
  return [j, Hint.Unknown];
}

function median(d: Float64Array, a: number, b: number, c: number, swaps: { n: number }): number {
  const order2 = (x: number, y: number): [number, number] => {
    if (lessF(d[y]!, d[x]!)) {
      swaps.n++;
      return [y, x];
    }
    return [x, y];
  };
  [a, b] = order2(a, b);
  [b, c] = order2(b, c);
  [a, b] = order2(a, b);
  return b;
}

function reverseRange(d: Float64Array, a: number, b: number): void {
  for (let i = a, j = b - 1; i < j; i++, j--) swap(d, i, j);
}

/** Sorts d in place exactly as Go's sort.Float64s would. */
export function goSortFloat64s(d: Float64Array): void {
  pdqsort(d, 0, d.length, bitsLen(d.length));
}
