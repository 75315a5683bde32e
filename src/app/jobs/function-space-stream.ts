/**
 * The app's random-network stream: one FunctionSpace (sampler + GPU hash table, src/core/function-space/randnet-run.ts)
 * on the app's device, fed a batch per animation frame (never awaited by the frame: at most one batch is
 * in flight, so the UI never waits on the GPU), with the table read back every READ_MS and summarised
 * for the views. A new configuration builds a new FunctionSpace beside the running one and swaps only
 * when it is ready; if it cannot be built the previous one keeps running. With `rnBatch` = 0 the batch
 * size adapts so that one batch takes roughly 8–33 ms of GPU time.
 */

import { parseHiddenWidths, type RandNetConfig, validateRandNet } from '../../core/function-space/randnet';
import { FunctionSpace } from '../../core/function-space/randnet-run';
import type { SceneState } from '../../scene/schema';
import { type FunctionSpaceSummary, KCache, summariseSnapshot } from './function-space-summary';

/** Largest networks per batch (the keys buffer is allocated for this many: 20 bytes each). */
export const MAX_BATCH = 1 << 18;
/** Snapshot interval: often enough to watch the histogram fill, rare enough to cost little. */
export const READ_MS = 750;
/** Networks per captured frame when `rnBatch` is 0 (auto would depend on timing: clips must not). */
export const CAPTURE_BATCH = { software: 256, hardware: 16384 } as const;
const AUTO_START = { software: 128, hardware: 4096 } as const;
const AUTO_MIN = 32;

export interface FunctionSpaceStats {
  /** Networks sampled (submitted) since the last reset. */
  samples: number;
  target: number;
  /** Networks per second over the last two seconds of wall time. */
  rate: number;
  etaSeconds: number;
  /** From the last snapshot: samples it covers, Σ counts, other, distinct functions. */
  total: number;
  countsSum: number;
  other: number;
  distinct: number;
  capacity: number;
  /** distinct / capacity. */
  load: number;
  /** Snapshots read since the last (re)build or reset. */
  reads: number;
  batch: number;
  /** Builds of a FunctionSpace so far (a new configuration is a new build). */
  builds: number;
  /** What is running, e.g. "(7, 40, 40, 1) relu". */
  label: string;
  /** Why the requested configuration could not be built (the previous one keeps running), or null. */
  error: string | null;
  running: boolean;
  done: boolean;
}

/** The random-network settings a scene state asks for (throws RangeError on a bad setting). */
export function randNetConfigOf(s: SceneState): RandNetConfig {
  const config: RandNetConfig = {
    inputs: s.rnInputs,
    hidden: parseHiddenWidths(s.rnHidden),
    activation: s.rnAct,
    init: s.rnInit,
    biasInit: s.rnInit,
    sw: s.rnSw,
    sb: s.rnSb,
    domain: s.rnDomain,
    seed: s.rnSeed,
  };
  validateRandNet(config);
  return config;
}

export const architectureLabel = (c: RandNetConfig): string =>
  `(${[c.inputs, ...c.hidden, 1].join(', ')}) ${c.activation}`;

export class FunctionSpaceStream {
  private space: FunctionSpace | null = null;
  private config: RandNetConfig | null = null;
  private cache: KCache | null = null;
  private key = '';
  private failedKey = '';
  private building = false;
  private busy = false;
  private reading = false;
  private resetPending = false;
  /** The batch or read in progress (never rejects): a space is destroyed only after it settles. */
  private op: Promise<void> = Promise.resolve();
  private swapping = false;
  /** The build in progress (never rejects). */
  private buildRun: Promise<void> = Promise.resolve();
  private destroyed = false;
  /** The state of the latest frame. */
  private wanted: SceneState | null = null;
  /** Bumped whenever the space is replaced or reset: late callbacks of an older one are ignored. */
  private gen = 0;
  /** When the last snapshot arrived, and the wait before the next (≥ READ_MS, ≥ 2× a read's duration). */
  private lastRead = 0;
  private readInterval = READ_MS;
  /** Smoothed animation-frame interval (ms): the auto batch takes at most about half a frame. */
  private frameMs = 16;
  private lastFrame = 0;
  private readSamples = -1;
  private autoBatch: number;
  private rateWindow = { t0: 0, n: 0 };
  summary: FunctionSpaceSummary | null = null;
  /** Bumped with every new summary (the panel redraws when it changes). */
  version = 0;
  readonly stats: FunctionSpaceStats = {
    samples: 0,
    target: 0,
    rate: 0,
    etaSeconds: Number.NaN,
    total: 0,
    countsSum: 0,
    other: 0,
    distinct: 0,
    capacity: 0,
    load: 0,
    reads: 0,
    batch: 0,
    builds: 0,
    label: '',
    error: null,
    running: false,
    done: false,
  };

  constructor(
    private readonly device: GPUDevice,
    private readonly software: boolean,
    private readonly notice: (text: string, kind: 'info' | 'warn' | 'error') => void,
  ) {
    this.autoBatch = software ? AUTO_START.software : AUTO_START.hardware;
  }

