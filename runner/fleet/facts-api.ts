/**
 * The facts functions the fleet code uses (collection, fingerprint, derived
 * tags, tag contradictions, hygiene), normalised to one shape.
 */
import type { Transport } from '../transport/transport.ts';

export interface FactsApi {
  collectFacts(t: Transport): Promise<unknown>;
  fingerprint(facts: unknown): string;
  derivedTags(facts: unknown): string[];
  /** Messages for manual tags the facts contradict; empty when none. */
  checkManualTags(tags: readonly string[], facts: unknown): string[];
  hygieneWarnings(facts: unknown): string[];
}

type Loose = Record<string, (...a: unknown[]) => unknown>;

let cached: FactsApi | undefined;

export async function loadFactsApi(): Promise<FactsApi> {
  if (cached) return cached;
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  const url = new URL(`../host/facts${ext}`, import.meta.url);
  let m: Loose;
  try {
    m = (await import(url.href)) as Loose;
  } catch (e) {
    throw new Error(`cannot load the host facts module ${url.pathname}: ${(e as Error).message.split('\n')[0]}`);
  }
  for (const f of ['collectFacts', 'fingerprint', 'derivedTags', 'checkManualTags', 'hygieneWarnings']) {
    if (typeof m[f] !== 'function') throw new Error(`the host facts module ${url.pathname} does not export ${f}()`);
  }
  cached = {
    collectFacts: (t) => Promise.resolve(m.collectFacts!(t)),
    fingerprint: (f) => String(m.fingerprint!(f)),
    derivedTags: (f) => (m.derivedTags!(f) as unknown[]).map(String),
    checkManualTags: (tags, f) => {
      try {
        return messages(m.checkManualTags!([...tags], f));
      } catch (e) {
        return [e instanceof Error ? e.message : String(e)];
      }
    },
    hygieneWarnings: (f) => messages(m.hygieneWarnings!(f)),
  };
  return cached;
}

function messages(v: unknown): string[] {
  if (v === undefined || v === null || v === true) return [];
  const list = Array.isArray(v) ? v : [v];
  return list.map((x) => (typeof x === 'string' ? x : typeof x === 'object' && x && 'message' in x ? String((x as { message: unknown }).message) : JSON.stringify(x)));
}
