/**
 * The polynomial model's side of SGD vs Bayes (issue 13, item 4): gradient-descent fits of the post's
 * f_θ(x) = Σ c_k x^k (c_k the product of m_k parameters) from initialisations near the origin,
 * θ ~ N(0, scale²·I) drawn from Philox (seed, run k), and the share that ends nearest to each monomial
 * 1, x, …, x⁴ — the same classification the walkers' GPU pass uses (poly-functions.wgsl: the nearest
 * unit vector e_k is the largest coefficient). Runs on the CPU in f64: 15 parameters and a 5×5
 * sufficient-statistics loss make a fit a few thousand flops per step.
 */

import { POLY_TERMS, type PolyStats, polyStats } from '../landscapes/models/poly-stats';
import { type DataPoint, polyCoefficients } from '../landscapes/models/polynomial';
import { drawNormals, seedKey } from '../rng';

/** Philox stream of the initialisations (network parameters use 16, the task 17, shuffles 18). */
export const STREAM_POLY_INIT = 19;

export interface PolySgdConfig {
  readonly m: readonly number[];
  readonly data: readonly DataPoint[];
  readonly sigma: number;
  /** Standard deviation of the initialisation (and of the Gaussian prior on the Bayes side). */
  readonly scale: number;
  readonly lr: number;
  readonly maxSteps: number;
  /** A fit has converged when L_n(θ) − min L_n < tol. */
  readonly tol: number;
  readonly seed: number;
}

export interface PolySgdResult {
  readonly runs: number;
  readonly converged: number;
  /** Converged fits nearest to 1, x, …, x⁴ (counts). */
  readonly nearest: number[];
  readonly meanSteps: number | null;
  readonly seconds: number;
}

/** ∂L/∂c for L(c) = (s₀ + 2δᵀr + δᵀMδ)/(2σ²), δ = c − c₀, and the loss above its minimum s₀/(2σ²). */
function lossGrad(s: PolyStats, c: readonly number[], sigma: number): { excess: number; g: number[] } {
  const d = c.map((ck, k) => ck - s.c0[k]);
  const g = new Array<number>(POLY_TERMS).fill(0);
  let q = 0;
  for (let j = 0; j < POLY_TERMS; j++) {
    let md = 0;
    for (let k = 0; k < POLY_TERMS; k++) md += s.mu[j + k] * d[k];
    q += d[j] * (2 * s.r[j] + md);
    g[j] = (s.r[j] + md) / (sigma * sigma);
  }
  return { excess: q / (2 * sigma * sigma), g };
}

/** Index of the largest coefficient (ties: the first), as classify_polynomials does. */
export function nearestMonomial(c: readonly number[]): number {
  let best = 0;
  for (let k = 1; k < c.length; k++) if (c[k] > c[best]) best = k;
  return best;
}

/** One gradient-descent fit from initialisation `run`; returns the final θ, steps and convergence. */
export function polyFit(cfg: PolySgdConfig, run: number, stats = polyStats(cfg.data)) {
  const dim = cfg.m.reduce((s, k) => s + k, 0);
  const w = drawNormals(seedKey(cfg.seed), run >>> 0, Math.floor(run / 2 ** 32), STREAM_POLY_INIT, dim).map(
    (z) => cfg.scale * z,
  );
  for (let step = 0; ; step++) {
    const c = polyCoefficients(cfg.m, w);
    const { excess, g } = lossGrad(stats, c, cfg.sigma);
    if (!Number.isFinite(excess)) return { w, c, steps: step, converged: false, diverged: true };
    if (excess < cfg.tol) return { w, c, steps: step, converged: true, diverged: false };
    if (step >= cfg.maxSteps) return { w, c, steps: step, converged: false, diverged: false };
    // ∂c_k/∂θ_j = product of the block's other parameters.
    const grad = new Array<number>(dim);
    let j = 0;
    for (let k = 0; k < cfg.m.length; k++) {
      for (let t = 0; t < cfg.m[k]; t++) {
        let p = 1;
        for (let u = 0; u < cfg.m[k]; u++) if (u !== t) p *= w[j + u];
        grad[j + t] = g[k] * p;
      }
      j += cfg.m[k];
    }
    for (let q = 0; q < dim; q++) w[q] -= cfg.lr * grad[q];
  }
}

export function runPolySgd(
  cfg: PolySgdConfig,
  runs: number,
  onProgress?: (done: number) => void,
): PolySgdResult {
  const t0 = performance.now();
  const stats = polyStats(cfg.data);
  const nearest = [0, 0, 0, 0, 0];
  let converged = 0;
  let steps = 0;
  for (let r = 0; r < runs; r++) {
    const fit = polyFit(cfg, r, stats);
    if (fit.converged) {
      converged++;
      steps += fit.steps;
      nearest[nearestMonomial(fit.c)]++;
    }
    if ((r & 255) === 255) onProgress?.(r + 1);
  }
  return {
    runs,
    converged,
    nearest,
    meanSteps: converged > 0 ? steps / converged : null,
    seconds: (performance.now() - t0) / 1000,
  };
}
