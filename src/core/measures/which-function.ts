/**
 * "Which function?" — the founding post's polynomial example told by measurement (issue 12, item 4).
 *
 * For the model f_θ(x) = Σ c_k x^k, c_k the product of m_k parameters, each monomial x^k that the
 * model can represent has a representative point w*_k on its zero set: the parameters of every other
 * coefficient 0, those of c_k all equal to |c|^(1/m_k) (one negated when c < 0), c the coefficient
 * that fits the data with x^k alone. This module gives, on the CPU and in f64:
 *  - the candidates and their datasets (the given data, or a grid of x with y = x^k for each k);
 *  - the theory (λ, m) at each w*_k where it is known in closed form, with the reason;
 *  - an exact i.i.d. reference for the posterior shares of the nearest monomial (the rule of
 *    shaders/poly-functions.wgsl: the largest coefficient), by importance sampling from the prior with
 *    one single-parameter coefficient integrated out analytically (Rao–Blackwell).
 */
import { type DataPoint, polyCoefficients } from '../landscapes/models/polynomial';
import type { Prior } from '../posterior';
import { philox4x32_10, seedKey } from '../rng';

export const MONOMIAL_NAMES = ['1', 'x', 'x²', 'x³', 'x⁴'] as const;

export interface Candidate {
  /** The monomial's degree k. */
  readonly k: number;
  /** The representative point on its zero set. */
  readonly wstar: number[];
  /** The fitted coefficient c of x^k. */
  readonly coefficient: number;
  /** The data this candidate's λ is measured on. */
  readonly data: readonly DataPoint[];
}

/** c fitting y ≈ c·x^k by least squares (mean y x^k / mean x^2k). */
function monomialFit(data: readonly DataPoint[], k: number): number {
  let num = 0;
  let den = 0;
  for (const p of data) {
    num += p.y * p.x ** k;
    den += p.x ** (2 * k);
  }
  return den > 0 ? num / den : 0;
}

/** The point of the zero set of x^k's fit: c_k's parameters |c|^(1/m_k) (first one signed), the rest 0. */
export function candidatePoint(m: readonly number[], k: number, c: number): number[] {
  const w: number[] = [];
  m.forEach((mk, j) => {
    for (let t = 0; t < mk; t++) {
      if (j !== k) w.push(0);
      else {
        const a = Math.abs(c) ** (1 / mk);
        w.push(t === 0 && c < 0 ? -a : a);
      }
    }
  });
  return w;
}

/** K points on a grid over [lo, hi] with y = x^k (noiseless: the truth itself). */
export function spreadData(k: number, points: number, lo = -1, hi = 1): DataPoint[] {
  return Array.from({ length: points }, (_, i) => {
    const x = points === 1 ? hi : lo + ((hi - lo) * i) / (points - 1);
    return { x, y: x ** k };
  });
}

/**
 * The candidates 1, x, …, x⁴ (those with m_k ≥ 1 and, for an even m_k, a coefficient of the sign a
 * product can take — any sign can, with one parameter negated). `data` is shared by every candidate;
 * with `spread` each candidate k gets its own grid data with y = x^k.
 */
export function whichFunctionCandidates(
  m: readonly number[],
  opts: { data?: readonly DataPoint[]; spread?: number; range?: readonly [number, number] },
): Candidate[] {
  const out: Candidate[] = [];
  for (let k = 0; k < 5; k++) {
    if (m[k] < 1) continue;
    const data =
      opts.spread !== undefined
        ? spreadData(k, opts.spread, opts.range?.[0] ?? -1, opts.range?.[1] ?? 1)
        : (opts.data ?? [{ x: 1, y: 1 }]);
    const c = monomialFit(data, k);
    out.push({ k, wstar: candidatePoint(m, k, c), coefficient: c, data });
  }
  return out;
}

export interface Theory {
  readonly lambda: number | null;
  readonly m: number | null;
  /** Why these values (or why none). */
  readonly reason: string;
}

