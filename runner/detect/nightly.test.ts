// metalbench nightly end to end: a real git repository, real Go builds of head
// and anchor, real benchmark processes on the built-in host, a real store.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { dirname } from 'node:path';
import { localLockPath } from '../transport/local.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../cli.ts';
import { capture } from '../test-support.ts';
import { Store } from '../../results/store/store.ts';
import { makeTestRepo } from '../compare/test-repo.ts';
import { addNight } from '../../results/changepoints/test-nightly.ts';
import { rng } from '../../results/paired/random.ts';

const work = mkdtempSync(join(tmpdir(), 'metalbench-nightly-'));
const repo = makeTestRepo({ extraSpec: 'anchor: v1' });
repo.git('tag', 'v1');
const baseSha = repo.git('rev-parse', 'HEAD');
const slowSha = repo.commitRounds(2000);

async function cli(args: string[]) {
  const c = capture();
  const code = await main(args, c.io);
  return { code, out: c.out(), err: c.err() };
}

interface NightDoc {
  revision: string;
  anchor: string;
  runs: number[];
  detect: { series: number; pending: Array<{ lastGood: string; firstBad: string }> };
  confirmations: Array<{ confirmed: boolean; lastGood: string; firstBad: string; runIds: number[] }>;
  alerts: Array<{ kind: string; message: string }>;
  exitCode: number;
}

test('a night measures head against the anchor in paired rounds and records it as a nightly with its commit time', async () => {
  const db = join(work, 'first.db');
  const site = join(work, 'site');
  const r = await cli(['nightly', repo.spec, '--revision', baseSha, '--db', db, '--json', '--site', site]);
  assert.is(r.code, 0, r.err);
  const doc = JSON.parse(r.out) as NightDoc;
  assert.is(doc.revision, baseSha);
  assert.is(doc.anchor, baseSha);
  assert.is(doc.exitCode, 0);
  // The pages were rebuilt from the database, the night included.
  assert.ok(existsSync(join(site, 'index.html')));
  const store = new Store(db);
  const runs = store.db.prepare<[], { kind: string; trigger: string; revision: string; status: string }>('SELECT kind, trigger, revision, status FROM runs').all();
  const series = store.db.prepare<[], { role: string; benchmark: string; unit: string }>("SELECT role, benchmark, unit FROM detect_series WHERE unit = 'sec/op' ORDER BY role").all();
  const time = store.db.prepare<[string], { committed_at: string }>('SELECT committed_at FROM revision_times WHERE revision = ?').get(baseSha);
  store.close();
  assert.equal(runs, [{ kind: 'compare', trigger: 'nightly', revision: baseSha, status: 'ok' }]);
  // The paired ratio, head's absolute series and the anchor's (environment) series.
  assert.equal(series.map((s) => s.role), ['absolute', 'anchor', 'ratio']);
  assert.ok(time && /^\d{4}-\d\d-\d\dT/.test(time.committed_at));
});

test('a pending change is confirmed by an automatic A/B of last good against first bad, alerts, and the night exits 1', async () => {
  const db = join(work, 'pending.db');
  // Earlier nights of the calibration benchmark on this host: 16 at the anchor's speed, then 4 twice as slow.
  const store = new Store(db);
  const r = rng(1);
  const start = Date.now() - 21 * 86_400_000;
  for (let i = 0; i < 20; i++) {
    const slow = i >= 16;
    addNight(store, {
      revision: slow ? slowSha : baseSha,
      startedAt: new Date(start + i * 86_400_000).toISOString(),
      hosts: [{ host: 'local', suite: 'calibration', values: { Spin: [1, 2, 3].map(() => 1e6 * (slow ? 2 : 1) * (1 + 0.01 * r.normal())) } }],
    });
  }
  store.close();
  const out = await cli(['nightly', repo.spec, '--revision', slowSha, '--confirm-rounds', '10', '--db', db, '--json']);
  assert.is(out.code, 1, out.err);
  const doc = JSON.parse(out.out) as NightDoc;
  assert.equal(doc.detect.pending.map((p) => [p.lastGood, p.firstBad]), [[baseSha, slowSha]]);
  assert.is(doc.confirmations.length, 1);
  assert.ok(doc.confirmations[0]!.confirmed, out.err);
  const regressions = doc.alerts.filter((a) => a.kind === 'regression');
  assert.is(regressions.length, 1);
  assert.match(regressions[0]!.message, new RegExp(`^Spin sec/op on local .*: \\+\\d+\\.\\d % between ${baseSha.slice(0, 12)} and ${slowSha.slice(0, 12)}`));
  // The A/B sessions are recorded, but never as nightly points.
  const s = new Store(db);
  const triggers = s.db.prepare<[], { trigger: string; n: number }>("SELECT trigger, COUNT(*) AS n FROM runs WHERE kind = 'compare' GROUP BY trigger ORDER BY trigger").all();
  const history = s.db.prepare<[], { state: string; note: string | null }>('SELECT state, note FROM alert_history ORDER BY id').all();
  s.close();
  assert.equal(triggers, [{ trigger: 'nightly', n: 1 }, { trigger: 'nightly-confirm', n: 1 }]);
  assert.ok(history.some((h) => h.note !== null && h.note.startsWith(`A/B ${baseSha.slice(0, 12)} vs ${slowSha.slice(0, 12)}`) && h.note.includes('regression')), JSON.stringify(history));
  // The alert lists with its range.
  const list = await cli(['alerts', '--db', db]);
  assert.match(list.out, new RegExp(`${baseSha.slice(0, 7)}\\.\\.${slowSha.slice(0, 7)}: 1 benchmark on 1 host`));
});

