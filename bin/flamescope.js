#!/usr/bin/env node
// The CLI is TypeScript bundled by `npm run build:cli` (run automatically by `npm install` / `npm ci`).
let cli;
try {
  cli = require('../lib/main.cjs');
} catch (e) {
  if (e.code !== 'MODULE_NOT_FOUND') {
    throw e;
  }
  process.stderr.write('flamescope: not built yet: run `npm run build:cli` in the repository\n');
  process.exit(1);
}
cli.run();
