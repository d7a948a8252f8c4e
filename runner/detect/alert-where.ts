/**
 * The "where" of each alert that has stored profiles (see
 * results/alerts/profiles.ts for how they are found): every kind diffed
 * base vs head with the same diffStored and where.ts tables compare's
 * "where" uses, rendered for the text list, Markdown and JSON.
 */
import type { AlertRow } from '../../results/alerts/alerts.ts';
import { alertProfileSets } from '../../results/alerts/profiles.ts';
import type { AlertWhere } from '../../results/alerts/render.ts';
import type { Store } from '../../results/store/store.ts';
import { diffStored, ProfileDiffError, type DiffResult } from '../profile/command.ts';
import { isProfileKind } from '../profile/kinds.ts';
import { whereMarkdown, whereText } from '../profile/where.ts';

/** Functions per table. */
const TOP = 5;

export async function alertWhere(store: Store, alerts: readonly AlertRow[]): Promise<Map<number, AlertWhere>> {
  const out = new Map<number, AlertWhere>();
  const sets = alertProfileSets(store.db, alerts.filter((a) => a.kind === 'regression' || a.kind === 'improvement'));
  for (const a of alerts) {
    const mine = sets.get(a.id);
    if (!mine) continue;
    const diffs: DiffResult[] = [];
    const errors: string[] = [];
    for (const s of mine) {
      for (const kind of s.kinds) {
        if (!isProfileKind(kind)) continue;
        try {
          diffs.push(await diffStored(store, { runId: s.run, benchmark: s.benchmark, kind, host: s.host, top: TOP }));
        } catch (e) {
          if (!(e instanceof ProfileDiffError)) throw e;
          errors.push(`Benchmark${s.benchmark} on ${s.host}, ${kind}: ${e.message}`);
        }
      }
    }
    const run = mine[0]!.run;
    const problems = errors.map((e) => `not diffed: ${e}`);
    out.set(a.id, {
      run,
      text: whereText(diffs, { top: TOP, indent: '      ' }) + problems.map((p) => `      ${p}\n`).join(''),
      markdown:
        (diffs.length > 0 ? whereMarkdown(diffs, { top: TOP, title: `Where: profiles of alert #${a.id} (run ${run})` }) : '') + problems.map((p) => `_${p.replace(/[_*`|<>\\]/g, '\\$&')}_\n\n`).join(''),
      json: { profiles: diffs, errors },
    });
  }
  return out;
}
