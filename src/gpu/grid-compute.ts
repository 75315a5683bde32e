/**
 * Evaluates a landscape's own WGSL on a 2-D grid: surface heights (loss at vertices) and the exact
 * tempered posterior's log mass per histogram cell. One small readback per change of landscape,
 * parameters, posterior or window; never per frame.
 */
import surfaceWgsl from '../../shaders/surface.wgsl';
import { landscapeModule } from '../core/landscapes/landscape-module';
import { LandscapeBinding } from '../core/landscapes/landscape-uniforms';
import type { Landscape } from '../core/landscapes/landscapes';
import type { Prior } from '../core/posterior';
import { runOnce } from './compute-pass';
import { computeLayouts } from './layouts';
import { fieldLength, uniformView } from './reflect';
import { computePipeline } from './shader-assembly';

/** An axis-aligned window in parameter space: [lo, hi] on each of w1, w2. */
export interface Window2D {
  readonly lo: readonly [number, number];
  readonly hi: readonly [number, number];
}

/** A plane through `origin` (length d) along parameter axes `axes` (0-based): the view of a d > 2 loss. */
export interface Slice2D {
  readonly axes: readonly [number, number];
  readonly origin: readonly number[];
}

export interface GridPosterior {
  readonly landscape: Landscape;
  readonly params: readonly number[];
  readonly nbeta: number;
  readonly gamma: number;
  readonly prior: Prior;
  readonly wstar: readonly number[];
}

/** Marks a cell outside the prior's support (log 0), as written by surface.wgsl. */
export const LOG_ZERO_THRESHOLD = -1e37;

/** Group 0: the grid's uniforms and output; group 1: the landscape's uniforms, bound as the walker kernels bind them. */
const layouts = (device: GPUDevice) => computeLayouts(device, 'grid', ['uniform', 'storage'], true);

async function runGrid(
  device: GPUDevice,
  post: GridPosterior,
  entry: 'surface_heights' | 'cell_log_mass',
  res: number,
  win: Window2D,
  sub = 1,
  slice?: Slice2D,
): Promise<Float32Array> {
  if (post.landscape.dim !== 2 && (entry !== 'surface_heights' || !slice))
    throw new RangeError('grid evaluation needs a 2-D landscape, or a slice for surface heights');
  const d = post.landscape.dim;
  const axes = slice?.axes ?? [0, 1];
  if (!axes.every((a) => Number.isInteger(a) && a >= 0 && a < d) || axes[0] === axes[1])
    throw new RangeError(`slice axes must be two different indices in [0, ${d}), got ${axes.join(', ')}`);
  const code = landscapeModule(post.landscape, surfaceWgsl);
  const l = layouts(device);
  const pipeline = await computePipeline(device, code, entry, l.pipeline, `${post.landscape.id}/${entry}`);
  const view = uniformView(code, 'gp');
  const origin = new Float32Array(fieldLength(view, 'origin'));
  origin.set((slice?.origin ?? []).slice(0, origin.length));
  view.set({
    res: [res, res],
    sub,
    prior_kind: post.prior.kind === 'gauss' ? 1 : 0,
    lo: win.lo,
    hi: win.hi,
    nbeta: post.nbeta,
    gamma: post.gamma,
    prior_scale: post.prior.scale,
    wstar: [post.wstar[0] ?? 0, post.wstar[1] ?? 0, 0, 0],
    axes: [axes[0], axes[1], 0, 0],
    origin,
  });
  const landscape = new LandscapeBinding(device, post.landscape, post.params);
  try {
    const [out] = await runOnce(device, {
      label: `grid/${entry}`,
      pipeline,
      layout: l.group,
      uniform: view.arrayBuffer,
      outputs: [4 * res * res],
      groups: [landscape.bindGroup],
      workgroups: [Math.ceil(res / 8), Math.ceil(res / 8)],
    });
    return new Float32Array(out);
  } finally {
    landscape.destroy();
  }
}

/**
 * Loss at res × res vertices spanning the window (row-major, row = second axis index). For d > 2 pass
 * a slice: the window's two coordinates are parameters `slice.axes`, the rest come from `slice.origin`.
 */
export function surfaceHeights(
  device: GPUDevice,
  post: GridPosterior,
  res: number,
  win: Window2D,
  slice?: Slice2D,
): Promise<Float32Array> {
  return runGrid(device, post, 'surface_heights', res, win, 1, slice);
}

/**
 * Exact posterior mass of each of bins × bins cells of the window, normalised to sum to 1 over the
 * window (row-major, row = w2 index), plus the log of the un-normalised window total for diagnostics.
 */
export async function exactCellMass(
  device: GPUDevice,
  post: GridPosterior,
  bins: number,
  win: Window2D,
  sub = 4,
): Promise<Float64Array> {
  const logs = await runGrid(device, post, 'cell_log_mass', bins, win, sub);
  let max = Number.NEGATIVE_INFINITY;
  for (const l of logs) if (l > LOG_ZERO_THRESHOLD && l > max) max = l;
  const p = new Float64Array(logs.length);
  if (!Number.isFinite(max)) return p;
  let total = 0;
  for (let i = 0; i < logs.length; i++) {
    const l = logs[i];
    p[i] = l > LOG_ZERO_THRESHOLD ? Math.exp(l - max) : 0;
    total += p[i];
  }
  for (let i = 0; i < p.length; i++) p[i] /= total;
  return p;
}