test('--bisect names the commit inside a confirmed range that slowed the benchmark', async () => {
  const r2 = makeTestRepo({ extraSpec: 'anchor: v1' });
  r2.git('tag', 'v1');
  const good = r2.git('rev-parse', 'HEAD');
  r2.commitFiles({ 'NOTES.md': 'first note\n' }, 'notes');
  const culprit = r2.commitRounds(2000);
  const bad = r2.commitFiles({ 'NOTES.md': 'second note\n' }, 'more notes');
  const db = join(work, 'bisect.db');
  const store = new Store(db);
  const r = rng(2);
  const start = Date.now() - 21 * 86_400_000;
  for (let i = 0; i < 20; i++) {
    const slow = i >= 16;
    addNight(store, {
      revision: slow ? bad : good,
      startedAt: new Date(start + i * 86_400_000).toISOString(),
      hosts: [{ host: 'local', suite: 'calibration', values: { Spin: [1, 2, 3].map(() => 1e6 * (slow ? 2 : 1) * (1 + 0.01 * r.normal())) } }],
    });
  }
  store.close();
  const out = await cli(['nightly', r2.spec, '--revision', bad, '--confirm-rounds', '10', '--bisect', '--db', db, '--json']);
  assert.is(out.code, 1, out.err);
  const doc = JSON.parse(out.out) as NightDoc & { confirmations: Array<{ culprit?: string }> };
  assert.is(doc.confirmations.length, 1);
  assert.is(doc.confirmations[0]!.culprit, culprit);
  const s = new Store(db);
  const steps = s.db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM runs WHERE trigger = 'nightly-bisect'").get()!.n;
  const note = s.db.prepare<[], { note: string }>("SELECT note FROM alert_history WHERE note LIKE '%bisected to%'").get();
  s.close();
  // Three commits after the last good one: two steps of the search.
  assert.is(steps, 2);
  assert.ok(note?.note.endsWith(`bisected to ${culprit}`), note?.note);
});

test('nightly: a spec without an anchor, or an unknown revision, is bad input (exit 2) and runs nothing', async () => {
  const plain = makeTestRepo();
  const db = join(work, 'bad.db');
  const a = await cli(['nightly', plain.spec, '--db', db]);
  assert.is(a.code, 2);
  assert.match(a.err, /the spec has no `anchor: REF`; add the reference revision every night is measured against/);
  const b = await cli(['nightly', repo.spec, '--revision', 'no-such-ref', '--db', db]);
  assert.is(b.code, 2);
  assert.match(b.err, /no-such-ref/);
  assert.match(b.err, /nothing was run/);
});

test('a busy host: the night waits for it by default (and runs once it is free), and --lock-wait 0 fails at once recording nothing', async () => {
  const lock = localLockPath();
  mkdirSync(dirname(lock), { recursive: true });
  const hold = (seconds: number) => spawn('flock', ['--exclusive', lock, 'sleep', String(seconds)], { stdio: 'ignore' });
  const held = async (p: ReturnType<typeof hold>) => {
    for (let i = 0; i < 100 && spawnSync('flock', ['--nonblock', lock, 'true']).status === 0; i++) await new Promise((r) => setTimeout(r, 20));
    return p;
  };

  const quick = join(work, 'busy-quick.db');
  const holder = await held(hold(30));
  try {
    const r = await cli(['nightly', repo.spec, '--revision', baseSha, '--db', quick, '--lock-wait', '0']);
    assert.is(r.code, 3, r.err);
    assert.match(r.err, /busy/);
    const s = new Store(quick);
    assert.is(s.listRuns().length, 0, 'nothing recorded');
    s.close();
  } finally {
    holder.kill();
  }
  await new Promise((r) => holder.on('close', r));

  const patient = join(work, 'busy-wait.db');
  const brief = await held(hold(2));
  const r = await cli(['nightly', repo.spec, '--revision', baseSha, '--db', patient]);
  assert.is(r.code, 0, r.err);
  assert.match(r.err, /host local is busy.*waiting up to 14400s/);
  assert.is(brief.exitCode, 0, 'the other holder finished first');
});

test.run();
