#!/usr/bin/env node
// Import-cycle check for the TypeScript sources (`npm run check`, and tests/scripts/check-cycles.test.ts).
// Type-only imports count too: a cycle through types still ties two modules' designs together.
// Usage: node scripts/check-cycles.mjs [dir …]   (default: src). Exit 1 and one line per cycle when any.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const roots = (process.argv.length > 2 ? process.argv.slice(2) : ['src']).map((d) => resolve(d));
const files = [];
const walk = (d) => {
  for (const e of readdirSync(d)) {
    const p = join(d, e);
    if (statSync(p).isDirectory()) walk(p);
    else if (/\.ts$/.test(p) && !/\.d\.ts$/.test(p)) files.push(p);
  }
};
for (const r of roots) walk(r);
const known = new Set(files);

// Static imports and re-exports (`import … from`, `export … from`), side-effect imports and import().
const IMPORT =
  /(?:import|export)\s[^'";]*?from\s*['"](\.[^'"]+)['"]|import\s*['"](\.[^'"]+)['"]|import\s*\(\s*['"](\.[^'"]+)['"]\s*\)/g;
const graph = new Map();
for (const f of files) {
  const deps = new Set();
  for (const m of readFileSync(f, 'utf8').matchAll(IMPORT)) {
    const target = resolve(dirname(f), m[1] ?? m[2] ?? m[3]).replace(/\.js$/, '');
    const hit = [`${target}.ts`, join(target, 'index.ts')].find((c) => known.has(c));
    if (hit) deps.add(hit);
  }
  graph.set(f, [...deps]);
}

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
