/**
 * Confirmation: every regression candidate of the screening is measured
 * again in a new session (new seed and order, on another host of the same
 * class when the selection has one), and confirmed only when that session
 * alone rejects one-sided at 0.05, Holm across the candidates, in the same
 * direction, and its one-sided bound clears δ (results/paired decides).
 */
import type { HostSession } from '../run/hosts.ts';
import type { HostFacts } from '../host/facts.ts';
import type { HostPlan } from './session.ts';
import type { AnalysedRow } from './analyze.ts';
import { confirmCandidates, type ConfirmationSummary } from '../../results/paired/index.ts';

export interface Candidate {
  row: AnalysedRow;
  /** The host the confirmation measures it on. */
  confirmHost: string;
}

/** Hosts alike enough that one confirms the other: same architecture and CPU model. */
export function hostClass(h: HostSession): string {
  const f = h.facts as Partial<HostFacts>;
  return `${h.target.goos}/${h.target.goarch} ${f.cpu?.model ?? '?'}`;
}

export function chooseConfirmHosts(candidates: readonly AnalysedRow[], hosts: readonly HostSession[]): Candidate[] {
  const byName = new Map(hosts.map((h) => [h.name, h]));
  return candidates.map((row) => {
    const own = byName.get(row.host);
    const other = own ? hosts.find((h) => h.name !== own.name && !h.lost && hostClass(h) === hostClass(own)) : undefined;
    return { row, confirmHost: other?.name ?? row.host };
  });
}

/** Does a printed result name (maybe with -N) belong to a measured benchmark? */
export function belongsTo(printed: string, measured: string): boolean {
  return printed === measured || (printed.startsWith(`${measured}-`) && /^[0-9]+$/.test(printed.slice(measured.length + 1)));
}

/** The confirmation plan per host: only the candidates' benchmarks, with the screening's iterations. */
export function confirmationPlans(cands: readonly Candidate[], screenPlans: Record<string, HostPlan>): Record<string, HostPlan> {
  const out: Record<string, HostPlan> = {};
  for (const c of cands) {
    const src = screenPlans[c.row.host];
    const bench = src?.benches.find((b) => belongsTo(c.row.benchmark, b.name));
    if (!bench) continue;
    const plan = (out[c.confirmHost] ??= { benches: [], added: [], removed: [] });
    if (!plan.benches.some((b) => b.suite === bench.suite && b.name === bench.name)) plan.benches.push(bench);
  }
  return out;
}

export interface Confirmation {
  candidate: Candidate;
  /** The confirmation session's row, when the benchmark was measured again. */
  again: AnalysedRow | null;
  confirmed: boolean;
  /** Why (not), in a few words. */
  reason: string;
}

/** The decision, from the confirmation session alone (results/paired's rule). */
export function decideConfirmations(cands: readonly Candidate[], confirmRows: readonly AnalysedRow[], alpha = 0.05): { items: Confirmation[]; summary: ConfirmationSummary } {
  const again = cands.map((c) => confirmRows.find((r) => r.host === c.confirmHost && r.benchmark === c.row.benchmark && r.unit === c.row.unit) ?? null);
  const summary = confirmCandidates(cands.map((c, i) => ({ candidate: c.row.verdictRow, confirmation: again[i]?.input })), alpha);
  const items = cands.map((c, i) => ({ candidate: c, again: again[i] ?? null, confirmed: summary.rows[i]!.confirmed, reason: summary.rows[i]!.reason }));
  return { items, summary };
}
