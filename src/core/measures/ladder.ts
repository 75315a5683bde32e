/**
 * Many temperatures (or many n) in one population: walker groups, each at its own n·β, advanced by
 * the same dispatches. Two uses:
 *  - a temperature ladder β_j ∈ [β0/4, 4β0] around β0 = 1/log n, from which λ and the multiplicity
 *    m are fitted from the exact asymptotics of normal crossings (see `fitLadder`);
 *  - a sweep over n (β = 1/log n each): λ̂, WBIC and the posterior mass near w* as functions of n.
 */

import type { InitKind } from '../posterior';
import { wbicBeta } from '../posterior';
import type { EngineConfig, ExchangePair, WalkerEngine } from '../walkers/walker-engine';
import { type BurnInSchedule, initialStep, malaTargetFor } from './burnin';
import type { Diagnostics } from './diagnostics';
import { batchMeansSe } from './llc-run';
import { runMeasurement, type Tally } from './measurement-loop';

export interface GroupRunOptions {
  readonly steps: number;
  readonly burnin: number;
  readonly init: InitKind;
  readonly tuneStep: boolean;
  readonly targetAcceptance?: number;
  /** Ball radius for the mass near w*. */
  readonly radius?: number;
  /** Step-size adaptations during burn-in (BURN_IN_POLICY): 'light' for the app's background jobs. */
  readonly schedule?: BurnInSchedule;
  /**
   * Time batches of the sampling phase for the batch-means SE cross-check (`lambdaHatSeBatch`); each
   * costs a per-group reduction, so it is off (NaN) unless asked for.
   */
  readonly batches?: number;
  readonly onProgress?: (done: number, total: number) => void;
  /** Runs after each sampling batch (e.g. a snapshot of the walkers for PolyShareTracker). */
  readonly afterBatch?: () => Promise<void>;
}

export interface GroupResult {
  readonly nbeta: number;
  /** The group's (tuned) step size. */
  readonly eps: number;
  /** nβ·(E[L_n] − L_n(w*)) for this group. */
  readonly lambdaHat: number;
  /**
   * SE treating the group's walkers as independent chains (each walker's time average is one draw):
   * needs no model of the autocorrelation within a chain.
   */
  readonly lambdaHatSe: number;
  /**
   * Batch-means SE over time of the group's walker-averaged loss, a cross-check of `lambdaHatSe`
   * (NaN unless `batches` was given).
   */
  readonly lambdaHatSeBatch: number;
  /** E_β[L_n] (time- and walker-averaged). */
  readonly meanLoss: number;
  /** Fraction of the group's walkers within `radius` of w* at the end, and its binomial SE. */
  readonly massNear: number;
  readonly massNearSe: number;
  readonly acceptance: number;
  readonly diverged: number;
  readonly walkers: number;
  /** Split-R̂, ESS, stuck walkers… of this group (diagnostics.ts). */
  readonly diagnostics: Diagnostics;
}

/**
 * The measurement loop with a tally per group: burn-in (each group tunes its own ε), then sampling;
 * per-group results.
 */
