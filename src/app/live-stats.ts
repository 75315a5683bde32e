/**
 * Live statistics of the running walkers: the frame loop (and offline capture) kick off readbacks of
 * the engine's statistics and of the walker histogram, at most one of each in flight; when they land
 * this turns them into the HUD's numbers (λ̂ and its standard error, acceptance, mixing, the result
 * check), the λ̂ chart's samples, and the density panel with its TV distance to the exact masses.
 */

import { BURN_IN_POLICY } from '../core/measures/burnin';
import { liveMixing, STUCK_MIN_WINDOW } from '../core/measures/diagnostics';
import { runFailure } from '../core/measures/result-check';
import type { WalkerEngine, WalkerStats } from '../core/walkers/walker-engine';
import type { WalkerHistogram } from '../gpu/walker-histogram';
import { type Derived, MIN_WALKERS_FOR_TV } from '../scene/derive';
import type { SceneState } from '../scene/schema';
import type { FunctionSpaceStats } from './jobs/function-space-stream';
import type { SgdBayesStats } from './jobs/sgd-bayes-stream';
import type { AnalysisPanel } from './view/charts/analysis-panel';
import type { DensityPanel } from './view/density-panel';

/** The part of the lab's statistics that the readbacks write. */
export interface LiveReadings {
  acceptance: number;
  diverged: number;
  meanLoss: number;
  lambdaHat: number;
  massNear: number;
  /**
   * Why the walkers' numbers are not results yet (e.g. "R̂ = 1.40": the two starts disagree), or null
   * when the live checks pass (diagnostics.ts liveMixing). The HUD and charts flag them meanwhile.
   */
  mixing: string | null;
  tv: number | null;
  /**
   * The TV distance expected from sampling noise alone if the walkers were exact independent draws:
   * ½·Σ E|X_i/N − p_i| ≈ ½·Σ √(2p_i(1 − p_i)/(πN)) (normal approximation to each binomial cell count).
   */
  tvNoise: number | null;
  insideFraction: number | null;
  histograms: number;
  /** Standard error of λ̂ across walkers (independent chains): nβ·√(Var L / N). */
  lambdaSe: number;
  /**
   * Why λ̂ is no result (non-finite, walkers never moved, L_n(w*) not finite; src/core/measures/result-check.ts),
   * or null: the HUD flags it and a notice says it once (issue 16).
   */
  resultProblem: string | null;
  /** The step at which the walkers last restarted or their posterior changed: the live warm-up's start. */
  warmupFrom: number;
}

/** The HUD's statistics: the walkers' readings above and the frame loop's own (lab.ts fills those). */
export interface LabStats extends LiveReadings {
  frames: number;
  fps: number;
  walkerStepsPerSec: number;
  walkers: number;
  step: number;
  massRadius: number;
  exactReady: boolean;
  lastFrameMs: number;
  /** L_n(w*) of the applied landscape. */
  lossAtWstar: number;
  /** Surfaces computed so far, and the sum of the last one's raw heights (tests: did it change?). */
  surfaces: number;
  surfaceChecksum: number;
  /** The last rebuild failure (e.g. a WGSL compilation message), or null once a rebuild succeeds. */
  buildError: string | null;
  /** Function-space mode (random networks): progress and table totals; null in walker mode. */
  functionSpace: FunctionSpaceStats | null;
  /** SGD-vs-Bayes mode: both sides' progress and the correlation; null otherwise. */
  sgdBayes: SgdBayesStats | null;
  /** Polynomial model: share of walkers nearest to 1, x, …, x⁴ (last reading), and readings so far. */
  polyShares: readonly number[] | null;
  /** Whether those shares' two starts agree (null: one start, untested; or no reading). */
  polySharesMixed: boolean | null;
  polyReadings: number;
  /** Steps the last stepping frame took (the frame budget may take fewer than asked; 0: none yet). */
  stepsPerFrame: number;
  /** What the software GPU's frame budget changes (render scale, fewer steps), or null: nothing. */
  frameBudget: string | null;
  /** Which kernels step the live walkers: the GPU's WGSL, or the CPU backend (software adapters). */
  walkerBackend: 'gpu' | 'cpu';
}

