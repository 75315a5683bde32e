/**
 * Issue 7's capture figure: encoded frames per second in offline mode at 1280×720 and 1920×1080, in
 * headless Chromium through the app's own `window.__occam.capture.bench` hook. Each frame is the full
 * offline path: one frame's worth of walker steps, the stats/histogram readbacks, the render, the
 * compositor (every panel into one 2-D canvas), VideoFrame + VideoEncoder, and mediabunny's muxer.
 * The window is set to the frame size, so the composite is 1:1 with the layout (as `occam-lens record`).
 */
import { serveApp, waitForFrames } from '../src/cli/headless';
import type { Table } from './table';

export interface CaptureBenchOptions {
  readonly sizes?: readonly (readonly [number, number])[];
  readonly frames?: number;
  /** Walker count (default: the app's automatic choice for the adapter). */
  readonly walkers?: number;
  readonly container?: 'mp4' | 'webm';
}

export async function captureBench(opts: CaptureBenchOptions = {}): Promise<Table> {
  const sizes = opts.sizes ?? [
    [1280, 720],
    [1920, 1080],
  ];
  const frames = opts.frames ?? 30;
  const container = opts.container ?? 'mp4';
  const served = await serveApp({ log: (t) => process.stderr.write(`  ${t}\n`) });
  const rows: string[][] = [];
  try {
    for (const [width, height] of sizes) {
      const { page, errors, context } = await served.page({ width, height });
      try {
        await page.goto(`${served.url}${opts.walkers ? `#walkers=${opts.walkers}` : ''}`);
        await waitForFrames(page, 2, 180_000);
        const walkers = await page.evaluate(() => window.__occam!.stats!.walkers);
        const r = await page.evaluate(([w, h, f, c]) => window.__occam!.capture.bench(w, h, f, c), [
          width,
          height,
          frames,
          container,
        ] as const);
        rows.push([
          `${width}×${height}`,
          walkers.toLocaleString('en-US'),
          String(r.frames),
          `${r.framesPerSecond.toFixed(2)}`,
          `${((1000 * r.seconds) / r.frames).toFixed(0)} ms`,
          r.codec,
          `${(r.bytes / 1024).toFixed(0)} KiB`,
        ]);
        if (errors.length > 0) process.stderr.write(`  page errors: ${errors.join('; ')}\n`);
        process.stderr.write(`  capture ${width}×${height} done\n`);
      } finally {
        await context.close();
      }
    }
  } finally {
    await served.close();
  }
  return {
    title: `Offline capture in headless Chromium (${frames} frames, ${container.toUpperCase()})`,
    header: ['size', 'walkers', 'frames', 'encoded frames/s', 'per frame', 'codec', 'file'],
    rows,
    note: 'per frame = steps + readbacks + render + compose + encode + mux; on a software adapter, compare ratios only.',
  };
}
