// Reading Go benchmark files the way benchstat's reader does, tuned for
// `metalbench stat`: one pass over the text with character codes, no object
// per result line, the configuration shared until a config line changes it.
//
// Differences from results/benchfmt/reader.ts are deliberate and are what
// benchstat prints: ".file" is a (non-file) configuration key; deleting a key
// moves the last key into its place; a value that tidying leaves unchanged
// (0 ns/op, Inf) keeps its original unit; numbers follow strconv rules
// including range errors and digit separators; unit metadata is shared by
// all files; a line of 64 KiB or more stops reading.

/** One input: its column label and its text. */
import { decodeRaw } from './rawtext.ts';

export interface InputFile {
  label: string;
  text: string;
}

/** The configuration in force for a result; a new object whenever it changes. */
export class ConfigSnapshot {
  constructor(
    readonly keys: readonly string[],
    readonly values: readonly string[],
    /** false for ".file", true for configuration lines of the file. */
    readonly file: readonly boolean[],
  ) {}

  get(key: string): string {
    const i = this.keys.indexOf(key);
    return i < 0 ? '' : this.values[i]!;
  }
}

export interface ScanSink {
  /** The configuration of the results that follow (at the start of each file and whenever it changes). */
  config(config: ConfigSnapshot): void;
  /**
   * One result line, under the last configuration given. `values`, `units`
   * and `origUnits` hold `n` measurements and are reused after the call
   * returns. `origUnits[i]` is '' when tidying left the measurement alone.
   */
  result(name: string, n: number, values: Float64Array, units: readonly string[], origUnits: readonly string[]): void;
  /**
   * The same, for the common case only: returns false, having done nothing,
   * when the line needs more than the quick path (then result follows).
   */
  tryResult(name: string, n: number, values: Float64Array, units: readonly string[], origUnits: readonly string[]): boolean;
  /** A line that could not be read, as "file:line: message" (and its parts). */
  syntaxError(text: string, line: number, message: string, lineText: string): void;
  /** New unit metadata ("Unit ns/op assume=exact"): by tidied unit, as written, key and value. */
  unitMeta?(unit: string, origUnit: string, key: string, value: string): void;
}

const MAX_LINE_BYTES = 64 * 1024;

/** unicode.IsSpace for a UTF-16 code unit (all such spaces are in the BMP). */
export function isSpaceCode(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13);
  if (c < 0x85) return false;
  return c === 0x85 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000;
}

/** A benchmark name seen in a plain result line. */
interface NameRec {
  /** Printable ASCII only (plain lines), so its char codes are its bytes. */
  name: string;
  /** The name that came next the last time this one was read. */
  next: NameRec | null;
}

interface TidyEntry {
  orig: string;
  unit: string;
  factor: number;
  /** orig as bytes (printable ASCII units only; else empty, which never matches). */
  bytes: Uint8Array;
}

const tidyCache = new Map<string, TidyEntry>();

/** benchstat's unit tidying: "ns" becomes "sec" and "MB" becomes "B" in the numerator. */
export function tidy(unit: string): TidyEntry {
  let e = tidyCache.get(unit);
  if (e) return e;
  let factor = 1;
  let out = unit;
  if (unit === 'ns/op') {
    out = 'sec/op';
    factor = 1e-9;
  } else if (unit === 'MB/s') {
    out = 'B/s';
    factor = 1e6;
  } else if (unit.includes('ns') || unit.includes('MB')) {
    const toks = unitTokens(unit);
    out = '';
    let last = 0;
    for (const t of toks) {
      if (t.denom) continue;
      if (t.text === 'ns') {
        out += `${unit.slice(last, t.pos)}sec`;
        last = t.pos + 2;
        factor /= 1e9;
      } else if (t.text === 'MB') {
        out += `${unit.slice(last, t.pos)}B`;
        last = t.pos + 2;
        factor *= 1e6;
      }
    }
    out += unit.slice(last);
  }
  e = { orig: unit, unit: out, factor, bytes: /^[!-~]+$/.test(unit) ? Uint8Array.from(unit, (ch) => ch.charCodeAt(0)) : new Uint8Array(0) };
  tidyCache.set(unit, e);
  return e;
}