/** What the readbacks read from and write to: the lab. */
export interface LiveStatsHost {
  readonly stats: LiveReadings;
  readonly analysis: AnalysisPanel;
  readonly density: DensityPanel;
  state(): SceneState;
  /** The running engine: a readback from one since replaced is dropped. */
  engine(): WalkerEngine | null;
  /** The running histogram, null once the lab is disposed: a readback from another one is dropped. */
  histogram(): WalkerHistogram | null;
  /** L_n(w*) of the applied landscape. */
  lossAtWstar(): number;
  /** The exact cell masses for this window and bin count, or null (none computed for them, or d > 2). */
  exact(window: Derived['window'], bins: number): Float64Array | null;
  notice(text: string, kind: 'info' | 'warn' | 'error'): void;
}

/**
 * Why a live reading is not a result yet because the walkers are still burning in: the first
 * BURN_IN_POLICY.defaultBurnin steps (the CLI's default burn-in) after a restart or a change of the
 * posterior, or null once they are past it. Before that the walkers remember where they started,
 * so λ̂ is a transient (e.g. 0.355 at step 200 on the crossing, whose value is 0.388), whatever the
 * mixing checks say about the two starts.
 */
export function warmupNote(step: number, warmupFrom: number): string | null {
  const done = Math.max(0, step - warmupFrom);
  const need = BURN_IN_POLICY.defaultBurnin;
  return done < need ? `burning in: step ${done} of ${need}` : null;
}

/** Each cell's share of the walkers inside the window (all zero when none is inside). */
export function cellShares(counts: ArrayLike<number>, inside: number): Float64Array {
  const p = new Float64Array(counts.length);
  if (inside > 0) for (let i = 0; i < p.length; i++) p[i] = counts[i] / inside;
  return p;
}

/**
 * TV distance ½·Σ|p_i − q_i| of the walkers' shares `p` to the exact masses `q`, and the distance
 * sampling noise alone would give `inside` exact independent draws (see LiveReadings.tvNoise).
 */
export function tvDistance(
  p: ArrayLike<number>,
  exact: ArrayLike<number>,
  inside: number,
): { tv: number; noise: number } {
  let sum = 0;
  let noise = 0;
  for (let i = 0; i < p.length; i++) {
    sum += Math.abs(p[i] - exact[i]);
    noise += Math.sqrt((2 * exact[i] * (1 - exact[i])) / (Math.PI * inside));
  }
  return { tv: 0.5 * sum, noise: 0.5 * noise };
}

export class LiveStats {
  private statsPending = false;
  private histPending = false;
  /** The last stats and histogram readbacks: offline capture awaits them. */
  private statsRead: Promise<void> = Promise.resolve();
  private histRead: Promise<void> = Promise.resolve();
  /** Steps since the engine's acceptance counters were cleared: the acceptance window. */
  stepsSinceClear = 0;
  /** Stuck walkers at the last reading over an acceptance window of ≥ STUCK_MIN_WINDOW steps. */
  private stuck = 0;

  constructor(private readonly host: LiveStatsHost) {}

  /** The walkers (re)started: a new acceptance window, no stuck count yet. */
  restart(): void {
    this.stepsSinceClear = 0;
    this.stuck = 0;
  }

  /** Resolves once the readbacks in flight have landed. */
  async landed(): Promise<void> {
    await Promise.all([this.statsRead, this.histRead]);
  }

