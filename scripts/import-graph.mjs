// The TypeScript sources' import graph, shared by the cycle check and the layer check.
// Type-only imports count: a dependency through types still ties two modules' designs together.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

// Static imports and re-exports (`import … from`, `export … from`), side-effect imports and import().
const IMPORT =
  /(?:import|export)\s[^'";]*?from\s*['"]([^'"]+)['"]|import\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)/g;

/** Every .ts file (not .d.ts) below the given folders, as absolute paths. */
export function sourceFiles(roots) {
  const files = [];
  const walk = (d) => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.ts$/.test(p) && !/\.d\.ts$/.test(p)) files.push(p);
    }
  };
  for (const r of roots) walk(resolve(r));
  return files;
}

/**
 * file → { modules, packages }: the source files it imports (resolved among `files`) and the bare
 * package names it imports (`three` for `three/webgpu`, `@scope/name` for scoped ones).
 */
export function importGraph(files) {
  const known = new Set(files);
  const graph = new Map();
  for (const f of files) {
    const modules = new Set();
    const packages = new Set();
    for (const m of readFileSync(f, 'utf8').matchAll(IMPORT)) {
      const spec = m[1] ?? m[2] ?? m[3];
      if (!spec.startsWith('.')) {
        const parts = spec.split('/');
        packages.add(spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]);
        continue;
      }
      const target = resolve(dirname(f), spec).replace(/\.js$/, '');
      const hit = [`${target}.ts`, join(target, 'index.ts')].find((c) => known.has(c));
      if (hit) modules.add(hit);
    }
    graph.set(f, { modules: [...modules], packages: [...packages] });
  }
  return graph;
}
