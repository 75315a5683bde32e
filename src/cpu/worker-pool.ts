/**
 * Worker threads that run exports of one WebAssembly module over one shared memory: the CPU backend's
 * way to put every core to work. Each worker instantiates the module against the same shared
 * `WebAssembly.Memory`, so inputs and results never cross a message: the main thread writes and reads
 * `memory.buffer` directly, and a message only says which export to call with which arguments.
 *
 * Determinism is the caller's job and cheap: split work into fixed-size chunks whose results do not
 * depend on which worker ran them (counter-based RNG), and combine partial results in chunk order.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/** At most this many threads, whatever the machine reports. */
export const MAX_CPU_THREADS = 16;

/** Threads for the CPU backend: the machine's parallelism (≤ 16), or OCCAM_CPU_THREADS=k. */
export function cpuThreads(): number {
  const forced = process.env.OCCAM_CPU_THREADS;
  if (forced !== undefined && forced !== '') {
    const k = Number(forced);
    if (!Number.isInteger(k) || k < 1 || k > MAX_CPU_THREADS)
      throw new Error(`OCCAM_CPU_THREADS must be an integer in [1, ${MAX_CPU_THREADS}], got '${forced}'`);
    return k;
  }
  return Math.max(1, Math.min(MAX_CPU_THREADS, availableParallelism()));
}

// The worker's whole program: a fixed text of ours (never user input), run with `eval: true` so the
// pool needs no separate file next to the bundle, the vitest sources or a GPU kit.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const instance = new WebAssembly.Instance(workerData.module, { env: { memory: workerData.memory } });
parentPort.on('message', (m) => {
  try {
    if (m.fn !== null) instance.exports[m.fn](...m.args);
    parentPort.postMessage({ id: m.id });
  } catch (err) {
    parentPort.postMessage({ id: m.id, error: String((err && err.stack) || err) });
  }
});
`;

interface Pending {
  resolve: () => void;
  reject: (err: Error) => void;
}

export class WasmWorkerPool {
  private readonly workers: Worker[];
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private failure: Error | null = null;
  private closed = false;

  private constructor(workers: Worker[]) {
    this.workers = workers;
    for (const w of workers) {
      w.unref(); // an idle pool never keeps the process alive; run() refs the workers it waits for
      w.on('message', (m: { id: number; error?: string }) => this.settle(m.id, m.error));
      w.on('error', (err) => this.fail(err));
      w.on('exit', (code) => {
        if (!this.closed) this.fail(new Error(`a CPU worker exited (code ${code})`));
      });
    }
  }

  /** Starts `threads` workers, each with its own instance of `module` over the shared `memory`. */
  static async create(
    module: WebAssembly.Module,
    memory: WebAssembly.Memory,
    threads = cpuThreads(),
  ): Promise<WasmWorkerPool> {
    if (!(memory.buffer instanceof SharedArrayBuffer))
      throw new Error('WasmWorkerPool needs a shared WebAssembly.Memory');
    const workers = Array.from(
      { length: threads },
      () => new Worker(WORKER_SOURCE, { eval: true, workerData: { module, memory } }),
    );
    const pool = new WasmWorkerPool(workers);
    // Instantiation happens as each worker starts; a round trip calling nothing makes create() report
    // its failure (and close the workers that did start).
    try {
      await Promise.all(workers.map((_, t) => pool.post(t, null, [])));
    } catch (err) {
      await pool.close();
      throw err;
    }
    return pool;
  }

  get threads(): number {
    return this.workers.length;
  }

  /** Calls export `fn` in worker t with args[t] (fewer args than threads leave workers idle); resolves when all return. */
  async run(fn: string, args: readonly (readonly number[])[]): Promise<void> {
    if (this.closed) throw new Error('the CPU worker pool is closed');
    if (this.failure) throw this.failure;
    if (args.length > this.workers.length)
      throw new Error(`${args.length} tasks for ${this.workers.length} CPU workers`);
    await Promise.all(args.map((a, t) => this.post(t, fn, a)));
  }

  private post(t: number, fn: string | null, args: readonly number[]): Promise<void> {
    const id = this.nextId++;
    const worker = this.workers[t];
    worker.ref();
    return new Promise<void>((resolve, reject) => {
      this.pending.set(id, {
        resolve: () => {
          worker.unref();
          resolve();
        },
        reject: (err) => {
          worker.unref();
          reject(err);
        },
      });
      worker.postMessage({ id, fn, args });
    });
  }

  private settle(id: number, error?: string): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    if (error) p.reject(new Error(`CPU kernel failed: ${error}`));
    else p.resolve();
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
