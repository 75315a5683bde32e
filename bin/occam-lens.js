#!/usr/bin/env node
// Runs the bundled CLI; `npm install` builds it (the `prepare` script), `npm run build:cli` rebuilds it.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bundle = fileURLToPath(new URL('../dist-cli/occam-lens.js', import.meta.url));
if (!existsSync(bundle)) {
  process.stderr.write(`occam-lens: the CLI is not built (${bundle} is missing); run 'npm run build:cli'.\n`);
  process.exit(1);
}
await import(bundle);
