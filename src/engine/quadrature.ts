/**
 * Exact posterior expectations for 2-D landscapes by product Gauss–Legendre quadrature on a grid
 * that is graded toward the axes (singular sets of the built-in landscapes lie on them), so that
 * concentrations of width 1/√(nβ) are resolved at every n. Used as the oracle for finite-n λ̂ and
 * mass-near-point checks.
 */
import type { PosteriorSettings } from './posterior';

/** Gauss–Legendre nodes and weights on [−1, 1] (Newton on the Legendre recurrence). */
export function gaussLegendre(order: number): { x: Float64Array; w: Float64Array } {
  const x = new Float64Array(order);
  const w = new Float64Array(order);
  for (let i = 0; i < Math.ceil(order / 2); i++) {
    let z = Math.cos((Math.PI * (i + 0.75)) / (order + 0.5));
    let dp = 0;
    for (let iter = 0; iter < 100; iter++) {
      let p0 = 1;
      let p1 = 0;
      for (let k = 1; k <= order; k++) {
        const p2 = p1;
        p1 = p0;
        p0 = ((2 * k - 1) * z * p1 - (k - 1) * p2) / k;
      }
      dp = (order * (z * p0 - p1)) / (z * z - 1);
      const dz = p0 / dp;
      z -= dz;
      if (Math.abs(dz) < 1e-15) break;
    }
    x[i] = -z;
    x[order - 1 - i] = z;
    w[i] = w[order - 1 - i] = 2 / ((1 - z * z) * dp * dp);
  }
  return { x, w };
}

/**
 * Gauss–Hermite nodes and weights for ∫ e^(−z²) g(z) dz (Newton on the orthonormal Hermite
 * recurrence, Numerical Recipes' starting guesses). E[h(Y)] for Y ~ N(μ, σ²) is
 * Σ_i (w_i/√π)·h(μ + √2·σ·z_i), exact for polynomials h of degree < 2·order.
 */
export function gaussHermite(order: number): { x: Float64Array; w: Float64Array } {
  if (!Number.isInteger(order) || order < 1 || order > 100)
    throw new RangeError(`Gauss–Hermite order must be an integer in [1, 100], got ${order}`);
  const x = new Float64Array(order);
  const w = new Float64Array(order);
  const pim4 = Math.PI ** -0.25;
  let z = 0;
  for (let i = 0; i < Math.ceil(order / 2); i++) {
    if (i === 0) z = Math.sqrt(2 * order + 1) - 1.85575 * (2 * order + 1) ** (-1 / 6);
    else if (i === 1) z -= (1.14 * order ** 0.426) / z;
    else if (i === 2) z = 1.86 * z - 0.86 * x[0];
    else if (i === 3) z = 1.91 * z - 0.91 * x[1];
    else z = 2 * z - x[i - 2];
    let pp = 0;
    for (let iter = 0; iter < 100; iter++) {
      let p1 = pim4;
      let p2 = 0;
      for (let j = 1; j <= order; j++) {
        const p3 = p2;
        p2 = p1;
        p1 = z * Math.sqrt(2 / j) * p2 - Math.sqrt((j - 1) / j) * p3;
      }
      pp = Math.sqrt(2 * order) * p2;
      const dz = p1 / pp;
      z -= dz;
      if (Math.abs(dz) < 1e-14) break;
    }
    x[i] = z;
    x[order - 1 - i] = -z;
    w[i] = w[order - 1 - i] = 2 / (pp * pp);
  }
  return { x, w };
}

/** Nodes and weights on [−R, R], in octaves graded geometrically toward 0 (and symmetric). */
export function gradedAxis(R: number, octaves = 36, order = 12): { x: number[]; w: number[] } {
  const gl = gaussLegendre(order);
  const cuts = [0];
  for (let k = octaves; k >= 1; k--) cuts.push(R * 2 ** -k);
  cuts.push(R);
  const xs: number[] = [];
  const ws: number[] = [];
  for (let s = 0; s + 1 < cuts.length; s++) {
    const [a, b] = [cuts[s], cuts[s + 1]];
    for (let i = 0; i < order; i++) {
      const t = 0.5 * (a + b) + 0.5 * (b - a) * gl.x[i];
      const wt = 0.5 * (b - a) * gl.w[i];
      xs.push(t, -t);
      ws.push(wt, wt);
    }
  }
  return { x: xs, w: ws };
}

export interface QuadratureExpectations {
  /** E[nβ·(L − L(w*))]: the exact finite-n value of the LLC estimator's target. */
  readonly nbetaLoss: number;
  /** Posterior mass within `radius` of `center`. */
  readonly massNear: number;
}

/**
 * Expectations under p(w) ∝ φ(w)·exp(−nβL(w) − γ/2|w − w*|²) for a 2-D landscape. The Gaussian
 * prior is integrated on [−8σ, 8σ]² (mass outside < 1e-14).
 */
export function exactExpectations2D(
  s: PosteriorSettings,
  opts: { center?: readonly number[]; radius?: number; octaves?: number; order?: number } = {},
): QuadratureExpectations {
  if (s.landscape.dim !== 2) throw new RangeError('quadrature oracle is for 2-D landscapes');
  const R = s.prior.kind === 'box' ? s.prior.scale : 8 * s.prior.scale;
  const axis = gradedAxis(R, opts.octaves, opts.order);
  const nbeta = s.n * s.beta;
  const l0 = s.landscape.loss(s.wstar, s.params);
  const c = opts.center ?? s.wstar;
  const r2 = (opts.radius ?? 0) ** 2;
  // Log-weights first, then normalise by their maximum to avoid underflow at large nβ.
  const m = axis.x.length;
  const logw = new Float64Array(m * m);
  let maxLog = -Infinity;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) {
      const w = [axis.x[i], axis.x[j]];
      const l = s.landscape.loss(w, s.params);
      let lw = -nbeta * (l - l0);
      if (s.prior.kind === 'gauss') lw -= (w[0] ** 2 + w[1] ** 2) / (2 * s.prior.scale ** 2);
      if (s.gamma > 0) lw -= 0.5 * s.gamma * ((w[0] - s.wstar[0]) ** 2 + (w[1] - s.wstar[1]) ** 2);
      logw[i * m + j] = lw;
      if (lw > maxLog) maxLog = lw;
    }
  }
  let z = 0;
  let el = 0;
  let mass = 0;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) {
      const w = [axis.x[i], axis.x[j]];
      const p = axis.w[i] * axis.w[j] * Math.exp(logw[i * m + j] - maxLog);
      z += p;
      el += p * nbeta * (s.landscape.loss(w, s.params) - l0);
      if ((w[0] - c[0]) ** 2 + (w[1] - c[1]) ** 2 < r2) mass += p;
    }
  }
  return { nbetaLoss: el / z, massNear: mass / z };
}
