// The renderings of one constructed comparison: verdict table text (golden,
// checked by eye), the PR comment's structure and escaping, and the JSON
// document against its schema with ajv.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { compareRows, type PairedInput } from './verdict.ts';
import { confirmCandidates } from './confirm.ts';
import { summarize, type CompareReport, type HostReport } from './report.ts';
import { renderVerdictText } from './render-text.ts';
import { renderMarkdown, headline } from './render-markdown.ts';
import { renderJson } from './report-json.ts';
import { shellQuote } from './format.ts';
import { rng } from './random.ts';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const schema = JSON.parse(readFileSync(fileURLToPath(new URL('./compare-report.schema.json', import.meta.url)), 'utf8')) as object;

function series(seed: number, host: string, benchmark: string, unit: string, change: number, sd: number, r = 16): PairedInput {
  const g = rng(seed);
  const base: Array<number | null> = [];
  const head: Array<number | null> = [];
  for (let i = 0; i < r; i++) {
    base.push(1e-6 * Math.exp(sd * g.normal()));
    head.push(1e-6 * (1 + change) * Math.exp(sd * g.normal()));
  }
  return { host, benchmark, unit, base, head };
}

function hostReport(name: string, arch: string): HostReport {
  return {
    name,
    arch,
    fingerprint: `fp-${name}`,
    facts: { kernel: '6.8.0-45-generic', cpu: 'AMD EPYC 7443P', governor: 'performance' },
    pin: { identity: 'cpus 2-3 isolated', cpus: '2-3', gomaxprocs: 2 },
    session: { seed: '0x5eed', orders: Array.from({ length: 16 }, (_, i) => (i % 3 === 0 ? 'AB' : 'BA')), sampleIds: { base: [1, 2], head: [3, 4] } },
    binaries: { base: [{ target: 'linux/amd64', suite: 'payload', sha256: 'a'.repeat(64) }], head: [{ target: 'linux/amd64', suite: 'payload', sha256: 'b'.repeat(64) }] },
    benchstat: '        │ base │ head │\n        │ sec/op │ sec/op vs base │\nEncode   1.000µ ± 1%   1.060µ ± 1%  +6.00% (p=0.000 n=16)\n',
    added: ['BenchmarkNew'],
    removed: [],
  };
}

function exampleReport(): CompareReport {
  const noisy = series(5, 'amd1', 'Parse|Tokens', 'sec/op', 0.02, 0.06, 10);
  noisy.base = [...noisy.base, null];
  const inputs: PairedInput[] = [
    series(1, 'amd1', 'Encode', 'sec/op', 0.06, 0.01),
    series(2, 'amd1', 'Decode', 'sec/op', 0, 0.002),
    { host: 'amd1', benchmark: 'Encode', unit: 'allocs/op', base: Array(16).fill(3), head: Array(16).fill(4) },
    series(3, 'amd1', 'Copy', 'B/s', 0.1, 0.01),
    noisy,
    series(6, 'arm1', 'Encode', 'sec/op', 0.05, 0.01),
    series(7, 'arm1', 'Decode', 'sec/op', 0.03, 0.01),
  ];
  const rows = compareRows(inputs, { threshold: 0.01 });
  const cands = rows.filter((r) => r.verdict === 'regression');
  const confirmation = confirmCandidates(cands.map((c, i) => ({
    candidate: c,
    confirmation: c.exact ? { host: c.host, benchmark: c.benchmark, unit: c.unit, base: [3, 3], head: [4, 4] } : series(50 + i, c.host, c.benchmark, c.unit, c.benchmark === 'Decode' ? 0 : 0.06, 0.01, 20),
  })));
  return {
    schemaVersion: 1,
    kind: 'paired',
    spec: 'bench/payload.yaml',
    base: { ref: 'main', sha: '1'.repeat(40) },
    head: { ref: '.', sha: '2'.repeat(40), dirty: true, overrides: { GOAMD64: 'v3' } },
    protocol: { rounds: 16, confirmRounds: 20, order: 'abba-random', alpha: 0.05, confidence: 0.95, threshold: 0.01, floorSessions: 20, failOn: 'regression' },
    hosts: [hostReport('amd1', 'linux/amd64'), hostReport('arm1', 'linux/arm64')],
    rows,
    confirmation,
    reproduce: ['metalbench', 'compare', 'bench/payload.yaml', '--base', 'main', '--head', '.', '--env', "GOFLAGS=-tags=it's"],
  };
}

test('verdict table text matches the golden file', () => {
  const text = renderVerdictText(exampleReport());
  const golden = FIXTURES + 'verdict-table.txt';
  if (process.env.UPDATE_GOLDEN) writeFileSync(golden, text);
  assert.fixture(text, readFileSync(golden, 'utf8'));
});

