import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';

/** Imports `shaders/*.wgsl` (and the CPU backend's `src/cpu/wat/*.wat`) as strings, so the browser, the tests and the CLI bundle share one source. */
function wgslText(): Plugin {
  return {
    name: 'occam-lens:wgsl-text',
    enforce: 'pre',
    transform(code, id) {
      if (!id.endsWith('.wgsl') && !id.endsWith('.wat')) return null;
      return { code: `export default ${JSON.stringify(code)};`, map: null };
    },
  };
}

export default defineConfig({
  plugins: [wgslText()],
  // Web Workers (src/app/view/poly-reference.worker.ts) import engine modules that import WGSL too.
  worker: { format: 'es', plugins: () => [wgslText()] },
  build: { target: 'es2022', outDir: 'dist' },
  server: { host: 'localhost' },
  preview: { host: 'localhost' },
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // GPU work on a software adapter is CPU-bound: one file at a time keeps timings sane on 2 cores.
    fileParallelism: false,
  },
});
