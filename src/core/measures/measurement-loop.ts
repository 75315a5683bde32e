/**
 * The one measurement loop of every run on a WalkerEngine (runLlc, runGroups, generalisation): start
 * the walkers, burn in (BURN_IN_POLICY), then sample in batches with each step's loss accumulated per
 * walker. What a measurement reads from its walkers is its `tally`: runLlc reads the whole population
 * as one group, runGroups each group, generalisation each group's predictive. The loop owns the
 * chunks, the progress, the checkpoints and the stop; the order of dispatches and readbacks is the
 * loop's alone, so every measurement consumes the RNG the same way.
 */

import type { InitKind } from '../posterior';
import type { EngineSnapshot, WalkerEngine } from '../walkers/walker-engine';
import { type BurnInSchedule, burnIn, chunkSteps } from './burnin';

/** Where a sampling phase stands, as the loop sees it (a measurement adds its running sums). */
export interface LoopPosition {
  readonly engine: EngineSnapshot;
  /** The batch under way and the steps of it already run. */
  readonly batch: number;
  readonly batchDone: number;
  /** Steps done, burn-in included. */
  readonly done: number;
}

/** What a measurement reads from its walkers. */
export interface Tally {
  /** After burn-in, before the counters are cleared (e.g. L_n(w*)); not called on resume. */
  readonly begin?: () => Promise<void>;
  /** After sampling batch `b` (of `batches`). */
  readonly batch?: (b: number) => Promise<void>;
}

export interface LoopOptions {
  readonly steps: number;
  readonly burnin: number;
  readonly init: InitKind;
  /** Tune ε (and the metric) during burn-in, BURN_IN_POLICY. */
  readonly tune: boolean;
  readonly target: number;
  readonly schedule?: BurnInSchedule;
  /** Each group tunes its own ε (a colder group needs a smaller step), or one ε for the population. */
  readonly perGroup: boolean;
  /** Sampling batches: the tally reads after each. */
  readonly batches: number;
  /** Called with (stepsDone, stepsTotal) during and after each chunk and batch. */
  readonly onProgress?: (done: number, total: number) => void;
  /** Called before each burn-in chunk and sampling batch; throws to cancel the run. */
  readonly cancel?: () => void;
  /** Runs after each sampling batch's tally (e.g. a snapshot of the walkers for PolyShareTracker). */
  readonly afterBatch?: () => Promise<void>;
  /** Continue from a checkpoint: the engine restored from it, no reset, no burn-in, no `tally.begin`. */
  readonly resume?: LoopPosition;
  /**
   * Receives the position after each sampling batch, whenever `checkpointDue()` turns true, and
   * before an interrupted run throws RunInterrupted.
   */
  readonly checkpoint?: (at: LoopPosition) => Promise<void>;
  readonly checkpointDue?: () => boolean;
  /** Stops the run at the next dispatch boundary of the sampling phase (SIGINT). */
  readonly shouldStop?: () => boolean;
}

/** Thrown by the loop when `shouldStop` ended the run early (after the last checkpoint was written). */
export class RunInterrupted extends Error {
  override readonly name = 'RunInterrupted';
  constructor(readonly step: number) {
    super(`interrupted at step ${step}`);
  }
}

/** Runs burn-in and sampling; the tally has read every batch when it returns. */
export async function runMeasurement(engine: WalkerEngine, opts: LoopOptions, tally: Tally): Promise<void> {
  const total = opts.burnin + opts.steps;
  const resume = opts.resume;
  let done = 0;
  if (resume) {
    engine.restore(resume.engine);
    done = resume.done;
  } else {
    engine.reset(opts.init);
    engine.setAccumulate(false);
    // The step (and the metric) are adapted between burn-in chunks and then frozen.
    await burnIn(engine, {
      burnin: opts.burnin,
      tune: opts.tune,
      schedule: opts.schedule,
      target: opts.target,
      perGroup: opts.perGroup,
      beforeChunk: opts.cancel,
      afterChunk: (k) => {
        done += k;
        opts.onProgress?.(done, total);
      },
      during: (k) => opts.onProgress?.(done + k, total),
    });
    await tally.begin?.();
    engine.clearCounters();
  }
  // A resumed engine keeps its split-chain midpoint (restored with the snapshot).
  engine.setAccumulate(true, resume ? undefined : opts.steps);
  const save = async (batch: number, batchDone: number) =>
    opts.checkpoint?.({ engine: await engine.snapshot(), batch, batchDone, done });
  const stop = () => opts.shouldStop?.() === true || opts.checkpointDue?.() === true;
  for (let b = resume?.batch ?? 0; b < opts.batches; b++) {
    opts.cancel?.();
    const k = chunkSteps(opts.steps, opts.batches, b);
    let ran = b === resume?.batch ? resume.batchDone : 0;
    while (ran < k) {
      const r = await engine.run(k - ran, (d) => opts.onProgress?.(done + d, total), stop);
      ran += r;
      done += r;
      if (ran < k) {
        await save(b, ran);
        if (opts.shouldStop?.()) throw new RunInterrupted(engine.step);
      }
    }
    await tally.batch?.(b);
    await opts.afterBatch?.();
    opts.onProgress?.(done, total);
    if (b + 1 < opts.batches) await save(b + 1, 0);
  }
  engine.setAccumulate(false);
}
