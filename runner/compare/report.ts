/**
 * Fills results/paired's CompareReport from what the sessions stored:
 * both sides, the protocol, per host its facts, pin identity, session
 * (seed, round orders, sample ids), binaries, benchstat's table and the
 * benchmarks on one side only; the verdict rows and the confirmation.
 * Rendering (text, markdown, JSON) is results/paired's.
 */
import type { AaRecord } from '../../results/paired/error-rate.ts';
import type { Store } from '../../results/store/store.ts';
import type { CompareReport, ConfirmationSummary, HostReport, SessionRecord, SideIdentity, VerdictRow } from '../../results/paired/index.ts';
import type { HostFacts } from '../host/facts.ts';
import type { HostSession } from '../run/hosts.ts';
import type { FailOn, Side, SideOverrides } from './args.ts';
import type { SideSource, Binaries } from './sides.ts';
import { binaryKey } from './sides.ts';
import { readPlan } from './session.ts';
import { roundOrders } from './plan.ts';
import type { AnalysedRow } from './analyze.ts';

export interface ReportInput {
  store: Store;
  specPath: string;
  sides: Record<Side, SideSource>;
  rounds: number;
  confirmRounds?: number;
  threshold: number;
  floorSessions: number;
  failOn: FailOn;
  screenId: number;
  confirmId?: number;
  hosts: readonly HostSession[];
  binaries: Binaries;
  suites: readonly string[];
  rows: readonly AnalysedRow[];
  confirmation?: ConfirmationSummary;
  /** Per host: why its part of the session is not complete. */
  invalid: ReadonlyMap<string, string>;
  /** Chosen hosts that could not be reached: listed, with no measurements, so the session counts as partial. */
  unreached: readonly string[];
  benchstat: ReadonlyMap<string, string>;
  reproduce: string[];
  /** The session's page on the published site. */
  pageUrl?: string;
  /** The protocol's measured false-alarm rate: the stored A/A comparisons of this spec and rounds. */
  aaRecord?: AaRecord;
}

/** Side overrides as flat key → value pairs (GOTOOLCHAIN, gcflags, pgo, env NAME). */
export function flatOverrides(o: SideOverrides): Record<string, string> {
  const out: Record<string, string> = {};
  if (o.go) out.GOTOOLCHAIN = o.go;
  if (o.gcflags) out.gcflags = o.gcflags;
  if (o.pgo) out.pgo = o.pgo;
  for (const [k, v] of Object.entries(o.env)) out[`env ${k}`] = v;
  return out;
}

function side(s: SideSource): SideIdentity {
  const o = flatOverrides(s.overrides);
  return { ref: s.ref, sha: s.sha, ...(s.worktree ? { dirty: true } : {}), ...(Object.keys(o).length > 0 ? { overrides: o } : {}) };
}

/** One host's session record: seed, orders, and the sample ids of each side. */
export function sessionRecord(store: Store, runId: number, host: string): SessionRecord {
  const s = store.db.prepare<[number], { seed: string; rounds: number }>('SELECT seed, rounds FROM compare_sessions WHERE run_id = ?').get(runId)!;
  const run = store.getRun(runId)!;
  const ids = (sideName: Side) =>
    store.db
      .prepare<[number, string, string], { id: number }>('SELECT s.id FROM samples s JOIN jobs j ON j.id = s.job_id WHERE s.run_id = ? AND j.host = ? AND j.side = ? ORDER BY j.round, s.id')
      .all(runId, host, sideName)
      .map((r) => r.id);
  return {
    seed: s.seed,
    orders: roundOrders(s.rounds, s.seed, host).map((o) => (o[0] === 'base' ? 'AB' : 'BA')),
    sampleIds: { base: ids('base'), head: ids('head') },
    runId,
    startedAt: run.started_at,
    ...(run.finished_at ? { endedAt: run.finished_at } : {}),
  };
}

