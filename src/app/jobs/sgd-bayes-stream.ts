/**
 * The app's SGD-vs-Bayes stream (issue 13): one SgdTrainer with its FunctionTable (P_SGD) and one
 * BayesRejection (P_B) on the app's device, fed in chunks from the animation frame (never awaited by
 * it: one chunk in flight at a time, so the UI never waits on the GPU). A chunk is a few training
 * epochs of the current network batch (sized so that one dispatch stays short on a software GPU) and
 * one batch of prior samples; both tables are read back every READ_MS and summarised. A new
 * configuration is built beside the running one and swapped in only when ready: if it cannot be built
 * (e.g. a target whose length does not fit the inputs) the previous one keeps running, with the error.
 */

import { BayesRejection } from '../../core/function-space/bayes-rejection';
import { FunctionTable } from '../../core/function-space/function-table';
import { parseHiddenWidths, type RandNetConfig, validateRandNet } from '../../core/function-space/randnet';
import { type BoolTask, makeTask, parseTarget } from '../../core/function-space/sgd-task';
import { SgdTrainer } from '../../core/function-space/sgd-trainer';
import { DEFAULT_TRAIN, type TrainConfig } from '../../core/function-space/sgd-twin';
import type { SceneState } from '../../scene/schema';
import { architectureLabel } from './function-space-stream';
import { type SgdBayesSummary, summariseSgdBayes } from './sgd-bayes-summary';

/** Snapshot interval, as the random-network stream's. */
export const READ_MS = 750;
/**
 * Networks trained side by side, prior samples per chunk, hash-table slots, and the training work
 * (networks × |S| × parameters × epochs) per dispatch, on a software / hardware GPU: a chunk takes well
 * under a frame's worth of GPU time on SwiftShader (1024 prior samples of a (5, 8, 1) network: ~0.1 s).
 */
const SIZES = {
  software: { nets: 128, prior: 1024, capacity: 16384, work: 2 ** 21 },
  hardware: { nets: 8192, prior: 65536, capacity: 1 << 18, work: 2 ** 27 },
} as const;

export interface SgdBayesStats {
  /** "(7, 8, 1) relu · adam ce lr 0.01" of what is running. */
  label: string;
  /** The target's truth table and the training-set size of what is running. */
  target: string;
  trainSize: number;
  /** Networks whose training ended (fit S or gave up), of sgdTarget. */
  sgdRuns: number;
  sgdTarget: number;
  converged: number;
  notConverged: number;
  /** Prior samples drawn for rejection, of bayesTarget; of them, those that fit S. */
  samples: number;
  bayesTarget: number;
  accepted: number;
  /** Finished networks and prior samples per second (wall clock, since counting began). */
  sgdRate: number;
  bayesRate: number;
  /** Seconds until both sides reach their targets; NaN while a rate is unknown. */
  etaSeconds: number;
  /** Snapshots read since the last build (the view redraws after each). */
  reads: number;
  builds: number;
  spearman: number | null;
  pearson: number | null;
  shared: number;
  /** Why the requested configuration could not be built (the previous one keeps running), or null. */
  error: string | null;
  running: boolean;
  done: boolean;
}

export interface SgdBayesConfig {
  readonly net: RandNetConfig;
  readonly task: BoolTask;
  readonly train: TrainConfig;
}

/** What a scene state asks for (throws RangeError naming the bad setting). */
export function sgdBayesConfigOf(s: SceneState): SgdBayesConfig {
  const net: RandNetConfig = {
    inputs: s.sgInputs,
    hidden: parseHiddenWidths(s.sgHidden),
    activation: s.sgAct,
    init: s.sgInit,
    biasInit: s.sgInit,
    sw: s.sgSw,
    sb: s.sgSb,
    domain: s.sgDomain,
    seed: s.sgSeed,
  };
  validateRandNet(net);
  const target = parseTarget(s.sgTarget, net.inputs, s.sgSeed);
  if (s.sgTrain > 2 ** net.inputs)
    throw new RangeError(
      `train size ${s.sgTrain} is more than the 2^${net.inputs} = ${2 ** net.inputs} points`,
    );
  const task = makeTask(net.inputs, target, s.sgTrain, s.sgSeed);
  const train: TrainConfig = {
    ...DEFAULT_TRAIN,
    optimizer: s.sgOptimizer,
    loss: s.sgLoss,
    lr: s.sgLr,
    batch: s.sgBatch,
    maxEpochs: s.sgEpochs,
  };
  return { net, task, train };
}