export async function runGroups(
  engine: WalkerEngine,
  opts: GroupRunOptions,
): Promise<{
  groups: GroupResult[];
  lossAtWstar: number;
  seconds: number;
  /** Swap acceptance of each neighbour pair over the sampling phase (empty without exchange). */
  exchange: ExchangePair[];
}> {
  const t0 = performance.now();
  const traced = opts.batches !== undefined;
  let lossAtWstar = Number.NaN;
  // Per group: the walker-averaged running total at the end of each batch, whose differences are
  // the batch means of the loss (the time trace the batch-means SE is computed from).
  const previous = Array.from({ length: engine.groups }, () => ({ total: 0, samples: 0 }));
  const traces: number[][] = previous.map(() => []);
  const tally: Tally = {
    begin: async () => {
      lossAtWstar = (await engine.evaluate(engine.settings.wstar)).loss[0];
    },
    // Without a trace the batches only pace the progress reports.
    batch: traced
      ? async () => {
          const stats = await engine.readGroupStats({}, { chainMean: lossAtWstar, loss: lossAtWstar });
          stats.forEach((s, g) => {
            const runningTotal = (s.chainMean - lossAtWstar) * s.samples;
            traces[g].push((runningTotal - previous[g].total) / (s.samples - previous[g].samples));
            previous[g] = { total: runningTotal, samples: s.samples };
          });
        }
      : undefined,
  };
  await runMeasurement(
    engine,
    {
      steps: opts.steps,
      burnin: opts.burnin,
      init: opts.init,
      tune: opts.tuneStep, // MALA on its acceptance, ULA on its MH acceptance (burnIn)
      target: opts.targetAcceptance ?? malaTargetFor(engine.settings.landscape.dim),
      schedule: opts.schedule,
      perGroup: true,
      batches: Math.max(traced ? 2 : 1, Math.min(opts.batches ?? 20, opts.steps)),
      onProgress: opts.onProgress,
      afterBatch: opts.afterBatch,
    },
    tally,
  );
  const nbetas = engine.settings.groupNbeta ?? [engine.settings.n * engine.settings.beta];
  const groups: GroupResult[] = [];
  const final = await engine.readGroupStats(
    { center: engine.settings.wstar, radius: opts.radius ?? 0 },
    { chainMean: lossAtWstar, loss: lossAtWstar },
  );
  for (let g = 0; g < engine.groups; g++) {
    const s = final[g];
    const nbeta = nbetas[g];
    groups.push({
      nbeta,
      eps: engine.groupStep(g),
      lambdaHat: nbeta * (s.chainMean - lossAtWstar),
      lambdaHatSe: nbeta * Math.sqrt(s.chainMeanVar / Math.max(1, s.walkers - 1)),
      lambdaHatSeBatch: nbeta * batchMeansSe(traces[g]),
      meanLoss: s.chainMean,
      massNear: s.massNear,
      massNearSe: Math.sqrt(Math.max(s.massNear * (1 - s.massNear), 1 / s.walkers) / s.walkers),
      acceptance: s.acceptance,
      diverged: s.diverged,
      walkers: s.walkers,
      diagnostics: s.diagnostics,
    });
  }
  const exchange = engine.exchanging ? await engine.readExchange() : [];
  return { groups, lossAtWstar, seconds: (performance.now() - t0) / 1000, exchange };
}

/** K values of n·β, log-spaced over [nβ0/4, 4·nβ0] with β0 = 1/log n (the default ladder). */
export function temperatureLadder(n: number, k: number, beta0 = wbicBeta(n), span = 4): number[] {
  if (!Number.isInteger(k) || k < 3) throw new RangeError(`a ladder needs at least 3 temperatures, got ${k}`);
  const lo = Math.log((n * beta0) / span);
  const hi = Math.log(n * beta0 * span);
  return Array.from({ length: k }, (_, j) => Math.exp(lo + ((hi - lo) * j) / (k - 1)));
}

/** n·β = n/log n for each n of a sweep. */
export const sweepNbeta = (ns: readonly number[]): number[] => ns.map((n) => n * wbicBeta(n));

/**
 * The two model families of `fitLadder`, from the exact asymptotics of a normal crossing. With
 * t = nβ and x = log t, Z(t) = ∫ φ e^(−tK) is a sum over the poles of the zeta function ∫ K^z φ:
 * Z ≈ A·t^(−λ)·P(x) + B·t^(−λ−δ)·… with P a polynomial of degree m − 1, so
 * nβ·E_β[K] = −dlog Z/dx = λ − P′(x)/P(x) − (terms in t^(−δ)).
 *  - 'log': P(x) = (x + c)^(m−1): y = λ − (m − 1)/(x + c). Exact for m = 2 (for w1^(2a)·w2^(2a) on
 *    a box, c = −ψ(1/(2a))), the generalisation for m ≥ 2, and flat (m = 1) when the data are.
 *  - 'power': m = 1 with the next pole δ above λ: Z ∝ t^(−λ)(1 − C·t^(−δ)), so
 *    y = λ − δC·e^(−δx)/(1 − C·e^(−δx)). Exact for w1^(2a)·w2^(2b), a ≠ b (δ = 1/(2a) − 1/(2b)),
 *    where the approach to λ is a power of t, not of log t — which the 'log' family mistakes for
 *    m > 1 (it returns λ = 0.27, m = 1.3 for (a, b) = (1, 2) on exact values).
 * Both are fitted; 'power' is reported only when it fits decisively better (Δχ² > 4 at equal
 * parameter count), since on noisy data the two are often indistinguishable.
 */
export type LadderModel = 'log' | 'power';

export const LADDER_MODEL_TEXT: Record<LadderModel, string> = {
  log: 'λ − (m−1)/(log nβ + c)',
  power: 'λ − δC·(nβ)^−δ/(1 − C·(nβ)^−δ)  (m = 1)',
};

