/**
 * Certified posterior expectations for 2-D landscapes: globally adaptive cubature (Genz–Malik
 * degree-7 rule with an embedded degree-5 error estimate, cells split where the error is largest)
 * that refines wherever the integrand exp(−nβ(L − L(w*)))·φ(w) lives — off-axis valleys, circles,
 * kinks — and reports its own error bound. Where it cannot reach its tolerance within its budget a
 * value is null with the reason, never a wrong number. Used as the oracle for finite-n λ̂ and the
 * mass near a point (sweep, the app's concentration and free-energy analyses, tests).
 */
import type { PosteriorSettings } from '../posterior';

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

// Gauss–Kronrod 7–15 on [−1, 1]: Kronrod abscissae (descending, last is 0) and weights, and the
// Gauss weights of the embedded 7-point rule (at Kronrod nodes 1, 3, 5, 7).
const XGK = [
  0.9914553711208126, 0.9491079123427585, 0.8648644233597691, 0.7415311855993945, 0.5860872354676911,
  0.4058451513773972, 0.20778495500789848, 0,
];
const WGK = [
  0.022935322010529224, 0.06309209262997856, 0.10479001032225019, 0.14065325971552592, 0.1690047266392679,
  0.19035057806478542, 0.20443294007529889, 0.20948214108472782,
];
const WG = [0.1294849661688697, 0.27970539148927664, 0.3818300505051189, 0.4179591836734694];
/** Node indices in ascending t (nodes are stored c − hw·x_j, c + hw·x_j for j = 0…6, then c). */
const ORDER = [0, 2, 4, 6, 8, 10, 12, 14, 13, 11, 9, 7, 5, 3, 1];

/** One node of a 1-D integrand e^g·(1, v…): g, dg/dt, the values v, and error bounds carried in. */
export interface Node1 {
  g: number;
  d: number;
  v: readonly number[];
  /** Relative error of e^g and absolute errors of v (from an inner integration), or 0. */
  eg?: number;
  ev?: readonly number[];
}

interface Interval {
  a: number;
  b: number;
  /** ∫ e^(g − ref)·(1, v…) by Kronrod, and error bounds per component. */
  i: Float64Array;
  e: Float64Array;
}

export interface Adaptive1D {
  /** log ∫ e^g. */
  readonly logI: number;
  /** ∫ v·e^g / ∫ e^g per component. */
  readonly mean: readonly number[];
  /** Bound on the relative error of ∫ e^g. */
  readonly relErr: number;
  /** Bounds on the absolute errors of the means. */
  readonly meanErr: readonly number[];
  readonly converged: boolean;
  /** Set when the integrand was not a number somewhere (−∞ is weight 0, not an error). */
  readonly bad?: string;
}

export interface AdaptiveOptions {
  /** Relative tolerance on ∫ e^g. */
  readonly tol: number;
  /** Absolute tolerance on each mean (Infinity: not a stopping condition). */
  readonly meanTol: readonly number[];
  /** Shared evaluation budget (decremented). */
  readonly budget: { left: number };
  readonly intervals?: number;
  /**
   * An interval whose nodes' linear models (g + |dg/dt|·distance) say g could rise more than this
   * above its largest node value is "unresolved": its potential mass counts as error until split.
   * This is what keeps a peak narrower than the node spacing from being missed.
   */
  readonly resolve?: number;
}

/**
 * Globally adaptive Gauss–Kronrod (7–15) quadrature of e^g·(1, v…) on [a, b], bisecting the interval
 * with the largest error. Values are kept relative to e^ref (ref ≈ the largest g seen) so that nβ up
 * to 1e8 neither overflows nor underflows. The error of each interval is |K15 − G7| (conservative)
 * plus errors carried by the nodes, plus the potential mass of unresolved intervals.
 */
