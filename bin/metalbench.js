#!/usr/bin/env node
// The CLI is compiled to dist/ by `npm ci` (prepare) so start-up stays fast.
import { main } from '../dist/runner/cli.js';

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err) => {
    process.stderr.write(`metalbench: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
