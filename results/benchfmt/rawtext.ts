// Text that may hold invalid UTF-8, kept byte for byte. Go reads and writes
// such bytes through unchanged (each counts as one rune, U+FFFD); a JS string
// cannot hold them, so each byte of an invalid sequence becomes the lone low
// surrogate U+DC00+byte (it also counts as one character) and goes back to the
// byte on output. Valid text, the common case, takes Node's fast paths.
import { isUtf8 } from 'node:buffer';

const ESCAPE_BASE = 0xdc00;

/** Length of the valid UTF-8 sequence at p (as Go's utf8.DecodeRune accepts it), or 0. */
function validRuneLength(b: Uint8Array, p: number, end: number): number {
  const c = b[p]!;
  if (c < 0x80) return 1;
  const cont = (i: number, lo = 0x80, hi = 0xbf) => p + i < end && b[p + i]! >= lo && b[p + i]! <= hi;
  if (c >= 0xc2 && c <= 0xdf) return cont(1) ? 2 : 0;
  if (c >= 0xe0 && c <= 0xef) {
    // No overlong forms (E0 A0..) and no surrogates (ED ..9F).
    const lo = c === 0xe0 ? 0xa0 : 0x80;
    const hi = c === 0xed ? 0x9f : 0xbf;
    return cont(1, lo, hi) && cont(2) ? 3 : 0;
  }
  if (c >= 0xf0 && c <= 0xf4) {
    const lo = c === 0xf0 ? 0x90 : 0x80;
    const hi = c === 0xf4 ? 0x8f : 0xbf;
    return cont(1, lo, hi) && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}

/** bytes [start, end) as a string; invalid bytes become U+DC80..U+DCFF. */
export function decodeRaw(buf: Buffer, start = 0, end = buf.length): string {
  if (isUtf8(buf.subarray(start, end))) return buf.toString('utf8', start, end);
  let out = '';
  let run = start;
  let p = start;
  while (p < end) {
    const n = validRuneLength(buf, p, end);
    if (n > 0) {
      p += n;
      continue;
    }
    out += buf.toString('utf8', run, p) + String.fromCharCode(ESCAPE_BASE + buf[p]!);
    p++;
    run = p;
  }
  return out + buf.toString('utf8', run, end);
}

/** Whether s holds a lone low surrogate (an escaped byte, or a stray one). */
function hasLoneLow(s: string): boolean {
  // Fast reject: no code unit in the surrogate range at all.
  if (!/[\ud800-\udfff]/.test(s)) return false;
  return /(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s);
}

/** A string as bytes: UTF-8, with escaped bytes written back as they were read. */
export function encodeRaw(s: string): Buffer {
  if (!hasLoneLow(s)) return Buffer.from(s, 'utf8');
  const parts: Buffer[] = [];
  let run = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        i++;
        continue;
      }
    }
    if (c >= ESCAPE_BASE + 0x80 && c <= ESCAPE_BASE + 0xff) {
      parts.push(Buffer.from(s.slice(run, i), 'utf8'), Buffer.of(c - ESCAPE_BASE));
      run = i + 1;
    }
  }
  parts.push(Buffer.from(s.slice(run), 'utf8'));
  return Buffer.concat(parts);
}

/**
 * Go's string order (bytewise over UTF-8, escaped bytes as themselves), which
 * differs from JS's UTF-16 order past ASCII: "v\x80" < "v€" < "v\u{1F600}" < "v\uFFFD".
 */
export function compareRaw(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (i === n) return a.length - b.length;
  const ca = a.charCodeAt(i);
  const cb = b.charCodeAt(i);
  // An ASCII character against anything else orders the same in both encodings.
  if (ca < 0x80 || cb < 0x80) return ca - cb;
  return Buffer.compare(encodeRaw(a.slice(Math.max(0, i - 1))), encodeRaw(b.slice(Math.max(0, i - 1))));
}
