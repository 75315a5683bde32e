/**
 * The frame budget on a software GPU (issue 17): what keeps a 10⁵-walker scene interactive on
 * SwiftShader without hiding a walker. Two levers, both shown on the HUD while they act (trust or
 * flag), neither used on a hardware adapter:
 *
 * - a render scale: the 3-D view draws at fewer device pixels than its CSS box (the canvas keeps its
 *   size; the browser scales it up), because drawing, presenting and compositing on a CPU cost per
 *   pixel. Screenshots and recordings set their own pixel ratio and are not affected.
 * - steps per frame: the walkers take at most the requested steps per frame, fewer when the measured
 *   cost of a walker step says the frame's compute would overrun its budget. Every walker still takes
 *   every step it is given (the count is per frame, not per walker), and a run's randomness is a pure
 *   function of (seed, walker, step), so the walkers' path is the same whatever the split into frames.
 *
 * Pure (no DOM, no GPU): lab.ts feeds it the measured compute times and reads its decisions.
 */

/**
 * Device pixels the 3-D view draws at most on a software adapter (480 × 270): drawing the walkers and
 * the surface cost about 40% less at a tenth of the pixels on SwiftShader (issue 17's frame split);
 * the rest of their cost is per vertex.
 */
export const SOFTWARE_MAX_PIXELS = 480 * 270;

/** Render scales are rounded down to this grid, so a resize does not change them by a hair. */
const SCALE_STEP = 0.125;

/** The smallest render scale: below it the view is too coarse to read. */
export const MIN_RENDER_SCALE = 0.25;

/**
 * The pixel ratio the 3-D view renders at: the screen's (capped at 2 as before) on hardware; on a
 * software adapter no more than keeps the canvas at SOFTWARE_MAX_PIXELS device pixels.
 * `scale` is that ratio over the screen's: 1 when nothing is reduced.
 */
export function renderPixelRatio(
  cssWidth: number,
  cssHeight: number,
  devicePixelRatio: number,
  software: boolean,
  maxPixels = SOFTWARE_MAX_PIXELS,
): { ratio: number; scale: number } {
  const screen = Math.min(2, devicePixelRatio || 1);
  if (!software) return { ratio: screen, scale: 1 };
  const area = Math.max(1, cssWidth) * Math.max(1, cssHeight);
  const fit = Math.sqrt(maxPixels / area) / screen;
  if (fit >= 1) return { ratio: screen, scale: 1 };
  const scale = Math.max(MIN_RENDER_SCALE, Math.floor(fit / SCALE_STEP) * SCALE_STEP);
  return { ratio: screen * scale, scale };
}

/** The walkers' compute per frame on a software adapter: about half of the 200 ms of a 5 frames/s frame. */
export const SOFTWARE_COMPUTE_BUDGET_MS = 90;

/**
 * Steps per frame within a compute budget: as many of the `requested` steps as `msPerWalkerStep`
 * (measured) says fit into `budgetMs` for `walkers` walkers, at least one (a frame always steps),
 * at most `requested`. Without a measurement yet (NaN or ≤ 0) one step runs: it is the probe that
 * measures (eight steps of 10⁶ walkers would hold the first frame for seconds).
 */
export function budgetSteps(
  requested: number,
  walkers: number,
  msPerWalkerStep: number,
  budgetMs = SOFTWARE_COMPUTE_BUDGET_MS,
): number {
  if (!(msPerWalkerStep > 0) || !Number.isFinite(msPerWalkerStep)) return Math.min(1, requested);
  const fit = Math.floor(budgetMs / (msPerWalkerStep * Math.max(1, walkers)));
  return Math.max(1, Math.min(requested, fit));
}

/**
 * The measured cost of a walker step: an exponential moving average of compute time per walker-step
 * over the frames that stepped. `reset` on a new engine (a new landscape or walker count costs
 * differently). Weight 0.3: a change of scene settles in a few frames, one slow frame does not swing it.
 */
export class StepCost {
  private ms = Number.NaN;

  constructor(private readonly weight = 0.3) {}

  /** The average so far (NaN before the first frame). */
  get msPerWalkerStep(): number {
    return this.ms;
  }

  /** One frame's compute: `ms` for `steps` steps of `walkers` walkers. Ignores empty or bad readings. */
  add(ms: number, steps: number, walkers: number): void {
    if (!(ms > 0) || !Number.isFinite(ms) || steps < 1 || walkers < 1) return;
    const x = ms / (steps * walkers);
    this.ms = Number.isNaN(this.ms) ? x : this.ms + this.weight * (x - this.ms);
  }

  reset(): void {
    this.ms = Number.NaN;
  }
}

/**
 * How often a software adapter's live loop reads the walkers back: the statistics (HUD, λ̂ chart) and
 * the histogram (density panel, TV distance) each cost a reduction, a submit and a map per reading,
 * a tenth of a frame or more each on SwiftShader. A reading shows the walkers as they are when it is
 * taken; fewer readings make the panels refresh less often, never show other walkers.
 */
export const SOFTWARE_READ_INTERVAL_MS = { stats: 500, histogram: 1000 } as const;

/**
 * Which readback (if any) a software adapter's frame starts at `now`, given when each was last
 * started: at most one per frame (each adds its own submit and reduction to the frame), the
 * statistics first. A hardware adapter reads both every frame (the readbacks' own in-flight guard
 * still applies).
 */
export function readbacksDue(
  now: number,
  last: { stats: number; histogram: number },
  software: boolean,
  wantHistogram: boolean,
): { stats: boolean; histogram: boolean } {
  if (!software) return { stats: true, histogram: wantHistogram };
  if (now - last.stats >= SOFTWARE_READ_INTERVAL_MS.stats) return { stats: true, histogram: false };
  return {
    stats: false,
    histogram: wantHistogram && now - last.histogram >= SOFTWARE_READ_INTERVAL_MS.histogram,
  };
}

/**
 * The HUD's line on a software adapter, where the budget is in effect (the readings' cadence always,
 * the render scale and fewer steps when they act, the CPU kernels when they step the walkers): e.g.
 * "software GPU: walkers on the CPU, WebAssembly SIMD, 1 thread · render scale 0.625 · 1 of 8
 * steps/frame (frame budget) · readings every 0.5 s / 1 s".
 */
export function budgetNote(
  renderScale: number,
  steps: number,
  requested: number,
  cpuKernels?: string,
): string {
  const parts: string[] = [];
  if (cpuKernels) parts.push(`walkers on the ${cpuKernels}`);
  if (renderScale < 1) parts.push(`render scale ${renderScale}`);
  parts.push(
    steps < requested ? `${steps} of ${requested} steps/frame (frame budget)` : `${steps} steps/frame`,
  );
  const { stats, histogram } = SOFTWARE_READ_INTERVAL_MS;
  parts.push(`readings every ${stats / 1000} s / ${histogram / 1000} s`);
  return `software GPU: ${parts.join(' · ')}`;
}
