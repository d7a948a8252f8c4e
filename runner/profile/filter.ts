/**
 * One stored benchmark → the `-test.bench` and `-test.cpu` that run exactly
 * it and nothing else. `go test` splits the bench pattern at top-level `/`
 * and matches each level against one element of the name, so each level is
 * anchored and regexp-quoted on its own.
 */

/** Go's regexp.QuoteMeta. */
export function quoteMeta(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

export interface ExactBenchmark {
  /** `-test.bench` value, e.g. `^BenchmarkChase$/^32KiB$`. */
  filter: string;
  /** GOMAXPROCS the stored result ran with: its -N suffix, 1 without one. */
  procs: number;
  /** The full Go name, e.g. `BenchmarkChase/32KiB`. */
  goName: string;
}

/** `name` as stored: after "Benchmark", sub-benchmark parts, and the -N suffix when GOMAXPROCS > 1. */
export function exactBenchmark(name: string): ExactBenchmark {
  // go test appends -N (GOMAXPROCS) to the whole name only when N > 1.
  const m = /^(.*)-([0-9]+)$/.exec(name);
  const bare = m && Number(m[2]) > 1 ? m[1]! : name;
  const procs = m && Number(m[2]) > 1 ? Number(m[2]) : 1;
  const goName = `Benchmark${bare}`;
  return { filter: goName.split('/').map((level) => `^${quoteMeta(level)}$`).join('/'), procs, goName };
}
