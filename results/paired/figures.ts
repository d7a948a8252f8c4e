// Reruns the decision-rule figures: A/A false alarms per comparison for m = 20
// and 100 benchmarks, and power at 1–20 % changes for R = 10/16/20, for
// metalbench (with confirmation), benchstat (α = 0.05) and asv (1.1 and
// p < 0.002). Synthetic noise by default; `--aa FILE` adds the same figures
// on real A/A sessions resampled by round (FILE: JSON array of
// { benchmarks: [{ name, base: [...], head: [...] }] }, per-round values).
//
//   node --import tsx results/paired/figures.ts [--trials N] [--power-trials N]
//        [--seed S] [--aa FILE] [--json OUT]
//   node --import tsx results/paired/figures.ts --from OUT     (tables again, no rerun)
//
// Prints markdown tables; --json writes every figure with its standard error.

import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { rng } from './random.ts';
import { falseAlarms, power, resampledSource, syntheticSource, type AaSession, type FalseAlarmResult, type PowerResult, type RateEstimate, type RoundSource } from './simulate.ts';

const USAGE = 'usage: figures.ts [--trials N] [--power-trials N] [--seed S] [--aa FILE] [--json OUT] | --from OUT';

function fail(msg: string): never {
  process.stderr.write(`figures: ${msg}\n${USAGE}\n`);
  process.exit(2);
}

function count(v: string | undefined, name: string, dflt: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) fail(`--${name} must be a whole number ≥ 1, got "${v}"`);
  return n;
}

function loadSessions(file: string): AaSession[] {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    fail(`${file}: ${(e as Error).message}`);
  }
  if (!Array.isArray(data)) fail(`${file}: expected a JSON array of A/A sessions`);
  data.forEach((s: unknown, i: number) => {
    const b = (s as { benchmarks?: unknown }).benchmarks;
    if (!Array.isArray(b)) fail(`${file}: session ${i} has no "benchmarks" array`);
  });
  return data as AaSession[];
}

/** Rate ± SE; none observed shows the one-sided 95 % upper bound instead (rule of three: 3/n). */
const pctCell = (r: RateEstimate) => (r.count === 0 ? `0 (≤ ${((3 / r.trials) * 100).toFixed(2)} %)` : `${(r.rate * 100).toFixed(1)} % ± ${(r.se * 100).toFixed(1)}`);

function falseAlarmTable(rows: FalseAlarmResult[]): string {
  const out = ['| source | m | R | metalbench (confirmed) | metalbench screening | metalbench, δ = 0 (confirmed) | benchstat α = 0.05, same rounds | benchstat α = 0.05, sequential | asv 1.1 & p < 0.002 | benchstat either direction, same / sequential |', '|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|'];
  const opt = (r: RateEstimate | undefined) => (r ? pctCell(r) : 'n/a');
  for (const r of rows) {
    out.push(`| ${r.source} | ${r.m} | ${r.rounds} | ${pctCell(r.regression.metalbench)} | ${pctCell(r.regression.metalbenchScreen)} | ${pctCell(r.regression.metalbenchNoDelta)} | ${pctCell(r.regression.benchstat)} | ${opt(r.regression.benchstatSequential)} | ${pctCell(r.regression.asv)} | ${pctCell(r.anyDirection.benchstat)} / ${opt(r.anyDirection.benchstatSequential)} |`);
  }
  return out.join('\n');
}

function powerTable(rows: PowerResult[]): string {
  const out = ['| source | R | change | metalbench (confirmed) | metalbench screening | benchstat, same rounds | benchstat, sequential | asv |', '|---|--:|--:|--:|--:|--:|--:|--:|'];
  for (const r of rows) out.push(`| ${r.source} | ${r.rounds} | ${(r.change * 100).toFixed(0)} % | ${pctCell(r.metalbench)} | ${pctCell(r.metalbenchScreen)} | ${pctCell(r.benchstat)} | ${r.benchstatSequential ? pctCell(r.benchstatSequential) : 'n/a'} | ${pctCell(r.asv)} |`);
  return out.join('\n');
}

/** Everything the tables are made from; written by --json, read back by --from. */
interface FiguresData {
  seed: number;
  trials: number;
  powerTrials: number;
  /** Source label → full description. */
  legend: Record<string, string>;
  falseAlarms: FalseAlarmResult[];
  power: PowerResult[];
}

/** Power curves: one row per source × R, one column per change, for one rule. */
function curveTable(rows: PowerResult[], pick: (r: PowerResult) => RateEstimate | undefined): string {
  const changes = [...new Set(rows.map((r) => r.change))].sort((a, b) => a - b);
  const out = [`| source | R | ${changes.map((c) => `${(c * 100).toFixed(0)} %`).join(' | ')} |`, `|---|--:|${changes.map(() => '--:').join('|')}|`];
  const keys = [...new Set(rows.map((r) => `${r.source}\u0000${r.rounds}`))];
  for (const k of keys) {
    const [source, rounds] = k.split('\u0000') as [string, string];
    const cells = changes.map((c) => {
      const e = rows.find((r) => r.source === source && String(r.rounds) === rounds && r.change === c);
      const v = e ? pick(e) : undefined;
      return v ? `${(v.rate * 100).toFixed(1)} %` : 'n/a';
    });
    out.push(`| ${source} | ${rounds} | ${cells.join(' | ')} |`);
  }
  return out.join('\n');
}