function factsOf(h: HostSession): Record<string, string> {
  const f = h.facts as Partial<HostFacts>;
  const out: Record<string, string> = {};
  const put = (k: string, v: unknown) => {
    const text = v === null || v === undefined ? '' : Array.isArray(v) ? v.join(', ') : String(v);
    if (text !== '') out[k] = text;
  };
  put('cpu', f.cpu?.model);
  put('microcode', f.cpu?.microcode);
  put('kernel', f.kernel);
  put('kernel build', f.kernelVersion);
  put('governor', f.governors);
  put('turbo', typeof f.turbo === 'object' ? JSON.stringify(f.turbo) : f.turbo);
  put('smt', f.smtControl);
  put('thp', f.thp);
  put('aslr', f.aslr);
  put('isolcpus', f.isolcpusArg);
  return out;
}

export function buildReport(r: ReportInput): CompareReport {
  const plan = readPlan(r.store, r.screenId);
  const benchtime: Record<string, string> = {};
  for (const p of Object.values(plan.hosts)) for (const b of p.benches) benchtime[`${b.suite}: ${b.name}`] ??= `${b.iters}x`;
  const hostNames = r.hosts.map((h) => h.name).filter((n) => plan.hosts[n] || r.rows.some((x) => x.host === n));
  const hosts: HostReport[] = hostNames.map((name) => {
    const h = r.hosts.find((x) => x.name === name)!;
    const row = r.rows.find((x) => x.host === name);
    const cfgPin = row?.pin ?? 'none';
    const bins = (s: Side) =>
      r.suites.flatMap((suite) => {
        const b = r.binaries.get(binaryKey(s, h.target, suite));
        return b ? [{ target: `${b.goos}/${b.goarch}`, suite, sha256: b.sha256 }] : [];
      });
    const p = plan.hosts[name];
    const pinned = /cpus=(\S+)/.exec(cfgPin)?.[1];
    const out: HostReport = {
      name,
      arch: `${h.target.goos}/${h.target.goarch}`,
      fingerprint: h.fingerprint,
      facts: factsOf(h),
      pin: { identity: cfgPin, ...(pinned ? { cpus: pinned } : {}) },
      session: sessionRecord(r.store, r.screenId, name),
      binaries: { base: bins('base'), head: bins('head') },
      benchstat: r.benchstat.get(name) ?? '',
      added: p?.added ?? [],
      removed: p?.removed ?? [],
    };
    const why = r.invalid.get(name);
    if (why) out.invalid = why;
    return out;
  });
  for (const name of r.unreached) {
    if (hosts.some((x) => x.name === name)) continue;
    hosts.push({
      name,
      arch: '',
      fingerprint: '',
      facts: {},
      pin: { identity: 'unknown' },
      session: { seed: '', orders: [], sampleIds: { base: [], head: [] } },
      binaries: { base: [], head: [] },
      benchstat: '',
      added: [],
      removed: [],
      invalid: r.invalid.get(name) ?? 'unreachable',
    });
  }
  const rows: VerdictRow[] = r.rows.map((x) => x.verdictRow);
  const report: CompareReport = {
    schemaVersion: 1,
    kind: 'paired',
    spec: r.specPath,
    base: side(r.sides.base),
    head: side(r.sides.head),
    protocol: {
      rounds: r.rounds,
      ...(r.confirmation && r.confirmRounds !== undefined ? { confirmRounds: r.confirmRounds } : {}),
      order: 'abba-random',
      alpha: 0.05,
      confidence: 0.95,
      threshold: r.threshold,
      floorSessions: r.floorSessions,
      benchtime,
      failOn: r.failOn,
    },
    hosts,
    rows,
    reproduce: r.reproduce,
    ...(r.pageUrl !== undefined ? { pageUrl: r.pageUrl } : {}),
    ...(r.aaRecord !== undefined ? { aaRecord: r.aaRecord } : {}),
    createdAt: new Date().toISOString(),
  };
  if (r.confirmation) {
    const confirmHosts = r.confirmId !== undefined ? Object.keys(readPlan(r.store, r.confirmId).hosts) : [];
    report.confirmation = { ...r.confirmation, hosts: confirmHosts.map((host) => ({ host, session: sessionRecord(r.store, r.confirmId!, host) })) };
  }
  return report;
}
