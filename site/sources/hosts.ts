/** Host environments recorded by runs and `hosts check`: facts, fingerprints over time, hygiene. */
import type { HostFacts } from '../../runner/host/facts.ts';
import { hygieneWarnings } from '../../runner/host/facts.ts';
import type { DB } from './open.ts';

export interface HostEnv {
  fingerprint: string;
  firstSeen: string;
  lastSeen: string;
  facts: Partial<HostFacts>;
}

export interface HostRecord {
  host: string;
  /** Oldest first. */
  envs: HostEnv[];
  warnings: string[];
}

export function loadHostEnvs(db: DB): Map<string, HostRecord> {
  const out = new Map<string, HostRecord>();
  const rows = db
    .prepare<[], { host: string; fingerprint: string; facts_json: string; first_seen: string; last_seen: string }>(
      'SELECT host, fingerprint, facts_json, first_seen, last_seen FROM host_envs ORDER BY host, first_seen, id',
    )
    .all();
  for (const r of rows) {
    let facts: Partial<HostFacts> = {};
    try {
      facts = JSON.parse(r.facts_json) as Partial<HostFacts>;
    } catch {
      // A record that cannot be read shows without facts.
    }
    let rec = out.get(r.host);
    if (!rec) out.set(r.host, (rec = { host: r.host, envs: [], warnings: [] }));
    rec.envs.push({ fingerprint: r.fingerprint, firstSeen: r.first_seen, lastSeen: r.last_seen, facts });
  }
  for (const rec of out.values()) {
    const last = rec.envs[rec.envs.length - 1]!.facts;
    try {
      rec.warnings = hygieneWarnings(last as HostFacts);
    } catch {
      rec.warnings = ['the recorded facts are incomplete; run metalbench hosts check'];
    }
  }
  return out;
}

/** Readable facts of a host, in a fixed order. */
export function factRows(f: Partial<HostFacts>): [string, string][] {
  const rows: [string, string][] = [];
  const add = (k: string, v: unknown) => {
    if (v !== undefined && v !== null && v !== '') rows.push([k, Array.isArray(v) ? v.join(', ') : String(v)]);
  };
  add('OS', f.os);
  add('kernel', f.kernelVersion ?? f.kernel);
  add('machine', f.machine);
  add('GOARCH', f.goarch);
  add('CPU', f.cpu?.model);
  add('microcode', f.cpu?.microcode);
  add('GOAMD64 level', f.amd64Level);
  add('online CPUs', f.topology?.online?.length);
  add('NUMA nodes', f.topology?.nodes?.length);
  add('SMT', f.topology === undefined ? undefined : f.topology.smt ? 'on' : 'off');
  add('cpufreq driver', f.cpufreqDriver);
  add('governors', f.governors);
  add('turbo', f.turbo);
  add('transparent huge pages', f.thp);
  add('memory (kB)', f.memTotalKb);
  return rows;
}

/** Which readable facts differ between two environments ("what changed"). */
export function factChanges(before: Partial<HostFacts>, after: Partial<HostFacts>): string[] {
  const a = new Map(factRows(before));
  const out: string[] = [];
  for (const [k, v] of factRows(after)) {
    const old = a.get(k);
    if (old !== v) out.push(`${k}: ${old ?? '—'} → ${v}`);
  }
  return out;
}
