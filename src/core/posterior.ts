/** The tempered posterior's settings, shared by the GPU engine, the CPU reference and the CLI. */
import type { Landscape } from './landscapes/landscapes';
import { posteriorLimitError } from './limits';

export type SamplerKind = 'ula' | 'mala';
export type PriorKind = 'box' | 'gauss';
/** Where walkers start: w*, the prior, or mixed (even walkers at w*, odd ones from the prior). */
export type InitKind = 'wstar' | 'prior' | 'mixed';

export interface Prior {
  readonly kind: PriorKind;
  /** Box half-width R, or Gaussian standard deviation σ. */
  readonly scale: number;
}

export interface PosteriorSettings {
  readonly landscape: Landscape;
  /** Landscape parameter values in registry order. */
  readonly params: readonly number[];
  /** Nominal sample size n. */
  readonly n: number;
  /** Inverse temperature β (WBIC: 1/log n). */
  readonly beta: number;
  /** Localisation strength γ. */
  readonly gamma: number;
  readonly prior: Prior;
  /** Localisation centre and the point of the LLC estimate; the origin by default. */
  readonly wstar: readonly number[];
}

export interface SamplerSettings {
  readonly sampler: SamplerKind;
  /** Step size ε. */
  readonly eps: number;
  readonly seed: number;
}

/** Watanabe's WBIC temperature β = 1/log n. */
export const wbicBeta = (n: number): number => 1 / Math.log(n);

/**
 * The automatic step size ε = min(0.1·R², 0.5/(nβ)): a fraction of the prior's scale, or of the scale
 * the tempered curvature sets, whichever is smaller. The app's "auto step" and the CLI's burn-in start
 * both use it.
 */
export function autoStep(p: Pick<PosteriorSettings, 'n' | 'beta' | 'prior'>): number {
  return Math.min(0.1 * p.prior.scale ** 2, 0.5 / (p.n * p.beta));
}

/** Validates the numeric settings; throws a RangeError naming the offending field. */
export function validatePosterior(p: PosteriorSettings): void {
  const check = (ok: boolean, msg: string) => {
    if (!ok) throw new RangeError(msg);
  };
  check(Number.isFinite(p.n) && p.n > 1, `n must be a number > 1, got ${p.n}`);
  check(Number.isFinite(p.beta) && p.beta > 0, `beta must be a positive number, got ${p.beta}`);
  check(Number.isFinite(p.gamma) && p.gamma >= 0, `gamma must be a number ≥ 0, got ${p.gamma}`);
  check(
    Number.isFinite(p.prior.scale) && p.prior.scale > 0,
    `prior scale must be positive, got ${p.prior.scale}`,
  );
  check(
    p.wstar.length === p.landscape.dim,
    `w* must have ${p.landscape.dim} coordinates, got ${p.wstar.length}`,
  );
  check(p.wstar.every(Number.isFinite), 'w* coordinates must be finite numbers');
  // Finite is not enough: the shaders work in f32 (src/core/limits.ts).
  const beyond = posteriorLimitError(p);
  check(beyond === undefined, beyond ?? '');
}
