/**
 * The one burn-in and step-tuning policy of every measurement (llc, groups, ladders, sweeps,
 * calibrate, which-function, generalisation, the app's background jobs): its constants in
 * BURN_IN_POLICY, the first step (initialStep), the target (malaTargetFor), how many tuning rounds a
 * burn-in gets (burnInChunks, with the app's light schedule as a named option), and the burn-in itself
 * (burnIn).
 */

import { autoStep } from '../posterior';
import type { EngineConfig, PreconditionKind, WalkerEngine } from '../walkers/walker-engine';

/**
 * The burn-in and tuning policy, every constant in one place.
 *
 * - MALA's step is tuned toward `malaTarget` = 0.57 acceptance above 2 dimensions, MALA's optimum
 *   (Roberts & Rosenthal 1998; asymptotic in the dimension, for smooth product targets), and toward
 *   `malaTargetLowDim` = 0.8 in 1–2 dimensions (measured: see the constant). Measured on SwiftShader (box:2,
 *   n = 1000, 512 walkers, 2000 steps after 1000, --init mixed, seed 3; 0.57 vs the former 0.8):
 *   crossing (1,1): R̂ 1.44 vs 12.5, λ̂ 0.418 ± 0.025 vs 0.744 ± 0.344 (neither mixed, 0.57 far
 *   closer); crossing (2,1): λ̂ 0.250 ± 0.014 vs 2.84 ± 0.64 (exact λ = 1/4), R̂ 1.23 vs 8.7 — the
 *   larger step (ε 0.197 vs 0.030) moves walkers along the singular arms; bowl: λ̂ 1.0004 ± 0.0016
 *   vs 1.0028 ± 0.0013 and min-crossing 0.4874 ± 0.0012 vs 0.4880 ± 0.0009 (the same), with the
 *   loss's ESS per walker-step 0.39 vs 0.57 and 0.34 vs 0.56: 0.8 is ~1.5× more efficient on smooth
 *   2-D bowls, 0.57 is the one that mixes on the singular scenes the lab is about. The HUD's
 *   "healthy" band (src/app/ui/hud.ts, src/app/view/charts/analysis-panel.ts) is `malaHealthy` around it.
 * - ULA's step is tuned on its own bias diagnostic, the MH acceptance MALA would have given its
 *   moves, toward the acceptance at which the Gaussian-case bias is `ulaTuneBias`; a run whose
 *   acceptance falls below the one for `ulaFlagBias` is flagged as biased (ulaAcceptanceThreshold).
 * - Preconditioning ('diag'): during the first `metricFraction` of the burn-in chunks the proposal
 *   metric M of each group is set (after chunks 1, 2, 4, … and the window's last) to the
 *   population's variances, normalised to mean 1 and clamped to [1/metricClamp, metricClamp]; then
 *   M is frozen, ε keeps tuning, and sampling runs with both fixed, so MALA is exact. Measured on
 *   the issue-11 runs (SwiftShader, 1024 walkers): λ̂ unchanged from the prior (0.4988 both ways on
 *   poly:1,1,1,1,1; 0.2345 vs 0.2347 on w1²w2⁴), the tuned ε 1.3–1.6× larger at the same acceptance,
 *   and the w*-start of w1²w2⁴ at n = 3·10⁴ closer to the prior-start value (0.2316 vs 0.2283, the
 *   slow equilibration of issue 11 item 3): never worse, hence the default.
 * - Preconditioning ('full', D ≤ 16): the same window and refits, with M the population's covariance
 *   matrix (cross moments reduced on the GPU, added in f64 on the host), normalised to mean diagonal 1
 *   and regularised by adding I/metricClamp (so M's condition number is at most ~D·metricClamp and its
 *   Cholesky factor exists), factored on the host in f64 and uploaded; frozen with ε, so MALA is
 *   exact with the Gaussian density of that metric. With a box prior the folded proposal's density
 *   factorises over coordinates only for a diagonal M (a correlated Gaussian's fold would need a sum
 *   over the images of all coordinates jointly), so under 'full' moves that leave the box are
 *   rejected instead of folded: exact, but walls can trap walkers again (the stuck count reports
 *   it), which is why 'diag' stays the default. With a Gaussian prior there is no wall.
 * - For a box prior the tuner keeps the proposal's noise √(ε·M_j) below the box half-width R.
 */
