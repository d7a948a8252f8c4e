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

export const UNPAIRED_NOTE =
  'unpaired comparison: the samples are not paired rounds, so this is benchstat\'s test (Mann–Whitney U per benchmark, no correction for the number of benchmarks) and no verdict is given; for a verdict run metalbench compare SPEC --base REF --head REF';

export async function compareUnpaired(a: UnpairedArgs & { db: string }, io: CompareIO, cwd = process.cwd()): Promise<number> {
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
  if (a.json) writeFileSync(a.json, `${JSON.stringify({ schema: 'metalbench-compare-unpaired/1', paired: false, note: UNPAIRED_NOTE, inputs, benchstat: table }, null, 2)}\n`);
  if (a.markdown) writeFileSync(a.markdown, `**metalbench compare** (unpaired, no verdict): ${inputs.join(' vs ')}\n\n> ${UNPAIRED_NOTE}\n\n\`\`\`\n${table.trimEnd()}\n\`\`\`\n`);
  return 0;
}
