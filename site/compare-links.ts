/**
 * What a comparison page links to beyond itself: the screening session a
 * confirmation re-measured and the confirmations of a screening session, and
 * the profile pages of each verdict row's benchmark. compare stores the
 * profiles of a confirmed regression under the confirmation's run id, on the
 * host that confirmed it (which may be another host of the same class).
 */
import type { CompareSession } from './sources/comparisons.ts';
import type { Profiled } from './sources/profiled.ts';
import { profilePageName } from './profiles.ts';

export interface ProfileLink {
  runId: number;
  host: string;
  /** File name under profiles/. */
  page: string;
}

export interface SessionLinks {
  /** The screening session a confirmation re-measured. */
  screening: CompareSession | null;
  confirmations: CompareSession[];
  /** Profile pages of a row: key "benchmark\0host". */
  profiles: Map<string, ProfileLink[]>;
}

export function sessionLinks(s: CompareSession, all: readonly CompareSession[], profiled: readonly Profiled[]): SessionLinks {
  const screening = s.parentRunId === null ? null : (all.find((x) => x.runId === s.parentRunId) ?? null);
  const confirmations = all.filter((x) => x.parentRunId === s.runId);
  // This session, its screening and that screening's confirmations (a confirmation's siblings from --resume).
  const related = new Set<number>([s.runId, ...confirmations.map((x) => x.runId)]);
  if (screening) for (const x of [screening, ...all.filter((y) => y.parentRunId === screening.runId)]) related.add(x.runId);
  const ownHosts = new Set(s.results.map((r) => r.host));
  const remeasured = new Set(confirmations.map((x) => x.runId));
  const profiles = new Map<string, ProfileLink[]>();
  for (const r of s.results) {
    const key = `${r.benchmark}\0${r.host}`;
    if (profiles.has(key)) continue;
    // The row's host; or a host this session did not measure, where its confirmation re-measured the benchmark.
    const links = profiled
      .filter((p) => p.benchmark === r.benchmark && (p.host === r.host ? related.has(p.runId) : remeasured.has(p.runId) && !ownHosts.has(p.host)))
      .sort((x, y) => x.runId - y.runId || (x.host < y.host ? -1 : x.host > y.host ? 1 : 0))
      .map((p) => ({ runId: p.runId, host: p.host, page: profilePageName(p.runId, p.host, p.benchmark) }));
    if (links.length > 0) profiles.set(key, links);
  }
  return { screening, confirmations, profiles };
}
