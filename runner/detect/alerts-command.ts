/**
 * `metalbench alerts [--json|--markdown] [--all]` lists alerts grouped by
 * commit range, each alert with stored profiles followed by its "where"
 * (top functions by change, base vs head; gc figures);
 * `metalbench alerts mark ID STATE [--note TEXT]` triages one.
 */
import { existsSync } from 'node:fs';
import { noPositionals, parseCommand, UsageError, type CliIO } from '../cli/options.ts';

export async function alertsCommand(args: string[], io: CliIO): Promise<number> {
  const fail = (m: string) => {
    io.stderr.write(`metalbench alerts: ${m}\n`);
    return 2;
  };
  const { values, positionals } = parseCommand(args, {
    all: { type: 'boolean', default: false },
    markdown: { type: 'boolean', default: false },
    note: { type: 'string' },
  });
  if (values.json && values.markdown) return fail('choose one of --json and --markdown');
  if (!existsSync(values.db)) return fail(`${values.db}: no results database here; pass --db PATH`);
  const { Store } = await import('../../results/store/store.ts');
  const alerts = await import('../../results/alerts/alerts.ts');
  const store = new Store(values.db);
  try {
    if (positionals[0] === 'mark') {
      const [, idText, state, ...extra] = positionals;
      if (idText === undefined || state === undefined || extra.length > 0) throw new UsageError('expected: alerts mark ID STATE [--note TEXT]');
      if (!/^[1-9][0-9]*$/.test(idText)) return fail(`alert id must be a positive integer, got ${JSON.stringify(idText)}`);
      try {
        alerts.markAlert(store.db, Number(idText), state, values.note);
      } catch (e) {
        if (e instanceof alerts.AlertError) return fail(e.message);
        throw e;
      }
      const history = alerts.alertHistory(store.db, Number(idText));
      if (values.json) io.stdout.write(`${JSON.stringify({ id: Number(idText), state, history }, null, 2)}\n`);
      else io.stdout.write(`alert #${idText} marked ${state}\n`);
      return 0;
    }
    noPositionals(positionals, '');
    const { viewOf, renderJson, renderMarkdown, renderText } = await import('../../results/alerts/render.ts');
    const { alertWhere } = await import('./alert-where.ts');
    const list = alerts.listAlerts(store.db, { all: values.all });
    const view = viewOf(list, alerts.precisionByMark(store.db), await alertWhere(store, list));
    io.stdout.write(values.json ? renderJson(view) : values.markdown ? renderMarkdown(view) : renderText(view));
    return 0;
  } finally {
    store.close();
  }
}
