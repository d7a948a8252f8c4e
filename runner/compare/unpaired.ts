/**
 * Comparing two files or two stored runs: nothing pairs their samples, so
 * this is benchstat's comparison (Mann–Whitney U per benchmark, no
 * multiplicity correction) with a line saying so, and no verdict.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { UnpairedArgs } from './args.ts';
import { runStat } from './benchstat-table.ts';
import type { CompareIO } from './command.ts';
import { renderJson, renderMarkdown, type CompareReport, type SideIdentity } from '../../results/paired/index.ts';

/**
 * The report of an unpaired comparison: no rows; benchstat's table is carried
 * by one entry standing for the inputs (there is no host or session to name).
 */
function unpairedReport(a: UnpairedArgs, inputs: string[], table: string, argv: string[]): CompareReport {
  const side = (i: 0 | 1): SideIdentity => (a.files ? { ref: a.files[i], file: a.files[i] } : { ref: `run ${a.runs![i]}`, runId: a.runs![i] });
  return {
    schemaVersion: 1,
    kind: 'unpaired',
    base: side(0),
    head: side(1),
    protocol: { rounds: 0, order: 'none', alpha: 0.05, confidence: 0.95, threshold: 0.01, floorSessions: 20, failOn: 'never' },
    hosts: [
      {
        name: inputs.join(' vs '),
        arch: '',
        fingerprint: '',
        facts: { note: UNPAIRED_NOTE },
        pin: { identity: 'unknown' },
        session: { seed: '', orders: [], sampleIds: { base: [], head: [] } },
        binaries: { base: [], head: [] },
        benchstat: table,
        added: [],
        removed: [],
      },
    ],
    rows: [],
    reproduce: argv,
    createdAt: new Date().toISOString(),
  };
}

export const UNPAIRED_NOTE =
  'unpaired comparison: the samples are not paired rounds, so this is benchstat\'s test (Mann–Whitney U per benchmark, no correction for the number of benchmarks) and no verdict is given; for a verdict run metalbench compare SPEC --base REF --head REF';

export async function compareUnpaired(a: UnpairedArgs & { db: string }, io: CompareIO, argv: string[], cwd = process.cwd()): Promise<number> {
  let table: string;
  let inputs: string[];
  if (a.files) {
    for (const f of a.files) {
      if (!existsSync(resolve(cwd, f))) {
        io.stderr.write(`metalbench compare: ${f}: no such file\n`);
        return 2;
      }
    }
    inputs = [...a.files];
    // Exactly `metalbench stat OLD NEW`: same labels, same bytes.
    table = await runStat([...a.files], cwd);
  } else {
    const [base, head] = a.runs!;
    if (!existsSync(a.db)) {
      io.stderr.write(`metalbench compare: no database ${a.db}\n`);
      return 2;
    }
    const { Store } = await import('../../results/store/store.ts');
    const store = new Store(a.db);
    const missing = [base, head].filter((id) => !store.getRun(id));
    store.close();
    if (missing.length > 0) {
      io.stderr.write(`metalbench compare: no run ${missing.join(', ')} in ${a.db}; list runs with 'metalbench runs'\n`);
      return 2;
    }
    inputs = [`run ${base}`, `run ${head}`];
    table = await runStat(['-db', resolve(cwd, a.db), '-run', String(base), '-run', String(head)], cwd);
  }
  io.stdout.write(`${UNPAIRED_NOTE}\n\n${table}`);
  if (a.json || a.markdown) {
    const report = unpairedReport(a, inputs, table, argv);
    if (a.json) writeFileSync(a.json, renderJson(report));
    if (a.markdown) writeFileSync(a.markdown, renderMarkdown(report));
  }
  return 0;
}
