/**
 * The seam between WalkerEngine and a non-GPU implementation of its step kernels (init_walkers,
 * ula_steps, mala_steps): the CPU backend (src/cpu/cpu-walker-kernels.ts, WebAssembly SIMD on
 * worker threads) implements it; core only knows this interface (no Node imports here).
 *
 * With kernels injected, their state is the master copy of the walkers: the engine queues every
 * init/step/clear on them, and before any GPU pass that reads walker state (reductions, moments,
 * snapshots, readbacks) it copies the state into the GPU buffers, so every statistic keeps one code
 * path. The state arrays use the GPU buffers' layouts, so each copy is one writeBuffer.
 */
import type { Landscape } from '../landscapes/landscapes';
import type { SamplerKind } from '../posterior';

/** The uniform `Sim` of shaders/posterior.wgsl for one kernel call, captured when the call is queued. */
export interface KernelSettings {
  readonly seedLo: number;
  readonly seedHi: number;
  /** 0: box, 1: Gaussian (PRIOR_BOX / PRIOR_GAUSS). */
  readonly priorKind: number;
  readonly priorScale: number;
  readonly gamma: number;
  readonly groups: number;
  readonly groupSize: number;
  readonly accumulate: boolean;
  /** 0: w*, 1: prior, 2: mixed. */
  readonly initKind: number;
  readonly wstar: Float32Array;
  readonly groupNbeta: Float32Array;
  readonly groupEps: Float32Array;
  /** The metric buffer's contents (MAX_GROUPS groups of D + D(D+1)/2 floats). */
  readonly metric: Float32Array;
  /** The landscape's uniform values (packLandscapeValues). */
  readonly lp: Float32Array;
}

/** Views of the kernels' walker state (GPU layouts, `walkers` entries each; valid until close). */
export interface KernelState {
  readonly positions: Float32Array;
  readonly currentLoss: Float32Array;
  readonly lossSum: Float32Array;
  readonly accepts: Uint32Array;
  readonly diverged: Uint32Array;
  readonly diagSums: Float32Array;
  readonly diagHalf: Float32Array;
}

/** One engine's kernels and state. Calls are never concurrent: the engine chains them. */
export interface WalkerKernels {
  readonly state: KernelState;
  init(s: KernelSettings): Promise<void>;
  steps(sampler: SamplerKind, s: KernelSettings, steps: number, stepBase: number): Promise<void>;
  close(): Promise<void>;
}

/** What a backend needs to know to accept an engine's configuration. */
export interface KernelConfig {
  readonly landscape: Landscape;
  readonly walkers: number;
  readonly sampler: SamplerKind;
  readonly groupNbeta?: readonly number[];
  readonly exchangeEvery?: number;
  readonly metricFactor?: readonly (readonly number[])[];
  readonly precondition?: 'none' | 'diag' | 'full';
  readonly externalPositions?: unknown;
}

export interface WalkerKernelFactory {
  /** The backend in words, e.g. "CPU: WebAssembly SIMD, 2 threads". */
  readonly description: string;
  /** Why this backend cannot run the configuration (null: it can). Never throws. */
  unsupported(config: KernelConfig): string | null;
  create(config: KernelConfig): Promise<WalkerKernels>;
}

/** Reasons any step-kernel backend shares: what only the GPU path implements. */
export function gpuOnlyFeature(config: KernelConfig): string | null {
  if (config.precondition === 'full' || config.metricFactor !== undefined)
    return 'the dense metric (--precondition full) runs on the GPU only';
  if ((config.exchangeEvery ?? 0) > 0 && (config.groupNbeta?.length ?? 1) > 1)
    return 'replica exchange runs on the GPU only';
  return null;
}
