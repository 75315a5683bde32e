/**
 * The walkers' CPU backend: WalkerEngine's step kernels (src/core/walkers/walker-kernels.ts) as the
 * WebAssembly SIMD module of walker-kernel-wat.ts, run by a KernelHost (kernel-host.ts: worker threads
 * over one shared memory in the CLI, the page's own thread in the browser) over one memory that holds
 * the walker state in the GPU buffers' layouts.
 *
 * Determinism: walkers never interact in these kernels (each one's trajectory is a function of its
 * index, the seed and the step counter alone), so splitting the walkers over threads cannot change a
 * result; the split is still fixed (64-walker blocks, contiguous per thread) and the engine keeps the
 * GPU's dispatch boundaries, so each call's f32 loss sum starts at the same step as on the GPU.
 */
import type { Landscape } from '../core/landscapes/landscapes';
import type { SamplerKind } from '../core/posterior';
import type {
  KernelConfig,
  KernelSettings,
  KernelState,
  WalkerKernelFactory,
  WalkerKernels,
} from '../core/walkers/walker-kernels';
import type { KernelHost, KernelRunner } from './kernel-host';
import { landscapeWat } from './landscape-wat';
import { CTX, walkerKernelWat } from './walker-kernel-wat';
import { PHILOX_WAT, VMATH_WAT } from './wat-text';

/** Walkers per block of the split (the ULA scoring phase's block: a quad never straddles a phase). */
const BLOCK = 64;
/** Groups and coordinates of w* the settings hold (posterior.wgsl's Sim). */
const MAX_GROUPS = 64;
const WSTAR = 32;
const LP_VALUES = 1024;
const PAGE = 65536;

const modules = new Map<string, Promise<WebAssembly.Module>>();

/** The compiled kernels of a landscape (cached by module text: one compile per landscape and process). */
function kernelModule(landscape: Landscape, host: KernelHost): Promise<WebAssembly.Module> {
  const l = landscapeWat(landscape);
  if ('unsupported' in l) throw new Error(l.unsupported);
  const text = walkerKernelWat({
    dim: l.dim,
    philox: PHILOX_WAT,
    vmath: VMATH_WAT,
    landscape: l.wat,
    sharedMemory: host.sharedMemory,
  });
  let m = modules.get(text);
  if (!m) {
    m = host.compile(text, `walkers-${landscape.id}`);
    modules.set(text, m);
    m.catch(() => modules.delete(text));
  }
  return m;
}

/** Byte layout of one engine's memory: the context, its settings, then the state arrays (16-aligned). */
function layout(walkers: number, dim: number) {
  const padded = Math.ceil(walkers / BLOCK) * BLOCK;
  const stride = dim + (dim * (dim + 1)) / 2;
  let at = 0;
  const take = (bytes: number) => {
    const p = at;
    at += Math.ceil(bytes / 16) * 16;
    return p;
  };
  const ctx = take(CTX.bytes);
  const wstar = take(4 * WSTAR);
  const groupNbeta = take(4 * MAX_GROUPS);
  const groupEps = take(4 * MAX_GROUPS);
  const lp = take(4 * LP_VALUES);
  const metric = take(4 * MAX_GROUPS * stride);
  const positions = take(4 * padded * dim);
  const currentLoss = take(4 * padded);
  const lossSum = take(4 * padded);
  const accepts = take(4 * padded);
  const diverged = take(4 * padded);
  const diagSums = take(16 * padded);
  const diagHalf = take(16 * padded);
  return {
    padded,
    stride,
    ctx,
    wstar,
    groupNbeta,
    groupEps,
    lp,
    metric,
    positions,
    currentLoss,
    lossSum,
    accepts,
    diverged,
    diagSums,
    diagHalf,
    bytes: at,
  };
}

class CpuWalkerState implements WalkerKernels {
  readonly state: KernelState;
  private readonly i32: Int32Array;
  private readonly f32: Float32Array;

  constructor(
    private readonly pool: KernelRunner,
    private readonly memory: WebAssembly.Memory,
    private readonly at: ReturnType<typeof layout>,
    private readonly walkers: number,
    dim: number,
  ) {
    const buf = memory.buffer;
    const n = at.padded;
    this.i32 = new Int32Array(buf);
    this.f32 = new Float32Array(buf);
    this.state = {
      positions: new Float32Array(buf, at.positions, n * dim),
      currentLoss: new Float32Array(buf, at.currentLoss, n),
      lossSum: new Float32Array(buf, at.lossSum, n),
      accepts: new Uint32Array(buf, at.accepts, n),
      diverged: new Uint32Array(buf, at.diverged, n),
      diagSums: new Float32Array(buf, at.diagSums, 4 * n),
      diagHalf: new Float32Array(buf, at.diagHalf, 4 * n),
    };
    const c = at.ctx / 4;
    const set = (field: number, value: number) => {
      this.i32[c + field / 4] = value;
    };
    set(CTX.positions, at.positions);
    set(CTX.currentLoss, at.currentLoss);
    set(CTX.lossSum, at.lossSum);
    set(CTX.accepts, at.accepts);
    set(CTX.diverged, at.diverged);
    set(CTX.diagSums, at.diagSums);
    set(CTX.metric, at.metric);
    set(CTX.lp, at.lp);
    set(CTX.wstar, at.wstar);
    set(CTX.groupNbeta, at.groupNbeta);
    set(CTX.groupEps, at.groupEps);
    set(CTX.metricStride, at.stride);
  }

