import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../cli.ts';
import { capture } from '../test-support.ts';
import { Store } from '../../results/store/store.ts';
import { addHostEnv, addNight, type NightSpec } from '../../results/changepoints/test-nightly.ts';
import { rng } from '../../results/paired/random.ts';

const DAY = 86_400_000;

function tmp() {
  const dir = mkdtempSync(join(tmpdir(), 'detect-'));
  return { dir, db: join(dir, 'results.db'), done: () => rmSync(dir, { recursive: true, force: true }) };
}

/** `nights` daily nightlies ending an hour ago; values from `level(night, bench, host)` with 1 % noise, 5 samples each. */
function history(db: string, nights: number, hosts: string[], benches: string[], level: (night: number, bench: string, host: string) => number, extra: { env?: (night: number, host: string, store: Store) => number } = {}) {
  const store = new Store(db);
  const r = rng(42);
  const start = Date.now() - (nights - 1) * DAY - 3_600_000;
  for (let i = 0; i < nights; i++) {
    const night: NightSpec = { revision: `rev${String(i).padStart(2, '0')}abcdef`, startedAt: new Date(start + i * DAY).toISOString(), hosts: [] };
    for (const host of hosts) {
      const values: Record<string, number[]> = {};
      for (const b of benches) values[b] = Array.from({ length: 5 }, () => Math.round(1000 * level(i, b, host) * (1 + 0.01 * r.normal())));
      night.hosts.push({ host, values, ...(extra.env ? { hostEnvId: extra.env(i, host, store) } : {}) });
    }
    addNight(store, night);
  }
  store.close();
}

/** The CLI; detect gets an inventory listing the test's hosts unless the test passes its own. */
async function cli(args: string[]) {
  const c = capture();
  if (args[0] === 'detect' && !args.includes('--inventory')) {
    const db = args[args.indexOf('--db') + 1]!;
    const inv = join(db, '..', 'fleet.yaml');
    writeFileSync(inv, 'hosts:\n  - name: epyc1\n    address: epyc1.lab.example\n  - name: epyc2\n    address: epyc2.lab.example\n');
    args = [...args, '--inventory', inv];
  }
  const code = await main(args, c.io);
  return { code, out: c.out(), err: c.err() };
}

