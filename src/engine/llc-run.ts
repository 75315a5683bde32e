/**
 * One LLC measurement, as the CLI, the tests and the benchmarks run it: start the walkers (at w* or
 * from the prior), burn in (tuning the MALA step toward a target acceptance unless a step is given),
 * then sample with every step's loss accumulated per walker.
 *
 * λ̂ = nβ·(E_w[L_n(w)] − L_n(w*)) (devinterp's estimator). Its standard error treats the walkers as
 * independent chains: each walker's time-average is one draw, so SE = nβ·sd(chain means)/√N, with no
 * assumption about autocorrelation within a chain. With fewer than MIN_WALKERS_FOR_SE walkers, batch
 * means over time (of the walker-averaged loss) are used instead.
 */

import type { Diagnostics } from './diagnostics';
import type { InitKind } from './posterior';
import type { EngineConfig, WalkerEngine, WalkerStats } from './walker-engine';

export interface LlcOptions extends EngineConfig {
  readonly steps: number;
  readonly burnin: number;
  readonly init: InitKind;
  /** Tune ε during burn-in toward `targetAcceptance` (MALA only). */
  readonly tuneStep: boolean;
  readonly targetAcceptance?: number;
  /** Number of time batches (batch means, loss trace). */
  readonly batches?: number;
  /** Radius of the "mass near w*" ball (0: not measured). */
  readonly radius?: number;
  /** Called with (stepsDone, stepsTotal) after each chunk. */
  readonly onProgress?: (done: number, total: number) => void;
}

export interface LlcResult {
  readonly lambdaHat: number;
  readonly lambdaHatSe: number;
  /** Batch-means standard error (over time), reported as a cross-check. */
  readonly lambdaHatSeBatch: number;
  readonly meanLoss: number;
  readonly lossAtWstar: number;
  readonly nbeta: number;
  readonly eps: number;
  readonly acceptance: number;
  readonly diverged: number;
  readonly massNear: number;
  /** Split-R̂, ESS, stuck walkers…: whether the walkers mixed (diagnostics.ts). */
  readonly diagnostics: Diagnostics;
  /** Walker-averaged loss of each time batch: the loss trace. */
  readonly lossTrace: readonly number[];
  readonly seconds: number;
}

export const MIN_WALKERS_FOR_SE = 16;

const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

/**
 * Batch-means standard error of the overall mean of a series of equal-length time batches:
 * sd(batch means)/√batches. Honest while batches are longer than the autocorrelation time; a drift
 * (walkers still equilibrating) inflates it, which is what makes it a useful cross-check.
 */
export function batchMeansSe(batchMeans: readonly number[]): number {
  if (batchMeans.length < 2) return Number.NaN;
  const m = mean(batchMeans);
  const v = batchMeans.reduce((acc, x) => acc + (x - m) ** 2, 0) / (batchMeans.length - 1);
  return Math.sqrt(v / batchMeans.length);
}

/** Multiplicative Robbins–Monro step: ε grows when acceptance is above target, shrinks below. */
export function tunedStep(eps: number, acceptance: number, target: number): number {
  const next = eps * Math.exp(2 * (acceptance - target));
  return Number.isFinite(next) && next > 0 ? next : eps;
}

/** Steps in chunk i when `total` steps are split into `chunks` near-equal chunks. */
export const chunkSteps = (total: number, chunks: number, i: number): number =>
  Math.floor((total * (i + 1)) / chunks) - Math.floor((total * i) / chunks);

/**
 * Burn-in in `chunks` chunks, the counters cleared before each. With `tune`, after each non-empty
 * chunk the MALA step moves toward acceptance `target`: ε, or with `perGroup` each group's ε (a colder
 * group needs a smaller step). `beforeChunk` runs first in each chunk, `afterChunk` last, with its steps.
 */
