#!/usr/bin/env node
// The CLI is compiled and bundled to dist/cli/ by `npm ci` (prepare) so start-up stays fast.
import { main } from '../dist/cli/cli.js';

/**
 * Commands release what they hold before they return. Should anything still
 * keep the process alive once the command is over (a stray handle), it must
 * not hold a host or the terminal: exit once the output is flushed.
 */
function exitWhenFlushed(code) {
  const check = () => {
    // Output still draining to a live reader is waited for; a closed pipe is not.
    const pending = (s) => !s.destroyed && s.writableLength > 0;
    if (pending(process.stdout) || pending(process.stderr)) setTimeout(check, 200).unref();
    else process.exit(code);
  };
  setTimeout(check, 1000).unref();
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    exitWhenFlushed(code);
  },
  (err) => {
    process.stderr.write(`metalbench: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
    exitWhenFlushed(1);
  },
);