export interface LadderFit {
  readonly model: LadderModel;
  /** The fitted curve, in words (for output). */
  readonly formula: string;
  readonly lambda: number;
  readonly lambdaSe: number;
  /** Multiplicity: fitted in 'log', exactly 1 (SE 0) in 'power'. */
  readonly m: number;
  readonly mSe: number;
  /** 'log': the offset c; 'power': the amplitude C. SE null where the data do not determine it. */
  readonly c: number;
  readonly cSe: number | null;
  /** 'power': the gap δ to the next pole (0 in 'log'). */
  readonly delta: number;
  readonly deltaSe: number | null;
  /** Weighted residual sum of squares per degree of freedom (≈ 1 when the model and SEs fit). */
  readonly chi2PerDof: number;
  /** value − fitted curve, per point in input order. */
  readonly residuals: readonly number[];
  /** The other family's fit, for comparison. */
  readonly alternative: {
    readonly model: LadderModel;
    readonly chi2PerDof: number;
    readonly lambda: number;
    readonly m: number;
  };
}

function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r][col]) > Math.abs(m[pivot][col])) pivot = r;
    [m[col], m[pivot]] = [m[pivot], m[col]];
    if (Math.abs(m[col][col]) < 1e-300)
      throw new RangeError('ladder fit is singular: the temperatures are too close');
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = m[r][col] / m[col][col];
      for (let c = col; c <= n; c++) m[r][c] -= f * m[col][c];
    }
  }
  return m.map((row, i) => row[n] / row[i]);
}

/** The fitted curve at x = log nβ. */
export function ladderCurve(
  fit: Pick<LadderFit, 'model' | 'lambda' | 'm' | 'c' | 'delta'>,
  x: number,
): number {
  if (fit.model === 'log') return fit.lambda - (fit.m - 1) / (x + fit.c);
  const e = fit.c * Math.exp(-fit.delta * x);
  return fit.lambda - (fit.delta * e) / (1 - e);
}

interface RawFit {
  /** Parameters: log (λ, m − 1, c); power (λ, δ, C). */
  theta: number[];
  chi2: number;
  /** 'log': c ended on its bound, so it is a constraint of the fit, not a fitted parameter. */
  cAtBound?: boolean;
}

/** Weighted linear least squares of y on the columns; returns coefficients and χ². */
function linearFit(
  cols: number[][],
  y: readonly number[],
  w: readonly number[],
): { beta: number[]; chi2: number } {
  const k = cols.length;
  const a = Array.from({ length: k }, (_, i) =>
    Array.from({ length: k }, (_, j) => cols[i].reduce((s, v, r) => s + w[r] * v * cols[j][r], 0)),
  );
  const b = Array.from({ length: k }, (_, i) => cols[i].reduce((s, v, r) => s + w[r] * v * y[r], 0));
  const beta = solve(a, b);
  const chi2 = y.reduce(
    (s, v, r) => s + w[r] * (v - cols.reduce((t, c, i) => t + beta[i] * c[r], 0)) ** 2,
    0,
  );
  return { beta, chi2 };
}

/** Golden-section minimisation of f on [a, b]. */
function golden(f: (s: number) => number, a: number, b: number, iters = 60): number {
  const r = (Math.sqrt(5) - 1) / 2;
  let c = b - r * (b - a);
  let d = a + r * (b - a);
  let fc = f(c);
  let fd = f(d);
  for (let i = 0; i < iters; i++) {
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - r * (b - a);
      fc = f(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + r * (b - a);
      fd = f(d);
    }
  }
  return 0.5 * (a + b);
}

/**
 * 'log': c profiled over [C_MIN − x_min, C_MAX] (λ and m − 1 linear at each c). The bound keeps
 * the pole off the ladder and c where theory puts it (−ψ(λ) + log of the prior's scale: 1.96 for
 * w1²w2², 4.23 for w1⁴w2⁴, ≈ 1/λ for small λ); unbounded, noisy data slide along c → ∞, m → ∞.
 */
