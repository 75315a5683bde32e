/**
 * WalkerEngine: N parallel Langevin walkers on the GPU for one landscape. It owns its buffers
 * (positions, current loss, loss sums, accept and divergence counters), writes uniforms when settings
 * change (never recompiling for parameter changes), advances the walkers a given number of steps,
 * and reads back only small reductions. It imports neither three.js nor the DOM: the CLI, the tests
 * and the app all drive it the same way.
 */
import type { StructuredView } from 'webgpu-utils';
import diagnosticsWgsl from '../../../shaders/diagnostics.wgsl';
import exchangeWgsl from '../../../shaders/exchange.wgsl';
import langevinWgsl from '../../../shaders/langevin.wgsl';
import malaWgsl from '../../../shaders/mala.wgsl';
import momentsWgsl from '../../../shaders/moments.wgsl';
import posteriorWgsl from '../../../shaders/posterior.wgsl';
import reduceWgsl from '../../../shaders/reduce.wgsl';
import rngWgsl from '../../../shaders/rng.wgsl';
import { computeLayouts, engineLayouts } from '../../gpu/layouts';
import { readBuffer, readStaging, submitAndRead } from '../../gpu/readback';
import { constU32, fieldLength, uniformView } from '../../gpu/reflect';
import { assemble, computePipeline } from '../../gpu/shader-assembly';
import { evalModule, evaluateLandscape } from '../landscapes/landscape-eval';
import { landscapeModule } from '../landscapes/landscape-module';
import { LandscapeBinding, packLandscapeValues } from '../landscapes/landscape-uniforms';
import type { Landscape } from '../landscapes/landscapes';
import { type Diagnostics, diagnoseSums, STUCK_ACCEPTANCE, STUCK_MIN_WINDOW } from '../measures/diagnostics';
import type { InitKind, PosteriorSettings, SamplerSettings } from '../posterior';
import { validatePosterior } from '../posterior';
import { seedKey } from '../rng';
import { reduceState } from './state-reduction';
import { minScoredPerWalker, scoredMoves } from './ula-scoring';
import {
  gpuOnlyFeature,
  type KernelSettings,
  type KernelState,
  type WalkerKernelFactory,
  type WalkerKernels,
} from './walker-kernels';

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
  /**
   * Replica exchange between groups at neighbouring n·β every this many steps (0 or absent: off).
   * Needs at least two groups on the same data (refused for a landscape with several datasets).
   */
  readonly exchangeEvery?: number;
  /**
   * Ensemble preconditioning during a tuned burn-in (src/core/measures/burnin.ts, burnIn): 'diag' makes the
   * population's per-coordinate variances (per group) the proposal metric M, frozen before sampling.
   * Default 'diag'; 'none' keeps M = I; 'full' makes M the population's covariance (a dense metric,
   * metricFactor; D ≤ MAX_FULL_METRIC_DIM). Ignored where the step is given (no tuning).
   */
  readonly precondition?: PreconditionKind;
  /**
   * The diagonal proposal metric M of each group (D positive entries each; default all ones). The
   * Langevin move is w − (ε/2)·M∇U + √(εM)·ξ, with the matching MH density.
   */
  readonly metric?: readonly (readonly number[])[];
  /**
   * A dense proposal metric M = L·Lᵀ of each group: L's lower triangle packed by rows (D(D+1)/2
   * entries, row r at r(r+1)/2, positive diagonal). When set the move is w − (ε/2)·M∇U + √ε·L·ξ with
   * the matching Gaussian MH density and no fold at a box wall (a move out of the box is rejected);
   * `metric` should then hold M's diagonal (the box step cap uses it).
   */
  readonly metricFactor?: readonly (readonly number[])[];
}

/** How an engine is built beyond its config: step kernels other than the GPU's (the CPU backend). */
export interface EngineOptions {
  readonly kernels?: WalkerKernelFactory;
}

export type PreconditionKind = 'none' | 'diag' | 'full';
export const PRECONDITIONS: readonly PreconditionKind[] = ['none', 'diag', 'full'];
/** Largest dimension for a dense metric: D(D+1)/2 cross moments per walker in registers, an O(D²) move. */
export const MAX_FULL_METRIC_DIM = 16;

/** Per-coordinate mean and variance of a walker group's positions (population moments). */
export interface WalkerMoments {
  readonly mean: number[];
  readonly variance: number[];
  /** The population covariance matrix (readGroupCovariances only). */
  readonly covariance?: number[][];
}

/** Swap statistics of one neighbour pair (in n·β order) since the last counter clear. */
export interface ExchangePair {
  readonly nbetaLo: number;
  readonly nbetaHi: number;
  readonly attempts: number;
  readonly accepted: number;
  /** accepted / attempts (NaN before any attempt). */
  readonly rate: number;
}

/** An engine's full state (see WalkerEngine.snapshot); buffers are raw bytes, by name. */
export interface EngineSnapshot {
  readonly walkers: number;
  readonly dim: number;
  readonly groups: number;
  readonly step: number;
  readonly samples: number;
  readonly stepsSinceAcceptClear: number;
  readonly accumulate: boolean;
  readonly eps: number;
  readonly groupEps: number[] | null;
  readonly swapAttempts: number[];
  /** The frozen preconditioning metric (null: identity). */
  readonly metric?: number[][] | null;
  /** The dense metric's packed Cholesky factor of each group (absent or null: none). */
  readonly metricFactor?: number[][] | null;
  /** The sample count of the split-chain midpoint copy (null: none planned). */
  readonly halfAt?: number | null;
  readonly buffers: Record<string, ArrayBuffer>;
}

/** Floats per group in the metric buffer (binding 6): D diagonal entries, then a packed D×D lower factor. */
const metricStride = (d: number): number => d + (d * (d + 1)) / 2;

/** Whether index i of a packed lower triangle (row r at r(r+1)/2) lies on the diagonal. */
function isPackedDiagonal(i: number): boolean {
  const r = Math.floor((Math.sqrt(8 * i + 1) - 1) / 2);
  return i === (r * (r + 3)) / 2;
}

/**
 * The RNG counter of a step is a u32 (step_base in posterior.wgsl): a run (burn-in + sampling) holds
 * at most this many steps, so that no random word is ever reused.
 */
export const MAX_RUN_STEPS = 2 ** 32;

