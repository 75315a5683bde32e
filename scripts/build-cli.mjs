// Bundles the CLI (and the benchmark) for Node: shaders inlined as strings, `webgpu` left external,
// so `node dist-cli/occam-lens.js` needs nothing but the installed `webgpu` package.
import { readFileSync } from 'node:fs';
import { build } from 'esbuild';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

await build({
  entryPoints: { 'occam-lens': 'src/cli/entry.ts', bench: 'bench/main.ts', 'bench-gpu': 'bench/gpu.ts' },
  outdir: 'dist-cli',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  loader: { '.wgsl': 'text', '.wat': 'text' },
  // playwright-core (dev dependency) drives headless Chromium for record/screenshot; loaded at run time.
  // wabt (the CPU backend's WAT assembler, 5 MB) is loaded at run time only when the CPU backend runs.
  external: ['webgpu', 'playwright-core', 'wabt'],
  define: { __OCCAM_VERSION__: JSON.stringify(version) },
  logLevel: 'warning',
});
