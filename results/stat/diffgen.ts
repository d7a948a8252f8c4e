// Generated inputs for the differential test against the real benchstat: a
// wide general generator and one family per class of input that once printed
// differently. Every case is a few files (bytes, as some are not UTF-8) and a
// command line; all are drawn from a seeded PRNG, so a failure reproduces.

export interface DiffFile {
  name: string;
  data: Buffer;
}

export interface DiffCase {
  family: string;
  files: DiffFile[];
  args: string[];
}

type Rand = () => number;

const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const int = (r: Rand, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));

/** A number in one of the spellings go test and benchstat accept. */
function spell(r: Rand, x: number): string {
  const k = r();
  if (Number.isInteger(x) && Math.abs(x) < 1e15 && k < 0.6) return String(x);
  if (k < 0.2) return x.toExponential(int(r, 0, 6));
  if (k < 0.5) return String(x);
  return x.toPrecision(int(r, 1, 8));
}

/** A magnitude between 1e-12 and 1e12, sometimes on a coarse grid (heavy ties). */
function magnitude(r: Rand): number {
  return 10 ** (r() * 24 - 12);
}

/** n samples around m: spread, ties on a grid, or all equal. */
function samples(r: Rand, n: number, m: number): number[] {
  const kind = r();
  const spread = kind < 0.1 ? 0 : r() * 0.2;
  const grid = kind < 0.45 ? m * pick(r, [0.01, 0.05, 0.2]) : 0;
  const shift = 1 + (r() - 0.5) * (r() < 0.5 ? 0.4 : 0.02);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    let x = m * shift * (1 + (r() - 0.5) * spread);
    if (grid > 0) x = Math.round(x / grid) * grid;
    out.push(x);
  }
  return out;
}

const ODD_SUBS = ['size=1', 'size=64', 'size=1Ki', 'mode=json', 'mode=gob', 'plain', 'a=b=c', '=x', 'x=', 'k=v-2', 'é', 'ä=ö', 'x-y', '', '16', 'size=2M'];
const KEYS = ['.name', '.fullname', '/size', '/mode', '/gomaxprocs', 'goarch', 'pkg', 'key', '.file', '.config'];

/** A sample count: 1 to 80, weighted toward small and toward the exact-test limits. */
function count(r: Rand): number {
  const k = r();
  if (k < 0.3) return int(r, 1, 6);
  if (k < 0.5) return int(r, 20, 30);
  if (k < 0.6) return int(r, 45, 55);
  return int(r, 1, 80);
}

function benchName(r: Rand, b: number): string {
  let name = `Bench${String.fromCharCode(65 + ((b * 7) % 26))}${b}`;
  const subs = int(r, 0, 2);
  for (let i = 0; i < subs; i++) name += `/${pick(r, ODD_SUBS)}`;
  if (r() < 0.6) name += `-${pick(r, [1, 2, 4, 8, 16])}`;
  return name;
}

/** The widened general generator: 1 to 5 files, mixed units and metadata, configuration changing mid-file. */
function general(r: Rand): DiffCase {
  const nfiles = pick(r, [1, 2, 2, 3, 3, 4, 5]);
  const benches = int(r, 1, 6);
  const names = Array.from({ length: benches }, (_, b) => benchName(r, b));
  const exactUnit = r() < 0.3;
  const higher = r() < 0.3;
  const custom = r() < 0.5;
  const files: string[][] = [];
  for (let f = 0; f < nfiles; f++) {
    const lines = ['goos: linux', `goarch: ${f > 0 && r() < 0.15 ? 'arm64' : 'amd64'}`, `pkg: example.com/p${f % 2 === 0 || r() < 0.7 ? 0 : 1}`];
    if (r() < 0.5) lines.push(`key: ${pick(r, ['a', 'b', 'x y', ''])}`);
    if (exactUnit) lines.push(pick(r, ['Unit x/op assume=exact', 'Unit B/op assume=exact', 'Unit sec/op assume=exact']));
    if (higher) lines.push('Unit x/op better=higher');
    for (let b = 0; b < benches; b++) {
      if (nfiles > 1 && r() < 0.1) continue;
      if (r() < 0.1) lines.push(`key: ${pick(r, ['a', 'b', 'c', ''])}`);
      if (r() < 0.05) lines.push(`goarch: ${pick(r, ['amd64', 'arm64'])}`);
      const n = count(r);
      const ns = samples(r, n, magnitude(r));
      const bs = samples(r, n, Math.round(magnitude(r) % 4096));
      const cs = custom ? samples(r, n, (r() < 0.3 ? -1 : r() < 0.2 ? 0 : 1) * magnitude(r)) : [];
      for (let i = 0; i < n; i++) {
        let line = `Benchmark${names[b]} \t${int(r, 1, 1e6)}\t${spell(r, ns[i]!)} ns/op`;
        if (r() < 0.7) line += `\t${spell(r, Math.round(bs[i]!))} B/op\t${int(r, 0, 2)} allocs/op`;
        if (custom) line += `\t${spell(r, cs[i]!)} x/op`;
        lines.push(line);
      }
    }
    files.push(lines);
  }
  const names2 = files.map((_, f) => `f${f}.txt`);
  const data = files.map((l, f) => ({ name: names2[f]!, data: Buffer.from(`${l.join('\n')}\n`) }));
  return { family: 'general', files: data, args: [...randomFlags(r), ...inputArgs(r, names2)] };
}