export function adaptive1D(
  a0: number,
  b0: number,
  f: (t: number) => Node1,
  opts: AdaptiveOptions,
): Adaptive1D {
  const K = opts.resolve ?? 4;
  const nc = opts.meanTol.length + 1;
  let ref = Number.NEGATIVE_INFINITY;
  let bad: string | undefined;
  const list: Interval[] = [];
  const nodes: Node1[] = new Array(15);
  const ts = new Float64Array(15);
  const evalInterval = (a: number, b: number): Interval => {
    const c = 0.5 * (a + b);
    const hw = 0.5 * (b - a);
    for (let j = 0; j < 7; j++) {
      ts[2 * j] = c - hw * XGK[j];
      ts[2 * j + 1] = c + hw * XGK[j];
    }
    ts[14] = c;
    let gMax = Number.NEGATIVE_INFINITY;
    for (let k = 0; k < 15; k++) {
      const p = f(ts[k]);
      if (
        Number.isNaN(p.g) ||
        p.g === Number.POSITIVE_INFINITY ||
        (p.g > -Infinity && !p.v.every(Number.isFinite))
      ) {
        bad ??= `the integrand is not a number at t = ${ts[k]}`;
        p.g = Number.NEGATIVE_INFINITY;
      }
      nodes[k] = p;
      if (p.g > gMax) gMax = p.g;
    }
    // Between two neighbouring nodes a peak can hide only if both nodes' slopes point into the gap:
    // the lower of the two linear extrapolations across it bounds what the gap could hold.
    let hiddenLog = Number.NEGATIVE_INFINITY;
    let hiddenScale = 1;
    for (let k = 0; k < 14; k++) {
      const l = nodes[ORDER[k]];
      const r = nodes[ORDER[k + 1]];
      if (l.g === Number.NEGATIVE_INFINITY || r.g === Number.NEGATIVE_INFINITY) continue;
      const gap = ts[ORDER[k + 1]] - ts[ORDER[k]];
      const up = Math.min(l.g + Math.max(0, l.d) * gap, r.g + Math.max(0, -r.d) * gap);
      if (Number.isFinite(up) && up - gMax > K) {
        const logMass = Math.log(gap) + Math.min(up, gMax + 200);
        hiddenLog =
          hiddenLog === Number.NEGATIVE_INFINITY
            ? logMass
            : Math.max(hiddenLog, logMass) + Math.log1p(Math.exp(-Math.abs(hiddenLog - logMass)));
        for (const x of [...l.v, ...r.v]) hiddenScale = Math.max(hiddenScale, 1 + Math.abs(x));
      }
    }
    opts.budget.left -= 15;
    if (gMax > Number.NEGATIVE_INFINITY && (ref === Number.NEGATIVE_INFINITY || gMax > ref + 30)) {
      // A larger g than any seen: rescale what is stored (a common factor keeps the order).
      const s = ref === Number.NEGATIVE_INFINITY ? 0 : Math.exp(ref - gMax);
      ref = gMax;
      for (const iv of list) {
        for (let q = 0; q < nc; q++) {
          iv.i[q] *= s;
          iv.e[q] *= s;
        }
      }
    }
    const ik = new Float64Array(nc);
    const ig = new Float64Array(nc);
    const carried = new Float64Array(nc);
    for (let k = 0; k < 15; k++) {
      const p = nodes[k];
      if (p.g === Number.NEGATIVE_INFINITY) continue;
      const j = k < 14 ? k >> 1 : 7;
      const wk = WGK[j] * hw;
      const wg = j % 2 === 1 ? WG[j >> 1] * hw : 0;
      const e = Math.exp(p.g - ref);
      ik[0] += wk * e;
      ig[0] += wg * e;
      carried[0] += wk * e * (p.eg ?? 0);
      for (let q = 1; q < nc; q++) {
        ik[q] += wk * e * p.v[q - 1];
        ig[q] += wg * e * p.v[q - 1];
        carried[q] += wk * e * ((p.ev?.[q - 1] ?? 0) + Math.abs(p.v[q - 1]) * (p.eg ?? 0));
      }
    }
    const err = new Float64Array(nc);
    const hidden = hiddenLog === Number.NEGATIVE_INFINITY ? 0 : Math.exp(Math.min(hiddenLog - ref, 200));
    for (let q = 0; q < nc; q++) err[q] = Math.abs(ik[q] - ig[q]) + carried[q] + hidden * hiddenScale;
    return { a, b, i: ik, e: err };
  };
  const n0 = opts.intervals ?? 4;
  for (let j = 0; j < n0; j++)
    list.push(evalInterval(a0 + ((b0 - a0) * j) / n0, a0 + ((b0 - a0) * (j + 1)) / n0));
  const total = () => {
    const i = new Float64Array(nc);
    const e = new Float64Array(nc);
    for (const iv of list)
      for (let q = 0; q < nc; q++) {
        i[q] += iv.i[q];
        e[q] += iv.e[q];
      }
    return { i, e };
  };
  let converged = false;
  for (;;) {
    const { i, e } = total();
    let ok = i[0] > 0 && e[0] <= opts.tol * i[0];
    for (let q = 1; ok && q < nc; q++) ok = e[q] + Math.abs(i[q] / i[0]) * e[0] <= opts.meanTol[q - 1] * i[0];
    if (ok || bad || opts.budget.left < 30) {
      converged = ok && !bad;
      const mean = Array.from({ length: nc - 1 }, (_, q) => i[q + 1] / i[0]);
      return {
        logI: Math.log(i[0]) + ref,
        mean,
        relErr: e[0] / i[0],
        meanErr: mean.map((m, q) => (e[q + 1] + Math.abs(m) * e[0]) / i[0]),
        converged,
        ...(bad ? { bad } : {}),
      };
    }
    // Bisect the interval with the largest error (weighted like the stopping test).
    let worst = 0;
    let worstErr = -1;
    for (let k = 0; k < list.length; k++) {
      let w = list[k].e[0] / opts.tol;
      for (let q = 1; q < nc; q++)
        if (Number.isFinite(opts.meanTol[q - 1])) w += list[k].e[q] / opts.meanTol[q - 1];
      if (w > worstErr) {
        worstErr = w;
        worst = k;
      }
    }
    const iv = list[worst];
    const m = 0.5 * (iv.a + iv.b);
    list[worst] = evalInterval(iv.a, m);
    list.push(evalInterval(m, iv.b));
  }
}

