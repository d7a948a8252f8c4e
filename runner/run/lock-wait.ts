/**
 * `--lock-wait DURATION`: how long a command waits for a host that another
 * metalbench holds, for every command that locks hosts (run, compare,
 * nightly). It overrides each inventory host's `lockWaitMs`.
 */
// No import of the spec module: the CLI loads this for every `run` before anything else.
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** The parseArgs entry, to spread into a command's options. */
export const LOCK_WAIT_OPTION = { 'lock-wait': { type: 'string' } } as const;

/** nightly's wait when none is given: a night runs unattended, so it waits rather than fails. */
export const NIGHTLY_LOCK_WAIT = '4h';

export const LOCK_WAIT_USAGE = '--lock-wait DURATION     wait this long for a busy host (e.g. 30s, 10m; 0 = fail at once)';

/** Milliseconds, or a message saying what is wrong. `0` is allowed (do not wait). */
export function parseLockWait(value: string): number | { error: string } {
  if (value === '0') return 0;
  const bad = { error: `--lock-wait: ${JSON.stringify(value)} is not a duration; use e.g. 30s, 10m or 1h30m (0 to fail at once)` };
  if (!/^(?:[0-9]+(?:\.[0-9]+)?(?:ms|s|m|h))+$/.test(value)) return bad;
  let ms = 0;
  for (const m of value.matchAll(/([0-9]+(?:\.[0-9]+)?)(ms|s|m|h)/g)) ms += Number(m[1]) * UNIT_MS[m[2]!]!;
  // Beyond a day is a typo, not a plan (and setTimeout cannot count that far).
  return ms <= 86_400_000 ? ms : { error: `--lock-wait: ${value} is longer than a day` };
}