/** File arguments, sometimes labelled ("name=path"), sometimes one repeated. */
function inputArgs(r: Rand, names: string[]): string[] {
  if (r() < 0.3) return names.map((n, i) => `${pick(r, ['L', 'old', 'new', 'x y'])}${i}=${n}`);
  if (r() < 0.05) return [...names, names[0]!];
  return names;
}

const FILTERS = ['*', '.unit:(sec/op OR B/op)', '-.name:/A/', 'goarch:amd64 .unit:/op$/', '/size:(1 OR 64 OR 1Ki)', '.name:/^Bench[A-F]/', 'key:a OR key:b', '-/mode:json', '.fullname:/\\pL+\\d/', '.name:/(?i:bench)c/'];

/** A random subset of benchstat's flags. */
function randomFlags(r: Rand): string[] {
  const out: string[] = [];
  if (r() < 0.3) out.push('-row', keyList(r));
  if (r() < 0.3) out.push('-col', keyList(r));
  if (r() < 0.2) out.push('-table', r() < 0.3 ? '' : `${keyList(r)}${r() < 0.5 ? ',.unit' : ''}`);
  if (r() < 0.2) out.push('-filter', pick(r, FILTERS));
  if (r() < 0.15) out.push('-ignore', keyList(r));
  if (r() < 0.2) out.push('-alpha', pick(r, ['0.01', '0.1', '0.5', '1', '0', '1e-5', '0.001']));
  if (r() < 0.2) out.push('-confidence', pick(r, ['0.9', '0.99', '0.5', '0.8', '0.25', '1', '0']));
  if (r() < 0.25) out.push('-format', 'csv');
  return out;
}

function keyList(r: Rand): string {
  const k = int(r, 1, 2);
  const ks: string[] = [];
  for (let i = 0; i < k; i++) {
    let key = pick(r, KEYS);
    if (r() < 0.15) key += pick(r, ['@alpha', '@num', '@(json gob)']);
    ks.push(key);
  }
  return ks.join(',');
}

/** Lines of one benchmark with the given values in one unit. */
function benchLines(name: string, unit: string, xs: readonly (number | string)[]): string[] {
  return xs.map((x, i) => `Benchmark${name} ${100 + i} ${x} ${unit}`);
}

const text = (lines: string[]): Buffer => Buffer.from(`${lines.join('\n')}\n`);

/** -filter with Go regexp syntax that JavaScript reads otherwise, valid and not. */
const GO_REGEXPS = ['(?P<x>A)', '(?i:ab)', '(?i)ab', '(?-i)a', '\\pL$', '\\p{Greek}', '[[:alpha:]]+$', '\\QA\\E', '\\x{41}', '\\C', '\\1', '(?=a)', 'x{1001}', 'x{2,1000}', 'A\\s', '(a', 'a)', '[a', '*', '\\z', '(?<n>A)', 'A.$', '(?U)a+', '\\PL', '[^[:^space:]]', '\\b', '(?s).', 'A\\S+', '\\v', '[\\d--]', 'a**', '(?:a|b)+'];
function regexpFamily(r: Rand): DiffCase {
  const names = ['Ab', 'A\u00a0b', 'Σσ', 'A b', 'Abc/x=1', 'Ä\u2028', 'a\u0085'];
  const lines = names.filter(() => r() < 0.8).flatMap((n) => benchLines(n.replace(/ /g, '_'), 'ns/op', samples(r, int(r, 1, 4), 100)));
  const key = pick(r, ['.name', '.fullname', 'key', '.unit']);
  const expr = pick(r, GO_REGEXPS);
  return { family: 'go-regexp', files: [{ name: 'a.txt', data: text(['key: A\u00a0b', ...lines]) }], args: ['-filter', `${r() < 0.2 ? '-' : ''}${key}:/${expr}/`, 'a.txt'] };
}

