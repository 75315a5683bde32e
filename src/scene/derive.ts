/**
 * Scene derivation: everything a scene state implies (landscape, n·β, step size, w*, the window and
 * slice the views show), as pure functions; the walker count is walker-count.ts's. The frame loop
 * (lab.ts), the analyses and the controls read it from here, so none of them imports the frame loop.
 */

import { defaultWstar, type Landscape } from '../core/landscapes/landscapes';
import { autoStep, wbicBeta } from '../core/posterior';
import type { Slice2D, Window2D } from '../gpu/grid-compute';
import { resolveSceneLandscape } from './landscape';
import type { SceneState } from './schema';

/** Fewest walkers inside the window for which the walker-vs-exact TV distance is reported. */
export const MIN_WALKERS_FOR_TV = 1000;

export interface Derived {
  readonly landscape: Landscape;
  readonly params: number[];
  readonly beta: number;
  readonly nbeta: number;
  readonly eps: number;
  /** w* (the LLC point and localisation centre), d coordinates: (w*₁, w*₂) sliders for d = 2. */
  readonly wstar: readonly number[];
  readonly singularPoint: readonly number[];
  readonly window: Window2D;
  /** Radius of the "mass near the singular point" ball: the fixed `massR`, else 1/√(nβ) at most R. */
  readonly massRadius: number;
  /** Identifies the compiled landscape (formula text and dimension, model spec, or registry id). */
  readonly key: string;
  /** For d > 2: the plane through w* the surface shows and the walkers are projected onto. */
  readonly slice: Slice2D | null;
  /** Why the requested landscape could not be built (then the default one runs), or null. */
  readonly landscapeError: string | null;
}

/** The slice's two 0-based parameter indices from the 1-based axis fields (distinct, within d). */
export function sliceAxes(s: Pick<SceneState, 'axisX' | 'axisY'>, dim: number): [number, number] {
  const ax = Math.min(s.axisX, dim) - 1;
  let ay = Math.min(s.axisY, dim) - 1;
  if (ay === ax) ay = (ax + 1) % dim;
  return [ax, ay];
}

/** Everything the state implies, in one place (pure). */
export function derive(s: SceneState): Derived {
  const resolved = resolveSceneLandscape(s);
  const { landscape, params } = resolved;
  const dim = landscape.dim;
  const beta = s.betaAuto ? wbicBeta(s.n) : s.beta;
  const nbeta = s.n * beta;
  const eps = s.epsAuto ? autoStep({ n: s.n, beta, prior: { kind: s.prior, scale: s.R } }) : s.eps;
  const sp =
    landscape.singularPoints[Math.min(s.point, landscape.singularPoints.length - 1)]?.w ??
    new Array<number>(dim).fill(0);
  const wstar = dim === 2 ? [s.wx, s.wy] : defaultWstar(landscape);
  const slice = dim > 2 ? { axes: sliceAxes(s, dim), origin: wstar } : null;
  const [ax, ay] = slice?.axes ?? [0, 1];
  const full = s.prior === 'box' ? s.R : 3 * s.R;
  const half = s.zoom ? Math.min(full, 4 / Math.sqrt(nbeta)) : full;
  // The prior's square, centred on 0 like the prior (also for a slice through w*), or the zoom
  // around the singular point: a window centred on w* cut off part of the prior (±2 showed [−1, 3]).
  const cx = s.zoom ? sp[ax] : 0;
  const cy = s.zoom ? sp[ay] : 0;
  return {
    landscape,
    params,
    beta,
    nbeta,
    eps,
    wstar,
    singularPoint: sp,
    window: { lo: [cx - half, cy - half], hi: [cx + half, cy + half] },
    massRadius: s.massR > 0 ? s.massR : Math.min(s.R, 1 / Math.sqrt(nbeta)),
    key: resolved.key,
    slice,
    landscapeError: resolved.error,
  };
}