export const BURN_IN_POLICY = {
  /** MALA's target above `malaLowDimMax` dimensions (the d → ∞ optimum). */
  malaTarget: 0.57,
  /**
   * MALA's target in 1 and 2 dimensions. 0.574 is an asymptotic result; in low dimension the optimum
   * is higher, and on the quick start's scene (crossing, n = 10⁴, box:1, 1024 walkers, mixed start,
   * seeds 1–3) 0.57 left 3–4 walkers accepting under 5 % and R̂ 1.048–1.099 (λ̂ 0.380–0.390 ±
   * 0.0045–0.0077: not converged), where 0.8 gave R̂ 1.003 and λ̂ 0.3882–0.3890 ± 0.0012 (converged;
   * the exact finite-n value is 0.3883). The larger step of 0.57 sends walkers out along the arms of
   * the crossing, where the curvature across the arm is large and a global step is too long.
   */
  malaTargetLowDim: 0.8,
  malaLowDimMax: 2,
  /**
   * Healthy band of MALA acceptance shown in the HUD, around both targets: MALA's efficiency is flat
   * near its optimum; tuned runs sit at 0.54–0.58 (d > 2) and 0.79–0.81 (d ≤ 2).
   */
  malaHealthy: [0.4, 0.9] as const,
  ulaTuneBias: 0.02,
  ulaFlagBias: 0.05,
  metricFraction: 0.5,
  metricClamp: 1e3,
  /** Largest change of ε per tuning round (ULA's power-law tuner). */
  maxStepFactor: 4,
  /** A tuned burn-in adapts once per `stepsPerRound` steps, at most `maxRounds` times (the CLI's runs). */
  stepsPerRound: 25,
  maxRounds: 40,
  /**
   * The 'light' schedule's cap: each round is a GPU round trip, about a frame in a browser, so the
   * app's background jobs (and generalisation, which the app runs too) adapt at most 12 times (ε
   * settles within ~10 multiplicative steps of its initial guess).
   */
  lightMaxRounds: 12,
  /**
   * Burn-in steps when nobody chooses: the CLI's --burnin default, and the live view's warm-up (its
   * λ̂ is flagged "burning in" for this many steps after the walkers restart or the posterior changes).
   */
  defaultBurnin: 1000,
  defaultPrecondition: 'diag' as PreconditionKind,
} as const;

/** Multiplicative Robbins–Monro step: ε grows when acceptance is above target, shrinks below. */
export function tunedStep(eps: number, acceptance: number, target: number): number {
  const next = eps * Math.exp(2 * (acceptance - target));
  return Number.isFinite(next) && next > 0 ? next : eps;
}

/** Standard normal CDF (Abramowitz–Stegun 7.1.26 via erf, |error| < 1.5e-7). */
function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const poly =
    t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-z * z);
  return x >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

/**
 * The MH acceptance MALA would give ULA's moves on a D-dimensional Gaussian target when ULA's
 * relative bias of λ̂ (and of the variance) is `bias`. On U = a|w|²/2 with h = εa, ULA is the AR(1)
 * process w' = (1 − h/2)w + √ε·ξ, stationary variance 1/(a(1 − h/4)): λ̂ = nβ·E[L − L*] is biased by
 * the factor 1/(1 − h/4), so bias b ⇔ h = 4b/(1 + b). The MH log-ratio of that move is exactly
 * Δ = (h/8)·(|x|² − |y|²)·a (the cross terms cancel), which at small h is ≈ N(−σ²/2, σ²) with
 * σ = h^{3/2}·√D/4, so E[min(1, e^Δ)] = 2Φ(−σ/2). (tests/core/measures/ula-threshold.test.ts checks this
 * against a Monte Carlo of the exact Δ.)
 */
export function ulaAcceptanceForBias(bias: number, dim: number): number {
  const h = (4 * bias) / (1 + bias);
  const sigma = (h ** 1.5 * Math.sqrt(dim)) / 4;
  return 2 * normalCdf(-sigma / 2);
}