test('summary: counts, worst confirmed regression, exit code', () => {
  const r = exampleReport();
  const s = summarize(r);
  assert.is(s.counts.regression, r.rows.filter((x) => x.verdict === 'regression').length);
  assert.ok(s.screened >= 3);
  assert.ok(s.confirmed < s.screened, 'the vanished candidate does not confirm');
  assert.is(s.exitCode, 1);
  assert.ok(s.worst);
  // allocs/op 3 → 4 (+33 %) is the worst confirmed one.
  assert.is(s.worst!.unit, 'allocs/op');
  assert.is(summarize({ ...r, protocol: { ...r.protocol, failOn: 'never' } }).exitCode, 0);
  assert.is(summarize({ ...r, hosts: [{ ...r.hosts[0]!, invalid: 'canary moved 4 %' }] }).exitCode, 3);
  const noConf = summarize({ ...r, confirmation: undefined });
  assert.ok(noConf.confirmationSkipped);
  assert.is(noConf.confirmed, noConf.screened);
});

test('markdown comment: headline first, non-neutral rows per host, details collapsed, escaping', () => {
  const r = exampleReport();
  const md = renderMarkdown(r);
  const lines = md.split('\n');
  assert.is(lines[0], headline(r));
  assert.match(lines[0]!, /^\*\*metalbench compare\*\*: \d+ confirmed regressions? \(screened \d+ → confirmed \d+\)/);
  assert.match(lines[0]!, /worst: Encode allocs\/op \+33\.3%/);
  assert.match(md, /### amd1 \(linux\/amd64\)/);
  assert.match(md, /### arm1 \(linux\/arm64\)/);
  // The pipe in a benchmark name cannot break the table.
  assert.match(md, /\| Parse\\\|Tokens \| sec\/op \|/);
  // No-change rows stay out of the top tables.
  const top = md.slice(0, md.indexOf('<details>'));
  assert.not.match(top, /\| Decode \| sec\/op \| [^|]* \| [^|]* \| [^|]* \| [^|]* \| no change/);
  assert.match(md, /<details><summary>/);
  assert.match(md, /\| pin identity \| cpus 2-3 isolated \|/);
  assert.match(md, new RegExp(`\\| base binary payload linux/amd64 \\| \`${'a'.repeat(64)}\` \\|`));
  assert.ok(md.includes(shellQuote(r.reproduce)));
  assert.ok(md.includes(`'GOFLAGS=-tags=it'\\''s'`));
  assert.ok(md.trimEnd().endsWith('</details>'));
});

test('JSON document validates against the schema; ∞ and NaN become null', () => {
  const ajv = new Ajv({ allErrors: true, strict: true });
  const validate = ajv.compile(schema);
  const doc = JSON.parse(renderJson(exampleReport())) as { rows: Array<{ mde?: number | null; verdict: string }>; summary: { exitCode: number } };
  const ok = validate(doc);
  assert.ok(ok, JSON.stringify(validate.errors, null, 2));
  assert.is(doc.summary.exitCode, 1);
  assert.ok(doc.rows.some((x) => x.verdict === 'inconclusive'));
  // A drifted document is refused: an unknown verdict and a missing field.
  const bad = JSON.parse(renderJson(exampleReport())) as { rows: Array<Record<string, unknown>> };
  bad.rows[0]!.verdict = 'maybe';
  delete bad.rows[1]!.delta;
  assert.not.ok(validate(bad));
  assert.ok(validate.errors!.some((e) => e.instancePath === '/rows/0/verdict'));
  assert.ok(validate.errors!.some((e) => e.instancePath === '/rows/1' && e.message!.includes('delta')));
  const inf = JSON.parse(renderJson({ ...exampleReport(), rows: [{ ...exampleReport().rows[0]!, mde: Infinity, change: NaN }] })) as { rows: Array<{ mde: unknown; change: unknown }> };
  assert.is(inf.rows[0]!.mde, null);
  assert.is(inf.rows[0]!.change, null);
  assert.ok(validate(inf));
});

test('rows without a usable round and inexact exact units say why in the table', () => {
  const rows = compareRows([
    { host: 'amd1', benchmark: 'Lonely', unit: 'sec/op', base: [1, null], head: [null, 1] },
    { host: 'amd1', benchmark: 'Jitter', unit: 'allocs/op', base: [2, 3], head: [2.5, 2.5] },
  ]);
  const text = renderVerdictText({ ...exampleReport(), rows, confirmation: undefined });
  assert.match(text, /Lonely +sec\/op +\? +1\.00% +inconclusive \(no round with both sides\)/);
  assert.match(text, /Jitter +allocs\/op +\+0\.00% +exact +exact +inconclusive \(values vary between rounds and the sides overlap: not exact\)/);
  assert.match(text, /confirmation skipped/);
});

test('unpaired comparisons say so and carry no verdict', () => {
  const r: CompareReport = { ...exampleReport(), kind: 'unpaired', rows: [], confirmation: undefined, hosts: [] };
  assert.match(renderVerdictText(r), /^unpaired comparison/);
  assert.match(headline(r), /unpaired/);
  const validate = new Ajv({ strict: true }).compile(schema);
  assert.ok(validate(JSON.parse(renderJson(r))));
});

test.run();