/** Tokens of a unit: separated by "*", "/", "-" and spaces; "/" starts the denominator, "*" ends it. */
export function unitTokens(unit: string): Array<{ text: string; pos: number; denom: boolean }> {
  const out: Array<{ text: string; pos: number; denom: boolean }> = [];
  let denom = false;
  let i = 0;
  while (i < unit.length) {
    const c = unit.charCodeAt(i);
    if (c === 42) {
      denom = false;
      i++;
    } else if (c === 47) {
      denom = true;
      i++;
    } else if (c === 45 || isSpaceCode(c)) i++;
    else {
      let j = i;
      while (j < unit.length) {
        const d = unit.charCodeAt(j);
        if (d === 42 || d === 47 || d === 45 || isSpaceCode(d)) break;
        j++;
      }
      out.push({ text: unit.slice(i, j), pos: i, denom });
      i = j;
    }
  }
  return out;
}

export type NumError = 'invalid syntax' | 'value out of range';

/** strconv.ParseFloat(s, 64): a number, or the error strconv would give. */
export function parseFloatGo(s: string): number | NumError {
  const n = s.length;
  if (n === 0) return 'invalid syntax';
  // Inf, Infinity and NaN (NaN takes no sign).
  let i = 0;
  let neg = false;
  const c0 = s.charCodeAt(0);
  if (c0 === 43 || c0 === 45) {
    neg = c0 === 45;
    i = 1;
  }
  const rest = s.slice(i).toLowerCase();
  if (rest === 'inf' || rest === 'infinity') return neg ? -Infinity : Infinity;
  if (i === 0 && rest === 'nan') return NaN;
  if (!underscoreOK(s)) return 'invalid syntax';
  let hex = false;
  if (n - i > 2 && s.charCodeAt(i) === 48 && (s.charCodeAt(i + 1) | 32) === 120) {
    hex = true;
    i += 2;
  }
  let mant = '';
  let fracDigits = 0;
  let sawDot = false;
  let sawDigits = false;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === 95) continue;
    if (c === 46) {
      if (sawDot) return 'invalid syntax';
      sawDot = true;
      continue;
    }
    const isDigit = c >= 48 && c <= 57;
    const isHex = hex && ((c | 32) >= 97 && (c | 32) <= 102);
    if (!isDigit && !isHex) break;
    sawDigits = true;
    mant += s[i];
    if (sawDot) fracDigits++;
  }
  if (!sawDigits) return 'invalid syntax';
  let exp = 0;
  let sawExp = false;
  if (i < n && (s.charCodeAt(i) | 32) === (hex ? 112 : 101)) {
    i++;
    if (i >= n) return 'invalid syntax';
    let esign = 1;
    if (s[i] === '+' || s[i] === '-') {
      if (s[i] === '-') esign = -1;
      i++;
    }
    let digits = false;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c === 95) continue;
      if (c < 48 || c > 57) break;
      digits = true;
      if (exp < 10000) exp = exp * 10 + (c - 48);
    }
    if (!digits) return 'invalid syntax';
    exp *= esign;
    sawExp = true;
  }
  if (i !== n) return 'invalid syntax';
  let v: number;
  if (hex) {
    if (!sawExp) return 'invalid syntax';
    v = hexValue(mant, exp - 4 * fracDigits);
  } else {
    v = Number(`${mant.slice(0, mant.length - fracDigits) || '0'}.${mant.slice(mant.length - fracDigits) || '0'}e${exp}`);
  }
  if (!Number.isFinite(v)) return 'value out of range';
  return neg ? -v : v;
}

function hexValue(digits: string, exp2: number): number {
  const m = BigInt(`0x${digits}`);
  if (m === 0n) return 0;
  let v = Number(m);
  // Scale by powers of two in steps that stay exact until the final one.
  while (exp2 > 0) {
    const k = Math.min(exp2, 1000);
    v *= 2 ** k;
    exp2 -= k;
  }
  while (exp2 < 0) {
    const k = Math.min(-exp2, 1000);
    v /= 2 ** k;
    exp2 += k;
  }
  return v;
}