/**
 * Submits `run()` lets the queue hold before it waits for the GPU: memory stays bounded by this,
 * never by the step count (each dispatch also queues a uniform write).
 */
export const MAX_SUBMITS_AHEAD = 32;

/**
 * Default swap interval of replica exchange (steps): every 16 steps costs one small dispatch per 16
 * steps, and a state still crosses a ladder of ~10 groups within the default burn-in.
 */
export const DEFAULT_EXCHANGE_EVERY = 16;

/** The swap interval for groups on this landscape: the default, or 0 (off) where groups hold different data. */
export const exchangeEveryFor = (landscape: Landscape, groups: number): number =>
  groups > 1 && (landscape.datasets ?? 1) === 1 ? DEFAULT_EXCHANGE_EVERY : 0;

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
  /**
   * Accepted / proposed moves since the last counter clear. For ULA (which takes every move): the MH
   * acceptance MALA would have given its moves, an unbiased Bernoulli estimate (its bias diagnostic).
   */
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

export const MAX_GROUPS = 64;
/** What an init or step call of injected kernels changes (never the midpoint copy diagHalf). */
const STEP_STATE: readonly (keyof KernelState)[] = [
  'positions',
  'currentLoss',
  'lossSum',
  'accepts',
  'diverged',
  'diagSums',
];
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

/** Adapters that are CPU rasterisers (SwiftShader, llvmpipe/lavapipe, WARP): their barriers are expensive. */
const SOFTWARE_ADAPTER = /swiftshader|llvmpipe|lavapipe|softpipe|microsoft basic render/i;

/** True when the device runs on a software adapter (from its adapterInfo; false when unknown). */
export function isSoftwareDevice(device: GPUDevice): boolean {
  const info = (device as { adapterInfo?: GPUAdapterInfo }).adapterInfo;
  return (
    info !== undefined &&
    SOFTWARE_ADAPTER.test([info.vendor, info.architecture, info.device, info.description].join(' '))
  );
}

/**
 * Workgroups of a strided reduction over `count` items (256 threads each, at most `max`). On a
 * software adapter each workgroup's barrier tree costs coroutine switches for all its invocations,
 * so readStats at 2^16 walkers took 1.1 CPU-s with 256 workgroups and 0.04 with one (issue 17):
 * there each thread strides over at least 256 items. Hardware GPUs keep one item per thread.
 */
export function reductionGroups(device: GPUDevice, count: number, max: number): number {
  const perThread = isSoftwareDevice(device) ? 256 : 1;
  return Math.max(1, Math.min(max, Math.ceil(count / (REDUCE_WG * perThread))));
}

/** The largest walker count this device can hold for a dimension. */
export function maxWalkers(device: GPUDevice, dim: number): number {
  return Math.min(
    Math.floor(device.limits.maxStorageBufferBindingSize / Math.max(4 * dim, 16)),
    device.limits.maxComputeWorkgroupsPerDimension * WALKER_WG,
  );
}

