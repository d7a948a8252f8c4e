/**
 * A spec's `bench` is go test's -test.bench: Go splits it at each `/` (and
 * top-level `|`) outside brackets and parentheses, and compiles every
 * element as a Go regexp. A bad element makes the test binary exit 1 on
 * every host; checking it here, with re2js (a port of Go's regexp syntax),
 * turns that into a positioned error before anything is built.
 */
import { compileGoRegexp } from '../../results/stat/goregexp.ts';

/** The elements Go compiles, split as testing's splitRegexp splits them. */
export function benchElements(pattern: string): string[] {
  const out: string[] = [];
  let s = pattern;
  let brackets = 0;
  let parens = 0;
  for (let i = 0; i < s.length; ) {
    const c = s[i];
    if (c === '[') brackets++;
    else if (c === ']') brackets = Math.max(0, brackets - 1); // an unmatched ']' is legal
    else if (c === '(' && brackets === 0) parens++;
    else if (c === ')' && brackets === 0) parens--;
    else if (c === '\\') i++;
    else if ((c === '/' || c === '|') && brackets === 0 && parens === 0) {
      out.push(s.slice(0, i));
      s = s.slice(i + 1);
      i = 0;
      continue;
    }
    i++;
  }
  out.push(s);
  return out;
}

/**
 * Letters, digits, `_ = - . , : ` and spaces with `^` and `$` anywhere: every
 * such string is a valid Go regexp (literals, any-character and anchors), so
 * the usual `^BenchmarkX$/^k=v$` needs no regexp engine to be checked.
 */
const PLAIN = /^[A-Za-z0-9_=.,: ^$-]*$/;

/** What is wrong with the pattern, in Go's words, or undefined when Go accepts it. */
export function benchPatternError(pattern: string): string | undefined {
  const elements = benchElements(pattern);
  for (const [i, el] of elements.entries()) {
    if (PLAIN.test(el)) continue;
    try {
      compileGoRegexp(el);
    } catch (e) {
      const where = elements.length > 1 ? `element ${i + 1} (${JSON.stringify(el)}) of the pattern: ` : '';
      return `${where}not a Go regular expression: ${(e as Error).message}`;
    }
  }
  return undefined;
}