/** Below this MH acceptance a ULA result is flagged as biased (Gaussian-case bias above ulaFlagBias). */
export const ulaAcceptanceThreshold = (dim: number): number =>
  ulaAcceptanceForBias(BURN_IN_POLICY.ulaFlagBias, dim);

/**
 * A ULA step whose MH acceptance would sit at `target` (rejection 1 − α ∝ ε^{3/2}, the Gaussian
 * law above): ε·((1 − target)/(1 − α))^{2/3}, at most a factor maxStepFactor either way. Also the step
 * the stderr warning suggests.
 */
export function ulaTunedStep(eps: number, acceptance: number, target: number, proposals = 1e9): number {
  const reject = Math.max(1 - acceptance, 1 / Math.max(1, proposals));
  const f = Math.min(
    BURN_IN_POLICY.maxStepFactor,
    Math.max(1 / BURN_IN_POLICY.maxStepFactor, ((1 - target) / reject) ** (2 / 3)),
  );
  const next = eps * f;
  return Number.isFinite(next) && next > 0 ? next : eps;
}

/** 'standard': up to BURN_IN_POLICY.maxRounds tuning rounds; 'light': up to lightMaxRounds. */
export type BurnInSchedule = 'standard' | 'light';

/** Chunks of a burn-in of `burnin` steps: one per tuning round when tuned, else one. */
export function burnInChunks(burnin: number, tune: boolean, schedule: BurnInSchedule = 'standard'): number {
  if (!tune) return 1;
  const max = schedule === 'light' ? BURN_IN_POLICY.lightMaxRounds : BURN_IN_POLICY.maxRounds;
  return Math.max(1, Math.min(max, Math.floor(burnin / BURN_IN_POLICY.stepsPerRound)));
}

/** Steps in chunk i when `total` steps are split into `chunks` near-equal chunks. */
export const chunkSteps = (total: number, chunks: number, i: number): number =>
  Math.floor((total * (i + 1)) / chunks) - Math.floor((total * i) / chunks);

/** A diagonal metric from population variances: normalised to mean 1, clamped (BURN_IN_POLICY). */
export function metricFromVariances(variance: readonly number[]): number[] {
  const mean = variance.reduce((a, v) => a + v, 0) / variance.length;
  if (!(mean > 1e-30) || !Number.isFinite(mean)) return variance.map(() => 1);
  const c = BURN_IN_POLICY.metricClamp;
  return variance.map((v) => Math.min(c, Math.max(1 / c, v / mean)));
}

/**
 * A dense metric from a population covariance (BURN_IN_POLICY 'full'): M = C/mean(diag C) + I/metricClamp,
 * its diagonal and its lower Cholesky factor packed by rows (f64 here, f32 on the GPU). Identity when
 * the covariance is degenerate or not finite (a population collapsed to a point has no shape to use).
 */
export function metricFromCovariance(cov: readonly (readonly number[])[]): {
  diag: number[];
  factor: number[];
} {
  const d = cov.length;
  const identity = () => ({
    diag: new Array<number>(d).fill(1),
    factor: Array.from({ length: (d * (d + 1)) / 2 }, (_, i) => {
      const r = Math.floor((Math.sqrt(8 * i + 1) - 1) / 2);
      return i === (r * (r + 3)) / 2 ? 1 : 0;
    }),
  });
  const scale = cov.reduce((a, row, j) => a + row[j], 0) / d;
  if (!(scale > 1e-30) || !Number.isFinite(scale)) return identity();
  const floor = 1 / BURN_IN_POLICY.metricClamp;
  const m = cov.map((row, j) => row.map((x, k) => (x + cov[k][j]) / 2 / scale + (j === k ? floor : 0)));
  const l = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  for (let j = 0; j < d; j++) {
    for (let k = 0; k <= j; k++) {
      let s = m[j][k];
      for (let i = 0; i < k; i++) s -= l[j][i] * l[k][i];
      if (j === k) {
        if (!(s > 0) || !Number.isFinite(s)) return identity();
        l[j][j] = Math.sqrt(s);
      } else l[j][k] = s / l[k][k];
    }
  }
  return { diag: m.map((row, j) => row[j]), factor: l.flatMap((row, j) => row.slice(0, j + 1)) };
}