  /** The configuration running now (null before the first build). */
  get current(): RandNetConfig | null {
    return this.config;
  }

  private keyOf(s: SceneState): string {
    return JSON.stringify([
      s.rnInputs,
      s.rnHidden.replace(/\s+/g, ''),
      s.rnAct,
      s.rnInit,
      s.rnSw,
      s.rnSb,
      s.rnDomain,
      s.rnSeed,
      s.rnCapacity,
    ]);
  }

  /** True once the running space matches the state and nothing is being built or reset. */
  settled(s: SceneState): boolean {
    return this.space !== null && !this.building && !this.resetPending && this.key === this.keyOf(s);
  }

  requestReset(): void {
    this.resetPending = true;
  }

  /** Called every animation frame; `step` false only reads and draws (capture frames). */
  frame(s: SceneState, step = true): void {
    this.wanted = s;
    if (!s.fspace) {
      if (this.space || this.key) this.clear();
      return;
    }
    const key = this.keyOf(s);
    if (key !== this.key && key !== this.failedKey && !this.building) this.buildRun = this.rebuild(s, key);
    const space = this.space;
    this.stats.target = Math.ceil(s.rnTarget);
    this.stats.running = s.running;
    if (!space || !step) return;
    if (this.resetPending && !this.busy && !this.reading && !this.swapping) {
      void this.doReset(space);
      return;
    }
    const now = performance.now();
    if (this.lastFrame > 0) this.frameMs += 0.1 * (Math.min(2000, now - this.lastFrame) - this.frameMs);
    this.lastFrame = now;
    const finished = space.samples >= this.stats.target || !s.running;
    // A snapshot when one is due (this frame then samples nothing), else the next batch.
    if (!this.busy && !this.reading && !this.swapping) {
      if (this.readSamples !== space.samples && (now - this.lastRead >= this.readInterval || finished))
        void this.read(space);
      else if (!finished) this.pump(space, s);
    }
    this.updateProgress(space, now);
  }

  private batchFor(s: SceneState): number {
    return s.rnBatch > 0 ? Math.min(s.rnBatch, MAX_BATCH) : this.autoBatch;
  }

  private pump(space: FunctionSpace, s: SceneState): void {
    const n = Math.min(this.batchFor(s), this.stats.target - space.samples);
    const gen = this.gen;
    const submitted = performance.now();
    // When the work queued before this batch (e.g. the last frame's drawing) is done: the batch's own
    // GPU time is measured from then, so a slow renderer does not shrink the batches.
    const queueFree = this.device.queue.onSubmittedWorkDone().then(() => performance.now());
    this.busy = true;
    this.stats.batch = n;
    this.op = space
      .advance(n)
      .then(() => space.finish())
      .then(async () => {
        const done = performance.now();
        const start = Math.max(submitted, await queueFree);
        if (gen !== this.gen) return;
        const dt = done - start;
        this.rateWindow.n += n;
        // Auto: a batch takes at most about half a frame of GPU time (≥ 33 ms), doubling or halving;
        // on a slow (software) renderer the networks get about as much GPU time as the drawing.
        const hi = Math.max(33, 0.5 * this.frameMs);
        if (s.rnBatch === 0 && n === this.autoBatch) {
          if (dt < hi / 4 && this.autoBatch < MAX_BATCH) this.autoBatch *= 2;
          else if (dt > hi && this.autoBatch > AUTO_MIN) this.autoBatch /= 2;
        }
      })
      .catch(() => {
        // Replaced or destroyed mid-batch (or the device was lost): the next frame carries on.
      })
      .finally(() => {
        if (gen === this.gen) this.busy = false;
      });
  }

  private read(space: FunctionSpace): Promise<void> {
    const gen = this.gen;
    const cache = this.cache!;
    const inputs = this.config!.inputs;
    this.reading = true;
    const t0 = performance.now();
    const samples = space.samples;
    this.op = space
      .read()
      .then((snap) => {
        if (gen !== this.gen) return;
        this.summary = summariseSnapshot(snap, inputs, cache);
        this.readSamples = samples;
        this.lastRead = performance.now();
        this.readInterval = Math.max(READ_MS, 2 * (this.lastRead - t0));
        this.version++;
        const st = this.stats;
        st.total = this.summary.total;
        st.countsSum = this.summary.countsSum;
        st.other = this.summary.other;
        st.distinct = this.summary.distinct;
        st.load = st.capacity > 0 ? st.distinct / st.capacity : 0;
        st.reads++;
      })
      .catch(() => {})
      .finally(() => {
        if (gen === this.gen) this.reading = false;
      });
    return this.op;
  }

  private updateProgress(space: FunctionSpace, now: number): void {
    const st = this.stats;
    st.samples = space.samples;
    st.done = space.samples >= st.target;
    const w = this.rateWindow;
    if (w.t0 === 0) w.t0 = now;
    if (now - w.t0 >= 2000) {
      st.rate = (w.n * 1000) / (now - w.t0);
      this.rateWindow = { t0: now, n: 0 };
    }
    st.etaSeconds = st.done ? 0 : st.rate > 0 ? (st.target - space.samples) / st.rate : Number.NaN;
  }