/** One built configuration: the trainer and its table, the rejection sampler, and their progress. */
class Run {
  sgdRuns = 0;
  converged = 0;
  /** The network batch being trained: its first network, size and epochs done (null between batches). */
  batch: { first: number; count: number; epoch: number } | null = null;
  constructor(
    readonly config: SgdBayesConfig,
    readonly trainer: SgdTrainer,
    readonly table: FunctionTable,
    readonly bayes: BayesRejection,
  ) {}
  destroy(): void {
    this.trainer.destroy();
    this.table.destroy();
    this.bayes.destroy();
  }
}

export class SgdBayesStream {
  private run: Run | null = null;
  private key = '';
  private failedKey = '';
  private building = false;
  private busy = false;
  private op: Promise<void> = Promise.resolve();
  private buildRun: Promise<void> = Promise.resolve();
  /** Simulated milliseconds of offline capture (frames / fps), or null live: rates and ETA use it. */
  private captureClock: number | null = null;
  private destroyed = false;
  private wanted: SceneState | null = null;
  private gen = 0;
  private lastRead = 0;
  private readAt = { sgd: -1, bayes: -1 };
  /** When counting started (the first frame after a build): rates are averages since then. */
  private countStart = 0;
  private readonly sizes: (typeof SIZES)['software' | 'hardware'];
  summary: SgdBayesSummary | null = null;
  version = 0;
  readonly stats: SgdBayesStats = {
    label: '',
    target: '',
    trainSize: 0,
    sgdRuns: 0,
    sgdTarget: 0,
    converged: 0,
    notConverged: 0,
    samples: 0,
    bayesTarget: 0,
    accepted: 0,
    sgdRate: 0,
    bayesRate: 0,
    etaSeconds: Number.NaN,
    reads: 0,
    builds: 0,
    spearman: null,
    pearson: null,
    shared: 0,
    error: null,
    running: false,
    done: false,
  };

  constructor(
    private readonly device: GPUDevice,
    software: boolean,
    private readonly notice: (text: string, kind: 'info' | 'warn' | 'error') => void,
  ) {
    this.sizes = software ? SIZES.software : SIZES.hardware;
  }

  get current(): SgdBayesConfig | null {
    return this.run?.config ?? null;
  }

  private keyOf(s: SceneState): string {
    return JSON.stringify([
      s.sgTarget.trim(),
      s.sgTrain,
      s.sgSeed,
      s.sgOptimizer,
      s.sgLr,
      s.sgLoss,
      s.sgBatch,
      s.sgEpochs,
      s.sgInputs,
      s.sgHidden.replace(/\s+/g, ''),
      s.sgAct,
      s.sgInit,
      s.sgSw,
      s.sgSb,
      s.sgDomain,
    ]);
  }

  /** Every animation frame: builds what the state asks for, starts the next chunk or read. */
  frame(s: SceneState, step = true): void {
    this.wanted = s;
    if (!s.sgd) {
      if (this.run || this.key) this.clear();
      return;
    }
    const key = this.keyOf(s);
    if (key !== this.key && key !== this.failedKey && !this.building) this.buildRun = this.rebuild(s, key);
    const st = this.setTargets(s);
    const run = this.run;
    if (!run || !step) return;
    if (this.captureClock !== null) {
      // Back from offline capture: rates count from now on the wall clock again.
      this.captureClock = null;
      this.countStart = 0;
    }
    const now = performance.now();
    const sgdLeft = run.sgdRuns < st.sgdTarget;
    const bayesLeft = run.bayes.samples < st.bayesTarget;
    const finished = (!sgdLeft && !bayesLeft) || !s.running;
    if (!this.busy) {
      const fresh = this.readAt.sgd !== run.sgdRuns || this.readAt.bayes !== run.bayes.samples;
      if (fresh && (now - this.lastRead >= READ_MS || finished)) this.chain(run, () => this.read(run));
      else if (!finished) this.chain(run, () => this.chunk(run, sgdLeft, bayesLeft));
    }
    this.updateProgress(run, now);
  }

