/**
 * WalkerEngine: N parallel Langevin walkers on the GPU for one landscape. It owns its buffers
 * (positions, current loss, loss sums, accept and divergence counters), writes uniforms when settings
 * change (never recompiling for parameter changes), advances the walkers a given number of steps,
 * and reads back only small reductions. It imports neither three.js nor the DOM: the CLI, the tests
 * and the app all drive it the same way.
 */
import { makeShaderDataDefinitions, makeStructuredView, type StructuredView } from 'webgpu-utils';
import diagnosticsWgsl from '../../shaders/diagnostics.wgsl';
import evalWgsl from '../../shaders/eval.wgsl';
import langevinWgsl from '../../shaders/langevin.wgsl';
import malaWgsl from '../../shaders/mala.wgsl';
import posteriorWgsl from '../../shaders/posterior.wgsl';
import reduceWgsl from '../../shaders/reduce.wgsl';
import rngWgsl from '../../shaders/rng.wgsl';
import { engineLayouts } from '../gpu/layouts';
import { readBuffer } from '../gpu/readback';
import { assemble, computePipeline } from '../gpu/shader-assembly';
import { type Diagnostics, diagnoseSums, STUCK_ACCEPTANCE, STUCK_MIN_WINDOW } from './diagnostics';
import { LandscapeBinding, landscapeParamsSource } from './landscape-uniforms';
import type { Landscape } from './landscapes';
import { landscapeCommonWgsl } from './landscapes';
import type { InitKind, PosteriorSettings, SamplerSettings } from './posterior';
import { validatePosterior } from './posterior';
import { seedKey } from './rng';

export interface EngineConfig extends PosteriorSettings, SamplerSettings {
  readonly walkers: number;
  /**
   * A positions buffer owned by someone else (e.g. a three.js StorageBufferAttribute, so the renderer
   * draws the walkers with no copy). Needs STORAGE | COPY_SRC | COPY_DST usage and at least
   * 4·walkers·dim bytes. The engine never destroys it.
   */
  readonly externalPositions?: GPUBuffer;
  /** Steps per dispatch, kept in registers (default 32). */
  readonly stepsPerDispatch?: number;
  /**
   * Walker groups, each at its own n·β (a temperature ladder, or a sweep over n): contiguous blocks
   * of ⌈walkers/G⌉ walkers. Default: one group at n·β. At most MAX_GROUPS.
   */
  readonly groupNbeta?: readonly number[];
  /** Step size of each group (default: `eps` for every group); same length as groupNbeta. */
  readonly groupEps?: readonly number[];
}

/** What one reduction reads back: a few hundred bytes whatever the walker count. */
export interface WalkerStats {
  readonly walkers: number;
  /** Mean of the current losses L_n(w_i). */
  readonly meanLoss: number;
  /** Variance (over walkers) of the current losses. */
  readonly varLoss: number;
  /** Mean over walkers of each walker's time-averaged loss since the last clear (0 when no samples). */
  readonly chainMean: number;
  /** Variance over walkers of those time averages. */
  readonly chainMeanVar: number;
  /** Loss samples per walker accumulated since the last clear. */
  readonly samples: number;
  /** Fraction of walkers within `radius` of `center`. */
  readonly massNear: number;
  /** Accepted / proposed moves since the last counter clear (1 for ULA). */
  readonly acceptance: number;
  /** Walkers that became non-finite since the last reset, each re-drawn from the prior. */
  readonly diverged: number;
  /**
   * Split-R̂, ESS, between-starts z, stuck and diverged walkers of the sampling phase since the last
   * counter clear (diagnostics.ts). R̂ needs the midpoint copy that `setAccumulate(true, planned)`
   * arranges; without it R̂ is NaN.
   */
  readonly diagnostics: Diagnostics;
  /**
   * The current losses' between-starts check, for a population that is not accumulating (the app):
   * even (w*-started under a mixed start) minus odd walkers' mean current loss in SE, and the nested
   * R̂ of the two starts as superchains of one draw each (Margossian et al. 2022), √(1 + B/W).
   */
  readonly startsNow: { readonly z: number; readonly rhat: number };
}