/** strconv's rule: underscores only between digits (or after a base prefix). */
function underscoreOK(s: string): boolean {
  if (!s.includes('_')) return true;
  let saw = '^';
  let i = 0;
  if (s[0] === '+' || s[0] === '-') s = s.slice(1);
  let hex = false;
  if (s.length >= 2 && s[0] === '0' && 'box'.includes(s[1]!.toLowerCase())) {
    i = 2;
    saw = '0';
    hex = s[1]!.toLowerCase() === 'x';
  }
  for (; i < s.length; i++) {
    const c = s[i]!;
    const lc = c.toLowerCase();
    if ((c >= '0' && c <= '9') || (hex && lc >= 'a' && lc <= 'f')) {
      saw = '0';
      continue;
    }
    if (c === '_') {
      if (saw !== '0') return false;
      saw = '_';
      continue;
    }
    if (saw === '_') return false;
    saw = '!';
  }
  return saw !== '_';
}

/** strconv.Atoi's verdict on an iteration count. */
function atoiError(s: string): NumError | undefined {
  let i = 0;
  if (s[0] === '+' || s[0] === '-') i = 1;
  if (i >= s.length) return 'invalid syntax';
  let v = 0n;
  const limit = s[0] === '-' ? 9223372036854775808n : 9223372036854775807n;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return 'invalid syntax';
    v = v * 10n + BigInt(c - 48);
    if (v > limit) return 'value out of range';
  }
  return undefined;
}

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

function isUpperRune(s: string): boolean {
  return /^\p{Lu}$/u.test(s);
}
function isLowerRune(s: string): boolean {
  return /^\p{Ll}$/u.test(s);
}

/**
 * Reads the files of one `stat` invocation; unit metadata ("Unit x assume=exact")
 * is shared across them as in benchstat.
 */
export class StatReader {
  /** "tidied unit\0key" → value */
  readonly unitMeta = new Map<string, string>();
  private readonly values = new Float64Array(64);
  private valueBuf = this.values;
  /** The values of the line just given to the sink as written (before tidying), and its iteration count. */
  origValues = new Float64Array(64);
  iters = 0;
  /** The number of the line just given to the sink. */
  get lineNumber(): number {
    return this.line;
  }
  private readonly units: string[] = [];
  private readonly origUnits: string[] = [];
  /** Benchmark names by hash: one string per distinct name. */
  private readonly names = new Map<number, NameRec>();
  /** The name of the previous plain result line, and the one plainLine matched by prediction. */
  private prev: NameRec | null = null;
  private cur: NameRec | null = null;
  /** Per measurement position, the last unit text seen there (saves slicing). */
  private readonly unitAt: TidyEntry[] = [];

  /** By the tidied unit, as benchstat looks metadata up: a zero "ns/op" value keeps its unit but is "sec/op" here. */
  isExact(unit: string): boolean {
    return this.unitMeta.get(`${tidy(unit).unit}\u0000assume`) === 'exact';
  }

  /**
   * Reads one file's text. Returns an error message (as benchstat words it,
   * without its program prefix) when reading must stop, else undefined.
   */
  /**
   * Reads one file. Returns an error message (as benchstat words it, without
   * its program prefix) when reading must stop, else undefined.
   */
  read(buf: Buffer, fileName: string, label: string, sink: ScanSink): string | undefined {
    this.begin(fileName, label, sink);
    return this.more(buf, sink);
  }

  /** Starts a file read in pieces by more(): no configuration yet, line 1 next. */
  begin(fileName: string, label: string, sink: ScanSink): void {
    this.config = label === '' ? new ConfigSnapshot([], [], []) : new ConfigSnapshot(['.file'], [label], [false]);
    sink.config(this.config);
    this.fileName = fileName;
    this.line = 0;
    this.stop = undefined;
  }

  /**
   * The next piece of the file begun last: whole lines (a final line without
   * its newline only at the end of the file). Returns the error that stopped
   * reading, now or before (then this piece is ignored, as benchstat stops).
   */
  more(buf: Buffer, sink: ScanSink): string | undefined {
    if (this.stop !== undefined) return this.stop;
    const len = buf.length;
    let pos = 0;
    // Plain result lines of known names go through a loop that never takes a
    // rare path (so its optimized code stays valid from file to file); it
    // hands every other line back here.
    for (;;) {
      pos = this.run(buf, pos, len, sink);
      if (pos >= len) break;
      pos = this.step(buf, pos, len, sink);
    }
    return this.stop;
  }