/** Distinct x values of the data (the rank of the 5×5 moment matrix is min(that, 5)). */
const distinctX = (data: readonly DataPoint[]) => new Set(data.map((p) => p.x)).size;

/**
 * λ and m of the model at w*_k.
 *  - One distinct x (e.g. the point (1, 1)): K ∝ (f_θ(x₀) − y₀)², and at w*_k the derivative of f(x₀)
 *    along a parameter of c_k is x₀^k·(product of its other parameters) ≠ 0, so {K = 0} is a smooth
 *    hypersurface there: λ = 1/2, m = 1 (Watanabe 2009, regular case d/2 with one constrained
 *    direction) — at every candidate, whatever m is.
 *  - Five or more distinct x: the moment matrix is positive definite, K ≍ Σ_j (c_j(θ) − c*_j)² with the
 *    coefficients in disjoint parameters. c_k near its non-zero value is a submersion (λ = 1/2, m = 1);
 *    c_j = Π θ_i near θ = 0 gives (Π θ_i)², a normal crossing of m_j squares (λ = 1/2, m = m_j).
 *    For disjoint variables λ adds and m adds minus one per extra term (Watanabe 2009, Algebraic
 *    Geometry and Statistical Learning Theory, §7 on normal crossings / sums of independent terms), so
 *    λ = #{j: m_j ≥ 1}/2 and m = 1 + Σ_{j≠k, m_j≥1} (m_j − 1): 5/2 and 11 for the constant, 5/2 and 7
 *    for x⁴ under (1,2,3,4,5).
 *  - Two to four distinct x: not derived here (null).
 */
export function whichFunctionTheory(m: readonly number[], c: Candidate): Theory {
  const xs = distinctX(c.data);
  if (c.coefficient === 0) return { lambda: null, m: null, reason: 'x^k does not fit the data' };
  if (xs === 1) {
    if (c.data[0].x === 0 && c.k > 0)
      return { lambda: null, m: null, reason: 'x₀ = 0: x^k vanishes at the data' };
    return {
      lambda: 0.5,
      m: 1,
      reason: 'one data point: {K = 0} is a smooth hypersurface at w* (∂f(x₀)/∂θ ≠ 0 along c_k)',
    };
  }
  if (xs >= 5) {
    const used = m.filter((mj) => mj >= 1).length;
    const mult = 1 + m.reduce((s, mj, j) => s + (j !== c.k && mj >= 1 ? mj - 1 : 0), 0);
    return {
      lambda: used / 2,
      m: mult,
      reason: '≥ 5 distinct x: K ≍ Σ_j (c_j − c*_j)², normal crossings in disjoint parameters',
    };
  }
  return { lambda: null, m: null, reason: `${xs} distinct x: no closed form derived here` };
}

// --- The exact i.i.d. reference for the shares ---------------------------------------------------

/** A seeded stream of uniforms on (0, 1): Philox4x32-10 (as the shaders use) over a counter. */
export function seededUniform(seed: number): () => number {
  const key = seedKey(seed);
  let counter = 0;
  let words: number[] = [];
  return () => {
    if (words.length === 0) words = philox4x32_10([counter++, 0, 0, 0x51a7e5], key);
    // 32 bits, never 0 or 1.
    return (words.pop()! + 0.5) / 2 ** 32;
  };
}

/**
 * log Q(x), Q the standard normal upper tail, accurate in the far tail (Numerical Recipes' erfc
 * Chebyshev fit, fractional error < 1.2e-7, evaluated in log form so it never underflows).
 */
