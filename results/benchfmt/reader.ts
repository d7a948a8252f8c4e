/**
 * A streaming reader for the Go benchmark data format (golang/proposal
 * design/14313), accepting what benchstat's benchfmt reader accepts.
 * Lines it cannot read become warnings with their line numbers; nothing throws.
 */
import { tidyUnit, type TidyUnit } from './units.ts';

export interface Measurement {
  /** Value in the tidied unit (ns/op → sec/op × 1e-9, MB/s → B/s × 1e6). */
  value: number;
  unit: string;
  /** The value and unit exactly as the line wrote them. */
  origValue: number;
  origUnit: string;
}

/** Configuration in force for a result: an immutable ordered list of pairs. */
export type Config = ReadonlyArray<readonly [key: string, value: string]>;

export interface BenchResult {
  kind: 'result';
  /** The name after "Benchmark", with sub-benchmark parts and the -N suffix. */
  name: string;
  iters: number;
  values: Measurement[];
  /** The configuration lines in force; shared by consecutive results. */
  config: Config;
  line: number;
}

export interface UnitMeta {
  kind: 'unit';
  /** The tidied unit the metadata applies to. */
  unit: string;
  origUnit: string;
  key: string;
  value: string;
  line: number;
}

export interface ConfigLine {
  kind: 'config';
  key: string;
  /** An empty value deletes the key. */
  value: string;
  line: number;
}

export interface ReadWarning {
  kind: 'warning';
  line: number;
  message: string;
  text: string;
}

export type BenchRecord = BenchResult | UnitMeta | ConfigLine | ReadWarning;

const SPACE = /\s+/;

/** A `key: value` configuration line: lower-case start, no spaces or upper case in the key. */
function parseConfigLine(line: string): { key: string; value: string } | null {
  const colon = line.indexOf(':');
  if (colon <= 0) return null;
  const first = line.charCodeAt(0);
  // The key starts with a lower-case letter (ASCII fast path; other scripts via toLowerCase).
  const c0 = line[0]!;
  if (!(first >= 97 && first <= 122) && !(c0 !== c0.toUpperCase() && c0 === c0.toLowerCase())) return null;
  const key = line.slice(0, colon);
  for (let i = 0; i < key.length; i++) {
    const ch = key[i]!;
    if (ch === ' ' || ch === '\t' || (ch !== ch.toLowerCase() && ch === ch.toUpperCase())) return null;
  }
  const rest = line.slice(colon + 1);
  if (rest.length > 0 && rest[0] !== ' ' && rest[0] !== '\t') return null;
  return { key, value: rest.trim() };
}

export class BenchReader {
  private lineNo = 0;
  private pending = '';
  private configMap = new Map<string, string>();
  private config: Config = [];
  private readonly unitMeta = new Map<string, string>();

  /** The configuration currently in force. */
  currentConfig(): Config {
    return this.config;
  }