export async function burnIn(
  engine: WalkerEngine,
  opts: {
    readonly burnin: number;
    readonly chunks: number;
    readonly tune: boolean;
    readonly target: number;
    readonly perGroup: boolean;
    readonly beforeChunk?: () => void;
    readonly afterChunk?: (steps: number) => void;
  },
): Promise<void> {
  for (let c = 0; c < opts.chunks; c++) {
    opts.beforeChunk?.();
    const k = chunkSteps(opts.burnin, opts.chunks, c);
    engine.clearCounters();
    engine.advance(k);
    if (opts.tune && k > 0) {
      if (opts.perGroup) {
        const stats = await engine.readGroupStats();
        engine.update({
          groupEps: stats.map((st, g) => tunedStep(engine.groupStep(g), st.acceptance, opts.target)),
        });
      } else {
        const s = await engine.readStats();
        engine.update({ eps: tunedStep(engine.settings.eps, s.acceptance, opts.target) });
      }
    }
    opts.afterChunk?.(k);
  }
}

/** A first guess for ε: a fraction of the scale set by the tempered curvature and the prior. */
export function initialStep(cfg: Pick<EngineConfig, 'n' | 'beta' | 'prior'>): number {
  const nbeta = cfg.n * cfg.beta;
  return Math.min(0.1 * cfg.prior.scale ** 2, 0.5 / nbeta);
}

export async function runLlc(engine: WalkerEngine, opts: LlcOptions): Promise<LlcResult> {
  const t0 = performance.now();
  const target = opts.targetAcceptance ?? 0.8;
  const batches = Math.max(2, Math.min(opts.batches ?? 20, opts.steps));
  const total = opts.burnin + opts.steps;
  let done = 0;
  engine.reset(opts.init);
  engine.setAccumulate(false);

  // Burn-in, in chunks; MALA's step is adapted between chunks and then frozen.
  const tune = opts.tuneStep && engine.settings.sampler === 'mala';
  const chunks = tune ? Math.max(1, Math.min(40, Math.floor(opts.burnin / 25))) : 1;
  await burnIn(engine, {
    burnin: opts.burnin,
    chunks,
    tune,
    target,
    perGroup: false,
    afterChunk: (k) => {
      done += k;
      opts.onProgress?.(done, total);
    },
  });

  // L_n(w*) from the landscape's own WGSL.
  const lossAtWstar = (await engine.evaluate(engine.settings.wstar)).loss[0];

  engine.clearCounters();
  engine.setAccumulate(true, opts.steps);
  const trace: number[] = [];
  let previousTotal = 0;
  let previousSamples = 0;
  let stats: WalkerStats | undefined;
  for (let b = 0; b < batches; b++) {
    const k = chunkSteps(opts.steps, batches, b);
    engine.advance(k);
    done += k;
    stats = await engine.readStats(
      { center: engine.settings.wstar, radius: opts.radius ?? 0 },
      { chainMean: stats?.chainMean ?? lossAtWstar, loss: stats?.meanLoss ?? lossAtWstar },
    );
    // chainMean·samples is the walker-averaged running total: differences give each batch's mean.
    const runningTotal = stats.chainMean * stats.samples;
    trace.push((runningTotal - previousTotal) / (stats.samples - previousSamples));
    previousTotal = runningTotal;
    previousSamples = stats.samples;
    opts.onProgress?.(done, total);
  }
  engine.setAccumulate(false);
  const s = stats!;
  const nbeta = engine.settings.n * engine.settings.beta;
  const lambdaHat = nbeta * (s.chainMean - lossAtWstar);
  const seBatch = nbeta * batchMeansSe(trace);
  const seWalkers = nbeta * Math.sqrt(s.chainMeanVar / Math.max(1, s.walkers - 1));
  return {
    lambdaHat,
    lambdaHatSe: s.walkers >= MIN_WALKERS_FOR_SE ? seWalkers : seBatch,
    lambdaHatSeBatch: seBatch,
    meanLoss: s.chainMean,
    lossAtWstar,
    nbeta,
    eps: engine.settings.eps,
    acceptance: s.acceptance,
    diverged: s.diverged,
    massNear: s.massNear,
    diagnostics: s.diagnostics,
    lossTrace: trace,
    seconds: (performance.now() - t0) / 1000,
  };
}