test('a step in the last week of two is found, confirmed once settled, and its commit range named across benchmarks and hosts', async () => {
  const t = tmp();
  try {
    // Night 7 (rev07) is the first bad one: +8 % on two benchmarks, both hosts.
    history(t.db, 14, ['epyc1', 'epyc2'], ['Insert', 'Lookup', 'Scan'], (i, b) => (i >= 7 && b !== 'Scan' ? 1.08 : 1));
    const r = await cli(['detect', '--db', t.db, '--json']);
    assert.is(r.code, 0, r.err);
    const rep = JSON.parse(r.out) as { changePoints: Array<{ benchmark: string; host: string; lastGood: string; firstBad: string; kind: string; relative: number }>; nights: number };
    assert.is(rep.nights, 14);
    const found = rep.changePoints.map((c) => `${c.benchmark}@${c.host} ${c.lastGood}..${c.firstBad} ${c.kind}`).sort();
    assert.equal(found, [
      'Insert@epyc1 rev06abcdef..rev07abcdef code',
      'Insert@epyc2 rev06abcdef..rev07abcdef code',
      'Lookup@epyc1 rev06abcdef..rev07abcdef code',
      'Lookup@epyc2 rev06abcdef..rev07abcdef code',
    ]);
    for (const c of rep.changePoints) assert.ok(Math.abs(c.relative - 0.08) < 0.02, `${c.relative}`);
    const list = await cli(['alerts', '--db', t.db]);
    assert.is(list.code, 0);
    assert.match(list.out, /rev06ab\.\.rev07ab: 2 benchmarks on 2 hosts \(amd64\), median \+[78]\.\d %, worst \+[89]\.\d % \(\w+ on epyc\d\)\n  #1 \[new\] Insert sec\/op on epyc1 \(absolute, cpus 2-3\): \+\d\.\d % between rev06abcdef and rev07abcdef\n/);
    const md = await cli(['alerts', '--db', t.db, '--markdown']);
    assert.match(md.out, /### Regressions\n\n- \*\*rev06ab\.\.rev07ab: 2 benchmarks/);
    // A second detect with no new night judges nothing and raises nothing new.
    const again = JSON.parse((await cli(['detect', '--db', t.db, '--json'])).out) as { nights: number; alerts: unknown[] };
    assert.is(again.nights, 0);
    assert.equal(again.alerts, []);
  } finally {
    t.done();
  }
});

test('an A/A fortnight raises nothing', async () => {
  const t = tmp();
  try {
    history(t.db, 14, ['epyc1'], ['Insert', 'Lookup', 'Scan', 'Delete'], () => 1);
    const r = await cli(['detect', '--db', t.db, '--json']);
    assert.is(r.code, 0, r.err);
    const rep = JSON.parse(r.out) as { changePoints: unknown[]; alerts: unknown[]; series: number };
    assert.is(rep.series, 4);
    assert.equal(rep.changePoints, []);
    assert.equal(rep.alerts, []);
    assert.is((await cli(['alerts', '--db', t.db])).out, 'no open alerts\n');
    // One more night: only it is judged, and only its run's samples are read into points.
    const store = new Store(t.db);
    addNight(store, { revision: 'rev14abcdef', startedAt: new Date(Date.now() - 60_000).toISOString(), hosts: [{ host: 'epyc1', values: { Insert: [1000, 1001], Lookup: [1000, 999], Scan: [1000, 1002], Delete: [1000, 1003] } }] });
    store.close();
    const next = JSON.parse((await cli(['detect', '--db', t.db, '--json'])).out) as { nights: number; analysed: number };
    assert.equal([next.nights, next.analysed], [1, 4]);
    const s = new Store(t.db);
    const cached = s.db.prepare<[], { runs: number; points: number }>('SELECT (SELECT COUNT(*) FROM detect_runs) AS runs, (SELECT COUNT(*) FROM detect_points) AS points').get();
    s.close();
    assert.equal(cached, { runs: 15, points: 60 });
  } finally {
    t.done();
  }
});

test('a step that comes with a changed host fingerprint is an environment event, listed apart', async () => {
  const t = tmp();
  try {
    let envs: [number, number] | undefined;
    history(t.db, 14, ['epyc1'], ['Insert'], (i) => (i >= 7 ? 1.08 : 1), {
      env: (i, host, store) => {
        envs ??= [addHostEnv(store, host, 'fp-old', { kernel: '6.1.0', microcode: '0xa0011d1' }), addHostEnv(store, host, 'fp-new', { kernel: '6.5.0', microcode: '0xa0011d5' })];
        return i >= 7 ? envs[1] : envs[0];
      },
    });
    const rep = JSON.parse((await cli(['detect', '--db', t.db, '--json'])).out) as { changePoints: Array<{ kind: string; environment: string }>; alerts: Array<{ kind: string; message: string }> };
    assert.is(rep.changePoints.length, 1);
    assert.is(rep.changePoints[0]!.kind, 'environment');
    assert.is(rep.changePoints[0]!.environment, 'kernel 6.1.0 → 6.5.0, microcode 0xa0011d1 → 0xa0011d5');
    assert.equal(rep.alerts.map((a) => a.kind), ['environment']);
    const list = await cli(['alerts', '--db', t.db]);
    assert.match(list.out, /Environment changes \(not blamed on a commit\)\n  #1 \[new\] Insert sec\/op on epyc1/);
    assert.not.match(list.out, /Regressions/);
  } finally {
    t.done();
  }
});

test('anchored nights: the paired ratio carries the series; when the anchor moves with head, it is the environment', async () => {
  const t = tmp();
  try {
    const store = new Store(t.db);
    const r = rng(5);
    const start = Date.now() - 14 * DAY;
    for (let i = 0; i < 14; i++) {
      const host = i >= 7 ? 1.1 : 1; // the host got 10 % slower for both binaries
      const anchor = Array.from({ length: 6 }, () => 1000 * host * (1 + 0.01 * r.normal()));
      const head = anchor.map((a) => a * (1 + 0.003 * r.normal()));
      addNight(store, { revision: `r${i}`, startedAt: new Date(start + i * DAY).toISOString(), hosts: [{ host: 'epyc1', values: { Insert: head }, anchor: { Insert: anchor } }] });
    }
    store.close();
    const rep = JSON.parse((await cli(['detect', '--db', t.db, '--json'])).out) as { series: number; changePoints: Array<{ role: string; kind: string; environment: string }>; alerts: Array<{ kind: string }> };
    assert.is(rep.series, 3); // ratio, absolute, anchor
    // The ratio is flat; the absolute and anchor series moved, both with the anchor: environment only.
    assert.ok(rep.changePoints.length >= 1);
    assert.ok(rep.changePoints.every((c) => c.role !== 'ratio'));
    assert.ok(rep.changePoints.every((c) => c.kind === 'environment' && c.environment.includes('the anchor moved too')));
    assert.ok(rep.alerts.every((a) => a.kind === 'environment'));
  } finally {
    t.done();
  }
});

test('liveness: a host no longer in the inventory, a suite that stopped, a jump in failures, a vanished benchmark, a worse A/A floor', async () => {
  const t = tmp();
  try {
    const store = new Store(t.db);
    const start = Date.now() - 20 * DAY;
    for (let i = 0; i < 10; i++) {
      // epyc1 stops after night 9 (10 days ago); on its last night suite core lost Scan, suite net had both its jobs fail (no Dial result).
      const last = i === 9;
      addNight(store, {
        revision: `r${i}`,
        startedAt: new Date(start + i * DAY).toISOString(),
        hosts: [
          { host: 'epyc1', suite: 'core', values: last ? { Insert: [1000, 1001] } : { Insert: [1000, 1001], Scan: [500, 501] } },
          { host: 'epyc1', suite: 'net', values: last ? {} : { Dial: [300, 301] }, ...(last ? { failedJobs: 2 } : {}) },
        ],
      });
    }
    // Ten A/A sessions of graviton: the last five three times as noisy as the five before.
    const run = store.createRun({ kind: 'compare', trigger: 'manual' });
    const ins = store.db.prepare(
      `INSERT INTO compare_results (run_id, role, is_aa, host, host_fingerprint, pin, benchmark, unit, rounds, pairs, estimate, delta, verdict, created_at)
       VALUES (?, 'screen', 1, 'graviton', 'fp', 'none', ?, 'sec/op', 16, 16, ?, 0.01, 'no-change', '2026-01-01')`,
    );
    for (let k = 0; k < 10; k++) {
      const r = k === 0 ? run : store.createRun({ kind: 'compare', trigger: 'manual' });
      ins.run(r, 'Insert', (k < 5 ? 0.002 : 0.006) * (k % 2 ? 1 : -1));
    }
    store.close();
    writeFileSync(join(t.dir, 'fleet.yaml'), 'hosts:\n  - name: graviton\n    address: graviton.lab.example\n');
    const r = await cli(['detect', '--db', t.db, '--json', '--inventory', join(t.dir, 'fleet.yaml')]);
    assert.is(r.code, 0, r.err);
    const msgs = (JSON.parse(r.out) as { alerts: Array<{ kind: string; message: string }> }).alerts.filter((a) => a.kind === 'liveness').map((a) => a.message);
    const has = (re: RegExp) => assert.ok(msgs.some((m) => re.test(m)), `${re} in\n${msgs.join('\n')}`);
    has(/^host epyc1 has nightly history but is no longer in the inventory/);
    has(/^core on epyc1 has not reported for 2\d\d h \(expected every 24 h/);
    has(/^net on epyc1: 2 of 2 jobs failed in run 10 \(usually 0 %\)/);
    has(/^Scan \(core\) was not reported on epyc1 in run 10 \(renamed or deleted\?\)/);
    has(/^host graviton: its A\/A noise floor worsened 3\.0× /);
    // A failed night explains its missing results: Dial is not reported as vanished.
    assert.not.ok(msgs.some((m) => m.startsWith('Dial')));
    // The same conditions are not raised twice while open.
    const again = JSON.parse((await cli(['detect', '--db', t.db, '--json', '--inventory', join(t.dir, 'fleet.yaml')])).out) as { alerts: unknown[] };
    assert.equal(again.alerts, []);
  } finally {
    t.done();
  }
});

test('alerts mark: states are checked, history kept, precision shown from the marks', async () => {
  const t = tmp();
  try {
    history(t.db, 14, ['epyc1'], ['Insert', 'Lookup'], (i) => (i >= 7 ? 1.08 : 1));
    await cli(['detect', '--db', t.db]);
    assert.is((await cli(['alerts', '--db', t.db, 'mark', '1', 'true', '--note', 'bisected to the map change'])).code, 0);
    assert.is((await cli(['alerts', '--db', t.db, 'mark', '2', 'false'])).code, 0);
    const bad = await cli(['alerts', '--db', t.db, 'mark', '1', 'maybe']);
    assert.is(bad.code, 2);
    assert.match(bad.err, /unknown state "maybe"; one of new, acknowledged, true, false, environment, expected/);
    const missing = await cli(['alerts', '--db', t.db, 'mark', '99', 'true']);
    assert.is(missing.code, 2);
    assert.match(missing.err, /no alert 99/);
    assert.is((await cli(['alerts', '--db', t.db])).out, 'no open alerts\n\nPrecision from the marks (true / (true + false))\n  ' + new Date().toISOString().slice(0, 7) + ' core on epyc1: 50 % (1 true, 1 false)\n');
    const all = JSON.parse((await cli(['alerts', '--db', t.db, '--all', '--json'])).out) as { precision: Array<{ precision: number; true: number; false: number }>; regressions: Array<{ alerts: unknown[] }> };
    assert.equal(all.precision.map((p) => [p.true, p.false, p.precision]), [[1, 1, 0.5]]);
    assert.is(all.regressions[0]!.alerts.length, 2);
    const s = new Store(t.db);
    const h = s.db.prepare('SELECT state, note FROM alert_history WHERE alert_id = 1 ORDER BY id').all();
    s.close();
    assert.equal(h, [{ state: 'new', note: null }, { state: 'true', note: 'bisected to the map change' }]);
  } finally {
    t.done();
  }
});

test('detect: no nightlies, an unknown series filter, a bad --since are bad input (exit 2) with the fix named', async () => {
  const t = tmp();
  try {
    new Store(t.db).close();
    const none = await cli(['detect', '--db', t.db]);
    assert.is(none.code, 2);
    assert.match(none.err, /no nightly runs in this database: record some with 'metalbench run SPEC --trigger nightly'/);
    history(t.db, 3, ['epyc1'], ['Insert'], () => 1);
    const filter = await cli(['detect', '--db', t.db, '--series', 'Nope']);
    assert.is(filter.code, 2);
    assert.match(filter.err, /no series matches --series "Nope"; 1 series exist, e\.g\. "Insert sec\/op on epyc1/);
    const since = await cli(['detect', '--db', t.db, '--since', 'last tuesday']);
    assert.is(since.code, 2);
    assert.match(since.err, /--since "last tuesday" is not a date; write it as YYYY-MM-DD/);
    const late = await cli(['detect', '--db', t.db, '--since', '2999-01-01']);
    assert.is(late.code, 2);
    assert.match(late.err, /no nightly results since 2999-01-01/);
    const ok = await cli(['detect', '--db', t.db, '--series', 'Insert']);
    assert.is(ok.code, 0, ok.err);
    assert.match(ok.out, /^1 series, 1 with new points, 3 nights judged\nno change points\n$/);
  } finally {
    t.done();
  }
});

test.run();
