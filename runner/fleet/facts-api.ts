/**
 * The facts functions the fleet code uses (collection, fingerprint, derived
 * tags, tag contradictions, hygiene), behind one interface so a caller can
 * supply its own.
 */
import * as hostFacts from '../host/facts.ts';
import type { HostFacts } from '../host/facts.ts';
import type { Transport } from '../transport/transport.ts';

export interface FactsApi {
  collectFacts(t: Transport): Promise<unknown>;
  fingerprint(facts: unknown): string;
  derivedTags(facts: unknown): string[];
  /** Messages for manual tags the facts contradict; empty when none. */
  checkManualTags(tags: readonly string[], facts: unknown): string[];
  hygieneWarnings(facts: unknown): string[];
}

/** runner/host/facts.ts: hosts/facts.sh run over the transport. */
export const defaultFactsApi: FactsApi = {
  collectFacts: (t) => hostFacts.collectFacts(t),
  fingerprint: (f) => hostFacts.fingerprint(f as HostFacts),
  derivedTags: (f) => hostFacts.derivedTags(f as HostFacts),
  checkManualTags: (tags, f) => hostFacts.checkManualTags(tags, f as HostFacts),
  hygieneWarnings: (f) => hostFacts.hygieneWarnings(f as HostFacts),
};

export async function loadFactsApi(): Promise<FactsApi> {
  return defaultFactsApi;
}
