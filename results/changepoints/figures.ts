// The detector's figures, side by side with Apache Otava on the same synthetic
// series replayed night by night. Usage (scripts/detect-figures.sh sets up
// Otava in a virtualenv):
//   node --import tsx results/changepoints/figures.ts [--otava PYTHON] [--series N] [--length L] [--from F] [--json]
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { FAMILIES, generate, type SyntheticSeries } from './synthetic.ts';
import { replayOurs, score, type AlertEvent, type Figures } from './replay.ts';

const { values: args } = parseArgs({
  options: {
    otava: { type: 'string' },
    series: { type: 'string', default: '100' },
    length: { type: 'string', default: '60' },
    from: { type: 'string', default: '20' },
    json: { type: 'boolean', default: false },
  },
});
const perFamily = Number(args.series);
const length = Number(args.length);
const from = Number(args.from);
const all = generate(perFamily, length);

function otavaEvents(python: string, series: SyntheticSeries[]): Map<string, AlertEvent[]> {
  const script = fileURLToPath(new URL('./otava-replay.py', import.meta.url));
  // Without an anchor Otava sees the absolute series (an environment step shows there).
  const input = JSON.stringify({ from, series: series.map((s) => ({ id: s.id, values: s.absolute ?? s.values })) });
  const r = spawnSync(python, [script], { input, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`otava replay failed (${r.status}): ${r.stderr.slice(-2000)}`);
  return new Map(Object.entries(JSON.parse(r.stdout) as Record<string, AlertEvent[]>));
}

const rows: Array<{ tool: string; figures: Figures; pendingTail?: number }> = [];
for (const f of FAMILIES) {
  const series = all.filter((s) => s.family === f.name);
  const ours = replayOurs(series, from);
  rows.push({ tool: 'metalbench', figures: score(f.name, series, ours.events, from), pendingTail: ours.pendingTail });
  if (args.otava) rows.push({ tool: 'otava 0.8.0', figures: score(f.name, series, otavaEvents(args.otava, series), from) });
}

const fmt = (x: number, d = 2) => (Number.isNaN(x) ? '–' : x.toFixed(d));
if (args.json) {
  process.stdout.write(`${JSON.stringify({ perFamily, length, from, rows }, null, 2)}\n`);
} else {
  process.stdout.write(`${perFamily} series per family, ${length} points, replayed from night ${from}; a change point counts within ±2 points\n\n`);
  process.stdout.write('| family | tool | alerts | precision | recall | F1 | false / 1,000 series-nights | withdrawn | delay (points) | latest-point outlier alerts |\n|---|---|---|---|---|---|---|---|---|---|\n');
  for (const { tool, figures: g, pendingTail } of rows) {
    const tail = g.family.startsWith('latest point') ? `${g.tailOutlierAlerts}${pendingTail !== undefined ? ` (pending ${pendingTail})` : ''}` : '';
    process.stdout.write(`| ${g.family} | ${tool} | ${g.events} | ${fmt(g.precision)} | ${fmt(g.recall)} | ${fmt(g.f1)} | ${fmt(g.falsePer1000, 1)} | ${g.withdrawn} | ${fmt(g.delay, 0)} | ${tail} |\n`);
  }
  // A slow drift is a real level change, not noise: its alerts are shown above, not counted as false here.
  const total = (tool: string) => {
    const rs = rows.filter((r) => r.tool === tool && !r.figures.family.startsWith('slow drift')).map((r) => r.figures);
    const nights = rs.reduce((a, g) => a + g.seriesNights, 0);
    const fp = rs.reduce((a, g) => a + g.events - g.truePositives, 0);
    return (fp / nights) * 1000;
  };
  process.stdout.write(`\nfalse alerts per 1,000 series-nights, all families but the slow drift: metalbench ${fmt(total('metalbench'), 2)}`);
  if (args.otava) process.stdout.write(`, otava ${fmt(total('otava 0.8.0'), 2)}`);
  process.stdout.write('\n');
}