/** GPU bytes held per walker: positions, current loss, loss sum, accepts, diverged, diagnostics (2 × vec4); the metric is per group. */
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
  private readonly metricBuffer: GPUBuffer;
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
  /** Partial sums per reduction workgroup (`ROW` in shaders/reduce.wgsl). */
  private readonly row: number;
  private readonly reduceGroups: number;
  private config: EngineConfig;
  /**
   * With injected kernels only the passes that read walker state are compiled (moments on first
   * use; the statistics are summed on the host): a software GPU spends seconds compiling each walker kernel it would never run.
   */
  private pipelines: {
    init?: GPUComputePipeline;
    ula?: GPUComputePipeline;
    mala?: GPUComputePipeline;
    /** The GPU reduction; absent with injected kernels (their sums are taken on the host). */
    reduce?: Promise<GPUComputePipeline>;
    exchange?: GPUComputePipeline;
    moments?: Promise<GPUComputePipeline>;
  };
  /** The cross-moment pipeline (walker_cross_moments), built on first use (--precondition full). */
  private crossMoments?: Promise<GPUComputePipeline>;
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
  private readonly exchangeUniform: GPUBuffer;
  private readonly swapAccepts: GPUBuffer;
  private readonly exchangeBindGroup: GPUBindGroup;
  private readonly exchangeParams: StructuredView;
  /** Swap attempts per nβ-rank pair since the last clear (counted here: the schedule is known). */
  private readonly swapAttempts = new Float64Array(MAX_GROUPS);
  /** Submits queued and not yet known complete, and the most ever (bounded-queue tests). */
  private submitted = 0;
  private completed = 0;
  private maxAhead = 0;
  /**
   * Injected step kernels (the CPU backend): their state is the master copy of the walkers. Every
   * call on them is chained on `cpuChain` (advance() stays synchronous: it only queues), and
   * `cpuDirty` names the state arrays whose GPU buffers are behind the kernels' (flush() copies
   * only those: diagHalf, say, changes once per run).
   */
  private cpu?: WalkerKernels;
  private cpuChain: Promise<void> = Promise.resolve();
  private readonly cpuDirty = new Set<keyof KernelState>();
  private cpuDescription?: string;
  /** flush()'s copy of each state array (writeBuffer takes no view of shared memory). */
  private cpuStaging?: Uint8Array<ArrayBuffer>;
  /** packLandscapeValues of the current params (the CPU kernels' copy of bind group 1). */
  private lpValues?: { params: readonly number[]; values: Float32Array };

  private constructor(
    device: GPUDevice,
    config: EngineConfig,
    walkerCode: string,
    reduceCode: string,
    exchangeCode: string,
    pipelines: WalkerEngine['pipelines'],
  ) {
    this.device = device;
    this.config = config;
    this.walkers = config.walkers;
    this.dim = config.landscape.dim;
    this.pipelines = pipelines;
    this.evalModuleCode = evalModule(config.landscape);
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
    this.metricBuffer = make('metric', 4 * MAX_GROUPS * metricStride(this.dim), storage);
    this.writeMetric();
    this.diagSums = make('diag-sums', 16 * n, storage);
    this.diagHalf = make('diag-half', 16 * n, storage);

    this.sim = uniformView(walkerCode, 'sim');
    this.simUniform = make(
      'sim-uniform',
      this.sim.arrayBuffer.byteLength,
      GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    );
    this.reduceParams = uniformView(reduceCode, 'rp');
    this.row = constU32(reduceCode, 'ROW');
    this.reduceUniform = make(
      'reduce-uniform',
      this.reduceParams.arrayBuffer.byteLength,
      GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    );
    this.reduceGroups = reductionGroups(device, n, 256);
    this.partials = make(
      'partials',
      4 * this.row * this.reduceGroups,
      GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC,
    );
    this.partialsReadback = make(
      'partials-readback',
      4 * this.row * this.reduceGroups,
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
        buf(6, this.metricBuffer),
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
    this.exchangeParams = uniformView(exchangeCode, 'ex');
    this.exchangeUniform = make(
      'exchange-uniform',
      this.exchangeParams.arrayBuffer.byteLength,
      GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    );
    this.swapAccepts = make('swap-accepts', 4 * MAX_GROUPS, storage);
    this.exchangeBindGroup = device.createBindGroup({
      label: 'exchange',
      layout: exchangeLayouts(device).group,
      entries: [
        buf(0, this.exchangeUniform),
        buf(1, this.positions),
        buf(2, this.currentLoss),
        buf(3, this.swapAccepts),
      ],
    });
  }

  /** Compiles (or reuses) the pipelines for the landscape and allocates the walkers. */
  static async create(
    device: GPUDevice,
    config: EngineConfig,
    options: EngineOptions = {},
  ): Promise<WalkerEngine> {
    validatePosterior(config);
    WalkerEngine.checkSampler(config);
    WalkerEngine.checkGroups(config);
    WalkerEngine.checkMetric(config);
    checkWalkers(device, config.walkers, config.landscape.dim);
    const kernels = options.kernels;
    const refused = kernels && (gpuOnlyFeature(config) ?? kernels.unsupported(config));
    if (refused) throw new RangeError(`${kernels.description}: ${refused}`);
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
    const exchangeCode = assemble(dim, rngWgsl, exchangeWgsl);
    const layouts = engineLayouts(device);
    const label = `${config.landscape.id}/d${dim}`;
    const momentCode = assemble(dim, momentsWgsl);
    const momentLayout = computeLayouts(device, 'moments', ['uniform', 'read-only-storage', 'storage']);
    const moments = () =>
      computePipeline(device, momentCode, 'walker_moments', momentLayout.pipeline, `${label}/moments`);
    const reduce = () =>
      computePipeline(device, reduceCode, 'reduce_stats', layouts.reducePipeline, `${label}/reduce`);
    if (kernels) {
      // No GPU reduction either: the kernels' statistics are summed on the host (cpuSums), which
      // saves compiling it (seconds on a software GPU) and a state copy per reading.
      const cpu = await kernels.create(config);
      const engine = new WalkerEngine(device, config, walkerCode, reduceCode, exchangeCode, {});
      engine.cpu = cpu;
      engine.cpuDescription = kernels.description;
      return engine;
    }
    const [init, ula, mala, reducePipeline, exchange, momentPipeline] = await Promise.all([
      computePipeline(device, walkerCode, 'init_walkers', layouts.walkerPipeline, `${label}/init`),
      computePipeline(device, walkerCode, 'ula_steps', layouts.walkerPipeline, `${label}/ula`),
      computePipeline(device, walkerCode, 'mala_steps', layouts.walkerPipeline, `${label}/mala`),
      reduce(),
      computePipeline(
        device,
        exchangeCode,
        'exchange_groups',
        exchangeLayouts(device).pipeline,
        `d${dim}/exchange`,
      ),
      moments(),
    ]);
    return new WalkerEngine(device, config, walkerCode, reduceCode, exchangeCode, {
      init,
      ula,
      mala,
      reduce: Promise.resolve(reducePipeline),
      exchange,
      moments: Promise.resolve(momentPipeline),
    });
  }

  /** Which kernels advance the walkers: the GPU's WGSL, or injected ones (the CPU backend). */
  get backend(): 'gpu' | 'cpu' {
    return this.cpu ? 'cpu' : 'gpu';
  }

  /** The injected kernels in words (undefined on the GPU path). */
  get kernelsDescription(): string | undefined {
    return this.cpuDescription;
  }

  /** Queues `job` after every kernel call queued so far (a failure surfaces at the next flush). */
  private queueCpu(
    job: (cpu: WalkerKernels) => Promise<void> | void,
    changes: readonly (keyof KernelState)[],
  ): void {
    const cpu = this.cpu!;
    const next = this.cpuChain.then(async () => {
      await job(cpu);
      for (const name of changes) this.cpuDirty.add(name);
    });
    next.catch(() => undefined);
    this.cpuChain = next;
  }

  /**
   * Waits for the injected kernels' queued work and copies their state into the GPU buffers (when it
   * changed), so that GPU passes reading walker state see it. A no-op on the GPU path. Call it before
   * binding `positions` or `currentLoss` in a pass of your own.
   */
  flush(): Promise<void> {
    if (!this.cpu) return Promise.resolve();
    // Chained, so that no kernel call runs while the state is copied.
    const next = this.cpuChain.then(() => {
      if (this.cpuDirty.size === 0 || this.destroyed) return;
      const st = this.cpu!.state;
      const n = this.walkers;
      // Through one unshared staging array: writeBuffer takes no view of a SharedArrayBuffer.
      this.cpuStaging ??= new Uint8Array(4 * n * Math.max(this.dim, 4));
      const staging = this.cpuStaging;
      const put = (name: keyof KernelState, target: GPUBuffer, floats: number) => {
        if (!this.cpuDirty.has(name)) return;
        const view = st[name];
        staging.set(new Uint8Array(view.buffer, view.byteOffset, 4 * floats));
        // writeBuffer copies its data at the call, so the staging array is reused at once.
        this.device.queue.writeBuffer(target, 0, staging, 0, 4 * floats);
      };
      put('positions', this.positions, n * this.dim);
      put('currentLoss', this.currentLoss, n);
      put('lossSum', this.lossSum, n);
      put('accepts', this.accepts, n);
      put('diverged', this.diverged, n);
      put('diagSums', this.diagSums, 4 * n);
      put('diagHalf', this.diagHalf, 4 * n);
      this.cpuDirty.clear();
    });
    this.cpuChain = next;
    return next;
  }

  /** The settings of one kernel call, as writeSim would write them (captured when queued). */
  private kernelSettings(initKind: InitKind): KernelSettings {
    const c = this.config;
    const [seedLo, seedHi] = seedKey(c.seed);
    if (this.lpValues?.params !== c.params)
      this.lpValues = { params: c.params, values: packLandscapeValues(c.landscape, c.params) };
    return {
      seedLo,
      seedHi,
      priorKind: c.prior.kind === 'gauss' ? 1 : 0,
      priorScale: c.prior.scale,
      gamma: c.gamma,
      groups: this.groups,
      groupSize: Math.ceil(this.walkers / this.groups),
      accumulate: this.accumulate,
      initKind: initKind === 'prior' ? 1 : initKind === 'mixed' ? 2 : 0,
      wstar: floatsOf(c.wstar, 32),
      groupNbeta: floatsOf(c.groupNbeta ?? [c.n * c.beta], MAX_GROUPS),
      groupEps: floatsOf(c.groupEps ?? new Array<number>(this.groups).fill(c.eps), MAX_GROUPS),
      metric: this.metricValues(),
      lp: this.lpValues.values,
    };
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
    const k = c.exchangeEvery ?? 0;
    if (!Number.isInteger(k) || k < 0)
      throw new RangeError(`exchange interval must be a non-negative integer, got ${k}`);
    if (k > 0 && (c.landscape.datasets ?? 1) > 1) {
      throw new RangeError(
        'replica exchange needs every group on the same data: these groups hold different datasets',
      );
    }
  }

  /** True when groups swap states (replica exchange) during advance. */
  get exchanging(): boolean {
    return (this.config.exchangeEvery ?? 0) > 0 && this.groups > 1;
  }

  private static checkMetric(c: EngineConfig): void {
    if (c.precondition !== undefined && !PRECONDITIONS.includes(c.precondition))
      throw new RangeError(`precondition must be one of ${PRECONDITIONS.join(', ')}, got ${c.precondition}`);
    const groups = c.groupNbeta?.length ?? 1;
    const d = c.landscape.dim;
    if (c.precondition === 'full' && d > MAX_FULL_METRIC_DIM)
      throw new RangeError(`precondition 'full' needs dimension ≤ ${MAX_FULL_METRIC_DIM}, got ${d}`);
    const f = c.metricFactor;
    const factorOk = (row: readonly number[]) =>
      row.length === (d * (d + 1)) / 2 &&
      row.every((x, i) => Number.isFinite(x) && (!isPackedDiagonal(i) || x > 0));
    if (f !== undefined && (f.length !== groups || !f.every(factorOk)))
      throw new RangeError(
        `metricFactor must hold ${groups} rows of ${(d * (d + 1)) / 2} finite numbers (a positive diagonal)`,
      );
    const m = c.metric;
    if (m === undefined) return;
    const ok = (row: readonly number[]) =>
      row.length === c.landscape.dim && row.every((x) => Number.isFinite(x) && x > 0);
    if (m.length !== groups || !m.every(ok))
      throw new RangeError(`metric must hold ${groups} rows of ${c.landscape.dim} positive numbers`);
  }

  private writeMetric(): void {
    this.device.queue.writeBuffer(this.metricBuffer, 0, this.metricValues());
  }

  /** The metric buffer's contents: each group's diagonal, then its packed dense factor (L = I by default). */
  private metricValues(): Float32Array<ArrayBuffer> {
    const d = this.dim;
    const stride = metricStride(d);
    const values = new Float32Array(MAX_GROUPS * stride);
    for (let g = 0; g < MAX_GROUPS; g++) {
      values.fill(1, g * stride, g * stride + d);
      for (let r = 0; r < d; r++) values[g * stride + d + (r * (r + 3)) / 2] = 1; // L = I
    }
    this.config.metric?.forEach((row, g) => {
      values.set(row, g * stride);
    });
    this.config.metricFactor?.forEach((row, g) => {
      values.set(row, g * stride + d);
    });
    return values;
  }

  /** The diagonal proposal metric of group g (ones unless preconditioned). */
  groupMetric(g: number): readonly number[] {
    return this.config.metric?.[g] ?? new Array<number>(this.dim).fill(1);
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
    let next = { ...this.config, ...changes };
    // A new group count drops a metric fitted to the old groups (back to M = I) unless one is given.
    if (!('metric' in changes) && next.metric && next.metric.length !== (next.groupNbeta?.length ?? 1)) {
      next = { ...next, metric: undefined };
      changes = { ...changes, metric: undefined };
    }
    const groupsNext = next.groupNbeta?.length ?? 1;
    if (!('metricFactor' in changes) && next.metricFactor && next.metricFactor.length !== groupsNext) {
      next = { ...next, metricFactor: undefined };
      changes = { ...changes, metricFactor: undefined };
    }
    validatePosterior(next);
    WalkerEngine.checkSampler(next);
    WalkerEngine.checkGroups(next);
    WalkerEngine.checkMetric(next);
    const refused = this.cpu && gpuOnlyFeature(next);
    if (refused) throw new RangeError(`${this.cpuDescription}: ${refused}`);
    if (changes.params && changes.params !== this.config.params) this.landscapeBinding.update(next.params);
    this.config = next;
    if ('metric' in changes || 'metricFactor' in changes) this.writeMetric();
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
      metric_full: c.metricFactor ? 1 : 0,
      gamma: c.gamma,
      prior_scale: c.prior.scale,
      groups: this.groups,
      group_size: Math.ceil(this.walkers / this.groups),
      wstar: floatsOf(c.wstar, fieldLength(this.sim, 'wstar')),
      group_nbeta: floatsOf(c.groupNbeta ?? [c.n * c.beta], fieldLength(this.sim, 'group_nbeta')),
      group_eps: floatsOf(
        c.groupEps ?? new Array<number>(this.groups).fill(c.eps),
        fieldLength(this.sim, 'group_eps'),
      ),
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
    this.submit(encoder);
  }

  private submit(encoder: GPUCommandEncoder): void {
    this.device.queue.submit([encoder.finish()]);
    this.submitted++;
    this.maxAhead = Math.max(this.maxAhead, this.submitted - this.completed);
  }

  /** The most dispatches ever queued ahead of the GPU's known progress (see run()). */
  get maxSubmitsAhead(): number {
    return this.maxAhead;
  }

  /** Group indices sorted by n·β (ties by index): exchange neighbours. */
  private nbetaOrder(): number[] {
    const nb = this.config.groupNbeta ?? [this.config.n * this.config.beta];
    return nb.map((_, g) => g).sort((a, b) => nb[a] - nb[b] || a - b);
  }

  /** One exchange sweep over the even (phase 0) or odd (phase 1) neighbour pairs, at the current step. */
  private exchangeOnce(phase: number): void {
    const order = this.nbetaOrder();
    const nb = this.config.groupNbeta!;
    const [seedLo, seedHi] = seedKey(this.config.seed);
    const size = Math.ceil(this.walkers / this.groups);
    this.exchangeParams.set({
      walkers: this.walkers,
      groups: this.groups,
      group_size: size,
      phase,
      seed_lo: seedLo,
      seed_hi: seedHi,
      step: this.stepIndex >>> 0,
      order: Uint32Array.from({ length: fieldLength(this.exchangeParams, 'order') }, (_, i) => order[i] ?? 0),
      nbeta: floatsOf(nb, fieldLength(this.exchangeParams, 'nbeta')),
    });
    this.device.queue.writeBuffer(this.exchangeUniform, 0, this.exchangeParams.arrayBuffer);
    let pairs = 0;
    for (let r = phase; r + 1 < this.groups; r += 2) {
      pairs++;
      this.swapAttempts[r] += Math.min(this.groupRange(order[r]).count, this.groupRange(order[r + 1]).count);
    }
    if (pairs === 0) return;
    const encoder = this.device.createCommandEncoder({ label: 'exchange' });
    const pass = encoder.beginComputePass({ label: 'exchange' });
    pass.setPipeline(this.pipelines.exchange!);
    pass.setBindGroup(0, this.exchangeBindGroup);
    pass.dispatchWorkgroups(Math.ceil((pairs * size) / WALKER_WG));
    pass.end();
    this.submit(encoder);
  }

  private clearSwapCounters(): void {
    this.swapAttempts.fill(0);
    const encoder = this.device.createCommandEncoder({ label: 'clear-swaps' });
    encoder.clearBuffer(this.swapAccepts);
    this.device.queue.submit([encoder.finish()]);
  }

  /** Swap acceptance of each neighbour pair (in n·β order) since the last counter clear. */
  async readExchange(): Promise<ExchangePair[]> {
    this.assertAlive();
    const accepted = new Uint32Array(await this.readBuffer(this.swapAccepts, 4 * MAX_GROUPS));
    const nb = this.config.groupNbeta ?? [this.config.n * this.config.beta];
    const order = this.nbetaOrder();
    return order.slice(0, -1).map((g, r) => ({
      nbetaLo: nb[g],
      nbetaHi: nb[order[r + 1]],
      attempts: this.swapAttempts[r],
      accepted: accepted[r],
      rate: this.swapAttempts[r] > 0 ? accepted[r] / this.swapAttempts[r] : Number.NaN,
    }));
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
    this.clearSwapCounters();
    if (this.cpu) {
      const s = this.kernelSettings(init);
      this.queueCpu((cpu) => cpu.init(s), STEP_STATE);
      return;
    }
    this.writeSim(0, init);
    this.dispatch(this.pipelines.init!, 'init-walkers');
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

  /**
   * The fewest moves any walker scored with an MH acceptance since the last counter clear: every step
   * for MALA, about 1 in ULA_SCORE_EVERY for ULA (ula-scoring.ts). Derived from the step window, so
   * snapshots need no new field; assumes the sampler did not change within the window.
   */
  private get scoredSinceAcceptClear(): number {
    const first = this.stepIndex - this.stepsSinceAcceptClear;
    return minScoredPerWalker(this.config.sampler, first, this.stepsSinceAcceptClear);
  }

  /** Zeroes the loss sums and accept counters (not the divergence counts). */
  clearCounters(): void {
    this.assertAlive();
    const encoder = this.device.createCommandEncoder({ label: 'clear-counters' });
    encoder.clearBuffer(this.lossSum);
    encoder.clearBuffer(this.accepts);
    encoder.clearBuffer(this.swapAccepts);
    encoder.clearBuffer(this.diagSums);
    encoder.clearBuffer(this.diagHalf);
    this.device.queue.submit([encoder.finish()]);
    if (this.cpu) {
      this.queueCpu(
        ({ state }) => {
          state.lossSum.fill(0);
          state.accepts.fill(0);
          state.diagSums.fill(0);
          state.diagHalf.fill(0);
        },
        // Marked although the GPU cleared them above: a flush queued before this call may still
        // copy the old sums over the cleared buffers.
        ['lossSum', 'accepts', 'diagSums', 'diagHalf'],
      );
    }
    this.swapAttempts.fill(0);
    this.samples = 0;
    this.halfAt = undefined;
    this.stepsSinceAcceptClear = 0;
  }

  /** Advances every walker `count` steps with the current sampler. */
  advance(count: number): void {
    this.assertAlive();
    if (!Number.isInteger(count) || count < 0)
      throw new RangeError(`step count must be a non-negative integer, got ${count}`);
    if (this.stepIndex + count > MAX_RUN_STEPS) {
      throw new RangeError(
        `a run holds at most 2^32 = ${MAX_RUN_STEPS} steps (burn-in + sampling: the RNG's step counter is 32 bits); ${this.stepIndex} done, ${count} more asked`,
      );
    }
    const pipeline = this.config.sampler === 'mala' ? this.pipelines.mala! : this.pipelines.ula!;
    const every = this.exchanging ? this.config.exchangeEvery! : 0;
    for (let done = 0; done < count; ) {
      let k = Math.min(this.stepsToBoundary(), count - done);
      // A dispatch also ends at the split-chain midpoint, where the diagnostics' sums are copied.
      const half = this.accumulate ? this.halfAt : undefined;
      if (half !== undefined && this.samples < half) k = Math.min(k, half - this.samples);
      if (this.cpu) {
        // The same dispatch boundaries as the GPU's: each call starts its f32 loss sum at 0.
        const [s, sampler, base] = [this.kernelSettings('wstar'), this.config.sampler, this.stepIndex >>> 0];
        this.queueCpu((cpu) => cpu.steps(sampler, s, k, base), STEP_STATE);
      } else {
        // writeBuffer and submit are ordered on the queue, so each dispatch sees its own step_base.
        this.writeSim(k, 'wstar');
        this.dispatch(pipeline, this.config.sampler);
      }
      this.stepIndex += k;
      done += k;
      this.stepsSinceAcceptClear += k;
      if (this.accumulate) this.samples += k;
      // Even pairs after steps 2K, 4K, …; odd pairs after K, 3K, … (alternation lets a state travel
      // the whole ladder; either sweep alone preserves every group's posterior).
      if (every > 0 && this.stepIndex % every === 0) this.exchangeOnce((this.stepIndex / every) % 2);
      if (half !== undefined && this.samples === half && this.cpu) {
        this.queueCpu(({ state }) => state.diagHalf.set(state.diagSums), ['diagHalf']);
      } else if (half !== undefined && this.samples === half) {
        const encoder = this.device.createCommandEncoder({ label: 'diag-half' });
        encoder.copyBufferToBuffer(this.diagSums, 0, this.diagHalf, 0, this.diagSums.size);
        this.device.queue.submit([encoder.finish()]);
      }
    }
  }

  /**
   * Steps to the next dispatch boundary: dispatches cover global steps [j·S, (j+1)·S) (S = steps per
   * dispatch), cut again at exchange steps. Fixed boundaries make every result (positions and the
   * f32 loss sums alike) independent of how callers split their steps: a run resumed from a
   * checkpoint repeats the uninterrupted run bit for bit.
   */
  private stepsToBoundary(): number {
    const perDispatch = this.config.stepsPerDispatch ?? 32;
    const every = this.exchanging ? this.config.exchangeEvery! : 0;
    const toSwap = every > 0 ? every - (this.stepIndex % every) : Number.POSITIVE_INFINITY;
    return Math.min(perDispatch - (this.stepIndex % perDispatch), toSwap);
  }

  /**
   * advance(count) with the queue kept at most MAX_SUBMITS_AHEAD dispatches ahead of the GPU: memory
   * is bounded whatever `count` is. `onProgress(done)` reports steps the GPU has completed. When
   * `shouldStop()` turns true the run stops early (at a dispatch boundary, all queued work done).
   * Returns the steps run.
   */
  async run(count: number, onProgress?: (done: number) => void, shouldStop?: () => boolean): Promise<number> {
    this.assertAlive();
    if (!Number.isInteger(count) || count < 0)
      throw new RangeError(`step count must be a non-negative integer, got ${count}`);
    if (this.cpu) return this.runCpu(count, onProgress, shouldStop);
    // A fence every quarter of the bound; wait for the oldest once half the bound is queued. One
    // advance() below is one dispatch and at most one exchange (it stops at the next boundary), so
    // the queue never holds more than MAX_SUBMITS_AHEAD / 2 + 2.
    const fences: { done: Promise<void>; steps: number; submits: number }[] = [];
    let lastFence = this.submitted;
    const fence = (steps: number) => {
      fences.push({ done: this.device.queue.onSubmittedWorkDone(), steps, submits: this.submitted });
      lastFence = this.submitted;
    };
    const waitOldest = async () => {
      const f = fences.shift()!;
      await f.done;
      this.completed = Math.max(this.completed, f.submits);
      onProgress?.(f.steps);
    };
    let queued = 0;
    while (queued < count && !shouldStop?.()) {
      const k = Math.min(this.stepsToBoundary(), count - queued);
      this.advance(k);
      queued += k;
      if (this.submitted - lastFence >= MAX_SUBMITS_AHEAD / 4) fence(queued);
      while (fences.length > 0 && this.submitted - this.completed >= MAX_SUBMITS_AHEAD / 2)
        await waitOldest();
    }
    if (lastFence !== this.submitted || fences.length === 0) fence(queued);
    while (fences.length > 0) await waitOldest();
    return queued;
  }

  /** run() on injected kernels: one kernel call at a time, awaited (its progress is exact). */
  private async runCpu(
    count: number,
    onProgress?: (done: number) => void,
    shouldStop?: () => boolean,
  ): Promise<number> {
    let queued = 0;
    while (queued < count && !shouldStop?.()) {
      const k = Math.min(this.stepsToBoundary(), count - queued);
      this.advance(k);
      queued += k;
      await this.cpuChain;
      onProgress?.(queued);
    }
    return queued;
  }

  /** The buffers that hold walker state (a checkpoint reads and restores exactly these). */
  private get stateBuffers(): Record<string, GPUBuffer> {
    return {
      positions: this.positions,
      currentLoss: this.currentLoss,
      lossSum: this.lossSum,
      accepts: this.accepts,
      diverged: this.diverged,
      swapAccepts: this.swapAccepts,
      diagSums: this.diagSums,
      diagHalf: this.diagHalf,
    };
  }

  /** Everything needed to continue this engine's run exactly: GPU state, counters, tuned steps. */
  async snapshot(): Promise<EngineSnapshot> {
    this.assertAlive();
    await this.flush();
    const buffers: Record<string, ArrayBuffer> = {};
    for (const [name, b] of Object.entries(this.stateBuffers))
      buffers[name] = await this.readBuffer(b, b.size);
    return {
      walkers: this.walkers,
      dim: this.dim,
      groups: this.groups,
      step: this.stepIndex,
      samples: this.samples,
      stepsSinceAcceptClear: this.stepsSinceAcceptClear,
      accumulate: this.accumulate,
      eps: this.config.eps,
      groupEps: this.config.groupEps ? [...this.config.groupEps] : null,
      swapAttempts: Array.from(this.swapAttempts),
      metric: this.config.metric ? this.config.metric.map((row) => [...row]) : null,
      metricFactor: this.config.metricFactor ? this.config.metricFactor.map((row) => [...row]) : null,
      halfAt: this.halfAt ?? null,
      buffers,
    };
  }

  /** Restores a snapshot of an engine with the same walkers, dimension and groups. */
  restore(s: EngineSnapshot): void {
    this.assertAlive();
    if (s.walkers !== this.walkers || s.dim !== this.dim || s.groups !== this.groups) {
      throw new RangeError(
        `snapshot of ${s.walkers} walkers in ${s.dim}-D, ${s.groups} groups does not fit this engine (${this.walkers}, ${this.dim}-D, ${this.groups})`,
      );
    }
    const targets = this.stateBuffers;
    for (const [name, b] of Object.entries(targets)) {
      const data = s.buffers[name];
      if (!data || data.byteLength !== b.size)
        throw new RangeError(`snapshot buffer '${name}' is missing or has the wrong size`);
    }
    for (const [name, b] of Object.entries(targets)) this.device.queue.writeBuffer(b, 0, s.buffers[name]);
    if (this.cpu) {
      const n = this.walkers;
      this.queueCpu(
        ({ state }) => {
          state.positions.set(new Float32Array(s.buffers.positions, 0, n * this.dim));
          state.currentLoss.set(new Float32Array(s.buffers.currentLoss, 0, n));
          state.lossSum.set(new Float32Array(s.buffers.lossSum, 0, n));
          state.accepts.set(new Uint32Array(s.buffers.accepts, 0, n));
          state.diverged.set(new Uint32Array(s.buffers.diverged, 0, n));
          state.diagSums.set(new Float32Array(s.buffers.diagSums, 0, 4 * n));
          state.diagHalf.set(new Float32Array(s.buffers.diagHalf, 0, 4 * n));
          // The GPU buffers hold these bytes already, unless a flush queued earlier overwrites them.
        },
        [...STEP_STATE, 'diagHalf'],
      );
    }
    this.stepIndex = s.step;
    this.samples = s.samples;
    this.stepsSinceAcceptClear = s.stepsSinceAcceptClear;
    this.accumulate = s.accumulate;
    this.halfAt = s.halfAt ?? undefined;
    this.swapAttempts.set(s.swapAttempts.slice(0, MAX_GROUPS));
    this.update({
      eps: s.eps,
      ...(s.groupEps ? { groupEps: s.groupEps } : {}),
      ...(s.metric ? { metric: s.metric } : {}),
      ...(s.metricFactor ? { metricFactor: s.metricFactor } : {}),
    });
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
    const sums = this.cpu
      ? await this.cpuSums(ranges, center, radius, shifts)
      : await this.gpuSums(ranges, center, radius, shifts);
    return ranges.map((range, i) => this.finishStats(range, sums[i], shifts));
  }

  /** reduce.wgsl's sums of each range, on the host over the kernels' own state (state-reduction.ts). */
  private async cpuSums(
    ranges: readonly { first: number; count: number }[],
    center: readonly number[],
    radius: number,
    shifts: { loss?: number; chainMean?: number },
  ): Promise<Float64Array[]> {
    // After every kernel call queued so far (and nothing runs on the state while it is read).
    let sums: Float64Array[] = [];
    const read = this.cpuChain.then(() => {
      sums = ranges.map((range) =>
        reduceState(this.cpu!.state, this.dim, {
          first: range.first,
          count: range.count,
          invSamples: this.samples > 0 ? 1 / this.samples : 0,
          shift: shifts.chainMean ?? 0,
          lossShift: shifts.loss ?? 0,
          radius2: radius * radius,
          stuckBelow: STUCK_ACCEPTANCE * this.scoredSinceAcceptClear,
          center,
        }),
      );
    });
    this.cpuChain = read;
    await read;
    return sums;
  }

  /** reduce.wgsl's sums of each range on the GPU: one dispatch each, the workgroups' rows added in f64. */
  private async gpuSums(
    ranges: readonly { first: number; count: number }[],
    center: readonly number[],
    radius: number,
    shifts: { loss?: number; chainMean?: number },
  ): Promise<Float64Array[]> {
    await this.flush();
    const slot = this.partials.size;
    // One range: the engine's own readback buffer; several: one kept for that many ranges (calls are
    // queued by statsQueue, so neither is ever mapped or pending when reused).
    const readback = ranges.length === 1 ? this.partialsReadback : this.groupsReadback(slot * ranges.length);
    const reducePipeline = await this.pipelines.reduce!;
    ranges.forEach((range, i) => {
      this.reduceParams.set({
        walkers: range.count,
        first: range.first,
        groups: this.reduceGroups,
        inv_samples: this.samples > 0 ? 1 / this.samples : 0,
        shift: shifts.chainMean ?? 0,
        radius2: radius * radius,
        loss_shift: shifts.loss ?? 0,
        stuck_below: STUCK_ACCEPTANCE * this.scoredSinceAcceptClear,
        center: floatsOf(center, fieldLength(this.reduceParams, 'center')),
      });
      // Queue order: each submit sees its own uniform write, and the copy precedes the next reduce.
      this.device.queue.writeBuffer(this.reduceUniform, 0, this.reduceParams.arrayBuffer);
      const encoder = this.device.createCommandEncoder({ label: 'reduce' });
      const pass = encoder.beginComputePass({ label: 'reduce' });
      pass.setPipeline(reducePipeline);
      pass.setBindGroup(0, this.reduceBindGroup);
      pass.dispatchWorkgroups(this.reduceGroups);
      pass.end();
      encoder.copyBufferToBuffer(this.partials, 0, readback, i * slot, slot);
      this.device.queue.submit([encoder.finish()]);
    });
    const all = new Float32Array(await readStaging(readback));
    const row = this.row;
    return ranges.map((_, i) => {
      const rows = all.subarray((i * slot) / 4, ((i + 1) * slot) / 4);
      const sum = new Float64Array(row);
      for (let g = 0; g < this.reduceGroups; g++) for (let k = 0; k < row; k++) sum[k] += rows[g * row + k];
      return sum;
    });
  }

  /** WalkerStats from a range's 24 sums (either backend's). */
  private finishStats(
    range: { first: number; count: number },
    sum: Float64Array,
    shifts: { loss?: number; chainMean?: number },
  ): WalkerStats {
    const n = range.count;
    const lossShift = shifts.loss ?? 0;
    const chainShift = shifts.chainMean ?? 0;
    const meanLossShifted = sum[0] / n;
    const chainShifted = sum[2] / n;
    const window = this.stepsSinceAcceptClear;
    const proposals = scoredMoves(this.config.sampler, this.stepIndex - window, window, range.first, n);
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
        // ULA takes every move: its counter holds the MH score, whose lows mean bias (flagged by
        // ulaAcceptanceThreshold), not walkers that never move.
        stuck:
          this.config.sampler !== 'ula' && this.scoredSinceAcceptClear >= STUCK_MIN_WINDOW
            ? Math.round(sum[19])
            : 0,
        divergedWalkers: Math.round(sum[20]),
        walkers: n,
        samples: this.samples,
      },
      startsNow: startsNow(sum[0], sum[1], n, sum[21], sum[22], Math.round(sum[23])),
    };
  }

  /**
   * Per-coordinate mean and variance over the walkers of each group, reduced on the GPU (one dispatch
   * per group, one readback of 64 rows of 2·D sums each): used to set the proposal metric.
   */
  readGroupMoments(): Promise<WalkerMoments[]> {
    const next = this.statsQueue.then(() => this.momentsOnce(false));
    this.statsQueue = next.catch(() => undefined);
    return next;
  }

  /**
   * readGroupMoments with each group's full covariance matrix as well (walker_cross_moments: D(D+1)/2
   * cross sums per workgroup row, added on the host in double precision): the dense metric of
   * --precondition full. Its pipeline is compiled on the first call.
   */
  readGroupCovariances(): Promise<WalkerMoments[]> {
    const next = this.statsQueue.then(() => this.momentsOnce(true));
    this.statsQueue = next.catch(() => undefined);
    return next;
  }

  private async momentsOnce(cross: boolean): Promise<WalkerMoments[]> {
    this.assertAlive();
    await this.flush();
    const d = this.dim;
    // Sums per workgroup row: D first moments, then D squares or D(D+1)/2 packed cross products.
    const rowLen = cross ? d + (d * (d + 1)) / 2 : 2 * d;
    this.pipelines.moments ??= computePipeline(
      this.device,
      assemble(d, momentsWgsl),
      'walker_moments',
      computeLayouts(this.device, 'moments', ['uniform', 'read-only-storage', 'storage']).pipeline,
      `${this.config.landscape.id}/d${d}/moments`,
    );
    let pipeline = await this.pipelines.moments;
    if (cross) {
      this.crossMoments ??= computePipeline(
        this.device,
        assemble(d, momentsWgsl),
        'walker_cross_moments',
        computeLayouts(this.device, 'moments', ['uniform', 'read-only-storage', 'storage']).pipeline,
        `d${d}/cross-moments`,
      );
      pipeline = await this.crossMoments;
    }
    const device = this.device;
    const layout = computeLayouts(device, 'moments', ['uniform', 'read-only-storage', 'storage']);
    const wgs = reductionGroups(device, this.walkers, 64);
    // Each group's rows at an offset aligned for a storage binding (256 bytes).
    const slot = Math.ceil((4 * rowLen * wgs) / 256) * 256;
    const groups = this.groups;
    const center = this.config.wstar;
    const tmp: GPUBuffer[] = [];
    const make = (label: string, size: number, usage: number) => {
      const b = device.createBuffer({ label: `moments/${label}`, size, usage });
      tmp.push(b);
      return b;
    };
    try {
      const partials = make('partials', slot * groups, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC);
      const encoder = device.createCommandEncoder({ label: 'moments' });
      for (let g = 0; g < groups; g++) {
        const { first, count } = this.groupRange(g);
        // MomentParams by hand: moments.wgsl's PAIRS const (an expression in D) defeats the reflector.
        const params = new ArrayBuffer(16 + 4 * 32);
        new Uint32Array(params, 0, 4).set([first, count, wgs, 0]);
        new Float32Array(params, 16, 32).set(center.slice(0, 32));
        const uniform = make('uniform', params.byteLength, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);
        device.queue.writeBuffer(uniform, 0, params);
        const bindGroup = device.createBindGroup({
          label: 'moments',
          layout: layout.group,
          entries: [
            { binding: 0, resource: { buffer: uniform } },
            { binding: 1, resource: { buffer: this.positions } },
            { binding: 2, resource: { buffer: partials, offset: g * slot, size: 4 * rowLen * wgs } },
          ],
        });
        const pass = encoder.beginComputePass({ label: 'moments' });
        pass.setPipeline(pipeline);
        pass.setBindGroup(0, bindGroup);
        pass.dispatchWorkgroups(wgs);
        pass.end();
      }
      const copy = { source: partials, bytes: slot * groups };
      const all = new Float32Array(await submitAndRead(device, [copy], 'moments/readback', encoder));
      return Array.from({ length: groups }, (_, g) => {
        const n = this.groupRange(g).count;
        const s1 = new Float64Array(d);
        const s2 = new Float64Array(rowLen - d);
        for (let w = 0; w < wgs; w++) {
          const row = (g * slot) / 4 + w * rowLen;
          for (let j = 0; j < d; j++) s1[j] += all[row + j];
          for (let k = 0; k < rowLen - d; k++) s2[k] += all[row + d + k];
        }
        const meanShifted = Array.from(s1, (x) => x / n);
        if (cross) {
          // Shifted sums: Cov_jk = S_jk/n − m_j·m_k (the shift c cancels).
          const at = (j: number, k: number) => s2[j >= k ? (j * (j + 1)) / 2 + k : (k * (k + 1)) / 2 + j];
          const covariance = Array.from({ length: d }, (_, j) =>
            Array.from({ length: d }, (_, k) => at(j, k) / n - meanShifted[j] * meanShifted[k]),
          );
          return {
            mean: meanShifted.map((m, j) => m + center[j]),
            variance: covariance.map((row, j) => Math.max(0, row[j])),
            covariance,
          };
        }
        return {
          mean: meanShifted.map((m, j) => m + center[j]),
          variance: meanShifted.map((m, j) => Math.max(0, s2[j] / n - m * m)),
        };
      });
    } finally {
      for (const b of tmp) b.destroy();
    }
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

  private async readBuffer(source: GPUBuffer, bytes: number): Promise<ArrayBuffer> {
    this.assertAlive();
    await this.flush();
    return readBuffer(this.device, source, bytes, 'walkers/readback');
  }

  /** All walker positions (N·d floats). For exports and tests, never per frame. */
  async readPositions(): Promise<Float32Array> {
    return new Float32Array(await this.readBuffer(this.positions, 4 * this.walkers * this.dim));
  }

  async readLosses(): Promise<Float32Array> {
    return new Float32Array(await this.readBuffer(this.currentLoss, 4 * this.walkers));
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
    if (this.cpu) {
      const cpu = this.cpu;
      this.cpuChain
        .catch(() => undefined)
        .then(() => cpu.close())
        .catch(() => undefined);
    }
    for (const b of this.owned) b.destroy();
    this.groupReadback?.destroy();
    this.landscapeBinding.destroy();
  }
}

/** Bind group 0 of shaders/exchange.wgsl: its uniform, positions, current losses, swap counters. */
const exchangeLayouts = (device: GPUDevice) =>
  computeLayouts(device, 'exchange', ['uniform', 'storage', 'storage', 'storage']);

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
