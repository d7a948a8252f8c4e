// Go's regexp syntax and matching (RE2) for -filter, through re2js, a port of
// Go's regexp: what Go accepts (\pL, (?P<x>…), [[:alpha:]], \Q…\E) is
// accepted, what Go rejects (\1, (?=…), x{1001}) fails with Go's message, and
// classes such as \s match what they match in Go.
import { createRequire } from 'node:module';
import type { RE2JS as RE2JSClass } from 're2js';

// Loaded on first use: most specs' patterns are plain words and anchors,
// which need no engine (see runner/spec/bench-pattern.ts), and loading it
// costs a run's start-up some 10 ms.
const require = createRequire(import.meta.url);
let engine: typeof RE2JSClass | undefined;
function re2(): typeof RE2JSClass {
  return (engine ??= (require('re2js') as { RE2JS: typeof RE2JSClass }).RE2JS);
}

export interface GoRegexp {
  /** Whether the expression matches anywhere in s (Go's MatchString). */
  test(s: string): boolean;
}

/** Text read from invalid UTF-8 keeps each bad byte as U+DC80..U+DCFF; Go's regexp sees U+FFFD there. */
const ESCAPED_BYTE = /[\udc80-\udcff]/;
const ESCAPED_BYTES = /(?<![\ud800-\udbff])[\udc80-\udcff]/g;

/** Compiles a Go regular expression; throws Error with Go's message ("error parsing regexp: …"). */
export function compileGoRegexp(expr: string): GoRegexp {
  let re: RE2JSClass;
  try {
    re = re2().compile(expr);
  } catch (e) {
    throw new Error((e as Error).message);
  }
  return {
    test(s: string): boolean {
      const text = ESCAPED_BYTE.test(s) ? s.replace(ESCAPED_BYTES, '\ufffd') : s;
      return re.matcher(text).find();
    },
  };
}
