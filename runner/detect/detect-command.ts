/**
 * `metalbench detect [--since DATE] [--series FILTER] [--threshold P] [--json]`:
 * change points over the stored nightly series (see results/changepoints).
 * Exit 0 after analysing (alerts are listed, not failed on: `nightly` decides
 * that), 2 on bad input.
 */
import { existsSync } from 'node:fs';
import { noPositionals, parseCommand, type CliIO } from '../cli/options.ts';

export async function detectCommand(args: string[], io: CliIO): Promise<number> {
  const fail = (m: string) => {
    io.stderr.write(`metalbench detect: ${m}\n`);
    return 2;
  };
  const { values, positionals } = parseCommand(args, {
    since: { type: 'string' },
    series: { type: 'string' },
    threshold: { type: 'string', default: '0.02' },
    cadence: { type: 'string' },
  });
  noPositionals(positionals, 'detect reads the stored nightly series; see metalbench detect --help');
  let since: string | undefined;
  if (values.since !== undefined) {
    const t = /^\d{4}-\d{2}-\d{2}([T ][0-9:.]+Z?)?$/.test(values.since) ? Date.parse(values.since) : NaN;
    if (Number.isNaN(t)) return fail(`--since ${JSON.stringify(values.since)} is not a date; write it as YYYY-MM-DD or an ISO time, e.g. --since 2026-11-01`);
    since = new Date(t).toISOString();
  }
  const threshold = Number(values.threshold);
  if (!(threshold >= 0 && threshold < 1)) return fail(`--threshold ${JSON.stringify(values.threshold)} must be a relative change in [0, 1), e.g. 0.02 for 2 %`);
  const cadence = values.cadence === undefined ? undefined : Number(values.cadence);
  if (cadence !== undefined && !(cadence > 0)) return fail(`--cadence ${JSON.stringify(values.cadence)} must be a positive number of hours`);
  if (!existsSync(values.db)) return fail(`${values.db}: no results database here; run nightlies first or pass --db PATH`);

  let inventoryHosts: string[] | undefined;
  const invPath = values.inventory ?? 'hosts/fleet.yaml';
  if (values.inventory !== undefined || existsSync(invPath)) {
    const { loadInventory } = await import('../fleet/inventory.ts');
    try {
      inventoryHosts = loadInventory(invPath, { required: values.inventory !== undefined }).hosts.map((h) => h.name);
    } catch (e) {
      return fail((e as Error).message);
    }
  }
  const { Store } = await import('../../results/store/store.ts');
  const { runDetect, DetectInputError } = await import('../../results/changepoints/store-detect.ts');
  const store = new Store(values.db);
  try {
    let report;
    try {
      report = runDetect(store.db, {
        threshold,
        ...(since !== undefined ? { since } : {}),
        ...(values.series !== undefined ? { filter: values.series } : {}),
        ...(inventoryHosts ? { inventoryHosts } : {}),
        ...(cadence !== undefined ? { cadenceHours: cadence } : {}),
      });
    } catch (e) {
      if (e instanceof DetectInputError) return fail(e.message);
      throw e;
    }
    if (values.json) {
      io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      return 0;
    }
    const pct = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(1)} %`;
    const rev = (r: string | null) => (r ?? '?').slice(0, 12);
    io.stdout.write(`${report.series} series, ${report.analysed} with new points, ${report.nights} night${report.nights === 1 ? '' : 's'} judged${report.stored ? '' : ' (a look at --since: nothing stored)'}\n`);
    for (const c of report.changePoints) {
      io.stdout.write(`change ${c.kind === 'environment' ? '(environment) ' : ''}${rev(c.lastGood)}..${rev(c.firstBad)} ${pct(c.relative)} ${c.series}  p = ${c.p.toPrecision(2)} (${c.permutations} permutations${c.block > 1 ? `, blocks of ${c.block}` : ''}), q = ${c.q.toPrecision(2)}${c.environment ? `  [${c.environment}]` : ''}\n`);
    }
    for (const p of report.pending) io.stdout.write(`pending ${rev(p.lastGood)}..${rev(p.firstBad)} ${pct(p.relative)} ${p.series}: ${p.behind} point${p.behind === 1 ? '' : 's'} since, stood ${p.nights} night${p.nights === 1 ? '' : 's'}\n`);
    for (const a of report.alerts) io.stdout.write(`alert #${a.id} (${a.kind}) ${a.message}\n`);
    if (report.changePoints.length + report.pending.length + report.alerts.length === 0) io.stdout.write('no change points\n');
    return 0;
  } finally {
    store.close();
  }
}
