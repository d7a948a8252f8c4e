// Environment attribution: the host facts that differ across a change point.
// A change that coincides with a kernel, microcode, governor, turbo, SMT, THP,
// toolchain or CPU model change, or with a move of the anchor (which runs the
// same code every night), is the environment's, never a commit's.

import type { DB } from '../store/store.ts';

/** The facts compared, with how to read each from a stored facts document. */
const FACTS: Array<[name: string, read: (f: FactsDoc) => unknown]> = [
  ['kernel', (f) => f.kernel ?? f.kernelVersion],
  ['microcode', (f) => f.cpu?.microcode],
  ['governor', (f) => f.governors?.join(',')],
  ['turbo', (f) => f.turbo],
  ['SMT', (f) => f.smtControl],
  ['THP', (f) => f.thp],
  ['CPU model', (f) => f.cpu?.model],
  ['Go toolchain', (f) => f.goVersion ?? f.raw?.['go.version']],
];

interface FactsDoc {
  kernel?: string;
  kernelVersion?: string;
  cpu?: { model?: string; microcode?: string | null };
  governors?: string[];
  turbo?: string;
  smtControl?: string | null;
  thp?: string | null;
  goVersion?: string;
  raw?: Record<string, string>;
}

export interface FactChange {
  fact: string;
  before: string;
  after: string;
}

export interface Attribution {
  /** Facts that differ between the last point before and the first after. */
  facts: FactChange[];
  /** The host's fingerprint changed (a fact outside the list above, e.g. topology or the CPU frequency driver). */
  fingerprintChanged: boolean;
  /** The anchor's own series moved with the change. */
  anchorMoved: boolean;
}

export function isEnvironment(a: Attribution): boolean {
  return a.facts.length > 0 || a.fingerprintChanged || a.anchorMoved;
}

function readEnv(db: DB, id: number | null): { fingerprint: string; facts: FactsDoc } | undefined {
  if (id === null) return undefined;
  const row = db.prepare<[number], { fingerprint: string; facts_json: string }>('SELECT fingerprint, facts_json FROM host_envs WHERE id = ?').get(id);
  if (!row) return undefined;
  try {
    return { fingerprint: row.fingerprint, facts: JSON.parse(row.facts_json) as FactsDoc };
  } catch {
    return { fingerprint: row.fingerprint, facts: {} };
  }
}

const text = (v: unknown) => (v === undefined || v === null ? '(unknown)' : String(v));

/** Diff the host environments recorded before and after a change. */
export function diffEnvironments(db: DB, beforeEnvId: number | null, afterEnvId: number | null): Omit<Attribution, 'anchorMoved'> {
  const a = readEnv(db, beforeEnvId);
  const b = readEnv(db, afterEnvId);
  if (!a || !b || beforeEnvId === afterEnvId) return { facts: [], fingerprintChanged: false };
  const facts: FactChange[] = [];
  for (const [fact, read] of FACTS) {
    const x = text(read(a.facts));
    const y = text(read(b.facts));
    if (x !== y) facts.push({ fact, before: x, after: y });
  }
  return { facts, fingerprintChanged: a.fingerprint !== b.fingerprint };
}

/** "kernel 6.1 → 6.5, microcode 0x1 → 0x2" or "host fingerprint changed" or "the anchor moved too". */
export function describeAttribution(a: Attribution): string {
  const parts = a.facts.map((f) => `${f.fact} ${f.before} → ${f.after}`);
  if (parts.length === 0 && a.fingerprintChanged) parts.push('host fingerprint changed');
  if (a.anchorMoved) parts.push('the anchor moved too');
  return parts.join(', ');
}
