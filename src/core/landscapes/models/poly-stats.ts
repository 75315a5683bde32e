/**
 * Sufficient statistics of the polynomial model's data, so that a dataset of any size fits in a fixed
 * number of uniforms. With φ(x) = (1, x, …, x⁴) and f_c(x) = cᵀφ(x),
 *
 *   2σ²·L_n(c) = mean_i (f_c(x_i) − y_i)² = s₀ + 2·δᵀr + δᵀMδ,   δ = c − c₀,
 *
 * with M_jk = mean(x^(j+k)) (a Hankel matrix: nine moments μ_0..μ_8), s₀ = mean (f_c₀(x_i) − y_i)² and
 * r = mean φ(x_i)(f_c₀(x_i) − y_i). The identity holds exactly for any c₀; choosing c₀ a least-squares
 * fit (M c₀ = b, so r ≈ 0) keeps δ small where the walkers are, which is what makes the f32 evaluation
 * in polynomial.wgsl accurate: no large terms cancel. Everything here is f64 on the CPU.
 */
/** One observation (x, y) of the polynomial regression. */
export interface DataPoint {
  readonly x: number;
  readonly y: number;
}

export const POLY_TERMS = 5;

export interface PolyStats {
  /** Number of data points. */
  readonly n: number;
  /** mean (f_c₀(x_i) − y_i)²: twice σ² times the minimum loss (for a least-squares c₀). */
  readonly s0: number;
  /** The expansion point: a least-squares fit, rounded to f32 (the value the shader holds). */
  readonly c0: readonly number[];
  /** mean φ_k(x_i)·(f_c₀(x_i) − y_i): ≈ 0 at a least-squares c₀; kept so the identity is exact. */
  readonly r: readonly number[];
  /** Moments μ_p = mean x_i^p, p = 0..8. */
  readonly mu: readonly number[];
}

/** f_c(x) by Horner's rule. */
export const polyAt = (c: readonly number[], x: number): number =>
  c[0] + x * (c[1] + x * (c[2] + x * (c[3] + x * c[4])));

/**
 * A least-squares solution of M c = b for a symmetric positive semi-definite M: Gaussian elimination
 * with diagonal (complete) pivoting, stopping when the largest remaining pivot is below `tol` times the
 * largest diagonal; coefficients never pivoted are 0 (a basic solution). For the single point (1, 1) it
 * gives c₀ = (1, 0, 0, 0, 0) exactly — so the constant fit keeps a loss of exactly 0 in f32.
 */
export function pivotedSolve(m: readonly (readonly number[])[], b: readonly number[], tol = 1e-11): number[] {
  const n = b.length;
  const a = m.map((row) => [...row]);
  const rhs = [...b];
  const used = new Array<boolean>(n).fill(false);
  const order: number[] = [];
  const scale = Math.max(...a.map((row, i) => row[i]), 0);
  for (let step = 0; step < n; step++) {
    let p = -1;
    for (let i = 0; i < n; i++) if (!used[i] && (p < 0 || a[i][i] > a[p][p])) p = i;
    if (p < 0 || !(a[p][p] > tol * scale)) break;
    used[p] = true;
    order.push(p);
    for (let i = 0; i < n; i++) {
      if (used[i]) continue;
      const f = a[i][p] / a[p][p];
      for (let j = 0; j < n; j++) if (!used[j]) a[i][j] -= f * a[p][j];
      rhs[i] -= f * rhs[p];
    }
  }
  const c = new Array<number>(n).fill(0);
  for (let k = order.length - 1; k >= 0; k--) {
    const p = order[k];
    let s = rhs[p];
    for (let q = k + 1; q < order.length; q++) s -= a[p][order[q]] * c[order[q]];
    c[p] = s / a[p][p];
  }
  return c;
}

export function polyStats(data: readonly DataPoint[]): PolyStats {
  const n = data.length;
  if (n < 1) throw new RangeError('poly: a dataset needs at least one point');
  const mu = new Array<number>(2 * POLY_TERMS - 1).fill(0);
  const b = new Array<number>(POLY_TERMS).fill(0);
  for (const { x, y } of data) {
    let xp = 1;
    for (let p = 0; p < mu.length; p++) {
      mu[p] += xp;
      if (p < POLY_TERMS) b[p] += y * xp;
      xp *= x;
    }
  }
  for (let p = 0; p < mu.length; p++) mu[p] /= n;
  for (let k = 0; k < POLY_TERMS; k++) b[k] /= n;
  const moments = Array.from({ length: POLY_TERMS }, (_, j) =>
    Array.from({ length: POLY_TERMS }, (__, k) => mu[j + k]),
  );
  // Rounded to f32 first, then s₀ and r are taken about the rounded point: the shader's c₀ exactly.
  const c0 = pivotedSolve(moments, b).map(Math.fround);
  let s0 = 0;
  const r = new Array<number>(POLY_TERMS).fill(0);
  for (const { x, y } of data) {
    const e = polyAt(c0, x) - y;
    s0 += e * e;
    for (let k = 0, xk = 1; k < POLY_TERMS; k++, xk *= x) r[k] += xk * e;
  }
  return { n, s0: s0 / n, c0, r: r.map((v) => v / n), mu };
}

/** L_n(c) = (s₀ + 2δᵀr + δᵀMδ)/(2σ²) in f64: the reduction polynomial.wgsl evaluates in f32. */
export function lossFromStats(s: PolyStats, c: readonly number[], sigma: number): number {
  const d = c.map((ck, k) => ck - s.c0[k]);
  let q = s.s0;
  for (let j = 0; j < POLY_TERMS; j++) {
    let md = 0;
    for (let k = 0; k < POLY_TERMS; k++) md += s.mu[j + k] * d[k];
    q += d[j] * (2 * s.r[j] + md);
  }
  return q / (2 * sigma * sigma);
}

/** Floats one dataset takes in the uniforms: s₀, c₀ (5), r (5), μ (9). */
export const POLY_SLOT_FLOATS = 20;

/** A dataset's uniform values, in the order polynomial.wgsl reads them. */
export const polyStatsValues = (s: PolyStats): number[] => [s.s0, ...s.c0, ...s.r, ...s.mu];