  /** Feed a chunk of text; returns the records of every complete line in it. */
  push(chunk: string): BenchRecord[] {
    const text = this.pending + chunk;
    const out: BenchRecord[] = [];
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl < 0) break;
      // Most lines are plain results: read them in place, without a line string.
      if (!(text.startsWith('Benchmark', start) && this.readPlainResult(text, start, nl, out))) this.readLine(text.slice(start, nl), out);
      start = nl + 1;
    }
    this.pending = text.slice(start);
    return out;
  }

  // Per field position, the unit text last seen there and its tidied form.
  private readonly unitCache: Array<{ text: string; tidy: TidyUnit } | undefined> = [];
  private lastName = '';

  /**
   * The fast path for `BenchmarkName N v unit [v unit]…` with ASCII blanks,
   * plain decimal values and no CR. Anything else returns false untouched and
   * the general reader takes the line, so both paths give the same records.
   */
  private readPlainResult(text: string, start: number, end: number, out: BenchRecord[]): boolean {
    let i = start + 9;
    while (i < end && !isAsciiBlank(text.charCodeAt(i))) {
      if (isRareByte(text.charCodeAt(i))) return false;
      i++;
    }
    const nameEnd = i;
    while (i < end && isAsciiBlank(text.charCodeAt(i))) i++;
    // Iteration count: digits only.
    let iters = 0;
    const itersStart = i;
    for (; i < end; i++) {
      const d = text.charCodeAt(i) - 48;
      if (d < 0 || d > 9) break;
      iters = iters * 10 + d;
    }
    if (i === itersStart || i - itersStart > 15 || (i < end && !isAsciiBlank(text.charCodeAt(i)))) return false;
    const values: Measurement[] = [];
    let field = 0;
    for (;;) {
      while (i < end && isAsciiBlank(text.charCodeAt(i))) i++;
      if (i >= end) break;
      // A value: digits with at most one dot, 15 significant digits at most, so
      // mantissa / 10^k is exact-then-correctly-rounded, as Number() would give.
      let mant = 0;
      let digits = 0;
      let frac = -1;
      for (; i < end; i++) {
        const c = text.charCodeAt(i);
        if (c === 46) {
          if (frac >= 0) return false;
          frac = 0;
        } else if (c >= 48 && c <= 57) {
          mant = mant * 10 + (c - 48);
          digits++;
          if (frac >= 0) frac++;
        } else break;
      }
      if (digits === 0 || digits > 15 || i >= end || !isAsciiBlank(text.charCodeAt(i))) return false;
      const origValue = frac > 0 ? mant / POW10[frac]! : mant;
      while (i < end && isAsciiBlank(text.charCodeAt(i))) i++;
      const unitStart = i;
      while (i < end && !isAsciiBlank(text.charCodeAt(i))) {
        if (isRareByte(text.charCodeAt(i))) return false;
        i++;
      }
      if (i === unitStart) return false;
      let u = this.unitCache[field];
      if (!u || u.text.length !== i - unitStart || !text.startsWith(u.text, unitStart)) {
        const unitText = text.slice(unitStart, i);
        u = { text: unitText, tidy: tidyUnit(unitText) };
        this.unitCache[field] = u;
      }
      values.push({ value: origValue * u.tidy.factor, unit: u.tidy.unit, origValue, origUnit: u.text });
      field++;
    }
    if (values.length === 0) return false;
    const nameLen = nameEnd - start - 9;
    const name = nameLen === this.lastName.length && text.startsWith(this.lastName, start + 9) ? this.lastName : (this.lastName = text.slice(start + 9, nameEnd));
    out.push({ kind: 'result', name, iters, values, config: this.config, line: ++this.lineNo });
    return true;
  }

  /** Flush a final line that had no newline. */
  end(): BenchRecord[] {
    const out: BenchRecord[] = [];
    if (this.pending.length > 0) this.readLine(this.pending, out);
    this.pending = '';
    return out;
  }

  private readLine(raw: string, out: BenchRecord[]): void {
    const lineNo = ++this.lineNo;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.startsWith('Benchmark')) {
      this.readResult(line, lineNo, out);
      return;
    }
    if (line.startsWith('Unit')) {
      const fields = line.trim().split(SPACE);
      if (fields[0] === 'Unit') {
        this.readUnit(fields, line, lineNo, out);
        return;
      }
    }
    const cfg = parseConfigLine(line);
    if (cfg) {
      if (cfg.value === '') this.configMap.delete(cfg.key);
      else this.configMap.set(cfg.key, cfg.value);
      this.config = Array.from(this.configMap, ([k, v]) => [k, v] as const);
      out.push({ kind: 'config', key: cfg.key, value: cfg.value, line: lineNo });
    }
  }

  private readResult(line: string, lineNo: number, out: BenchRecord[]): void {
    const fields = splitFields(line);
    const name = fields[0]!.slice('Benchmark'.length);
    if (fields.length === 1) {
      // `go test -v` prints a bare name before the result; it means nothing.
      if (line.length === fields[0]!.length) return;
      out.push(warn(lineNo, 'missing iteration count', line));
      return;
    }
    const iters = parseIters(fields[1]!);
    if (iters < 0) {
      out.push(warn(lineNo, `parsing iteration count: invalid syntax: ${JSON.stringify(fields[1])}`, line));
      return;
    }
    if (fields.length === 2) {
      out.push(warn(lineNo, 'missing measurements', line));
      return;
    }
    const values: Measurement[] = [];
    for (let i = 2; i < fields.length; i += 2) {
      const origValue = parseGoFloat(fields[i]!);
      if (origValue === undefined) {
        out.push(warn(lineNo, `parsing measurement: invalid syntax: ${JSON.stringify(fields[i])}`, line));
        return;
      }
      const origUnit = fields[i + 1];
      if (origUnit === undefined) {
        out.push(warn(lineNo, 'missing units', line));
        return;
      }
      const t = tidyUnit(origUnit);
      values.push({ value: origValue * t.factor, unit: t.unit, origValue, origUnit });
    }
    out.push({ kind: 'result', name, iters, values, config: this.config, line: lineNo });
  }

  private readUnit(fields: string[], line: string, lineNo: number, out: BenchRecord[]): void {
    if (fields.length < 2) {
      out.push(warn(lineNo, 'missing unit', line));
      return;
    }
    const origUnit = fields[1]!;
    const unit = tidyUnit(origUnit).unit;
    for (const kv of fields.slice(2)) {
      const eq = kv.indexOf('=');
      if (eq <= 0) {
        out.push(warn(lineNo, 'expected key=value', line));
        continue;
      }
      const key = kv.slice(0, eq);
      const value = kv.slice(eq + 1);
      const mapKey = `${unit}\u0000${key}`;
      const prev = this.unitMeta.get(mapKey);
      if (prev !== undefined && prev !== value) {
        out.push(warn(lineNo, `metadata ${key} of unit ${unit} already set to ${prev}`, line));
        continue;
      }
      this.unitMeta.set(mapKey, value);
      out.push({ kind: 'unit', unit, origUnit, key, value, line: lineNo });
    }
  }
}