export interface StatsQuery {
  readonly center?: readonly number[];
  readonly radius?: number;
}

const ROW = 24;
export const MAX_GROUPS = 64;
const REDUCE_WG = 256;
const WALKER_WG = 64;

const floatsOf = (values: readonly number[], length: number): Float32Array => {
  const out = new Float32Array(length);
  out.set(values.slice(0, length));
  return out;
};

function checkWalkers(device: GPUDevice, walkers: number, dim: number): void {
  if (!Number.isInteger(walkers) || walkers < 1)
    throw new RangeError(`walkers must be a positive integer, got ${walkers}`);
  // The largest per-walker array: positions (4·d bytes) or the diagnostics' sums (a vec4, 16 bytes).
  const maxByBinding = Math.floor(device.limits.maxStorageBufferBindingSize / Math.max(4 * dim, 16));
  const maxByDispatch = device.limits.maxComputeWorkgroupsPerDimension * WALKER_WG;
  const max = Math.min(maxByBinding, maxByDispatch);
  if (walkers > max) {
    throw new RangeError(`walkers = ${walkers} exceeds this device's limit of ${max} for dimension ${dim}`);
  }
}

/** The largest walker count this device can hold for a dimension. */
export function maxWalkers(device: GPUDevice, dim: number): number {
  return Math.min(
    Math.floor(device.limits.maxStorageBufferBindingSize / Math.max(4 * dim, 16)),
    device.limits.maxComputeWorkgroupsPerDimension * WALKER_WG,
  );
}

/** GPU bytes held per walker: positions, current loss, loss sum, accepts, diverged, diagnostics (2 × vec4). */
export const bytesPerWalker = (dim: number): number => 4 * dim + 4 * 4 + 2 * 16;

export class WalkerEngine {
  readonly device: GPUDevice;
  readonly walkers: number;
  readonly dim: number;
  /** Walker positions, walker-major with stride `dim` (f32). Usable as a vertex/storage buffer. */
  readonly positions: GPUBuffer;
  readonly currentLoss: GPUBuffer;
  private readonly lossSum: GPUBuffer;
  private readonly accepts: GPUBuffer;
  private readonly diverged: GPUBuffer;
  /** Per walker (c, Σ(L − c), Σ(L − c)², samples) of the sampling phase, and its midpoint copy. */
  private readonly diagSums: GPUBuffer;
  private readonly diagHalf: GPUBuffer;
  private readonly simUniform: GPUBuffer;
  private readonly reduceUniform: GPUBuffer;
  private readonly partials: GPUBuffer;
  private readonly partialsReadback: GPUBuffer;
  private readonly walkerBindGroup: GPUBindGroup;
  private readonly landscapeBinding: LandscapeBinding;
  private readonly reduceBindGroup: GPUBindGroup;
  private readonly sim: StructuredView;
  private readonly reduceParams: StructuredView;
  private readonly reduceGroups: number;
  private config: EngineConfig;
  private pipelines: {
    init: GPUComputePipeline;
    ula: GPUComputePipeline;
    mala: GPUComputePipeline;
    reduce: GPUComputePipeline;
  };
  private readonly evalModuleCode: string;
  private stepIndex = 0;
  private statsQueue: Promise<unknown> = Promise.resolve();
  /** readGroupStats' readback, sized for the current group count. */
  private groupReadback?: GPUBuffer;
  private samples = 0;
  private stepsSinceAcceptClear = 0;
  private accumulate = false;
  /** The sample count at which diagSums is copied to diagHalf (the split-chain midpoint). */
  private halfAt: number | undefined;
  private destroyed = false;
  private readonly owned: GPUBuffer[] = [];

