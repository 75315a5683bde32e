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

import type { InitKind } from '../posterior';
import type { EngineConfig, EngineSnapshot, WalkerEngine, WalkerStats } from '../walkers/walker-engine';
import { burnIn, chunkSteps, malaTargetFor } from './burnin';
import type { Diagnostics } from './diagnostics';

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

/** Where a sampling phase stands: the engine's state plus the estimator's running sums. */
export interface LlcCheckpoint {
  readonly engine: EngineSnapshot;
  readonly lossAtWstar: number;
  /** The batch under way and the steps of it already run. */
  readonly batch: number;
  readonly batchDone: number;
  readonly done: number;
  readonly trace: number[];
  readonly previousTotal: number;
  readonly previousSamples: number;
  /** The shifts the next reduction uses (the last statistics read), null before any. */
  readonly shift: { readonly chainMean: number; readonly loss: number } | null;
}

/** Thrown by runLlc when `shouldStop` ended the run early (after the last checkpoint was written). */
export class RunInterrupted extends Error {
  override readonly name = 'RunInterrupted';
  constructor(readonly step: number) {
    super(`interrupted at step ${step}`);
  }
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
  const target = opts.targetAcceptance ?? malaTargetFor(engine.settings.landscape.dim);
  const batches = Math.max(2, Math.min(opts.batches ?? 20, opts.steps));
  const total = opts.burnin + opts.steps;
  let done = 0;
  const resume = opts.resume;
  // Burn-in, in chunks; the step (and the metric) are adapted between chunks and then frozen.
  if (!resume) engine.reset(opts.init);
  engine.setAccumulate(false);
  if (!resume)
    await burnIn(engine, {
      burnin: opts.burnin,
      tune: opts.tuneStep,
      target,
      perGroup: false,
      afterChunk: (k) => {
        done += k;
        opts.onProgress?.(done, total);
      },
      during: (k) => opts.onProgress?.(done + k, total),
    });

  // L_n(w*) from the landscape's own WGSL.
  const lossAtWstar = resume ? resume.lossAtWstar : (await engine.evaluate(engine.settings.wstar)).loss[0];

  if (resume) engine.restore(resume.engine);
  else engine.clearCounters();
  // A resumed engine keeps its split-chain midpoint (restored with the snapshot).
  engine.setAccumulate(true, resume ? undefined : opts.steps);
  const trace: number[] = resume ? [...resume.trace] : [];
  let previousTotal = resume?.previousTotal ?? 0;
  let previousSamples = resume?.previousSamples ?? 0;
  let shift = resume?.shift ?? null;
  if (resume) done = resume.done;
  let stats: WalkerStats | undefined;
  const save = async (batch: number, batchDone: number) =>
    opts.checkpoint?.({
      engine: await engine.snapshot(),
      lossAtWstar,
      batch,
      batchDone,
      done,
      trace: [...trace],
      previousTotal,
      previousSamples,
      shift,
    });
  for (let b = resume?.batch ?? 0; b < batches; b++) {
    const k = chunkSteps(opts.steps, batches, b);
    let ran = b === resume?.batch ? resume.batchDone : 0;
    while (ran < k) {
      const stop = () => opts.shouldStop?.() === true || opts.checkpointDue?.() === true;
      const r = await engine.run(k - ran, (d) => opts.onProgress?.(done + d, total), stop);
      ran += r;
      done += r;
      if (ran < k) {
        await save(b, ran);
        if (opts.shouldStop?.()) throw new RunInterrupted(engine.step);
      }
    }
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
    await opts.afterBatch?.();
    opts.onProgress?.(done, total);
    if (b + 1 < batches) await save(b + 1, 0);
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