/** Zero values in units benchstat tidies, with unit metadata keyed by the tidied unit. */
function zeroUnitFamily(r: Rand): DiffCase {
  const meta = ['Unit sec/op assume=exact', 'Unit B/s assume=exact', 'Unit ns/op assume=exact', 'Unit MB/s better=higher', 'Unit sec/op better=higher'].filter(() => r() < 0.5);
  const files = [0, 1].map((f) => {
    const lines = [...meta];
    const n = int(r, 1, 8);
    for (let i = 0; i < n; i++) lines.push(`BenchmarkZ ${100 + i} ${r() < 0.7 ? 0 : int(r, 0, 3)} ns/op ${r() < 0.7 ? 0 : int(r, 0, 3)} MB/s ${f + (r() < 0.5 ? 0 : 1)} B/op`);
    return { name: `z${f}.txt`, data: text(lines) };
  });
  return { family: 'zero-unit', files, args: [...(r() < 0.3 ? ['-format', 'csv'] : []), 'z0.txt', 'z1.txt'] };
}

/** -alpha below the U test's smallest p for 9 samples (and 0), n around 10. */
function tinyAlphaFamily(r: Rand): DiffCase {
  const files = [0, 1].map((f) => ({ name: `t${f}.txt`, data: text(benchLines('T', 'ns/op', samples(r, int(r, 1, 12), 100 + f * 50).map((x) => x.toFixed(1)))) }));
  const alpha = pick(r, ['0', '1e-6', '4e-5', '4.1e-5', '4.2e-5', '1e-4', '0.0002', '0.001']);
  return { family: 'tiny-alpha', files, args: ['-alpha', alpha, 't0.txt', 't1.txt'] };
}

/** NaN values: alone, or in columns whose baseline lacks the benchmark (benchstat cannot compare NaNs). */
function nanFamily(r: Rand): DiffCase {
  const vals = (): string[] => Array.from({ length: int(r, 1, 5) }, () => (r() < 0.5 ? 'NaN' : spell(r, magnitude(r))));
  const unit = pick(r, ['ns/op', 'x/op', 'B/op', 'MB/s']);
  const base = { name: 'b.txt', data: text(benchLines('B', unit, ['2', '3'])) };
  const cols = [0, 1].map((f) => ({ name: `n${f}.txt`, data: text(benchLines('N', unit, vals())) }));
  if (r() < 0.4) return { family: 'nan-centre', files: [cols[0]!], args: ['n0.txt'] };
  return { family: 'nan-centre', files: [base, ...cols], args: [...(r() < 0.3 ? ['-format', 'csv'] : []), 'b.txt', 'n0.txt', 'n1.txt'] };
}

/** Deltas that overflow to ±Inf: a subnormal baseline against huge values. */
function infDeltaFamily(r: Rand): DiffCase {
  const n = int(r, 4, 8);
  const sign = r() < 0.5 ? '' : '-';
  const a = { name: 'a.txt', data: text(benchLines('I', 'x/op', Array.from({ length: n }, () => pick(r, ['1e-320', '5e-324', '1e-310'])))) };
  const b = { name: 'b.txt', data: text(benchLines('I', 'x/op', Array.from({ length: n }, () => `${sign}${pick(r, ['1e12', '3e11', '1e300'])}`))) };
  return { family: 'inf-delta', files: [a, b], args: [...(r() < 0.3 ? ['-format', 'csv'] : []), 'a.txt', 'b.txt'] };
}

/** CSV fields starting with U+FEFF, U+0085, U+00A0 or a space: Go quotes only by unicode.IsSpace. */
function csvQuoteFamily(r: Rand): DiffCase {
  const starts = ['\ufeff', '\u0085', '\u00a0', ' ', '\u2028', '\u3000', '"', 'x'];
  const lines: string[] = [];
  for (let i = 0; i < int(r, 1, 4); i++) {
    lines.push(`key: ${pick(r, starts)}v${i}`);
    lines.push(...benchLines(`Q${pick(r, starts).trim()}${i}`, 'ns/op', ['1', '2']));
  }
  return { family: 'csv-quote', files: [{ name: 'q.txt', data: text(lines) }], args: ['-format', 'csv', ...(r() < 0.5 ? ['-col', 'key'] : ['-row', 'key']), 'q.txt'] };
}

/** -0 and 0 mixed, more than 12 samples (where the sort changes algorithm). */
function signedZeroFamily(r: Rand): DiffCase {
  const exact = r() < 0.6;
  const files = [0, 1].map((f) => {
    const n = int(r, 10, 40);
    const xs = Array.from({ length: n }, () => pick(r, ['0', '-0', '0', '-0', '1', '-1', '0.0', '-0e5']));
    // Under assume=exact the centre is the mode: which zero comes first after sorting shows.
    return { name: `z${f}.txt`, data: text([...(exact ? ['Unit x/op assume=exact'] : []), ...benchLines('Z', 'x/op', xs)]) };
  });
  return { family: 'signed-zero', files, args: [...(r() < 0.3 ? ['-format', 'csv'] : []), 'z0.txt', 'z1.txt'] };
}