  /**
   * Offline capture, with the loop held: builds what the state asks for, runs exactly one chunk (one
   * frame of a clip; none for a still) and reads both tables, so the next draw shows this very frame.
   * Awaits the work itself, never a timer: a hidden tab throttles timers. Deterministic: network k and
   * prior sample k are keyed by (seed, k), whatever the chunks.
   */
  async captureStep(s: SceneState, advance: boolean, fps: number): Promise<void> {
    this.wanted = s;
    if (!s.sgd) return;
    // Rates and ETA in the clip's own time, so a clip shows what a viewer sees and replays identically.
    if (this.captureClock === null) {
      this.captureClock = 1;
      this.countStart = 0;
    }
    if (advance) this.captureClock += 1000 / fps;
    for (let i = 0; i < 4; i++) {
      const key = this.keyOf(s);
      if (this.building) await this.buildRun;
      else if (key !== this.key && key !== this.failedKey) {
        this.buildRun = this.rebuild(s, key);
        await this.buildRun;
      } else break;
    }
    const run = this.run;
    if (!run) throw new Error(this.stats.error ?? 'SGD vs Bayes could not be built');
    // A chunk or read the live loop started before the hold: let it land first.
    await this.op;
    const st = this.setTargets(s);
    const sgdLeft = run.sgdRuns < st.sgdTarget;
    const bayesLeft = run.bayes.samples < st.bayesTarget;
    this.busy = true;
    try {
      if (advance && s.running && (sgdLeft || bayesLeft || run.batch))
        await this.chunk(run, sgdLeft, bayesLeft);
      await this.read(run);
    } finally {
      this.busy = false;
    }
    this.updateProgress(run, this.captureClock);
  }

  /** The state's targets and running flag into the stats (live frames and offline capture alike). */
  private setTargets(s: SceneState): SgdBayesStats {
    const st = this.stats;
    st.sgdTarget = Math.ceil(s.sgRuns);
    st.bayesTarget = Math.ceil(s.sgSamples);
    st.running = s.running;
    return st;
  }

  /** Runs `work` as the one operation in flight; a late result of a replaced run is ignored. */
  private chain(run: Run, work: () => Promise<void>): void {
    const gen = this.gen;
    this.busy = true;
    this.op = work()
      .catch((e) => {
        // A run destroyed mid-chunk (replaced, mode left) rejects: nothing to report. Anything else is.
        if (gen === this.gen && this.run === run) {
          this.stats.error = `SGD vs Bayes stopped: ${(e as Error).message}`;
          this.notice(this.stats.error, 'error');
        }
      })
      .finally(() => {
        if (gen === this.gen) this.busy = false;
      });
  }

  /** A few epochs of the current network batch (starting the next batch if none), then prior samples. */
  private async chunk(run: Run, sgdLeft: boolean, bayesLeft: boolean): Promise<void> {
    const t = run.trainer;
    if (sgdLeft || run.batch) {
      if (!run.batch) {
        const count = Math.min(t.batch, this.stats.sgdTarget - run.sgdRuns);
        t.init(run.sgdRuns, count);
        run.batch = { first: run.sgdRuns, count, epoch: 0 };
      }
      const b = run.batch;
      const total = t.train.maxEpochs + 1;
      // Work per dispatch capped (networks × |S| × parameters × epochs): a short GPU stall per frame.
      const per = Math.max(
        1,
        Math.min(256, Math.floor(this.sizes.work / (b.count * run.config.task.train.length * t.paramCount))),
      );
      const k = Math.min(per, total - b.epoch);
      t.step(b.first, b.count, b.epoch, k);
      b.epoch += k;
      const [fit, gaveUp] = await t.readFinished();
      if (fit + gaveUp >= b.count || b.epoch >= total) {
        const r = await t.readBatch(b.count);
        const keys: number[] = [];
        for (let j = 0; j < b.count; j++) {
          if (r.state[j] === 1)
            keys.push(r.keys[4 * j], r.keys[4 * j + 1], r.keys[4 * j + 2], r.keys[4 * j + 3]);
          else if (r.state[j] !== 2) throw new Error(`network ${b.first + j} neither fitted nor gave up`);
        }
        if (keys.length > 0) run.table.insertKeys(new Uint32Array(keys));
        run.converged += keys.length / 4;
        run.sgdRuns += b.count;
        run.batch = null;
      }
    }
    if (bayesLeft) {
      const n = Math.min(this.sizes.prior, this.stats.bayesTarget - run.bayes.samples);
      await run.bayes.advance(n);
    }
  }