  private async rebuild(s: SceneState, key: string): Promise<void> {
    this.building = true;
    try {
      const config = randNetConfigOf(s);
      const next = await FunctionSpace.create(this.device, config, {
        batch: MAX_BATCH,
        capacity: s.rnCapacity,
      });
      // Left function-space mode (or the lab went away) while compiling: nothing to swap in.
      if (this.destroyed || !this.wanted?.fspace) {
        next.destroy();
        return;
      }
      // Let the running space's batch or read finish first: its buffers must outlive its submits.
      this.swapping = true;
      await this.op;
      this.space?.destroy();
      this.gen++;
      this.space = next;
      this.config = config;
      if (this.cache?.inputs !== config.inputs) this.cache = new KCache(config.inputs);
      this.key = key;
      this.failedKey = '';
      this.resetPending = false;
      this.restartCounts();
      Object.assign(this.stats, { capacity: s.rnCapacity, label: architectureLabel(config), error: null });
      this.stats.builds++;
    } catch (e) {
      // Not retried until the settings change; whatever was running keeps running.
      this.failedKey = key;
      const message = `Could not build the random networks: ${(e as Error).message}`;
      this.stats.error = message;
      this.notice(this.space ? `${message}. The previous configuration keeps running.` : message, 'error');
    } finally {
      this.building = false;
      this.swapping = false;
    }
  }

  private async doReset(space: FunctionSpace): Promise<void> {
    this.resetPending = false;
    this.gen++;
    const gen = this.gen;
    this.busy = true;
    // A rejection means the space was destroyed meanwhile: the rebuild has reset everything.
    this.op = space.reset().catch(() => {});
    await this.op;
    if (gen !== this.gen) return;
    if (this.cache && this.cache.size > 4 * Math.max(1, this.stats.capacity))
      this.cache = new KCache(this.cache.inputs);
    this.restartCounts();
  }

  /** Back to network 0 with an empty table (after a build or a reset): no read, no rate, zero counts. */
  private restartCounts(): void {
    this.busy = false;
    this.reading = false;
    this.summary = null;
    this.version++;
    this.readSamples = -1;
    this.lastRead = 0;
    this.rateWindow = { t0: 0, n: 0 };
    Object.assign(this.stats, {
      samples: 0,
      rate: 0,
      total: 0,
      countsSum: 0,
      other: 0,
      distinct: 0,
      load: 0,
      reads: 0,
      done: false,
    });
  }

  /**
   * Offline capture: builds (or resets) what the state asks for, samples exactly `networks` more (fewer
   * at the target) and reads the table, so the next draw shows this very frame. Deterministic: network
   * k is keyed by (seed, k), whatever the batches.
   */
  async captureStep(s: SceneState, advance: boolean): Promise<void> {
    if (!s.fspace) return;
    this.wanted = s;
    // Awaits the work itself, never a timer: a hidden tab throttles timers, and offline capture must
    // not slow down there. With the loop held nothing else starts a batch or a read meanwhile.
    for (let i = 0; i < 8 && !this.settled(s); i++) {
      const key = this.keyOf(s);
      if (this.building) await this.buildRun;
      else if (key !== this.key && key !== this.failedKey) {
        this.buildRun = this.rebuild(s, key);
        await this.buildRun;
      } else if (this.resetPending && this.space) {
        await this.op;
        await this.doReset(this.space);
      } else break;
    }
    const space = this.space;
    if (!space) throw new Error(this.stats.error ?? 'the random networks could not be built');
    await this.op;
    this.stats.target = Math.ceil(s.rnTarget);
    const per = s.rnBatch > 0 ? s.rnBatch : this.software ? CAPTURE_BATCH.software : CAPTURE_BATCH.hardware;
    const n = advance && s.running ? Math.min(per, this.stats.target - space.samples) : 0;
    this.stats.batch = n;
    if (n > 0) {
      this.op = space.advance(n);
      await this.op;
    }
    await this.read(space);
    this.updateProgress(space, performance.now());
  }

  /** Capture: the clip's rate (networks per frame × fps) instead of the wall clock's. */
  setCaptureRate(fps: number): void {
    this.stats.rate = this.stats.batch * fps;
    const left = this.stats.target - this.stats.samples;
    this.stats.etaSeconds = left <= 0 ? 0 : this.stats.rate > 0 ? left / this.stats.rate : Number.NaN;
  }

  private clear(): void {
    const old = this.space;
    void this.op.then(() => old?.destroy());
    this.space = null;
    this.gen++;
    this.key = '';
    this.failedKey = '';
    this.busy = false;
    this.reading = false;
    this.summary = null;
    this.version++;
  }

  destroy(): void {
    this.destroyed = true;
    this.clear();
  }
}