/** Names and configuration values that are not valid UTF-8, written through as bytes. */
function invalidUtf8Family(r: Rand): DiffCase {
  const bad = [Buffer.of(0xff), Buffer.of(0xe2, 0x82), Buffer.of(0xc3), Buffer.of(0xed, 0xa0, 0x80), Buffer.of(0xf0, 0x9f, 0x98), Buffer.from('€'), Buffer.of(0x80, 0x80)];
  const parts: Buffer[] = [];
  for (let i = 0; i < int(r, 1, 3); i++) {
    parts.push(Buffer.concat([Buffer.from('key: v'), pick(r, bad), Buffer.from('\n')]));
    const name = Buffer.concat([Buffer.from(`BenchmarkU${i}`), pick(r, bad), Buffer.from(r() < 0.5 ? '/x=' : ''), pick(r, bad)]);
    for (let k = 0; k < int(r, 1, 3); k++) parts.push(Buffer.concat([name, Buffer.from(` 10 ${k + 1} ns/op\n`)]));
  }
  const args = pick(r, [[], ['-col', 'key'], ['-row', 'key'], ['-format', 'csv'], ['-row', '/x'], ['-filter', '.name:/U0/']]);
  return { family: 'invalid-utf8', files: [{ name: 'u.txt', data: Buffer.concat(parts) }], args: [...args, 'u.txt'] };
}

/** A label with an empty path ("name="), among good inputs. */
function emptyPathFamily(r: Rand): DiffCase {
  const f = { name: 'e.txt', data: text(benchLines('E', 'ns/op', ['1', '2'])) };
  const args = pick(r, [['a='], ['e.txt', 'a='], ['a=', 'e.txt'], ['=e.txt', 'b='], ['='], ['x=e.txt', 'y=e.txt']]);
  return { family: 'empty-path', files: [f], args };
}

/** The median's CI order statistics for n in {24, 28, 29, 30} at confidence levels 0.15 to 0.53. */
function ciOrderFamily(r: Rand): DiffCase {
  const n = pick(r, [24, 28, 29, 30]);
  const xs = Array.from({ length: n }, (_, i) => 100 + i + int(r, 0, 3));
  const conf = (0.15 + r() * 0.38).toFixed(int(r, 2, 4));
  return { family: 'ci-orders', files: [{ name: 'c.txt', data: text(benchLines('C', 'ns/op', xs)) }], args: ['-confidence', conf, 'c.txt'] };
}

/** Many samples per benchmark (the exact U distribution shared across benchmarks). */
function manySamplesFamily(r: Rand): DiffCase {
  const benches = int(r, 2, 12);
  const n = pick(r, [20, 25, 26, 49, 50, 51, 80]);
  const files = [0, 1].map((f) => {
    const lines: string[] = [];
    for (let b = 0; b < benches; b++) {
      const m = 10 ** int(r, 0, 6);
      lines.push(...benchLines(`M${b}`, 'ns/op', samples(r, n + int(r, -1, 1), m * (1 + f * 0.01 * b)).map((x) => spell(r, x))));
    }
    return { name: `m${f}.txt`, data: text(lines) };
  });
  return { family: 'many-samples', files, args: ['m0.txt', 'm1.txt'] };
}

const FAMILIES: Array<[number, (r: Rand) => DiffCase]> = [
  [40, general],
  [6, regexpFamily],
  [5, zeroUnitFamily],
  [5, tinyAlphaFamily],
  [5, nanFamily],
  [4, infDeltaFamily],
  [5, csvQuoteFamily],
  [5, signedZeroFamily],
  [6, invalidUtf8Family],
  [3, emptyPathFamily],
  [6, ciOrderFamily],
  [4, manySamplesFamily],
];
const TOTAL_WEIGHT = FAMILIES.reduce((s, [w]) => s + w, 0);

/** The i-th case of a seeded stream; each family gets its share. */
export function generateCase(r: Rand): DiffCase {
  let k = r() * TOTAL_WEIGHT;
  for (const [w, gen] of FAMILIES) {
    if (k < w) return gen(r);
    k -= w;
  }
  return general(r);
}

export const FAMILY_NAMES = ['general', 'go-regexp', 'zero-unit', 'tiny-alpha', 'nan-centre', 'inf-delta', 'csv-quote', 'signed-zero', 'invalid-utf8', 'empty-path', 'ci-orders', 'many-samples'];
