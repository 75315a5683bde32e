/**
 * Issue 3's frame-time figures: compute (walker steps) and render (three.js draw) per frame at 10^5
 * and 10^6 walkers, in headless Chromium (Debian's, the DESIGN.md flags) through the app's own
 * `window.__occam.benchFrame` hook. On a software adapter the absolute times say nothing about real
 * GPUs; the compute/render split and the scaling with walkers are what to read.
 */
import { serveApp, waitForFrames } from '../src/cli/headless';
import type { Table } from './table';

export async function frameBench(walkerCounts: readonly number[] = [1e5, 1e6], frames = 3): Promise<Table> {
  const served = await serveApp({ log: (t) => process.stderr.write(`  ${t}\n`) });
  const rows: string[][] = [];
  try {
    const { page, errors } = await served.page({ width: 1280, height: 720 });
    await page.goto(served.url);
    await waitForFrames(page, 2, 180_000);
    for (const walkers of walkerCounts) {
      const r = await page.evaluate(([w, f]) => window.__occam!.benchFrame(w, f), [walkers, frames] as const);
      rows.push([
        r.walkers.toExponential(0),
        `${r.computeMs.toFixed(0)} ms`,
        `${r.renderMs.toFixed(0)} ms`,
        `${r.totalMs.toFixed(0)} ms`,
        `${((100 * r.computeMs) / r.totalMs).toFixed(0)}% / ${((100 * r.renderMs) / r.totalMs).toFixed(0)}%`,
      ]);
      process.stderr.write(`  frame ${walkers} done\n`);
    }
    if (errors.length > 0) process.stderr.write(`  page errors: ${errors.join('; ')}\n`);
  } finally {
    await served.close();
  }
  return {
    title: `App frame time in headless Chromium (1280×720, mean of ${frames} frames)`,
    header: ['walkers', 'compute', 'render', 'frame', 'compute / render'],
    rows,
    note: 'compute = one frame of walker steps; render = three.js draw of surface + walkers; each ended by onSubmittedWorkDone().',
  };
}
