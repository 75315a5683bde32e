/**
 * The CLI's host for CPU kernels (kernel-host.ts): worker threads over one shared memory (every core
 * at work) and assembled binaries cached on disk (wat-lib.ts).
 */
import type { KernelHost } from './kernel-host';
import { compileWat } from './wat-lib';
import { cpuThreads, WasmWorkerPool } from './worker-pool';

export function nodeKernelHost(threads = cpuThreads()): KernelHost {
  return {
    threads,
    sharedMemory: true,
    compile: compileWat,
    start: (module, memory) => WasmWorkerPool.create(module, memory, threads),
  };
}
