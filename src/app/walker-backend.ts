/**
 * Which kernels step the app's live walkers (issue 17, item 3): on a software adapter the CPU backend
 * (the same WebAssembly SIMD kernels as the CLI's `--backend cpu`, translated from the landscape's own
 * WGSL), run on the page's thread; on a hardware adapter, or for what the CPU kernels refuse, the GPU's
 * WGSL. On SwiftShader one walker step of 10⁵ walkers costs ~85 ms in WGSL and ~3 ms in WebAssembly
 * SIMD: the difference between a slide show and an interactive scene. The walkers are still drawn from
 * their GPU buffer, which the engine's flush() fills from the CPU state after every frame's steps.
 */
import type { EngineConfig, EngineOptions } from '../core/walkers/walker-engine';
import { gpuOnlyFeature } from '../core/walkers/walker-kernels';
import { CpuWalkerKernels } from '../cpu/cpu-walker-kernels';
import { inThreadKernelHost } from '../cpu/kernel-host';

/** 'auto': the CPU kernels on a software adapter when they take the scene; 'gpu': always the WGSL. */
export type WalkerBackendChoice = 'auto' | 'gpu';

let cpuKernels: CpuWalkerKernels | null = null;

/** The CPU kernels of this page (one host: its assembled modules are shared by every engine). */
function pageCpuKernels(): CpuWalkerKernels {
  cpuKernels ??= new CpuWalkerKernels(inThreadKernelHost(), (t) => `CPU, WebAssembly SIMD, ${t} thread`);
  return cpuKernels;
}

/** The engine options for `config` (empty: the GPU kernels). */
export function walkerEngineOptions(
  config: EngineConfig,
  software: boolean,
  choice: WalkerBackendChoice,
): EngineOptions {
  if (!software || choice === 'gpu') return {};
  const cpu = pageCpuKernels();
  return (gpuOnlyFeature(config) ?? cpu.unsupported(config)) === null ? { kernels: cpu } : {};
}
