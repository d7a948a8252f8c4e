// `metalbench site`: static pages from the database.
import { noPositionals, parseCommand, type CliIO } from './options.ts';

export async function siteHandler(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommand(args, { out: { type: 'string', default: 'site-out' }, title: { type: 'string' } });
  noPositionals(positionals, 'the output folder is given with --out DIR');
  const { buildSite } = await import('../../site/build.ts');
  try {
    const r = await buildSite({ dbPath: values.db, outDir: values.out, ...(values.title !== undefined ? { title: values.title } : {}) });
    if (values.json) io.stdout.write(`${JSON.stringify(r)}\n`);
    else {
      io.stdout.write(`wrote ${r.pages} benchmark page${r.pages === 1 ? '' : 's'} and the index to ${r.outDir}/index.html\n`);
      if (r.profilePages > 0) io.stdout.write(`wrote ${r.profilePages} profile page${r.profilePages === 1 ? '' : 's'} (flame graphs) to ${r.outDir}/profiles/index.html\n`);
    }
    return 0;
  } catch (e) {
    io.stderr.write(`metalbench site: ${(e as Error).message}\n`);
    return 2;
  }
}