  private config = new ConfigSnapshot([], [], []);
  private fileName = '';
  private line = 0;
  private stop: string | undefined = undefined;

  /** Reads plain result lines from pos; returns the first other line. */
  private run(buf: Buffer, pos: number, len: number, sink: ScanSink): number {
    while (pos < len) {
      if (buf[pos] !== 66 || !isBenchmark(buf, pos, len)) return pos;
      const n = this.plainLine(buf, pos + 9, len);
      if (n === 0) return pos;
      const rec = this.knownName(buf, pos + 9) ?? this.nameOf(buf, pos + 9);
      this.line++;
      if (!sink.tryResult(rec.name, n, this.valueBuf, this.units, this.origUnits)) sink.result(rec.name, n, this.valueBuf, this.units, this.origUnits);
      this.follow(rec);
      pos = this.lineEnd + 1;
    }
    return pos;
  }

  /** Reads the line at pos, whatever it is; returns where the next one starts. */
  private step(buf: Buffer, pos: number, len: number, sink: ScanSink): number {
    this.line++;
    if (buf[pos] === 66 && isBenchmark(buf, pos, len)) {
      const n = this.plainLine(buf, pos + 9, len);
      if (n > 0) {
        const rec = this.nameOf(buf, pos + 9);
        this.follow(rec);
        sink.result(rec.name, n, this.valueBuf, this.units, this.origUnits);
        return this.lineEnd + 1;
      }
    }
    return this.slowStep(buf, pos, len, sink);
  }

  private slowStep(buf: Buffer, pos: number, len: number, sink: ScanSink): number {
    let nl = pos;
    while (nl < len && buf[nl] !== 10) nl++;
    // bufio.Scanner gives up on a line that does not fit its 64 KiB buffer.
    if (nl - pos >= MAX_LINE_BYTES) {
      this.stop = `${this.fileName}:${this.line - 1}: bufio.Scanner: token too long`;
      return len;
    }
    let end = nl;
    if (end > pos && buf[end - 1] === 13) end--;
    const config = this.otherLine(decodeRaw(buf, pos, end), this.config, this.fileName, this.line, sink);
    if (config !== this.config) {
      this.config = config;
      sink.config(config);
    }
    return nl + 1;
  }

  /** Any line but a plain result: a result for the general reader, a unit line, a config line or nothing. */
  private otherLine(text: string, config: ConfigSnapshot, fileName: string, line: number, sink: ScanSink): ConfigSnapshot {
    const end = text.length;
    const c0 = text.charCodeAt(0);
    if (c0 === 66 && text.startsWith('Benchmark')) {
      const err = this.benchmarkLine(text, 9, end, sink);
      if (err !== undefined) sink.syntaxError(`${fileName}:${line}: ${err}`, line, err, text);
      return config;
    }
    if (c0 === 85 && this.unitLine(text, 0, end, fileName, line, sink)) return config;
    if (!(c0 >= 97)) return config;
    const kv = keyValue(text);
    if (!kv) return config;
    const [key, value] = kv;
    const keys = config.keys.slice();
    const vals = config.values.slice();
    const file = config.file.slice();
    const at = keys.indexOf(key);
    if (value === '') {
      if (at < 0) return config;
      // Deleting moves the last key into the deleted one's place.
      const last = keys.length - 1;
      keys[at] = keys[last]!;
      vals[at] = vals[last]!;
      file[at] = file[last]!;
      keys.pop();
      vals.pop();
      file.pop();
    } else if (at >= 0) {
      vals[at] = value;
      file[at] = true;
    } else {
      keys.push(key);
      vals.push(value);
      file.push(true);
    }
    return new ConfigSnapshot(keys, vals, file);
  }

  private nameEnd = 0;
  private nameHash = 0;

  /**
   * The common case of a result line, kept small so that it is optimized
   * early: printable ASCII, blanks and tabs between fields, plain decimal
   * values. Returns the number of measurements, or 0 when the line needs the
   * general reader (anything else, including every malformed line).
   */
  private lineEnd = 0;

