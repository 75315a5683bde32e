/**
 * One LLC measurement, as the CLI, the tests and the benchmarks run it: the measurement loop
 * (measurement-loop.ts: start the walkers at w* or from the prior, burn in by BURN_IN_POLICY, sample
 * with every step's loss accumulated per walker) with the whole population read as one group.
 *
 * λ̂ = nβ·(E_w[L_n(w)] − L_n(w*)) (devinterp's estimator). Its standard error treats the walkers as
 * independent chains: each walker's time-average is one draw, so SE = nβ·sd(chain means)/√N, with no
 * assumption about autocorrelation within a chain. With fewer than MIN_WALKERS_FOR_SE walkers, batch
 * means over time (of the walker-averaged loss) are used instead.
 */

import type { InitKind } from '../posterior';
import type { EngineConfig, WalkerEngine, WalkerStats } from '../walkers/walker-engine';
import { malaTargetFor } from './burnin';
import type { Diagnostics } from './diagnostics';
import { type LoopPosition, runMeasurement, type Tally } from './measurement-loop';

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
  /** Called with (stepsDone, stepsTotal) during and after each chunk. */
  readonly onProgress?: (done: number, total: number) => void;
  /** Continue from a checkpoint (the same settings: the caller validates them) instead of starting. */
  readonly resume?: LlcCheckpoint;
  /**
   * Receives a checkpoint after each sampling batch, whenever `checkpointDue()` turns true, and
   * before an interrupted run throws RunInterrupted.
   */
  readonly checkpoint?: (c: LlcCheckpoint) => Promise<void>;
  readonly checkpointDue?: () => boolean;
  /** Stops the run at the next dispatch boundary of the sampling phase (SIGINT). */
  readonly shouldStop?: () => boolean;
  /** Runs after each sampling batch (e.g. a snapshot of the walkers for PolyShareTracker). */
  readonly afterBatch?: () => Promise<void>;
}

/** Where a sampling phase stands: the loop's position plus the estimator's running sums. */
export interface LlcCheckpoint extends LoopPosition {
  readonly lossAtWstar: number;
  readonly trace: number[];
  readonly previousTotal: number;
  readonly previousSamples: number;
  /** The shifts the next reduction uses (the last statistics read), null before any. */
  readonly shift: { readonly chainMean: number; readonly loss: number } | null;
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

export async function runLlc(engine: WalkerEngine, opts: LlcOptions): Promise<LlcResult> {
  const t0 = performance.now();
  const resume = opts.resume;
  // L_n(w*) from the landscape's own WGSL.
  let lossAtWstar = resume ? resume.lossAtWstar : Number.NaN;
  const trace: number[] = resume ? [...resume.trace] : [];
  let previousTotal = resume?.previousTotal ?? 0;
  let previousSamples = resume?.previousSamples ?? 0;
  let shift = resume?.shift ?? null;
  let stats: WalkerStats | undefined;
  // The whole population is the one group: its statistics after each batch, shifted by the last read.
  const tally: Tally = {
    begin: async () => {
      lossAtWstar = (await engine.evaluate(engine.settings.wstar)).loss[0];
    },
    batch: async () => {
      stats = await engine.readStats(
        { center: engine.settings.wstar, radius: opts.radius ?? 0 },
        shift ?? { chainMean: lossAtWstar, loss: lossAtWstar },
      );
      shift = { chainMean: stats.chainMean, loss: stats.meanLoss };
      // chainMean·samples is the walker-averaged running total: differences give each batch's mean.
      const runningTotal = stats.chainMean * stats.samples;
      trace.push((runningTotal - previousTotal) / (stats.samples - previousSamples));
      previousTotal = runningTotal;
      previousSamples = stats.samples;
    },
  };
  const checkpoint = opts.checkpoint;
  await runMeasurement(
    engine,
    {
      steps: opts.steps,
      burnin: opts.burnin,
      init: opts.init,
      tune: opts.tuneStep,
      target: opts.targetAcceptance ?? malaTargetFor(engine.settings.landscape.dim),
      perGroup: false,
      batches: Math.max(2, Math.min(opts.batches ?? 20, opts.steps)),
      onProgress: opts.onProgress,
      afterBatch: opts.afterBatch,
      resume,
      checkpoint:
        checkpoint &&
        ((at) =>
          checkpoint({
            engine: at.engine,
            lossAtWstar,
            batch: at.batch,
            batchDone: at.batchDone,
            done: at.done,
            trace: [...trace],
            previousTotal,
            previousSamples,
            shift,
          })),
      checkpointDue: opts.checkpointDue,
      shouldStop: opts.shouldStop,
    },
    tally,
  );
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
