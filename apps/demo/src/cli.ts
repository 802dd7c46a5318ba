#!/usr/bin/env node
import { main } from './main.js';

// exitCode instead of process.exit(): stdout is flushed before the process ends, so a piped --json line is never cut.
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`proj-demo: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 1;
  },
);