  private constructor(
    device: GPUDevice,
    config: EngineConfig,
    walkerCode: string,
    reduceCode: string,
    pipelines: WalkerEngine['pipelines'],
  ) {
    this.device = device;
    this.config = config;
    this.walkers = config.walkers;
    this.dim = config.landscape.dim;
    this.pipelines = pipelines;
    this.evalModuleCode = landscapeModule(config.landscape, evalWgsl);
    this.landscapeBinding = new LandscapeBinding(device, config.landscape, config.params);
    const n = this.walkers;
    const storage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
    const make = (label: string, size: number, usage: number) => {
      const b = device.createBuffer({ label: `walkers/${label}`, size: Math.max(16, size), usage });
      this.owned.push(b);
      return b;
    };
    const external = config.externalPositions;
    if (external && external.size < 4 * n * this.dim) {
      throw new RangeError(
        `external positions buffer holds ${external.size} bytes, needs ${4 * n * this.dim}`,
      );
    }
    this.positions = external ?? make('positions', 4 * n * this.dim, storage | GPUBufferUsage.VERTEX);
    this.currentLoss = make('current-loss', 4 * n, storage | GPUBufferUsage.VERTEX);
    this.lossSum = make('loss-sum', 4 * n, storage);
    this.accepts = make('accepts', 4 * n, storage);
    this.diverged = make('diverged', 4 * n, storage);
    this.diagSums = make('diag-sums', 16 * n, storage);
    this.diagHalf = make('diag-half', 16 * n, storage);

    const simDefs = makeShaderDataDefinitions(walkerCode);
    this.sim = makeStructuredView(simDefs.uniforms.sim);
    this.simUniform = make(
      'sim-uniform',
      this.sim.arrayBuffer.byteLength,
      GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    );
    const reduceDefs = makeShaderDataDefinitions(reduceCode);
    this.reduceParams = makeStructuredView(reduceDefs.uniforms.rp);
    this.reduceUniform = make(
      'reduce-uniform',
      this.reduceParams.arrayBuffer.byteLength,
      GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    );
    this.reduceGroups = Math.max(1, Math.min(256, Math.ceil(n / REDUCE_WG)));
    this.partials = make(
      'partials',
      4 * ROW * this.reduceGroups,
      GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC,
    );
    this.partialsReadback = make(
      'partials-readback',
      4 * ROW * this.reduceGroups,
      GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    );

    const layouts = engineLayouts(device);
    const buf = (binding: number, buffer: GPUBuffer): GPUBindGroupEntry => ({
      binding,
      resource: { buffer },
    });
    this.walkerBindGroup = device.createBindGroup({
      label: 'walkers',
      layout: layouts.walkerGroup,
      entries: [
        buf(0, this.simUniform),
        buf(1, this.positions),
        buf(2, this.currentLoss),
        buf(3, this.lossSum),
        buf(4, this.accepts),
        buf(5, this.diverged),
        buf(7, this.diagSums),
      ],
    });
    this.reduceBindGroup = device.createBindGroup({
      label: 'reduce',
      layout: layouts.reduceGroup,
      entries: [
        buf(0, this.reduceUniform),
        buf(1, this.positions),
        buf(2, this.currentLoss),
        buf(3, this.lossSum),
        buf(4, this.accepts),
        buf(5, this.diverged),
        buf(6, this.partials),
        buf(7, this.diagSums),
        buf(8, this.diagHalf),
      ],
    });
  }

  /** Compiles (or reuses) the pipelines for the landscape and allocates the walkers. */
  static async create(device: GPUDevice, config: EngineConfig): Promise<WalkerEngine> {
    validatePosterior(config);
    WalkerEngine.checkSampler(config);
    WalkerEngine.checkGroups(config);
    checkWalkers(device, config.walkers, config.landscape.dim);
    const dim = config.landscape.dim;
    const walkerCode = landscapeModule(
      config.landscape,
      rngWgsl,
      posteriorWgsl,
      diagnosticsWgsl,
      langevinWgsl,
      malaWgsl,
    );
    const reduceCode = assemble(dim, reduceWgsl);
    const layouts = engineLayouts(device);
    const label = `${config.landscape.id}/d${dim}`;
    const [init, ula, mala, reduce] = await Promise.all([
      computePipeline(device, walkerCode, 'init_walkers', layouts.walkerPipeline, `${label}/init`),
      computePipeline(device, walkerCode, 'ula_steps', layouts.walkerPipeline, `${label}/ula`),
      computePipeline(device, walkerCode, 'mala_steps', layouts.walkerPipeline, `${label}/mala`),
      computePipeline(device, reduceCode, 'reduce_stats', layouts.reducePipeline, `${label}/reduce`),
    ]);
    return new WalkerEngine(device, config, walkerCode, reduceCode, { init, ula, mala, reduce });
  }