  private plainLine(buf: Buffer, p: number, len: number): number {
    const lineStart = p - 9;
    const start = p;
    let c = 0;
    // The name: first try the one that followed the previous line's name last
    // time (or that name again): repeated runs and cycles of benchmarks both
    // predict well, and a hit costs one pass instead of hashing and comparing.
    let rec = this.prev;
    if (rec !== null) {
      if (rec.next !== null) rec = rec.next;
      const nb = rec.name;
      let k = 0;
      while (k < nb.length && p < len && buf[p] === nb.charCodeAt(k)) {
        p++;
        k++;
      }
      // Every comparison here runs on every line, hit or miss, so the
      // optimized code has seen them all (a first hit must not deoptimize it).
      c = p < len ? buf[p]! : 10;
      const sep = c === 32 || c === 9;
      if (k !== nb.length || !sep) {
        rec = null;
        p = start;
      }
    }
    if (rec === null) {
      let h = 0x811c9dc5;
      for (;;) {
        if (p >= len) return 0;
        c = buf[p]!;
        if (c === 32 || c === 9) break;
        // Anything else below "!" or above "~" (newline too: a bare name) is for the general reader.
        if (c < 33 || c > 126) return 0;
        h = Math.imul(h ^ c, 16777619);
        p++;
      }
      // Small enough to stay an unboxed map key.
      this.nameHash = h & 0x3fffffff;
    }
    this.nameEnd = p;
    this.cur = rec;
    do p++;
    while (p < len && ((c = buf[p]!) === 32 || c === 9));
    let q = p;
    let iters = 0;
    while (q < len && (c = buf[q]!) >= 48 && c <= 57) {
      iters = iters * 10 + (c - 48);
      q++;
    }
    this.iters = iters;
    if (q === p || q - p > 18 || q >= len || (c !== 32 && c !== 9)) return 0;
    p = q;
    const vals = this.valueBuf;
    const origs = this.origValues;
    let n = 0;
    for (;;) {
      while (p < len && ((c = buf[p]!) === 32 || c === 9)) p++;
      // The end of the line: "\n", "\r\n", or the end of the file (with or without "\r").
      if (p >= len || c === 10) break;
      if (c === 13 && (p + 1 >= len || buf[p + 1] === 10)) break;
      let m = 0;
      let digits = 0;
      let frac = -1;
      for (; p < len; p++) {
        c = buf[p]!;
        if (c >= 48 && c <= 57) {
          m = m * 10 + (c - 48);
          digits++;
          if (frac >= 0) frac++;
        } else if (c === 46 && frac < 0) frac = 0;
        else break;
      }
      if (digits === 0 || digits > 15 || p >= len || (c !== 32 && c !== 9)) return 0;
      // An exact integer and one correctly rounded division: what strconv gives.
      const v = frac > 0 ? m / POW10[frac]! : m;
      while (p < len && ((c = buf[p]!) === 32 || c === 9)) p++;
      if (p >= len || c < 33 || c > 126 || n >= vals.length) return 0;
      // The unit: usually the one seen last at this position, compared as we go.
      let t: TidyEntry | undefined = this.unitAt[n];
      q = p;
      if (t !== undefined) {
        const ub = t.bytes;
        let k = 0;
        while (k < ub.length && q < len && buf[q] === ub[k]) {
          q++;
          k++;
        }
        if (k !== ub.length || (q < len && (c = buf[q]!) !== 32 && c !== 9 && c !== 10 && !(c === 13 && (q + 1 >= len || buf[q + 1] === 10)))) {
          t = undefined;
          q = p;
        }
      }
      if (t === undefined) {
        while (q < len) {
          c = buf[q]!;
          if (c === 32 || c === 9 || c === 10) break;
          if (c === 13 && (q + 1 >= len || buf[q + 1] === 10)) break;
          if (c < 33 || c > 126) return 0;
          q++;
        }
        t = this.unitFor(buf, p, q, n);
      }
      const tv = v * t.factor;
      if (tv === v) {
        vals[n] = v;
        origs[n] = v;
        this.units[n] = t.orig;
        this.origUnits[n] = '';
      } else {
        vals[n] = tv;
        origs[n] = v;
        this.units[n] = t.unit;
        this.origUnits[n] = t.orig;
      }
      n++;
      p = q;
    }
    if (p < len && buf[p] === 13) p++;
    if (n === 0 || p - lineStart >= MAX_LINE_BYTES) return 0;
    this.lineEnd = p;
    return n;
  }

  private unitFor(buf: Buffer, p: number, q: number, n: number): TidyEntry {
    const t = tidy(buf.toString('latin1', p, q));
    this.unitAt[n] = t;
    return t;
  }

