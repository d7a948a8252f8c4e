// Differential round trip through the database: for generated inputs (the
// stat differential test's generator), the real benchstat prints the same
// table from the original files and from the files that `import` stored and
// `export` wrote back. Lines benchstat rejects are warned about with their
// line numbers, which an export (holding no rejected lines) cannot repeat:
// those warnings are the only difference allowed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchstatPath, mulberry32 } from '../stat/test-harness.ts';
import { generateCase } from '../stat/diffgen.ts';
import { Store } from './store.ts';
import { importFiles, NothingToImportError } from './import.ts';
import { exportBenchfmt } from './export.ts';

const CASES = Number(process.env.METALBENCH_ROUNDTRIP_CASES ?? 400);
/** Families whose text a SQLite TEXT column cannot hold byte for byte, or that test argument handling only. */
const SKIPPED_FAMILIES = new Set(['invalid-utf8', 'empty-path']);

/** benchstat's output without its "file:line: message" reading warnings. */
function withoutLineWarnings(stderr: string): string {
  return stderr
    .split('\n')
    .filter((l) => !/^[^:\n]*:\d+: /.test(l))
    .join('\n');
}

test(`benchstat prints the same table from ${CASES} generated inputs and from their import + export`, () => {
  const bin = benchstatPath();
  const root = mkdtempSync(join(tmpdir(), 'stat-roundtrip-'));
  const r = mulberry32(20261201);
  const failures: string[] = [];
  let compared = 0;
  try {
    while (compared < CASES) {
      const c = generateCase(r);
      if (SKIPPED_FAMILIES.has(c.family)) continue;
      const dir = join(root, `c${compared}`);
      const orig = join(dir, 'orig');
      const back = join(dir, 'back');
      mkdirSync(orig, { recursive: true });
      mkdirSync(back);
      const store = new Store(join(dir, 'm.db'));
      try {
        for (const f of c.files) {
          writeFileSync(join(orig, f.name), f.data);
          let exported = '';
          try {
            exported = exportBenchfmt(store.db, { runIds: [importFiles(store, [join(orig, f.name)]).runId] });
          } catch (e) {
            // A file without results is refused (nothing stored); it gives benchstat no column either.
            if (!(e instanceof NothingToImportError)) throw e;
          }
          writeFileSync(join(back, f.name), exported);
        }
      } finally {
        store.close();
      }
      const want = spawnSync(bin, c.args, { cwd: orig, encoding: 'utf8' });
      const got = spawnSync(bin, c.args, { cwd: back, encoding: 'utf8' });
      const what = `${c.family}: benchstat ${c.args.join(' ')} (case kept in ${dir})`;
      if (want.status !== got.status) failures.push(`${what}: exit ${got.status}, from the originals ${want.status}`);
      else if (want.stdout !== got.stdout) failures.push(`${what}: the tables differ:\n${got.stdout}\nfrom the originals:\n${want.stdout}`);
      else if (withoutLineWarnings(want.stderr) !== withoutLineWarnings(got.stderr)) failures.push(`${what}: standard error differs:\n${got.stderr}\nfrom the originals:\n${want.stderr}`);
      else rmSync(dir, { recursive: true, force: true });
      compared++;
    }
    console.log(`${compared} generated inputs went through import and export`);
    assert.equal(failures.slice(0, 3), []);
  } finally {
    // A failing case stays on disk (its directory is named above) to be rerun by hand.
    if (failures.length === 0) rmSync(root, { recursive: true, force: true });
  }
});

test.run();