function render(d: FiguresData): string {
  const legend = Object.entries(d.legend).map(([k, v]) => `- ${k}: ${v}`).join('\n');
  return [
    `Sources:\n\n${legend}\n`,
    `### A/A: comparisons with ≥ 1 regression (${d.trials} comparisons each, seed ${d.seed})\n\n${falseAlarmTable(d.falseAlarms)}\n`,
    `### Power: P(the one changed benchmark among m = 20 is called a regression), ${d.powerTrials} trials each\n`,
    `metalbench, confirmed:\n\n${curveTable(d.power, (r) => r.metalbench)}\n`,
    `benchstat α = 0.05 on the same rounds:\n\n${curveTable(d.power, (r) => r.benchstat)}\n`,
    `benchstat α = 0.05 on sequential data (base -count R, then head):\n\n${curveTable(d.power, (r) => r.benchstatSequential)}\n`,
    `asv (ratio > 1.1 and p < 0.002):\n\n${curveTable(d.power, (r) => r.asv)}\n`,
    `All power figures with standard errors:\n\n${powerTable(d.power)}\n`,
  ].join('\n');
}

function compute(args: { trials?: string; 'power-trials'?: string; seed?: string; aa?: string }): FiguresData {
  const trials = count(args.trials, 'trials', 400);
  const powerTrials = count(args['power-trials'], 'power-trials', 200);
  const seed = count(args.seed, 'seed', 1);
  // A quiet pinned host: per-round log-ratio SDs of 1–2 %, 3 % common mode per
  // round, 0.5 % per process shared by all benchmarks, 2 % drift.
  const quiet = syntheticSource({ sd: [0.01, 0.02], roundCommon: 0.03, processCommon: 0.005, drift: 0.02 });
  // The same host with 5 % of samples slowed by 10–20 % (interference, a noisy neighbour).
  const contaminated = syntheticSource({ sd: [0.01, 0.02], roundCommon: 0.03, processCommon: 0.005, drift: 0.02, outliers: { rate: 0.05, scale: 0.1 } });
  const sources: RoundSource[] = [quiet, contaminated];
  if (args.aa) {
    const sessions = loadSessions(args.aa);
    try {
      sources.push(resampledSource(sessions));
    } catch (e) {
      fail(`${args.aa}: ${(e as Error).message}`);
    }
  }
  const aa: FalseAlarmResult[] = [];
  for (const source of sources) {
    for (const m of [20, 100]) {
      for (const rounds of [10, 16, 20]) {
        aa.push(falseAlarms(source, rng(seed * 7919 + m * 31 + rounds), { m, rounds, trials, seed }));
        process.stderr.write(`A/A ${source.describe} m=${m} R=${rounds} done\n`);
      }
    }
  }
  const pw: PowerResult[] = [];
  const changes = [0.01, 0.02, 0.03, 0.05, 0.07, 0.1, 0.15, 0.2];
  const powerSources: RoundSource[] = [
    syntheticSource({ sd: [0.01], roundCommon: 0.03, processCommon: 0.005, drift: 0.02 }),
    syntheticSource({ sd: [0.02], roundCommon: 0.03, processCommon: 0.005, drift: 0.02 }),
    syntheticSource({ sd: [0.05], roundCommon: 0.03, processCommon: 0.005, drift: 0.02 }),
    ...sources.slice(2),
  ];
  for (const source of powerSources) {
    for (const rounds of [10, 16, 20]) {
      for (const change of changes) pw.push(power(source, rng(seed * 104729 + rounds * 1000 + Math.round(change * 1000)), change, { m: 20, rounds, trials: powerTrials, seed }));
      process.stderr.write(`power ${source.describe} R=${rounds} done\n`);
    }
  }
  const legend = Object.fromEntries([...sources, ...powerSources].map((s) => [s.describe, s.details]));
  return { seed, trials, powerTrials, legend, falseAlarms: aa, power: pw };
}

function main(): void {
  let args;
  try {
    args = parseArgs({ options: { trials: { type: 'string' }, 'power-trials': { type: 'string' }, seed: { type: 'string' }, aa: { type: 'string' }, json: { type: 'string' }, from: { type: 'string' } } }).values;
  } catch (e) {
    fail((e as Error).message);
  }
  let data: FiguresData;
  if (args.from) {
    try {
      data = JSON.parse(readFileSync(args.from, 'utf8')) as FiguresData;
    } catch (e) {
      fail(`${args.from}: ${(e as Error).message}`);
    }
    if (!Array.isArray(data.falseAlarms) || !Array.isArray(data.power) || typeof data.legend !== 'object') fail(`${args.from}: not a figures file written by --json`);
  } else {
    data = compute(args);
  }
  process.stdout.write(render(data));
  if (args.json) writeFileSync(args.json, `${JSON.stringify(data, null, 2)}\n`);
}

main();