/**
 * Fields separated by runs of white space, as Go's strings.Fields does. A
 * hand-written scan: this is the hot loop of every import and every stat.
 */
function splitFields(line: string): string[] {
  const fields: string[] = [];
  const n = line.length;
  let i = 0;
  while (i < n) {
    while (i < n && isSpace(line.charCodeAt(i))) i++;
    if (i >= n) break;
    const start = i;
    while (i < n && !isSpace(line.charCodeAt(i))) i++;
    fields.push(line.slice(start, i));
  }
  return fields;
}

function isAsciiBlank(c: number): boolean {
  return c === 32 || c === 9;
}

/** Non-ASCII (maybe Unicode space) or \v \f \r: left to the general reader. */
function isRareByte(c: number): boolean {
  return c >= 0x80 || (c >= 10 && c <= 13);
}

// Powers of ten that are exact doubles, parsed rather than computed.
const POW10 = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));

function isSpace(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13);
  if (c < 0x85) return false;
  return c === 0x85 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000;
}

/** A non-negative decimal integer, or -1 when the text is not one. */
function parseIters(s: string): number {
  let v = 0;
  for (let i = 0; i < s.length; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return s.length > 0 && Number.isSafeInteger(v) ? v : -1;
}

function warn(line: number, message: string, text: string): ReadWarning {
  return { kind: 'warning', line, message, text };
}

/** Digits with at most one dot and no sign or exponent: the common case, checked without a regexp. */
function isPlainDecimal(s: string): boolean {
  let dots = 0;
  let digits = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) dots++;
    else if (c >= 48 && c <= 57) digits++;
    else return false;
  }
  return dots <= 1 && digits > 0;
}

const DECIMAL = /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;
const SPECIAL = /^[+-]?(?:inf|infinity|nan)$/i;
const HEX = /^([+-]?)0[xX]([0-9a-fA-F_]*)(?:\.([0-9a-fA-F_]*))?[pP]([+-]?[0-9]+)$/;

/** strconv.ParseFloat syntax (decimal, hex with p exponent, Inf, NaN); undefined when invalid. */
export function parseGoFloat(s: string): number | undefined {
  if (isPlainDecimal(s)) return Number(s);
  if (DECIMAL.test(s)) return Number(s);
  if (SPECIAL.test(s)) {
    const lower = s.toLowerCase();
    if (lower.endsWith('nan')) return NaN;
    return lower.startsWith('-') ? -Infinity : Infinity;
  }
  const m = HEX.exec(s);
  if (!m) return undefined;
  const intPart = (m[2] ?? '').replace(/_/g, '');
  const frac = (m[3] ?? '').replace(/_/g, '');
  if (intPart === '' && frac === '') return undefined;
  let v = intPart === '' ? 0 : parseInt(intPart, 16);
  for (let i = 0; i < frac.length; i++) v += parseInt(frac[i]!, 16) / 16 ** (i + 1);
  const r = v * 2 ** Number(m[4]);
  return m[1] === '-' ? -r : r;
}

/** Read a whole text at once. */
export function readAll(text: string): BenchRecord[] {
  const r = new BenchReader();
  const out = r.push(text);
  for (const rec of r.end()) out.push(rec);
  return out;
}