const LOG_C_MIN = 0.5;
const LOG_C_MAX = 20;
function fitLog(x: readonly number[], y: readonly number[], w: readonly number[]): RawFit {
  const xmin = Math.min(...x);
  const lo = Math.log10(LOG_C_MIN);
  const hi = Math.log10(Math.max(LOG_C_MIN * 2, LOG_C_MAX + xmin));
  const at = (s: number) => {
    const c = -xmin + 10 ** s;
    const r = linearFit([x.map(() => 1), x.map((v) => -1 / (v + c))], y, w);
    return { c, ...r };
  };
  let best = lo;
  let bestChi = Number.POSITIVE_INFINITY;
  for (let s = lo; s <= hi + 1e-9; s += (hi - lo) / 100) {
    const chi = at(s).chi2;
    if (chi < bestChi) {
      bestChi = chi;
      best = s;
    }
  }
  const step = (hi - lo) / 100;
  const s = golden((v) => at(v).chi2, Math.max(lo, best - step), Math.min(hi, best + step));
  const r = at(s);
  const edge = 1e-6 * (hi - lo);
  return { theta: [r.beta[0], r.beta[1], r.c], chi2: r.chi2, cAtBound: s <= lo + edge || s >= hi - edge };
}

/** 'power': grid over (δ, q = C·e^(−δ·x_min) < 1), then Nelder–Mead; λ linear at each point. */
function fitPower(x: readonly number[], y: readonly number[], w: readonly number[]): RawFit {
  const xmin = Math.min(...x);
  const at = (logDelta: number, q: number) => {
    const delta = Math.exp(logDelta);
    if (!(q < 1) || !Number.isFinite(delta))
      return { chi2: Number.POSITIVE_INFINITY, lambda: 0, C: 0, delta };
    const C = q * Math.exp(delta * xmin);
    const shape = x.map((v) => {
      const e = C * Math.exp(-delta * v);
      return (delta * e) / (1 - e);
    });
    const r = linearFit(
      [x.map(() => 1)],
      y.map((v, i) => v + shape[i]),
      w,
    );
    return { chi2: r.chi2, lambda: r.beta[0], C, delta };
  };
  let best = [Math.log(0.1), 0];
  let bestChi = Number.POSITIVE_INFINITY;
  const qs = [0, ...Array.from({ length: 25 }, (_, i) => 1 - 10 ** (-0.2 - (3.8 * i) / 24))];
  for (const q0 of [...qs, ...qs.slice(1).map((q) => -q / (1 - q))]) {
    for (let ld = Math.log(0.01); ld <= Math.log(4); ld += 0.15) {
      const chi = at(ld, q0).chi2;
      if (chi < bestChi) {
        bestChi = chi;
        best = [ld, q0];
      }
    }
  }
  // Nelder–Mead on (log δ, q).
  const f = (p: number[]) => at(p[0], p[1]).chi2;
  let simplex = [best, [best[0] + 0.1, best[1]], [best[0], best[1] + (best[1] > 0.5 ? -0.02 : 0.02)]];
  for (let it = 0; it < 400; it++) {
    simplex.sort((a, b) => f(a) - f(b));
    const [b0, b1, worst] = simplex;
    const mid = [(b0[0] + b1[0]) / 2, (b0[1] + b1[1]) / 2];
    const refl = [2 * mid[0] - worst[0], 2 * mid[1] - worst[1]];
    if (f(refl) < f(b0)) {
      const exp = [3 * mid[0] - 2 * worst[0], 3 * mid[1] - 2 * worst[1]];
      simplex[2] = f(exp) < f(refl) ? exp : refl;
    } else if (f(refl) < f(b1)) simplex[2] = refl;
    else {
      const con = [(mid[0] + worst[0]) / 2, (mid[1] + worst[1]) / 2];
      if (f(con) < f(worst)) simplex[2] = con;
      else simplex = simplex.map((p) => [(p[0] + b0[0]) / 2, (p[1] + b0[1]) / 2]);
    }
  }
  simplex.sort((a, b) => f(a) - f(b));
  const r = at(simplex[0][0], simplex[0][1]);
  return { theta: [r.lambda, r.delta, r.C], chi2: r.chi2 };
}