  /** The name plainLine just read if it was seen before, else undefined. */
  private knownName(buf: Buffer, start: number): NameRec | undefined {
    if (this.cur !== null) return this.cur;
    const rec = this.names.get(this.nameHash);
    return rec !== undefined && sameAscii(rec.name, buf, start, this.nameEnd) ? rec : undefined;
  }

  /** The name plainLine just read, one record per distinct name. */
  private nameOf(buf: Buffer, start: number): NameRec {
    if (this.cur !== null) return this.cur;
    let rec = this.names.get(this.nameHash);
    if (rec === undefined || !sameAscii(rec.name, buf, start, this.nameEnd)) {
      rec = { name: buf.toString('latin1', start, this.nameEnd), next: null };
      this.names.set(this.nameHash, rec);
    }
    return rec;
  }

  /** Remembers which name followed which. */
  private follow(rec: NameRec): void {
    const prev = this.prev;
    if (prev !== null && prev.next !== rec) prev.next = rec;
    this.prev = rec;
  }

  /** A "Benchmark…" line from `p` (just after the prefix) to `end`; returns an error message or undefined. */
  private benchmarkLine(text: string, p: number, end: number, sink: ScanSink): string | undefined {
    const start = p;
    // Name: up to the first space character.
    for (; p < end; p++) {
      const c = text.charCodeAt(p);
      if ((c <= 32 || c >= 0x85) && isSpaceCode(c)) break;
    }
    const nameEnd = p;
    // A bare name with nothing after it ("go test -v" prints one) is skipped.
    if (p === end) return undefined;
    p = skipSpaces(text, p + 1, end);
    // Iteration count.
    let q = p;
    for (; q < end; q++) {
      const c = text.charCodeAt(q);
      if ((c <= 32 || c >= 0x85) && isSpaceCode(c)) break;
    }
    if (q === p) return 'missing iteration count';
    let simple = q - p < 19;
    for (let i = p; i < q && simple; i++) {
      const c = text.charCodeAt(i);
      if (c < 48 || c > 57) simple = false;
    }
    if (!simple) {
      const e = atoiError(text.slice(p, q));
      if (e) return `parsing iteration count: ${e}`;
    }
    // strconv.Atoi: an optional sign, then decimal digits ("+5" is 5).
    this.iters = Number(text.slice(p, q));
    p = q < end ? skipSpaces(text, q + 1, end) : end;
    let n = 0;
    for (;;) {
      if (p >= end) {
        if (n > 0) break;
        return 'missing measurements';
      }
      // Value.
      q = p;
      let m = 0;
      let digits = 0;
      let frac = -1;
      let plain = true;
      while (q < end) {
        const c = text.charCodeAt(q);
        if (c >= 48 && c <= 57) {
          m = m * 10 + (c - 48);
          digits++;
          if (frac >= 0) frac++;
        } else if (c === 46 && frac < 0) frac = 0;
        else if ((c <= 32 || c >= 0x85) && isSpaceCode(c)) break;
        else plain = false;
        q++;
      }
      let v: number;
      if (plain && digits > 0 && digits <= 15) {
        // Exact integer; one correctly rounded division matches strconv.
        v = frac > 0 ? m / POW10[frac]! : m;
      } else {
        const r = parseFloatGo(text.slice(p, q));
        if (typeof r === 'string') return `parsing measurement: ${r}`;
        v = r;
      }
      p = q < end ? skipSpaces(text, q + 1, end) : end;
      if (p >= end) return 'missing units';
      // Unit: compare with the one last seen at this position before slicing.
      for (q = p; q < end; q++) {
        const c = text.charCodeAt(q);
        if ((c <= 32 || c >= 0x85) && isSpaceCode(c)) break;
      }
      let t = this.unitAt[n];
      if (t === undefined || t.orig.length !== q - p || !text.startsWith(t.orig, p)) {
        t = tidy(text.slice(p, q));
        this.unitAt[n] = t;
      }
      if (n >= this.valueBuf.length) {
        const grown = new Float64Array(this.valueBuf.length * 2);
        grown.set(this.valueBuf);
        this.valueBuf = grown;
        const grownOrig = new Float64Array(grown.length);
        grownOrig.set(this.origValues);
        this.origValues = grownOrig;
      }
      const tv = v * t.factor;
      if (tv === v) {
        this.valueBuf[n] = v;
        this.origValues[n] = v;
        this.units[n] = t.orig;
        this.origUnits[n] = '';
      } else {
        this.valueBuf[n] = tv;
        this.origValues[n] = v;
        this.units[n] = t.unit;
        this.origUnits[n] = t.orig;
      }
      n++;
      p = q < end ? skipSpaces(text, q + 1, end) : end;
    }
    sink.result(text.slice(start, nameEnd), n, this.valueBuf, this.units, this.origUnits);
    return undefined;
  }