/** A point of a 2-D integrand e^g·(1, h): g, its gradient, and h. */
interface Point {
  g: number;
  gx: number;
  gy: number;
  h: number;
}

/**
 * ∫∫ e^g and the mean of h over a rectangle by iterated adaptive quadrature: for each outer node x,
 * an inner adaptive integral over y gives F(x) = ∫ e^g dy, E[h | x] and E[∂g/∂x | x] = d log F/dx,
 * so the outer integral has its own slope for the resolution test. Inner errors are carried into
 * the outer error bound.
 */
function nested2D(
  rect: readonly [number, number, number, number],
  point: (x: number, y: number) => Point,
  tol: number,
  hTol: number,
  budget: { left: number },
): Adaptive1D {
  const [x0, x1, y0, y1] = rect;
  let innerBad: string | undefined;
  const outer = adaptive1D(
    x0,
    x1,
    (x) => {
      const inner = adaptive1D(
        y0,
        y1,
        (y) => {
          const p = point(x, y);
          return { g: p.g, d: p.gy, v: [p.h, p.gx] };
        },
        { tol: tol / 4, meanTol: [hTol / 4, Number.POSITIVE_INFINITY], budget, intervals: 4 },
      );
      if (inner.bad) innerBad ??= inner.bad;
      if (!inner.converged && !inner.bad && budget.left >= 30)
        innerBad ??= 'an inner integral did not converge';
      if (!(inner.logI > Number.NEGATIVE_INFINITY)) return { g: Number.NEGATIVE_INFINITY, d: 0, v: [0] };
      return {
        g: inner.logI,
        d: inner.mean[1],
        v: [inner.mean[0]],
        eg: inner.relErr,
        ev: [inner.meanErr[0]],
      };
    },
    { tol: tol / 2, meanTol: [hTol / 2], budget, intervals: 8 },
  );
  return innerBad && !outer.bad ? { ...outer, converged: false, bad: innerBad } : outer;
}

export interface QuadratureExpectations {
  /** log Z, Z = ∫ φ(w)·exp(−nβ(L − L(w*)) − γ/2|w − w*|²) dw with φ the normalised prior; null if not certified. */
  readonly logZ: number | null;
  /** Bound on the relative error of Z. */
  readonly logZErr: number;
  /** E[L] under the tempered posterior. */
  readonly meanLoss: number | null;
  /** E[nβ·(L − L(w*))]: the exact finite-n value of the LLC estimator's target (λ̂_exact). */
  readonly nbetaLoss: number | null;
  /** Bound on the absolute error of `nbetaLoss`. */
  readonly nbetaLossErr: number;
  /** Posterior mass within `radius` of `center` (0 when the radius is 0). */
  readonly massNear: number | null;
  readonly massNearErr: number;
  /** Integrand evaluations spent. */
  readonly evals: number;
  /** Why a value is null (the error estimate above tolerance, the budget spent, a non-number). */
  readonly failure?: string;
}

export interface QuadratureOptions {
  readonly center?: readonly number[];
  readonly radius?: number;
  /** Absolute tolerance on λ̂ and on the mass (and relative on Z); default 1e-4. */
  readonly tol?: number;
  /** Evaluation budget per integral (default 600 000: a few hundred ms in Node). */
  readonly maxEvals?: number;
}

/**
 * Certified expectations under p(w) ∝ φ(w)·exp(−nβL(w) − γ/2|w − w*|²) for a 2-D landscape. The
 * Gaussian prior is integrated on [−8σ, 8σ]² (mass outside < 1e-14). The mass near a point is a
 * second integration in polar coordinates around it, so the ball's edge is a cell edge.
 */