  private static checkGroups(c: EngineConfig): void {
    const g = c.groupNbeta;
    if (g === undefined) return;
    if (g.length < 1 || g.length > MAX_GROUPS || g.length > c.walkers) {
      throw new RangeError(
        `walker groups must number 1..${Math.min(MAX_GROUPS, c.walkers)}, got ${g.length}`,
      );
    }
    if (!g.every((x) => Number.isFinite(x) && x > 0))
      throw new RangeError('every group n·β must be a positive number');
    const e = c.groupEps;
    if (e !== undefined && (e.length !== g.length || !e.every((x) => Number.isFinite(x) && x > 0))) {
      throw new RangeError(`groupEps must hold ${g.length} positive step sizes`);
    }
  }

  /** The step size of group g. */
  groupStep(g: number): number {
    return this.config.groupEps?.[g] ?? this.config.eps;
  }

  /** Number of walker groups (1 unless groupNbeta is set). */
  get groups(): number {
    return this.config.groupNbeta?.length ?? 1;
  }

  /** Walker index range of group g. */
  groupRange(g: number): { first: number; count: number } {
    const size = Math.ceil(this.walkers / this.groups);
    const first = Math.min(g * size, this.walkers);
    const count = g === this.groups - 1 ? this.walkers - first : Math.min(size, this.walkers - first);
    return { first, count };
  }

  private static checkSampler(c: SamplerSettings): void {
    if (c.sampler !== 'ula' && c.sampler !== 'mala')
      throw new RangeError(`sampler must be 'ula' or 'mala', got ${c.sampler}`);
    if (!Number.isFinite(c.eps) || c.eps <= 0)
      throw new RangeError(`step size must be a positive number, got ${c.eps}`);
    seedKey(c.seed);
  }

  /** Current settings. */
  get settings(): EngineConfig {
    return this.config;
  }

  /** Bind group 1 (the landscape's uniforms) for other modules that evaluate this landscape. */
  get landscapeBindGroup(): GPUBindGroup {
    return this.landscapeBinding.bindGroup;
  }

  /** Global step counter (the RNG counter of the next step). */

  get step(): number {
    return this.stepIndex;
  }

  /**
   * Changes uniforms only: n, β, γ, prior, w*, landscape parameters, sampler, step size, seed.
   * The landscape and walker count are fixed for an engine's life; make a new engine to change them.
   */
  update(changes: Partial<Omit<EngineConfig, 'landscape' | 'walkers'>>): void {
    const next = { ...this.config, ...changes };
    validatePosterior(next);
    WalkerEngine.checkSampler(next);
    WalkerEngine.checkGroups(next);
    if (changes.params && changes.params !== this.config.params) this.landscapeBinding.update(next.params);
    this.config = next;
  }

  private writeSim(steps: number, initKind: InitKind): void {
    const c = this.config;
    const [seedLo, seedHi] = seedKey(c.seed);
    this.sim.set({
      walkers: this.walkers,
      steps,
      step_base: this.stepIndex >>> 0,
      seed_lo: seedLo,
      seed_hi: seedHi,
      prior_kind: c.prior.kind === 'gauss' ? 1 : 0,
      accumulate: this.accumulate ? 1 : 0,
      init_kind: initKind === 'prior' ? 1 : initKind === 'mixed' ? 2 : 0,
      gamma: c.gamma,
      prior_scale: c.prior.scale,
      groups: this.groups,
      group_size: Math.ceil(this.walkers / this.groups),
      wstar: floatsOf(c.wstar, 32),
      group_nbeta: floatsOf(c.groupNbeta ?? [c.n * c.beta], 4 * 16),
      group_eps: floatsOf(c.groupEps ?? new Array<number>(this.groups).fill(c.eps), 4 * 16),
    });
    this.device.queue.writeBuffer(this.simUniform, 0, this.sim.arrayBuffer);
  }