export function logNormalTail(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * z);
  const poly =
    -z * z -
    1.26551223 +
    t *
      (1.00002368 +
        t *
          (0.37409196 +
            t *
              (0.09678418 +
                t *
                  (-0.18628806 +
                    t *
                      (0.27886807 +
                        t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  const logErfc = Math.log(t) + poly;
  if (x >= 0) return logErfc - Math.LN2;
  return Math.log1p(-Math.exp(logErfc) / 2);
}

/** log(Φ(b) − Φ(a)) for a ≤ b (−∞ when a = b). */
export function logNormalInterval(a: number, b: number): number {
  if (!(b > a)) return Number.NEGATIVE_INFINITY;
  // Work in the tail on the side away from the bulk, where the difference has full precision.
  if (a >= 0) {
    const qa = logNormalTail(a);
    const qb = logNormalTail(b);
    return qa + Math.log1p(-Math.exp(qb - qa));
  }
  if (b <= 0) {
    const pb = logNormalTail(-b);
    const pa = logNormalTail(-a);
    return pb + Math.log1p(-Math.exp(pa - pb));
  }
  return Math.log1p(-Math.exp(logNormalTail(-a)) - Math.exp(logNormalTail(b)));
}

export interface ShareReference {
  /** Posterior share nearest to each of 1, x, …, x⁴ (all five, 0 where m_k = 0). */
  readonly shares: number[];
  readonly se: number[];
  /** Kish effective sample size of the importance weights. */
  readonly ess: number;
  readonly samples: number;
  /** The coefficient integrated out analytically, or null (plain importance sampling). */
  readonly integratedOut: number | null;
}

/**
 * The exact posterior shares of the nearest monomial at (n, β), from i.i.d. prior draws.
 * The tempered posterior is ∝ φ(θ)·exp(−nβ·L(θ)) (no localisation). If some coefficient j has
 * m_j = 1, its parameter t = c_j enters L as a quadratic A t² + B t + C, so for each draw of the
 * other parameters the integral over t (box or Gaussian prior) and the probability that t is the
 * largest coefficient are closed forms: the weight is that integral, and each draw contributes
 * fractions to two shares. Without such a coefficient the weight is exp(−nβ·L) (check `ess`).
 */
export function exactShares(
  m: readonly number[],
  data: readonly DataPoint[],
  opts: { n: number; beta: number; sigma: number; prior: Prior; samples: number; seed: number },
): ShareReference {
  const dim = m.reduce((s, k) => s + k, 0);
  const j = m.indexOf(1);
  const nbeta = opts.n * opts.beta;
  const s2 = 2 * opts.sigma ** 2;
  // Moments: μ_p = mean x^p, ν_p = mean y x^p, yy = mean y².
  const mu = new Array<number>(9).fill(0);
  const nu = new Array<number>(5).fill(0);
  let yy = 0;
  for (const p of data) {
    for (let q = 0; q < 9; q++) mu[q] += p.x ** q / data.length;
    for (let q = 0; q < 5; q++) nu[q] += (p.y * p.x ** q) / data.length;
    yy += (p.y * p.y) / data.length;
  }
  const rand = seededUniform(opts.seed);
  const R = opts.prior.scale;
  const draw = () => {
    if (opts.prior.kind === 'box') return R * (2 * rand() - 1);
    const u = rand();
    const v = rand();
    return R * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
  const logW: number[] = [];
  const frac: number[][] = [];
  const w = new Array<number>(dim);
  for (let i = 0; i < opts.samples; i++) {
    for (let q = 0; q < dim; q++) w[q] = draw();
    const c = polyCoefficients(m, w);
    const f = [0, 0, 0, 0, 0];
    if (j < 0) {
      // Plain importance sampling: weight exp(−nβ L).
      let L = yy;
      for (let a = 0; a < 5; a++) {
        L -= 2 * c[a] * nu[a];
        for (let b = 0; b < 5; b++) L += c[a] * c[b] * mu[a + b];
      }
      logW.push((-nbeta * L) / s2);
      let best = 0;
      for (let a = 1; a < 5; a++) if (c[a] > c[best]) best = a;
      f[best] = 1;
      frac.push(f);
      continue;
    }
    // L(t) = (A t² + B t + C)/s2 with t = c_j.
    c[j] = 0;
    const A = mu[2 * j];
    let B = -2 * nu[j];
    let C = yy;
    for (let a = 0; a < 5; a++) {
      if (a === j) continue;
      B += 2 * c[a] * mu[a + j];
      C -= 2 * c[a] * nu[a];
      for (let b = 0; b < 5; b++) if (b !== j) C += c[a] * c[b] * mu[a + b];
    }
    // Gaussian in t: precision p = 2nβA/s2 (+ 1/R² for a Gaussian prior), mean μt.
    const pl = (2 * nbeta * A) / s2;
    const muL = pl > 0 ? -B / (2 * A) : 0;
    const constL = pl > 0 ? (nbeta * (C - (B * B) / (4 * A))) / s2 : (nbeta * C) / s2;
    let best = j === 0 ? 1 : 0;
    for (let a = 0; a < 5; a++) if (a !== j && c[a] > c[best]) best = a;
    const M = c[best];
    let lw: number;
    let pTop: number;
    if (opts.prior.kind === 'box') {
      const sd = 1 / Math.sqrt(pl);
      const a = (-R - muL) / sd;
      const b = (R - muL) / sd;
      const mass = logNormalInterval(a, b);
      lw = -constL + mass + Math.log((sd * Math.sqrt(2 * Math.PI)) / (2 * R));
      const top = logNormalInterval(Math.max(a, (M - muL) / sd), b);
      pTop = Number.isFinite(mass) ? Math.exp(top - mass) : 0;
    } else {
      const p = pl + 1 / (R * R);
      const mean = (pl * muL) / p;
      const sd = 1 / Math.sqrt(p);
      // ∫ N(t; 0, R²) exp(−pl/2 (t − μL)²) dt = sqrt(1/(R² p)) exp(−pl μL²/2 + p mean²/2).
      lw = -constL - 0.5 * Math.log(R * R * p) - (pl * muL * muL) / 2 + (p * mean * mean) / 2;
      pTop = Math.exp(logNormalTail((M - mean) / sd));
    }
    // The shader breaks ties toward the lower index; ties have probability zero here.
    f[j] = pTop;
    f[best] += 1 - pTop;
    logW.push(lw);
    frac.push(f);
  }
  const top = logW.reduce((a, b) => Math.max(a, b), Number.NEGATIVE_INFINITY);
  if (!Number.isFinite(top)) throw new RangeError('exact shares: every prior draw has zero weight');
  const wt = logW.map((l) => Math.exp(l - top));
  const sw = wt.reduce((a, b) => a + b, 0);
  const sw2 = wt.reduce((a, b) => a + b * b, 0);
  const shares = [0, 1, 2, 3, 4].map((k) => wt.reduce((s, x, i) => s + x * frac[i][k], 0) / sw);
  // Delta-method SE of the self-normalised (ratio) estimator.
  const se = shares.map(
    (s, k) => Math.sqrt(wt.reduce((acc, x, i) => acc + x * x * (frac[i][k] - s) ** 2, 0)) / sw,
  );
  return {
    shares,
    se,
    ess: (sw * sw) / sw2,
    samples: opts.samples,
    integratedOut: j >= 0 ? j : null,
  };
}

/** The nearest monomial of each walker (rule of shaders/poly-functions.wgsl), as shares. */
export function nearestShares(m: readonly number[], positions: ArrayLike<number>, walkers: number): number[] {
  const dim = m.reduce((s, k) => s + k, 0);
  const counts = [0, 0, 0, 0, 0];
  const w = new Array<number>(dim);
  for (let i = 0; i < walkers; i++) {
    for (let q = 0; q < dim; q++) w[q] = positions[i * dim + q];
    const c = polyCoefficients(m, w).map((x) => Math.fround(x));
    let best = 0;
    for (let k = 1; k < 5; k++) if (c[k] > c[best]) best = k;
    counts[best]++;
  }
  return counts.map((x) => x / walkers);
}
