/**
 * Signals for a command that holds hosts: SIGINT, SIGTERM and SIGHUP each
 * end it with the shell's code for that signal (130, 143, 129) after the
 * caller's cleanup. A second signal during cleanup exits at once.
 */
export const SIGNAL_EXIT: Readonly<Record<StopSignal, number>> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };
export type StopSignal = 'SIGINT' | 'SIGTERM' | 'SIGHUP';
const SIGNALS: StopSignal[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

export interface SignalGuard {
  /** The signal that arrived, if one did. */
  readonly received: StopSignal | undefined;
  dispose(): void;
}

/**
 * Call `cleanup` on the first of the signals, then exit with its code.
 * Cleanup that takes longer than `graceMs` is cut short.
 */
export function onStopSignal(cleanup: (sig: StopSignal) => Promise<void> | void, graceMs = 15_000): SignalGuard {
  let received: StopSignal | undefined;
  const handler = (sig: NodeJS.Signals) => {
    const s = sig as StopSignal;
    if (received) process.exit(SIGNAL_EXIT[received]);
    received = s;
    const exit = () => process.exit(SIGNAL_EXIT[s]);
    setTimeout(exit, graceMs).unref();
    let done: Promise<void> | void;
    try {
      done = cleanup(s);
    } catch {
      exit();
      return;
    }
    if (done) done.then(exit, exit);
    else exit();
  };
  for (const s of SIGNALS) process.on(s, handler);
  return {
    get received() {
      return received;
    },
    dispose: () => {
      for (const s of SIGNALS) process.removeListener(s, handler);
    },
  };
}