  /** "Unit NAME key=value…"; false when the line is not a unit line. */
  private unitLine(text: string, pos: number, end: number, fileName: string, line: number, sink: ScanSink): boolean {
    if (!text.startsWith('Unit', pos) || (pos + 4 < end && !isSpaceCode(text.charCodeAt(pos + 4)))) return false;
    const fields = splitFields(text.slice(pos, end));
    // The first field is "Unit" itself.
    if (fields.length < 2) {
      sink.syntaxError(`${fileName}:${line}: missing unit`, line, 'missing unit', text);
      return true;
    }
    const unit = fields[1]!;
    const tidied = tidy(unit).unit;
    for (const f of fields.slice(2)) {
      const eq = f.indexOf('=');
      if (eq <= 0) {
        sink.syntaxError(`${fileName}:${line}: expected key=value`, line, 'expected key=value', text);
        continue;
      }
      const key = f.slice(0, eq);
      const value = f.slice(eq + 1);
      const mk = `${tidied}\u0000${key}`;
      const have = this.unitMeta.get(mk);
      if (have !== undefined) {
        const msg = `metadata ${key} of unit ${unit} already set to ${have}`;
        if (have !== value) sink.syntaxError(`${fileName}:${line}: ${msg}`, line, msg, text);
        continue;
      }
      this.unitMeta.set(mk, value);
      sink.unitMeta?.(tidied, unit, key, value);
    }
    return true;
  }
}

/** Whether bytes [p, q) spell the ASCII string s. */
function sameAscii(s: string, buf: Buffer, p: number, q: number): boolean {
  if (s.length !== q - p) return false;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) !== buf[p + i]) return false;
  return true;
}

/** "Benchmark" at pos. */
function isBenchmark(buf: Buffer, pos: number, end: number): boolean {
  return end - pos >= 9 && buf[pos + 1] === 101 && buf[pos + 2] === 110 && buf[pos + 3] === 99 && buf[pos + 4] === 104 && buf[pos + 5] === 109 && buf[pos + 6] === 97 && buf[pos + 7] === 114 && buf[pos + 8] === 107;
}

function skipSpaces(text: string, p: number, end: number): number {
  for (; p < end; p++) {
    const c = text.charCodeAt(p);
    if (c > 32 && c < 0x85) break;
    if (!isSpaceCode(c)) break;
  }
  return p;
}

/** Fields separated by single space characters, runs of spaces skipped after each separator. */
function splitFields(line: string): string[] {
  const out: string[] = [];
  let p = 0;
  const end = line.length;
  while (p < end) {
    let q = p;
    while (q < end && !isSpaceCode(line.charCodeAt(q))) q++;
    out.push(line.slice(p, q));
    p = q < end ? skipSpaces(line, q + 1, end) : end;
  }
  return out;
}

/** A "key: value" configuration line (key starts lower case, has no spaces or upper case). */
function keyValue(line: string): [string, string] | undefined {
  let i = 0;
  let key = '';
  let val: string | undefined;
  for (const r of line) {
    if (i === 0 && !isLowerRune(r)) return undefined;
    if (isSpaceCode(r.charCodeAt(0)) || isUpperRune(r)) return undefined;
    if (i > 0 && r === ':') {
      key = line.slice(0, i);
      val = line.slice(i + 1);
      break;
    }
    i += r.length;
  }
  if (key === '' || val === undefined) return undefined;
  if (val === '') return [key, ''];
  let j = 0;
  while (j < val.length && (val[j] === ' ' || val[j] === '\t')) j++;
  if (j === 0) return undefined;
  return [key, val.slice(j)];
}
