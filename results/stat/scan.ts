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
  /**
   * One result line. `values`, `units` and `origUnits` hold `n` measurements
   * and are reused after the call returns. `origUnits[i]` is '' when tidying
   * left the measurement alone.
   */
  result(name: string, config: ConfigSnapshot, n: number, values: Float64Array, units: readonly string[], origUnits: readonly string[]): void;
  /** A line that could not be read, as "file:line: message". */
  syntaxError(text: string): void;
}

const MAX_LINE_BYTES = 64 * 1024;

/** unicode.IsSpace for a UTF-16 code unit (all such spaces are in the BMP). */
export function isSpaceCode(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13);
  if (c < 0x85) return false;
  return c === 0x85 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000;
}

function utf8Length(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < to) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

interface TidyEntry {
  orig: string;
  unit: string;
  factor: number;
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
  e = { orig: unit, unit: out, factor };
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
  private readonly units: string[] = [];
  private readonly origUnits: string[] = [];
  /** Per measurement position, the last unit text seen there (saves slicing). */
  private readonly unitAt: TidyEntry[] = [];

  isExact(unit: string): boolean {
    return this.unitMeta.get(`${unit}\u0000assume`) === 'exact';
  }

  /**
   * Reads one file's text. Returns an error message (as benchstat words it,
   * without its program prefix) when reading must stop, else undefined.
   */
  read(text: string, fileName: string, label: string, sink: ScanSink): string | undefined {
    let keys: string[] = [];
    let vals: string[] = [];
    let file: boolean[] = [];
    if (label !== '') {
      keys = ['.file'];
      vals = [label];
      file = [false];
    }
    let config = new ConfigSnapshot(keys, vals, file);
    const len = text.length;
    let pos = 0;
    let line = 0;
    while (pos < len) {
      let nl = text.indexOf('\n', pos);
      if (nl < 0) nl = len;
      if (nl - pos >= MAX_LINE_BYTES / 3 && utf8Length(text, pos, nl) >= MAX_LINE_BYTES) {
        return `${fileName}:${line}: bufio.Scanner: token too long`;
      }
      let end = nl;
      if (end > pos && text.charCodeAt(end - 1) === 13) end--;
      line++;
      const c0 = text.charCodeAt(pos);
      if (c0 === 66 && text.startsWith('Benchmark', pos)) {
        const err = this.benchmarkLine(text, pos + 9, end, config, sink);
        if (err !== undefined) sink.syntaxError(`${fileName}:${line}: ${err}`);
      } else if (c0 === 85 && this.unitLine(text, pos, end, fileName, line, sink)) {
        // handled
      } else if (c0 >= 97) {
        const kv = keyValue(text.slice(pos, end));
        if (kv) {
          const [key, value] = kv;
          const at = keys.indexOf(key);
          keys = keys.slice();
          vals = vals.slice();
          file = file.slice();
          if (value === '') {
            if (at >= 0) {
              const last = keys.length - 1;
              keys[at] = keys[last]!;
              vals[at] = vals[last]!;
              file[at] = file[last]!;
              keys.pop();
              vals.pop();
              file.pop();
            }
          } else if (at >= 0) {
            vals[at] = value;
            file[at] = true;
          } else {
            keys.push(key);
            vals.push(value);
            file.push(true);
          }
          config = new ConfigSnapshot(keys, vals, file);
        }
      }
      pos = nl + 1;
    }
    return undefined;
  }

  /** A "Benchmark…" line from `p` (just after the prefix) to `end`; returns an error message or undefined. */
  private benchmarkLine(text: string, p: number, end: number, config: ConfigSnapshot, sink: ScanSink): string | undefined {
    const start = p;
    // Name: up to the first space character.
    while (p < end && !isSpaceCode(text.charCodeAt(p))) p++;
    const nameEnd = p;
    // A bare name with nothing after it ("go test -v" prints one) is skipped.
    if (p === end) return undefined;
    p = skipSpaces(text, p + 1, end);
    // Iteration count.
    let q = p;
    while (q < end && !isSpaceCode(text.charCodeAt(q))) q++;
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
        else if (isSpaceCode(c)) break;
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
      q = p;
      while (q < end && !isSpaceCode(text.charCodeAt(q))) q++;
      let t = this.unitAt[n];
      if (t === undefined || t.orig.length !== q - p || !text.startsWith(t.orig, p)) {
        t = tidy(text.slice(p, q));
        this.unitAt[n] = t;
      }
      if (n >= this.valueBuf.length) {
        const grown = new Float64Array(this.valueBuf.length * 2);
        grown.set(this.valueBuf);
        this.valueBuf = grown;
      }
      const tv = v * t.factor;
      if (tv === v) {
        this.valueBuf[n] = v;
        this.units[n] = t.orig;
        this.origUnits[n] = '';
      } else {
        this.valueBuf[n] = tv;
        this.units[n] = t.unit;
        this.origUnits[n] = t.orig;
      }
      n++;
      p = q < end ? skipSpaces(text, q + 1, end) : end;
    }
    sink.result(text.slice(start, nameEnd), config, n, this.valueBuf, this.units, this.origUnits);
    return undefined;
  }

  /** "Unit NAME key=value…"; false when the line is not a unit line. */
  private unitLine(text: string, pos: number, end: number, fileName: string, line: number, sink: ScanSink): boolean {
    if (!text.startsWith('Unit', pos) || (pos + 4 < end && !isSpaceCode(text.charCodeAt(pos + 4)))) return false;
    const fields = splitFields(text.slice(pos, end));
    // The first field is "Unit" itself.
    if (fields.length < 2) {
      sink.syntaxError(`${fileName}:${line}: missing unit`);
      return true;
    }
    const unit = fields[1]!;
    const tidied = tidy(unit).unit;
    for (const f of fields.slice(2)) {
      const eq = f.indexOf('=');
      if (eq <= 0) {
        sink.syntaxError(`${fileName}:${line}: expected key=value`);
        continue;
      }
      const key = f.slice(0, eq);
      const value = f.slice(eq + 1);
      const mk = `${tidied}\u0000${key}`;
      const have = this.unitMeta.get(mk);
      if (have !== undefined) {
        if (have !== value) sink.syntaxError(`${fileName}:${line}: metadata ${key} of unit ${unit} already set to ${have}`);
        continue;
      }
      this.unitMeta.set(mk, value);
    }
    return true;
  }
}

function skipSpaces(text: string, p: number, end: number): number {
  while (p < end && isSpaceCode(text.charCodeAt(p))) p++;
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
