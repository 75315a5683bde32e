/**
 * The app's frame split (issue 17): per frame at 10^5 and 10^6 walkers, in headless Chromium
 * (Debian's, the DESIGN.md flags) through the app's own `window.__occam.benchFrame` hook, with and
 * without the software GPU's frame budget (src/app/frame-budget.ts: render scale, steps per frame).
 * Each part is timed alone until the queue is done (onSubmittedWorkDone): walker compute, the stats
 * and histogram readbacks, three.js's draw (walkers alone, surface alone), an idle animation frame
 * (the page's compositing) and a presented frame; "live" is the app's own loop, everything at once.
 * On a software adapter the absolute times say nothing about real GPUs; the split and what scales
 * with what are what to read. Nothing here is asserted.
 *
 * Run alone: `npm run build:cli && node dist-cli/bench.js --only frame` (or `--frame-walkers 1e5`).
 */
import { serveApp, waitForFrames } from '../src/cli/headless';
import type { Table } from './table';

const ms = (x: number) => `${x.toFixed(0)}`;

export async function frameBench(
  walkerCounts: readonly number[] = [1e5, 1e6],
  frames = 4,
  viewport = { width: 1280, height: 720 },
): Promise<Table> {
  const served = await serveApp({ log: (t) => process.stderr.write(`  ${t}\n`) });
  const rows: string[][] = [];
  try {
    const { page, errors } = await served.page(viewport);
    await page.goto(served.url);
    await waitForFrames(page, 2, 180_000);
    for (const walkers of walkerCounts) {
      // Before (no budget, the WGSL kernels), the budget alone, then the budget with the CPU kernels.
      const variants = [
        { budget: false, kernels: 'gpu' },
        { budget: true, kernels: 'gpu' },
        { budget: true, kernels: 'auto' },
      ] as const;
      for (const { budget, kernels } of variants) {
        // Typed by window.__occam's declaration (src/app/lab.ts FrameSplit).
        const r = await page.evaluate(
          ([w, f, b, k]) => window.__occam!.benchFrame(w, f, { budget: b, kernels: k }),
          [walkers, frames, budget, kernels] as const,
        );
        rows.push([
          r.walkers.toExponential(0),
          budget ? 'on' : 'off',
          r.backend === 'cpu' ? 'CPU (wasm)' : 'GPU (WGSL)',
          `${r.canvas[0]}×${r.canvas[1]} (${r.renderScale})`,
          String(r.steps),
          ms(r.computeMs),
          ms(r.statsMs),
          ms(r.histogramMs),
          `${ms(r.renderMs)} (${ms(r.pointsMs)} / ${ms(r.surfaceMs)})`,
          ms(r.idleFrameMs),
          ms(r.presentMs),
          `${ms(r.liveFrameMs)} (${(1000 / r.liveFrameMs).toFixed(1)} fps)`,
        ]);
        process.stderr.write(`  frame ${walkers} budget ${budget ? 'on' : 'off'} ${r.backend} done\n`);
      }
    }
    if (errors.length > 0) process.stderr.write(`  page errors: ${errors.join('; ')}\n`);
  } finally {
    await served.close();
  }
  return {
    title: `App frame split in headless Chromium (${viewport.width}×${viewport.height} page, ms per frame, mean of ${frames})`,
    header: [
      'walkers',
      'budget',
      'walker kernels',
      'canvas (scale)',
      'steps/frame',
      'compute',
      'stats read',
      'histogram',
      'draw (walkers / surface)',
      'idle frame',
      'present',
      'live frame',
    ],
    rows,
    note: "Each part alone, ended by onSubmittedWorkDone(). idle frame: an animation frame that submits nothing (the page composites); present: a drawn frame in an animation frame minus the draw alone; live frame: the app loop itself. budget on: the software frame budget (render scale, steps per frame within a compute budget; src/app/frame-budget.ts). walker kernels: the GPU's WGSL, or on a software adapter the CPU backend's WebAssembly SIMD on the page's thread (src/app/walker-backend.ts).",
  };
}