  readStats(engine: WalkerEngine, d: Derived): Promise<void> | undefined {
    if (this.statsPending) return;
    this.statsPending = true;
    const stats = this.host.stats;
    // The engine's acceptance window is the steps since the last clear (both are cleared together).
    const window = this.stepsSinceClear;
    this.statsRead = engine
      .readStats({ center: d.singularPoint, radius: d.massRadius })
      .then((st: WalkerStats) => {
        if (engine !== this.host.engine()) return;
        const lossAtWstar = this.host.lossAtWstar();
        if (Number.isFinite(st.acceptance)) stats.acceptance = st.acceptance;
        stats.diverged = st.diverged;
        stats.meanLoss = st.meanLoss;
        stats.lambdaHat = d.nbeta * (st.meanLoss - lossAtWstar);
        // Walkers are independent chains: the SE of their mean loss is √(Var/N) at any one step.
        stats.lambdaSe = d.nbeta * Math.sqrt(st.varLoss / Math.max(1, st.walkers - 1));
        stats.massNear = st.massNear;
        this.flagResult(engine, st);
        // Stuck walkers are only counted over windows long enough to tell (the last such reading).
        if (window >= STUCK_MIN_WINDOW) this.stuck = st.diagnostics.stuck;
        stats.mixing = liveMixing({ ...st.diagnostics, stuck: this.stuck, startsNow: st.startsNow });
        this.host.analysis.pushLlc({
          step: engine.step,
          lambdaHat: stats.lambdaHat,
          lambdaSe: stats.lambdaSe,
          meanLoss: st.meanLoss,
          sdLoss: Math.sqrt(st.varLoss),
          lossAtWstar,
          acceptance: st.acceptance,
          mixing: stats.mixing,
          warmup: warmupNote(engine.step, stats.warmupFrom),
        });
        if (this.stepsSinceClear >= 64) {
          engine.clearCounters();
          this.stepsSinceClear = 0;
        }
      })
      .catch(() => {
        // The engine was replaced or the device lost mid-readback: the next frame reads again.
      })
      .finally(() => {
        this.statsPending = false;
      });
    return this.statsRead;
  }

  /** The CLI's rule for a result, applied to the live λ̂; a new problem is announced once. */
  private flagResult(engine: WalkerEngine, st: WalkerStats): void {
    const stats = this.host.stats;
    const problem =
      runFailure(
        {
          values: { λ̂: stats.lambdaHat, 'mean loss': st.meanLoss, 'L_n(w*)': this.host.lossAtWstar() },
          sampler: engine.settings.sampler,
          // The counters hold at least one step's worth of proposals before acceptance is finite.
          acceptance: Number.isFinite(st.acceptance) ? st.acceptance : 1,
          diverged: 0,
          walkerSteps: Number.POSITIVE_INFINITY,
          eps: engine.settings.eps,
          stepGiven: true,
          stepName: 'step ε',
        },
        engine.settings,
      ) ?? null;
    // An error notice: it stays until dismissed, like the HUD's flag (a warning would fade in 9 s).
    if (problem && problem !== stats.resultProblem) this.host.notice(problem, 'error');
    stats.resultProblem = problem;
  }

  readHistogram(d: Derived): Promise<void> | undefined {
    const hist = this.host.histogram();
    if (!hist || this.histPending || hist.busy) return;
    this.histPending = true;
    const s = this.host.state();
    const stats = this.host.stats;
    this.histRead = hist
      .read(d.window)
      .then((h) => {
        if (hist !== this.host.histogram()) return;
        const p = cellShares(h.counts, h.inside);
        const exact = this.host.exact(h.window, h.bins);
        let tv: number | null = null;
        // Below ~1000 walkers in the window a TV distance says more about noise than about the sampler.
        if (exact && h.inside >= MIN_WALKERS_FOR_TV) {
          const t = tvDistance(p, exact, h.inside);
          tv = t.tv;
          stats.tvNoise = t.noise;
        }
        if (tv === null) stats.tvNoise = null;
        stats.tv = tv;
        stats.insideFraction = h.inside / h.walkers;
        stats.histograms++;
        if (s.density) {
          this.host.density.draw({
            bins: h.bins,
            window: h.window,
            walkers: p,
            exact,
            colormap: s.colormap,
            // A slice (d > 2) has no exact 2-D density to compare with.
            showExact: s.exact && d.landscape.dim === 2,
            tv,
            tvNoise: stats.tvNoise,
            insideFraction: stats.insideFraction,
            axes: d.slice?.axes,
          });
        }
      })
      .catch(() => {})
      .finally(() => {
        this.histPending = false;
      });
    return this.histRead;
  }
}