  private async read(run: Run): Promise<void> {
    const gen = this.gen;
    const sgdRuns = run.sgdRuns;
    const samples = run.bayes.samples;
    const [sgd, bayes] = await Promise.all([run.table.readEntries(), run.bayes.read()]);
    if (gen !== this.gen) return;
    this.summary = summariseSgdBayes(run.config.task, sgd, bayes, samples);
    this.readAt = { sgd: sgdRuns, bayes: samples };
    this.lastRead = performance.now();
    this.version++;
    const c = this.summary.correlation;
    Object.assign(this.stats, { spearman: c.spearman, pearson: c.pearson, shared: c.shared });
    this.stats.reads++;
  }

  private updateProgress(run: Run, now: number): void {
    const st = this.stats;
    st.sgdRuns = run.sgdRuns;
    st.converged = run.converged;
    st.notConverged = run.sgdRuns - run.converged;
    st.samples = run.bayes.samples;
    st.accepted = run.bayes.accepted;
    st.done = run.sgdRuns >= st.sgdTarget && run.bayes.samples >= st.bayesTarget;
    // Averages since counting began (after the build): chunks of a second or more on a software GPU
    // would leave a short window empty, and a rate of 0 for a side that is counting is no number.
    if (this.countStart === 0) this.countStart = now;
    const dt = (now - this.countStart) / 1000;
    if (dt >= 1) {
      st.sgdRate = run.sgdRuns / dt;
      st.bayesRate = run.bayes.samples / dt;
    }
    const eta = (left: number, rate: number) => (left <= 0 ? 0 : rate > 0 ? left / rate : Number.NaN);
    st.etaSeconds = st.done
      ? 0
      : Math.max(
          eta(st.sgdTarget - run.sgdRuns, st.sgdRate),
          eta(st.bayesTarget - run.bayes.samples, st.bayesRate),
        );
  }

  private async rebuild(s: SceneState, key: string): Promise<void> {
    this.building = true;
    let next: Run | null = null;
    try {
      const config = sgdBayesConfigOf(s);
      const z = this.sizes;
      const trainer = await SgdTrainer.create(this.device, config.net, config.task, config.train, z.nets);
      let table: FunctionTable | undefined;
      try {
        table = await FunctionTable.create(this.device, { capacity: z.capacity, batch: z.nets });
        const bayes = await BayesRejection.create(this.device, config.net, config.task, {
          batch: z.prior,
          capacity: z.capacity,
        });
        next = new Run(config, trainer, table, bayes);
      } catch (e) {
        trainer.destroy();
        table?.destroy();
        throw e;
      }
      if (this.destroyed || !this.wanted?.sgd) {
        next.destroy();
        return;
      }
      // The running chunk's buffers must outlive its submits: swap once it has settled.
      await this.op;
      this.run?.destroy();
      this.gen++;
      this.run = next;
      this.key = key;
      this.failedKey = '';
      this.restartCounts();
      Object.assign(this.stats, {
        label: `${architectureLabel(config.net)} · ${config.train.optimizer} ${config.train.loss} lr ${config.train.lr}`,
        target: config.task.target,
        trainSize: config.task.train.length,
        error: null,
      });
      this.stats.builds++;
    } catch (e) {
      this.failedKey = key;
      const message = `Could not build SGD vs Bayes: ${(e as Error).message}`;
      this.stats.error = message;
      this.notice(this.run ? `${message}. The previous configuration keeps running.` : message, 'error');
    } finally {
      this.building = false;
    }
  }

  private restartCounts(): void {
    // A clip restarts its clock with its counts (a recording rebuilds from the seed), so two plays of
    // a shot show the same rates whatever ran between them.
    if (this.captureClock !== null) this.captureClock = 1;
    this.busy = false;
    this.summary = null;
    this.version++;
    this.lastRead = 0;
    this.readAt = { sgd: -1, bayes: -1 };
    this.countStart = 0;
    Object.assign(this.stats, {
      sgdRuns: 0,
      converged: 0,
      notConverged: 0,
      samples: 0,
      accepted: 0,
      sgdRate: 0,
      bayesRate: 0,
      etaSeconds: Number.NaN,
      reads: 0,
      spearman: null,
      pearson: null,
      shared: 0,
      done: false,
    });
  }

  /** Back to network 0 and prior sample 0 with empty tables: the same configuration, rebuilt. */
  requestReset(): void {
    this.key = '';
  }

  private clear(): void {
    const old = this.run;
    void this.op.then(() => old?.destroy());
    this.run = null;
    this.gen++;
    this.key = '';
    this.failedKey = '';
    this.busy = false;
    this.summary = null;
    this.version++;
  }

  destroy(): void {
    this.destroyed = true;
    this.clear();
  }
}