/** Covariance of the parameters from the numerical Jacobian, or null entries where it is singular. */
function covariance(
  model: (theta: number[], x: number) => number,
  theta: number[],
  x: readonly number[],
  w: readonly number[],
): (number | null)[] {
  const k = theta.length;
  const jac = x.map((v) =>
    theta.map((t, i) => {
      const h = 1e-6 * Math.max(1, Math.abs(t));
      const up = [...theta];
      const dn = [...theta];
      up[i] += h;
      dn[i] -= h;
      return (model(up, v) - model(dn, v)) / (2 * h);
    }),
  );
  const a = Array.from({ length: k }, (_, i) =>
    Array.from({ length: k }, (_, j) => jac.reduce((s, row, r) => s + w[r] * row[i] * row[j], 0)),
  );
  const full = (() => {
    try {
      const d = theta.map(
        (_, i) =>
          solve(
            a,
            theta.map((__, j) => (i === j ? 1 : 0)),
          )[i],
      );
      return d.every((v) => Number.isFinite(v) && v >= 0) ? d.map(Math.sqrt) : null;
    } catch {
      return null;
    }
  })();
  if (full) return full;
  // Not identified (e.g. a flat curve leaves c free): SEs of λ and the amplitude given the rest.
  const sub = a.slice(0, 2).map((row) => row.slice(0, 2));
  try {
    const d = [0, 1].map(
      (i) =>
        solve(
          sub,
          [0, 1].map((j) => (i === j ? 1 : 0)),
        )[i],
    );
    return [...d.map((v) => (v >= 0 ? Math.sqrt(v) : null)), ...theta.slice(2).map(() => null)];
  } catch {
    return theta.map(() => null);
  }
}

/**
 * Fits nβ·E_β[K] over a ladder with both families of `LadderModel` (weights 1/SE²) and reports the
 * log family unless the power family fits decisively better. SEs from the Jacobian at the optimum.
 */
export function fitLadder(points: readonly { nbeta: number; value: number; se: number }[]): LadderFit {
  if (points.length < 3) throw new RangeError('a ladder fit needs at least 3 temperatures (3 parameters)');
  const x = points.map((p) => Math.log(p.nbeta));
  const y = points.map((p) => p.value);
  const w = points.map((p) => 1 / Math.max(p.se, 1e-12) ** 2);
  if (!y.every(Number.isFinite)) throw new RangeError('ladder values must be finite numbers');
  const dof = points.length - 3;
  const logFit = fitLog(x, y, w);
  const powFit = fitPower(x, y, w);
  const usePower = powFit.chi2 < logFit.chi2 - 4;
  const curve = (model: LadderModel) => (t: number[], v: number) =>
    ladderCurve(
      model === 'log'
        ? { model, lambda: t[0], m: t[1] + 1, c: t[2], delta: 0 }
        : { model, lambda: t[0], m: 1, c: t[2], delta: t[1] },
      v,
    );
  const chosen = usePower ? powFit : logFit;
  const model: LadderModel = usePower ? 'power' : 'log';
  // A c held on its bound (flat data: any large c fits) is a constraint, not a free parameter: λ's and
  // m's SEs are conditional on it, as for any parameter at an active bound. Left free, the Jacobian
  // would trade m against c along a direction the bound has already closed, and report m ± 7 for a
  // ladder of λ̂ = 1.000 ± 0.0015 at every rung.
  const se =
    !usePower && logFit.cAtBound
      ? [
          ...covariance(
            (t, v) => curve(model)([t[0], t[1], chosen.theta[2]], v),
            chosen.theta.slice(0, 2),
            x,
            w,
          ),
          null,
        ]
      : covariance(curve(model), chosen.theta, x, w);
  const [lambda, second, c] = chosen.theta;
  const fit = {
    model,
    formula: LADDER_MODEL_TEXT[model],
    lambda,
    lambdaSe: se[0] ?? Number.NaN,
    m: usePower ? 1 : second + 1,
    mSe: usePower ? 0 : (se[1] ?? Number.NaN),
    c,
    cSe: se[2],
    delta: usePower ? second : 0,
    deltaSe: usePower ? se[1] : 0,
    chi2PerDof: chosen.chi2 / Math.max(1, dof),
  };
  if (!Number.isFinite(fit.lambdaSe) || !Number.isFinite(fit.mSe))
    throw new RangeError('ladder fit is singular: the temperatures do not determine λ and m');
  const other = usePower ? logFit : powFit;
  return {
    ...fit,
    residuals: x.map((v, i) => y[i] - ladderCurve(fit, v)),
    alternative: {
      model: usePower ? 'log' : 'power',
      chi2PerDof: other.chi2 / Math.max(1, dof),
      lambda: other.theta[0],
      m: usePower ? other.theta[1] + 1 : 1,
    },
  };
}

/** A starting step size for each group, from its own n·β (then tuned per group). */
export function ladderInitialSteps(cfg: Pick<EngineConfig, 'prior' | 'groupNbeta' | 'n' | 'beta'>): number[] {
  return (cfg.groupNbeta ?? [cfg.n * cfg.beta]).map((nbeta) =>
    initialStep({ n: nbeta, beta: 1, prior: cfg.prior }),
  );
}
