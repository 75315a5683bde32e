#!/usr/bin/env node
// Layer check (`npm run cycles`, and tests/scripts/check-layers.test.ts): the rooms of src/ may only
// depend downward — core knows no scene, app or CLI and no three.js; GPU plumbing and kernels never
// touch three.js; the scene is what app and CLI share; the CLI never imports the app; nothing but the
// app shell imports the frame loop. docs/ARCHITECTURE.md draws the same picture.
// Usage: node scripts/check-layers.mjs [root]   (default: the current folder, which holds src/).
// Exit 1 and one line per offending import.
import { join, relative, resolve } from 'node:path';
import { importGraph, sourceFiles } from './import-graph.mjs';

const root = resolve(process.argv[2] ?? '.');
const UI_PACKAGES = ['three', 'lil-gui', 'mediabunny', 'playwright-core'];
/** from: the importing files' folder; deny: folders or files (src/…) and packages it may not import. */
const RULES = [
  {
    from: 'src/core/',
    deny: ['src/app/', 'src/cli/', 'src/scene/', ...UI_PACKAGES],
    why: 'core runs anywhere (Node, workers) and knows no scene, app or CLI',
  },
  {
    from: 'src/gpu/',
    deny: ['src/app/', 'src/cli/', 'src/scene/', ...UI_PACKAGES],
    why: 'GPU plumbing and compute kernels never touch three.js, the scene or the app',
  },
  {
    from: 'src/cpu/',
    deny: ['src/app/', 'src/cli/', 'src/scene/', 'src/gpu/', ...UI_PACKAGES],
    why: 'the CPU backend (WebAssembly on worker threads) implements core interfaces and needs no GPU, scene or app',
  },
  {
    from: 'src/core/',
    deny: ['src/cpu/'],
    why: 'core defines the interfaces the CPU backend implements; it never loads worker_threads code itself',
  },
  {
    from: 'src/scene/',
    deny: ['src/app/', 'src/cli/', ...UI_PACKAGES],
    why: 'the scene (schema, presets, shots, derivation) is what app and CLI share',
  },
  {
    from: 'src/cli/',
    deny: ['src/app/', 'three', 'lil-gui'],
    why: 'the CLI drives the app only through a browser',
  },
  {
    from: 'src/',
    deny: ['src/app/lab.ts'],
    except: ['src/app/main.ts', 'src/app/lab-capture.ts'],
    why: "no module imports the frame loop but the shell and the lab's own capture face",
  },
];

const files = sourceFiles([join(root, 'src')]);
const graph = importGraph(files);
const rel = (f) => relative(root, f).replace(/\.ts$/, '');
let offences = 0;
for (const [file, { modules, packages }] of graph) {
  const from = relative(root, file);
  for (const rule of RULES) {
    if (!from.startsWith(rule.from) || rule.except?.includes(from)) continue;
    for (const deny of rule.deny) {
      const isPath = deny.startsWith('src/');
      const hits = isPath
        ? modules
            .map((m) => relative(root, m))
            .filter((m) => (deny.endsWith('/') ? m.startsWith(deny) : m === deny))
        : packages.filter((p) => p === deny);
      for (const hit of hits) {
        offences++;
        console.log(`layer: ${rel(file)} imports ${isPath ? rel(join(root, hit)) : hit} (${rule.why})`);
      }
    }
  }
}
if (offences === 0) console.log(`layers hold for ${files.length} modules`);
process.exit(offences ? 1 : 0);