  private dispatch(pipeline: GPUComputePipeline, label: string): void {
    const encoder = this.device.createCommandEncoder({ label });
    const pass = encoder.beginComputePass({ label });
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, this.walkerBindGroup);
    pass.setBindGroup(1, this.landscapeBinding.bindGroup);
    pass.dispatchWorkgroups(Math.ceil(this.walkers / WALKER_WG));
    pass.end();
    this.device.queue.submit([encoder.finish()]);
  }

  private assertAlive(): void {
    if (this.destroyed) throw new Error('WalkerEngine used after destroy()');
  }

  /**
   * Places every walker at w* or draws it from the prior (`mixed`: even walkers at w*, odd ones from
   * the prior), and clears all counters and sums.
   */
  reset(init: InitKind = 'wstar'): void {
    this.assertAlive();
    this.stepIndex = 0;
    this.samples = 0;
    this.halfAt = undefined;
    this.stepsSinceAcceptClear = 0;
    this.writeSim(0, init);
    this.dispatch(this.pipelines.init, 'init-walkers');
  }

  /**
   * While on, every step adds its loss to each walker's running sums (the sampling phase). With
   * `planned` sampling steps ahead, the diagnostics' sums are copied once `planned/2` of them are
   * done: the first half-chains of split-R̂.
   */
  setAccumulate(on: boolean, planned?: number): void {
    this.accumulate = on;
    if (on && planned !== undefined) this.halfAt = this.samples + Math.floor(planned / 2);
  }

  /** Zeroes the loss sums and accept counters (not the divergence counts). */
  clearCounters(): void {
    this.assertAlive();
    const encoder = this.device.createCommandEncoder({ label: 'clear-counters' });
    encoder.clearBuffer(this.lossSum);
    encoder.clearBuffer(this.accepts);
    encoder.clearBuffer(this.diagSums);
    encoder.clearBuffer(this.diagHalf);
    this.device.queue.submit([encoder.finish()]);
    this.samples = 0;
    this.halfAt = undefined;
    this.stepsSinceAcceptClear = 0;
  }

  /** Advances every walker `count` steps with the current sampler. */
  advance(count: number): void {
    this.assertAlive();
    if (!Number.isInteger(count) || count < 0)
      throw new RangeError(`step count must be a non-negative integer, got ${count}`);
    const perDispatch = this.config.stepsPerDispatch ?? 32;
    const pipeline = this.config.sampler === 'mala' ? this.pipelines.mala : this.pipelines.ula;
    for (let done = 0; done < count; ) {
      let k = Math.min(perDispatch, count - done);
      // A dispatch ends at the split-chain midpoint, where the diagnostics' sums are copied.
      const half = this.accumulate ? this.halfAt : undefined;
      if (half !== undefined && this.samples < half) k = Math.min(k, half - this.samples);
      // writeBuffer and submit are ordered on the queue, so each dispatch sees its own step_base.
      this.writeSim(k, 'wstar');
      this.dispatch(pipeline, this.config.sampler);
      this.stepIndex += k;
      done += k;
      this.stepsSinceAcceptClear += k;
      if (this.accumulate) this.samples += k;
      if (half !== undefined && this.samples === half) {
        const encoder = this.device.createCommandEncoder({ label: 'diag-half' });
        encoder.copyBufferToBuffer(this.diagSums, 0, this.diagHalf, 0, this.diagSums.size);
        this.device.queue.submit([encoder.finish()]);
      }
    }
  }

  /** One GPU reduction, a few hundred bytes read back. */
  readStats(
    query: StatsQuery = {},
    shifts: { loss?: number; chainMean?: number } = {},
    group?: number,
  ): Promise<WalkerStats> {
    // One readback buffer: calls are queued so that a caller never finds it mapped or pending.
    const next = this.statsQueue.then(() => this.reduceOnce(query, shifts, group));
    this.statsQueue = next.catch(() => undefined);
    return next;
  }

  /**
   * Statistics of every walker group, one reduction per group but a single readback: in a browser
   * each GPU round trip waits about a frame, so 8 groups wait one frame instead of 8.
   */
  readGroupStats(
    query: StatsQuery = {},
    shifts: { loss?: number; chainMean?: number } = {},
  ): Promise<WalkerStats[]> {
    const ranges = Array.from({ length: this.groups }, (_, g) => this.groupRange(g));
    const next = this.statsQueue.then(() => this.reduceRanges(ranges, query, shifts));
    this.statsQueue = next.catch(() => undefined);
    return next;
  }

  private async reduceOnce(
    query: StatsQuery,
    shifts: { loss?: number; chainMean?: number },
    group?: number,
  ): Promise<WalkerStats> {
    this.assertAlive();
    if (group !== undefined && (!Number.isInteger(group) || group < 0 || group >= this.groups)) {
      throw new RangeError(`group must be an integer in [0, ${this.groups}), got ${group}`);
    }
    const range = group === undefined ? { first: 0, count: this.walkers } : this.groupRange(group);
    return (await this.reduceRanges([range], query, shifts))[0];
  }

  /** One reduction per walker range, each copied to its own slot of one readback. */
  private async reduceRanges(
    ranges: readonly { first: number; count: number }[],
    query: StatsQuery,
    shifts: { loss?: number; chainMean?: number },
  ): Promise<WalkerStats[]> {
    this.assertAlive();
    const center = query.center ?? this.config.wstar;
    const radius = query.radius ?? 0;
    const slot = this.partials.size;
    // One range: the engine's own readback buffer; several: one kept for that many ranges (calls are
    // queued by statsQueue, so neither is ever mapped or pending when reused).
    const readback = ranges.length === 1 ? this.partialsReadback : this.groupsReadback(slot * ranges.length);
    ranges.forEach((range, i) => {
      this.reduceParams.set({
        walkers: range.count,
        first: range.first,
        groups: this.reduceGroups,
        inv_samples: this.samples > 0 ? 1 / this.samples : 0,
        shift: shifts.chainMean ?? 0,
        radius2: radius * radius,
        loss_shift: shifts.loss ?? 0,
        stuck_below: STUCK_ACCEPTANCE * this.stepsSinceAcceptClear,
        center: floatsOf(center, 32),
      });
      // Queue order: each submit sees its own uniform write, and the copy precedes the next reduce.
      this.device.queue.writeBuffer(this.reduceUniform, 0, this.reduceParams.arrayBuffer);
      const encoder = this.device.createCommandEncoder({ label: 'reduce' });
      const pass = encoder.beginComputePass({ label: 'reduce' });
      pass.setPipeline(this.pipelines.reduce);
      pass.setBindGroup(0, this.reduceBindGroup);
      pass.dispatchWorkgroups(this.reduceGroups);
      pass.end();
      encoder.copyBufferToBuffer(this.partials, 0, readback, i * slot, slot);
      this.device.queue.submit([encoder.finish()]);
    });
    await readback.mapAsync(GPUMapMode.READ);
    const all = new Float32Array(readback.getMappedRange().slice(0));
    readback.unmap();
    return ranges.map((range, i) => {
      const rows = all.subarray((i * slot) / 4, ((i + 1) * slot) / 4);
      const sum = new Float64Array(ROW);
      for (let g = 0; g < this.reduceGroups; g++) for (let k = 0; k < ROW; k++) sum[k] += rows[g * ROW + k];
      const n = range.count;
      const lossShift = shifts.loss ?? 0;
      const chainShift = shifts.chainMean ?? 0;
      const meanLossShifted = sum[0] / n;
      const chainShifted = sum[2] / n;
      const proposals = n * this.stepsSinceAcceptClear;
      const diag = diagnoseSums(
        {
          halfSum: sum[8],
          halfSumSq: sum[9],
          halfVarSum: sum[10],
          halfChains: Math.round(sum[11]),
          chainSum: sum[12],
          chainSumSq: sum[13],
          chainVarSum: sum[14],
          chains: Math.round(sum[15]),
          evenSum: sum[16],
          evenSumSq: sum[17],
          even: Math.round(sum[18]),
        },
        this.samples,
      );
      return {
        walkers: n,
        meanLoss: meanLossShifted + lossShift,
        varLoss: Math.max(0, sum[1] / n - meanLossShifted ** 2),
        chainMean: this.samples > 0 ? chainShifted + chainShift : 0,
        chainMeanVar: this.samples > 0 ? Math.max(0, sum[3] / n - chainShifted ** 2) : 0,
        samples: this.samples,
        massNear: sum[4] / n,
        acceptance: proposals > 0 ? sum[5] / proposals : Number.NaN,
        diverged: Math.round(sum[6]),
        diagnostics: {
          ...diag,
          stuck: this.stepsSinceAcceptClear >= STUCK_MIN_WINDOW ? Math.round(sum[19]) : 0,
          divergedWalkers: Math.round(sum[20]),
          walkers: n,
          samples: this.samples,
        },
        startsNow: startsNow(sum[0], sum[1], n, sum[21], sum[22], Math.round(sum[23])),
      };
    });
  }

  /** Per-walker diagnostic accumulators, at the end and at the midpoint (for tests, never per frame). */
  async readDiagnosticAccumulators(): Promise<{ whole: Float32Array; half: Float32Array }> {
    return {
      whole: new Float32Array(await this.readBuffer(this.diagSums, 16 * this.walkers)),
      half: new Float32Array(await this.readBuffer(this.diagHalf, 16 * this.walkers)),
    };
  }

  private groupsReadback(size: number): GPUBuffer {
    if (this.groupReadback?.size !== size) {
      this.groupReadback?.destroy();
      this.groupReadback = this.device.createBuffer({
        label: 'partials-readback/groups',
        size,
        usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
      });
    }
    return this.groupReadback;
  }

  private readBuffer(source: GPUBuffer, bytes: number): Promise<ArrayBuffer> {
    this.assertAlive();
    return readBuffer(this.device, source, bytes, 'walkers/readback');
  }

  /** All walker positions (N·d floats). For exports and tests, never per frame. */
  async readPositions(): Promise<Float32Array> {
    return new Float32Array(await this.readBuffer(this.positions, 4 * this.walkers * this.dim));
  }

  async readLosses(): Promise<Float32Array> {
    return new Float32Array(await this.readBuffer(this.currentLoss, 4 * this.walkers));
  }

  /** Per-walker cumulative divergence counts. */
  async readDivergedCounts(): Promise<Uint32Array> {
    return new Uint32Array(await this.readBuffer(this.diverged, 4 * this.walkers));
  }

  /** Overwrites walker positions (for tests and restoring a saved state); current losses follow. */
  async writePositions(positions: Float32Array<ArrayBuffer>): Promise<void> {
    this.assertAlive();
    if (positions.length !== this.walkers * this.dim) {
      throw new RangeError(`expected ${this.walkers * this.dim} coordinates, got ${positions.length}`);
    }
    this.device.queue.writeBuffer(this.positions, 0, positions);
    const values = await this.evaluate(positions);
    const losses = new Float32Array(this.walkers);
    for (let i = 0; i < this.walkers; i++) losses[i] = values.loss[i];
    this.device.queue.writeBuffer(this.currentLoss, 0, losses);
  }

  /** The landscape's own WGSL loss and gradient at the given points (stride d). */
  async evaluate(
    points: Float32Array<ArrayBuffer> | readonly number[],
  ): Promise<{ loss: Float32Array; grad: Float32Array }> {
    return evaluateLandscape(this.device, this.config, points, this.evalModuleCode, this.landscapeBinding);
  }

  /** Frees every GPU buffer this engine owns. Safe to call twice. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    for (const b of this.owned) b.destroy();
    this.groupReadback?.destroy();
    this.landscapeBinding.destroy();
  }
}

/**
 * Between-starts check on current losses: z of the even-minus-odd mean, and √(1 + B/W) with the two
 * starts as superchains (B the variance of their two means, W their mean within variance).
 */