export function exactExpectations2D(
  s: PosteriorSettings,
  opts: QuadratureOptions = {},
): QuadratureExpectations {
  if (s.landscape.dim !== 2) throw new RangeError('quadrature oracle is for 2-D landscapes');
  const tol = opts.tol ?? 1e-4;
  const maxEvals = opts.maxEvals ?? 600_000;
  const R = s.prior.kind === 'box' ? s.prior.scale : 8 * s.prior.scale;
  const nbeta = s.n * s.beta;
  const l0 = s.landscape.loss(s.wstar, s.params);
  const gauss = s.prior.kind === 'gauss';
  const iv = 1 / s.prior.scale ** 2;
  const [ws0, ws1] = s.wstar;
  const w = [0, 0];
  const point = (x: number, y: number): Point => {
    w[0] = x;
    w[1] = y;
    if (!gauss && (Math.abs(x) > R || Math.abs(y) > R))
      return { g: Number.NEGATIVE_INFINITY, gx: 0, gy: 0, h: 0 };
    const lw = s.landscape.loss(w, s.params);
    const h = nbeta * (lw - l0);
    // Forward differences of the loss: the slopes only steer refinement (never enter a value), and
    // three loss evaluations cost less than one reverse-mode gradient of a formula.
    const dx = 1e-7 * Math.max(1, Math.abs(x));
    const dy = 1e-7 * Math.max(1, Math.abs(y));
    w[0] = x + dx;
    const lx = s.landscape.loss(w, s.params);
    w[0] = x;
    w[1] = y + dy;
    const ly = s.landscape.loss(w, s.params);
    w[1] = y;
    const gr = [(lx - lw) / dx, (ly - lw) / dy];
    let g = -h;
    let gx = -nbeta * gr[0];
    let gy = -nbeta * gr[1];
    if (gauss) {
      g -= 0.5 * (x * x + y * y) * iv;
      gx -= x * iv;
      gy -= y * iv;
    }
    if (s.gamma > 0) {
      g -= 0.5 * s.gamma * ((x - ws0) ** 2 + (y - ws1) ** 2);
      gx -= s.gamma * (x - ws0);
      gy -= s.gamma * (y - ws1);
    }
    return { g, gx, gy, h };
  };
  const budget = { left: maxEvals };
  const main = nested2D([-R, R, -R, R], point, tol, tol, budget);
  const logNorm = gauss ? -Math.log(2 * Math.PI * s.prior.scale ** 2) : -Math.log(4 * R * R);
  const lam = main.mean[0];
  const lamErr = main.meanErr[0];
  const zErr = main.relErr;
  const spent = () => maxEvals - budget.left;
  const refuse = (what: string, t: Adaptive1D, err: number) =>
    t.bad
      ? `${what}: ${t.bad}`
      : `${what}: error estimate ${err.toPrecision(2)} above tolerance ${tol} after ${spent()} evaluations`;
  const failures: string[] = [];
  const okMain = main.converged && Number.isFinite(lam) && lamErr <= tol && zErr <= tol;
  if (!okMain) failures.push(refuse('λ̂ and Z not certified', main, Math.max(lamErr, zErr)));
  let massNear: number | null = 0;
  let massNearErr = 0;
  const r = opts.radius ?? 0;
  if (r > 0 && okMain) {
    const [c0, c1] = opts.center ?? s.wstar;
    // Polar coordinates (ρ, θ) about the centre: Jacobian ρ, so g gains log ρ.
    const polar = (rho: number, th: number): Point => {
      const co = Math.cos(th);
      const si = Math.sin(th);
      const p = point(c0 + rho * co, c1 + rho * si);
      const gx = p.gx * co + p.gy * si + 1 / rho;
      const gy = rho * (-p.gx * si + p.gy * co);
      return { g: p.g + Math.log(rho), gx, gy, h: 0 };
    };
    const budgetM = { left: maxEvals };
    // The mass is Z_ball/Z; a relative tolerance on Z_ball of tol/2 bounds the mass error by tol/2.
    const m = nested2D([0, r, 0, 2 * Math.PI], polar, tol / 2, Number.POSITIVE_INFINITY, budgetM);
    massNear = Math.exp(m.logI - main.logI);
    massNearErr = massNear * (m.relErr + zErr);
    if (!m.converged || !(massNearErr <= tol) || !Number.isFinite(massNear)) {
      failures.push(refuse('mass near the point not certified', m, massNearErr));
      massNear = null;
    } else massNear = Math.min(1, massNear);
  } else if (r > 0) massNear = null;
  return {
    logZ: okMain ? main.logI + logNorm : null,
    logZErr: zErr,
    meanLoss: okMain ? l0 + lam / nbeta : null,
    nbetaLoss: okMain ? lam : null,
    nbetaLossErr: lamErr,
    massNear,
    massNearErr,
    evals: maxEvals - budget.left,
    ...(failures.length ? { failure: failures.join('; ') } : {}),
  };
}

/** A certified value, or an error carrying the oracle's reason (for callers that need a number). */
export function certainly(
  e: QuadratureExpectations,
  key: 'logZ' | 'meanLoss' | 'nbetaLoss' | 'massNear',
): number {
  const v = e[key];
  if (v === null)
    throw new RangeError(`quadrature: ${key} not certified (${e.failure ?? 'no reason given'})`);
  return v;
}
