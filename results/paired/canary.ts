// The optional canary arm: base against base in the same session. If it
// "finds" a change beyond its threshold, the host misbehaved during the
// session, and the session is invalid (exit 3) rather than the change guilty.

import { signedPct } from './format.ts';
import type { VerdictRow } from './verdict.ts';

export interface CanaryOutcome {
  invalid: boolean;
  /** The canary rows that moved, worst first. */
  moved: VerdictRow[];
  reason?: string;
}

/** Judges the canary arm's verdict rows (from compareRows on base vs base). */
export function judgeCanary(rows: ReadonlyArray<VerdictRow>): CanaryOutcome {
  const moved = rows.filter((r) => r.verdict === 'regression' || r.verdict === 'improvement').sort((a, b) => Math.abs(Math.log1p(b.change)) - Math.abs(Math.log1p(a.change)));
  if (moved.length === 0) return { invalid: false, moved };
  const w = moved[0]!;
  return { invalid: true, moved, reason: `canary (base vs base) moved ${signedPct(w.change, 1)} on ${w.benchmark} ${w.unit} (${w.host})${moved.length > 1 ? ` and ${moved.length - 1} more` : ''}` };
}