  /** Writes one call's settings into the context block (no kernel is running: calls are chained). */
  private write(s: KernelSettings): void {
    const c = this.at.ctx / 4;
    this.i32[c + CTX.seedLo / 4] = s.seedLo | 0;
    this.i32[c + CTX.seedHi / 4] = s.seedHi | 0;
    this.i32[c + CTX.priorKind / 4] = s.priorKind;
    this.f32[c + CTX.priorScale / 4] = s.priorScale;
    this.f32[c + CTX.gamma / 4] = s.gamma;
    this.i32[c + CTX.groups / 4] = s.groups;
    this.i32[c + CTX.groupSize / 4] = s.groupSize;
    this.i32[c + CTX.accumulate / 4] = s.accumulate ? 1 : 0;
    this.i32[c + CTX.initKind / 4] = s.initKind;
    this.f32.set(s.wstar.subarray(0, WSTAR), this.at.wstar / 4);
    this.f32.set(s.groupNbeta.subarray(0, MAX_GROUPS), this.at.groupNbeta / 4);
    this.f32.set(s.groupEps.subarray(0, MAX_GROUPS), this.at.groupEps / 4);
    this.f32.set(s.lp.subarray(0, LP_VALUES), this.at.lp / 4);
    this.f32.set(s.metric.subarray(0, MAX_GROUPS * this.at.stride), this.at.metric / 4);
  }

  /** Contiguous runs of whole 64-walker blocks, one per thread (fewer threads than blocks stay idle). */
  private split(extra: readonly number[]): number[][] {
    const blocks = this.at.padded / BLOCK;
    const t = Math.min(this.pool.threads, blocks);
    return Array.from({ length: t }, (_, k) => {
      const lo = Math.floor((blocks * k) / t);
      const hi = Math.floor((blocks * (k + 1)) / t);
      return [this.at.ctx, lo * BLOCK, (hi - lo) * BLOCK, ...extra];
    });
  }

  async init(s: KernelSettings): Promise<void> {
    this.write(s);
    await this.pool.run('init', this.split([]));
  }

  async steps(sampler: SamplerKind, s: KernelSettings, steps: number, stepBase: number): Promise<void> {
    if (steps === 0) return;
    this.write(s);
    await this.pool.run(sampler, this.split([steps, stepBase | 0]));
  }

  async close(): Promise<void> {
    await this.pool.close();
  }

  /** Walkers the engine sees (the state arrays hold `padded`, the extra ones never read). */
  get count(): number {
    return this.walkers;
  }

  get bytes(): number {
    return this.memory.buffer.byteLength;
  }
}

/** The CPU backend for WalkerEngine.create(device, config, { kernels }). */
export class CpuWalkerKernels implements WalkerKernelFactory {
  readonly threads: number;
  readonly description: string;

  /** `describe` names the backend for a thread count (the CLI's cpuDeviceDescription). */
  constructor(
    private readonly host: KernelHost,
    describe = (t: number) => `CPU: WebAssembly SIMD, ${t} thread${t === 1 ? '' : 's'}`,
  ) {
    this.threads = host.threads;
    this.description = describe(host.threads);
  }

  unsupported(config: KernelConfig): string | null {
    const l = landscapeWat(config.landscape);
    if ('unsupported' in l) return l.unsupported;
    const groups = config.groupNbeta?.length ?? 1;
    // $landscape_slot is one per quad: a multi-dataset landscape needs quad-aligned groups.
    if ((config.landscape.datasets ?? 1) > 1 && groups > 1 && Math.ceil(config.walkers / groups) % 4 !== 0)
      return 'walker groups of a multi-dataset landscape must hold a multiple of 4 walkers on the CPU';
    const bytes = layout(config.walkers, config.landscape.dim).bytes;
    if (bytes > 65536 * PAGE - PAGE) return `${config.walkers} walkers need more than 4 GiB of CPU memory`;
    return null;
  }

  async create(config: KernelConfig): Promise<WalkerKernels> {
    const reason = this.unsupported(config);
    if (reason !== null) throw new RangeError(reason);
    const dim = config.landscape.dim;
    const module = await kernelModule(config.landscape, this.host);
    const at = layout(config.walkers, dim);
    const pages = Math.ceil(at.bytes / PAGE) + 1;
    const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: this.host.sharedMemory });
    const pool = await this.host.start(module, memory);
    return new CpuWalkerState(pool, memory, at, config.walkers, dim);
  }
}
