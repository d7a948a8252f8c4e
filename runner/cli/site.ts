// `metalbench site`: static pages from the database, built incrementally and swapped in.
import { noPositionals, parseCommand, type CliIO } from './options.ts';

export async function siteHandler(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommand(args, {
    out: { type: 'string', default: 'site-out' },
    title: { type: 'string' },
    config: { type: 'string' },
    full: { type: 'boolean', default: false },
  });
  noPositionals(positionals, 'the output folder is given with --out DIR');
  const { buildSite } = await import('../../site/build.ts');
  const { DEFAULT_SITE_CONFIG, loadSiteConfig } = await import('../../site/config.ts');
  try {
    const config = loadSiteConfig(values.config ?? DEFAULT_SITE_CONFIG, values.config !== undefined);
    if (values.title !== undefined) config.title = values.title;
    const t0 = performance.now();
    const r = await buildSite({ dbPath: values.db, outDir: values.out, config, full: values.full });
    const ms = Math.round(performance.now() - t0);
    if (values.json) io.stdout.write(`${JSON.stringify({ ...r, ms })}\n`);
    else {
      io.stdout.write(
        `${r.incremental ? 'updated' : 'wrote'} ${r.pages} benchmark page${r.pages === 1 ? '' : 's'} (${r.series} series; ${r.written} files written) in ${ms} ms: ${r.outDir}/index.html\n`,
      );
      if (r.profilePages > 0) io.stdout.write(`wrote ${r.profilePages} profile page${r.profilePages === 1 ? '' : 's'} (flame graphs) to ${r.outDir}/profiles/index.html\n`);
    }
    return 0;
  } catch (e) {
    io.stderr.write(`metalbench site: ${(e as Error).message}\n`);
    return 2;
  }
}
