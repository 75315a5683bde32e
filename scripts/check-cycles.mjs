#!/usr/bin/env node
// Import-cycle check for the TypeScript sources (`npm run check`, and tests/scripts/check-cycles.test.ts).
// Type-only imports count too (scripts/import-graph.mjs): a cycle through types still ties two designs together.
// Usage: node scripts/check-cycles.mjs [dir …]   (default: src). Exit 1 and one line per cycle when any.
import { relative } from 'node:path';
import { importGraph, sourceFiles } from './import-graph.mjs';

const files = sourceFiles(process.argv.length > 2 ? process.argv.slice(2) : ['src']);
const graph = new Map([...importGraph(files)].map(([f, deps]) => [f, deps.modules]));

// Tarjan's strongly connected components: every component of more than one module is a cycle.
let counter = 0;
const index = new Map();
const low = new Map();
const stack = [];
const onStack = new Set();
const cycles = [];
const visit = (v) => {
  index.set(v, counter);
  low.set(v, counter++);
  stack.push(v);
  onStack.add(v);
  for (const w of graph.get(v)) {
    if (!index.has(w)) {
      visit(w);
      low.set(v, Math.min(low.get(v), low.get(w)));
    } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), index.get(w)));
  }
  if (low.get(v) === index.get(v)) {
    const component = [];
    let w;
    do {
      w = stack.pop();
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || graph.get(v).includes(v)) cycles.push(component);
  }
};
for (const f of files) if (!index.has(f)) visit(f);

for (const c of cycles) console.log(`import cycle: ${c.map((f) => relative(process.cwd(), f)).join(' ↔ ')}`);
if (cycles.length === 0) console.log(`no import cycles among ${files.length} modules`);
process.exit(cycles.length ? 1 : 0);
