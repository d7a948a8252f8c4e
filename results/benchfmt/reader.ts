/**
 * Records of the Go benchmark data format (golang/proposal design/14313) for
 * `import` and the runner, from the one reader benchstat's semantics live in
 * (scan.ts, which `stat` also uses): what benchstat reads is read, value for
 * value (iteration counts "+5", "-0", configuration values kept as written),
 * what it rejects ("1e999", a 64 KiB line) is a warning. Streams: text
 * arrives in chunks split anywhere. Nothing throws.
 */
import { StatReader, parseFloatGo, type ConfigSnapshot, type ScanSink } from './scan.ts';

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


/** Collects the scanner's callbacks as records. */
class RecordSink implements ScanSink {
  out: BenchRecord[] = [];
  private pairs: Config = [];
  private snapshot: ConfigSnapshot | null = null;

  constructor(private readonly scanner: StatReader) {}

  currentConfig(): Config {
    return this.pairs;
  }

  /** A new snapshot whenever the configuration changes: one shared pairs array per snapshot. */
  config(c: ConfigSnapshot): void {
    if (c === this.snapshot) return;
    this.snapshot = c;
    const pairs: Array<readonly [string, string]> = [];
    for (let i = 0; i < c.keys.length; i++) if (c.file[i]) pairs.push([c.keys[i]!, c.values[i]!]);
    this.pairs = pairs;
  }

  tryResult(): boolean {
    return false;
  }

  result(name: string, n: number, values: Float64Array, units: readonly string[], origUnits: readonly string[]): void {
    const orig = this.scanner.origValues;
    const ms: Measurement[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const tidied = origUnits[i] !== '';
      ms[i] = { value: values[i]!, unit: units[i]!, origValue: orig[i]!, origUnit: tidied ? origUnits[i]! : units[i]! };
    }
    this.out.push({ kind: 'result', name, iters: this.scanner.iters, values: ms, config: this.pairs, line: this.scanner.lineNumber });
  }

  syntaxError(_text: string, line: number, message: string, lineText: string): void {
    this.out.push({ kind: 'warning', line, message, text: lineText });
  }

  unitMeta(unit: string, origUnit: string, key: string, value: string): void {
    this.out.push({ kind: 'unit', unit, origUnit, key, value, line: this.scanner.lineNumber });
  }
}

const MAX_LINE_BYTES = 64 * 1024;

export class BenchReader {
  private readonly scanner: StatReader;
  private readonly sink: RecordSink;
  private pending: Buffer = Buffer.alloc(0);
  private stopped = false;

  /**
   * One file's reader. Pass a scanner to share unit metadata across files
   * (as benchstat reads several files); each BenchReader starts a new file.
   */
  constructor(scanner: StatReader = new StatReader(), fileName = '') {
    this.scanner = scanner;
    this.sink = new RecordSink(scanner);
    scanner.begin(fileName, '', this.sink);
  }

  /** The configuration currently in force. */
  currentConfig(): Config {
    return this.sink.currentConfig();
  }

  /** Feeds a chunk (text, or bytes that may hold invalid UTF-8); returns the records of every complete line in it. */
  push(chunk: string | Buffer): BenchRecord[] {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    const buf = this.pending.length === 0 ? bytes : Buffer.concat([this.pending, bytes]);
    const nl = buf.lastIndexOf(10);
    if (nl < 0) {
      this.pending = buf;
      // A line this long stops benchstat's reading; no need to keep more of it.
      if (buf.length > MAX_LINE_BYTES + 2) this.feed(buf);
      return this.take();
    }
    this.pending = Buffer.from(buf.subarray(nl + 1));
    this.feed(buf.subarray(0, nl + 1));
    return this.take();
  }

  /** Reads a final line that had no newline; returns its records. */
  end(): BenchRecord[] {
    if (this.pending.length > 0) this.feed(this.pending);
    this.pending = Buffer.alloc(0);
    return this.take();
  }

  private feed(buf: Buffer): void {
    if (this.stopped) return;
    const stop = this.scanner.more(buf, this.sink);
    if (stop !== undefined) {
      this.stopped = true;
      if (buf.length > MAX_LINE_BYTES) this.pending = Buffer.alloc(0);
      const line = Number(/:(\d+): bufio/.exec(stop)?.[1] ?? 0) + 1;
      this.sink.out.push({ kind: 'warning', line, message: 'line too long (64 KiB or more): benchstat stops reading the file here', text: '' });
    }
  }

  private take(): BenchRecord[] {
    const out = this.sink.out;
    this.sink.out = [];
    return out;
  }
}

/** strconv.ParseFloat's value (decimal, hex with p exponent, Inf, NaN, digit separators); undefined on any error, out of range included. */
export function parseGoFloat(s: string): number | undefined {
  const v = parseFloatGo(s);
  return typeof v === 'number' ? v : undefined;
}

/** Reads a whole text at once. */
export function readAll(text: string | Buffer): BenchRecord[] {
  const r = new BenchReader();
  const out = r.push(text);
  for (const rec of r.end()) out.push(rec);
  return out;
}