/** The largest ε whose proposal noise √(ε·M_j) stays within a box prior's half-width. */
function boxStepCap(engine: WalkerEngine, g: number): number {
  const p = engine.settings.prior;
  if (p.kind !== 'box') return Number.POSITIVE_INFINITY;
  return p.scale ** 2 / Math.max(...engine.groupMetric(g));
}

/**
 * Burn-in in burnInChunks chunks, the counters cleared before each. With `tune`, after each non-empty
 * chunk the step moves toward its target (MALA: acceptance `target`; ULA: its MH-acceptance target,
 * BURN_IN_POLICY): ε, or with `perGroup` each group's ε (a colder group needs a smaller step); and,
 * unless the engine's `precondition` is 'none', in the first metricFraction of the chunks each group's
 * proposal metric becomes its population's variances. `beforeChunk` runs first in each chunk,
 * `afterChunk` last, with its steps.
 */
export async function burnIn(
  engine: WalkerEngine,
  opts: {
    readonly burnin: number;
    readonly tune: boolean;
    readonly schedule?: BurnInSchedule;
    readonly target: number;
    readonly perGroup: boolean;
    readonly beforeChunk?: () => void;
    readonly afterChunk?: (steps: number) => void;
    /** Steps the GPU has completed within the current chunk (progress of long chunks). */
    readonly during?: (steps: number) => void;
  },
): Promise<void> {
  const ula = engine.settings.sampler === 'ula';
  const ulaTarget = ulaAcceptanceForBias(BURN_IN_POLICY.ulaTuneBias, engine.dim);
  const kind = engine.settings.precondition ?? BURN_IN_POLICY.defaultPrecondition;
  const precondition = kind !== 'none';
  const chunks = burnInChunks(opts.burnin, opts.tune, opts.schedule);
  const metricChunks = opts.tune && precondition ? Math.floor(chunks * BURN_IN_POLICY.metricFraction) : 0;
  for (let c = 0; c < chunks; c++) {
    opts.beforeChunk?.();
    const k = chunkSteps(opts.burnin, chunks, c);
    engine.clearCounters();
    await engine.run(k, opts.during);
    if (opts.tune && k > 0) {
      // The metric is refitted after chunks 1, 2, 4, 8, … of its window (each fit is a GPU sync and
      // readback; later fits see a population closer to equilibrium), and always after its last chunk.
      const refit = ((c + 1) & c) === 0 || c === metricChunks - 1;
      if (c < metricChunks && refit) {
        if (kind === 'full') {
          const metrics = (await engine.readGroupCovariances()).map((m) =>
            metricFromCovariance(m.covariance ?? []),
          );
          engine.update({ metric: metrics.map((m) => m.diag), metricFactor: metrics.map((m) => m.factor) });
        } else {
          const moments = await engine.readGroupMoments();
          engine.update({ metric: moments.map((m) => metricFromVariances(m.variance)) });
        }
      }
      const next = (g: number, eps: number, acceptance: number, walkers: number) =>
        Math.min(
          boxStepCap(engine, g),
          ula
            ? ulaTunedStep(eps, acceptance, ulaTarget, walkers * k)
            : tunedStep(eps, acceptance, opts.target),
        );
      if (opts.perGroup) {
        const stats = await engine.readGroupStats();
        engine.update({
          groupEps: stats.map((st, g) => next(g, engine.groupStep(g), st.acceptance, st.walkers)),
        });
      } else {
        const s = await engine.readStats();
        engine.update({ eps: next(0, engine.settings.eps, s.acceptance, s.walkers) });
      }
    }
    opts.afterChunk?.(k);
  }
}

/** The acceptance MALA's step is tuned toward in `dim` dimensions (BURN_IN_POLICY). */
export function malaTargetFor(dim: number): number {
  return dim <= BURN_IN_POLICY.malaLowDimMax ? BURN_IN_POLICY.malaTargetLowDim : BURN_IN_POLICY.malaTarget;
}

/** A first guess for ε, tuned during burn-in: the automatic step (src/core/posterior.ts). */
export function initialStep(cfg: Pick<EngineConfig, 'n' | 'beta' | 'prior'>): number {
  return autoStep(cfg);
}
