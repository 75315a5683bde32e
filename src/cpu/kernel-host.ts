/**
 * Where a CPU kernel module runs: how it is compiled, on how many threads, over which kind of memory.
 * The walkers' CPU backend (cpu-walker-kernels.ts) takes one of these, so the same kernels serve the
 * CLI (node-kernel-host.ts: worker threads over shared memory, binaries cached on disk) and the
 * browser app on a software GPU (inThreadKernelHost below: the calling thread, no Node imports).
 *
 * Determinism does not depend on the host: a kernel's walkers never interact, and each call's
 * result is a function of (seed, walker, step) alone, so one thread and sixteen give the same bits.
 */
import { compileWatUncached } from './wat-assemble';

/** Runs exports of one instantiated module: `args[t]` on thread t (fewer args leave threads idle). */
export interface KernelRunner {
  readonly threads: number;
  run(fn: string, args: readonly (readonly number[])[]): Promise<void>;
  close(): Promise<void>;
}

export interface KernelHost {
  readonly threads: number;
  /** Whether kernels import a shared memory (worker threads) or a plain one (one thread). */
  readonly sharedMemory: boolean;
  compile(moduleText: string, name: string): Promise<WebAssembly.Module>;
  /** Instantiates `module` over `memory` on the host's threads. */
  start(module: WebAssembly.Module, memory: WebAssembly.Memory): Promise<KernelRunner>;
}

type Exports = Record<string, (...args: number[]) => unknown>;

/** One instance on the calling thread: a call runs to completion inside run() (a short task). */
class InThreadRunner implements KernelRunner {
  readonly threads = 1;
  private closed = false;

  constructor(private readonly exports: Exports) {}

  async run(fn: string, args: readonly (readonly number[])[]): Promise<void> {
    if (this.closed) throw new Error('the CPU kernels are closed');
    if (args.length > 1) throw new Error(`${args.length} tasks for 1 CPU thread`);
    const f = this.exports[fn];
    if (typeof f !== 'function') throw new Error(`CPU kernel has no export '${fn}'`);
    for (const a of args) f(...a);
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

/**
 * The calling thread, a plain (unshared) memory and no disk cache: what a browser page has without
 * cross-origin isolation (no SharedArrayBuffer, so no workers over one memory). Assembled modules
 * are kept for the page's lifetime, keyed by their text.
 */
export function inThreadKernelHost(): KernelHost {
  const modules = new Map<string, Promise<WebAssembly.Module>>();
  return {
    threads: 1,
    sharedMemory: false,
    compile(text, name) {
      let m = modules.get(text);
      if (!m) {
        m = compileWatUncached(text, name);
        modules.set(text, m);
        m.catch(() => modules.delete(text));
      }
      return m;
    },
    async start(module, memory) {
      const instance = await WebAssembly.instantiate(module, { env: { memory } });
      return new InThreadRunner(instance.exports as unknown as Exports);
    },
  };
}