function startsNow(
  sum: number,
  sumSq: number,
  count: number,
  evenSum: number,
  evenSumSq: number,
  even: number,
): { z: number; rhat: number } {
  const odd = count - even;
  if (even < 2 || odd < 2) return { z: 0, rhat: 1 };
  const v = (s: number, q: number, k: number) => Math.max(0, q - (s * s) / k) / (k - 1);
  const [me, mo] = [evenSum / even, (sum - evenSum) / odd];
  const [ve, vo] = [v(evenSum, evenSumSq, even), v(sum - evenSum, sumSq - evenSumSq, odd)];
  const se = Math.sqrt(ve / even + vo / odd);
  const w = (ve + vo) / 2;
  return {
    z: se > 0 ? (me - mo) / se : 0,
    rhat: w > 0 ? Math.sqrt(1 + (me - mo) ** 2 / 2 / w) : me === mo ? 1 : Number.POSITIVE_INFINITY,
  };
}

/** A shader module for a landscape: header, its uniforms, shared helpers, its WGSL, then `parts`. */
export function landscapeModule(landscape: Landscape, ...parts: string[]): string {
  return assemble(landscape.dim, landscapeParamsSource, landscapeCommonWgsl, landscape.wgsl, ...parts);
}

/** Evaluates a landscape's WGSL loss/grad at points (stride d) on the GPU. */
export async function evaluateLandscape(
  device: GPUDevice,
  settings: Pick<EngineConfig, 'landscape' | 'params'>,
  points: Float32Array<ArrayBuffer> | readonly number[],
  code = landscapeModule(settings.landscape, evalWgsl),
  binding?: LandscapeBinding,
): Promise<{ loss: Float32Array; grad: Float32Array }> {
  const d = settings.landscape.dim;
  const count = Math.floor(points.length / d);
  if (count * d !== points.length)
    throw new RangeError(`point array length ${points.length} is not a multiple of ${d}`);
  const layouts = engineLayouts(device);
  const pipeline = await computePipeline(
    device,
    code,
    'eval_points',
    layouts.evalPipeline,
    `${settings.landscape.id}/eval`,
  );
  const defs = makeShaderDataDefinitions(code);
  const params = makeStructuredView(defs.uniforms.ep);
  params.set({ count });
  const landscape = binding ?? new LandscapeBinding(device, settings.landscape, settings.params);
  const uniform = device.createBuffer({
    label: 'eval/uniform',
    size: Math.max(16, params.arrayBuffer.byteLength),
    usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
  });
  const input = device.createBuffer({
    label: 'eval/points',
    size: Math.max(16, 4 * count * d),
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
  });
  const outBytes = Math.max(16, 4 * count * (d + 1));
  const output = device.createBuffer({
    label: 'eval/values',
    size: outBytes,
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC,
  });
  const staging = device.createBuffer({
    label: 'eval/readback',
    size: outBytes,
    usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
  });
  try {
    device.queue.writeBuffer(uniform, 0, params.arrayBuffer);
    device.queue.writeBuffer(input, 0, points instanceof Float32Array ? points : new Float32Array(points));
    const bindGroup = device.createBindGroup({
      label: 'eval',
      layout: layouts.evalGroup,
      entries: [
        { binding: 0, resource: { buffer: uniform } },
        { binding: 1, resource: { buffer: input } },
        { binding: 2, resource: { buffer: output } },
      ],
    });
    const encoder = device.createCommandEncoder({ label: 'eval' });
    const pass = encoder.beginComputePass({ label: 'eval' });
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.setBindGroup(1, landscape.bindGroup);
    pass.dispatchWorkgroups(Math.max(1, Math.ceil(count / 64)));
    pass.end();
    encoder.copyBufferToBuffer(output, 0, staging, 0, outBytes);
    device.queue.submit([encoder.finish()]);
    await staging.mapAsync(GPUMapMode.READ);
    const values = new Float32Array(staging.getMappedRange().slice(0));
    staging.unmap();
    const loss = new Float32Array(count);
    const grad = new Float32Array(count * d);
    for (let i = 0; i < count; i++) {
      loss[i] = values[i * (d + 1)];
      for (let j = 0; j < d; j++) grad[i * d + j] = values[i * (d + 1) + 1 + j];
    }
    return { loss, grad };
  } finally {
    for (const b of [uniform, input, output, staging]) b.destroy();
    if (!binding) landscape.destroy();
  }
}
