/** `metalbench profile` usage: its own module so the command table loads nothing else. */
export const PROFILE_USAGE = `usage: metalbench profile list --run ID [--db PATH] [--json]
       metalbench profile diff --run ID BENCHMARK [--kind cpu|alloc|block|mutex|gc] [--base-run A]
                               [--base-bench OTHER] [--host NAME] [--sample-type T] [--top N] [--db PATH] [--json]

BENCHMARK is a stored name (Spin, BenchmarkSpin, Chase/32KiB-2); a run with
sides base and head is diffed within itself, any other against --base-run;
--base-bench diffs against another benchmark (e.g. ours against badger's).
`;
