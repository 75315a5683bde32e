/**
 * CpuFunctionSpace: random networks sampled by the WebAssembly SIMD kernel on worker threads
 * (CpuRandNet) and counted on the main thread (CpuFunctionTable), behind the same FunctionCounter
 * interface as the GPU's FunctionSpace, so the CLI's reports are unchanged. Batches alternate between
 * two key slots: while the workers compute batch b, the main thread counts batch b − 1, in network
 * order (the table is a function of the seed alone).
 */
import type { TableSnapshot } from '../core/function-space/function-table';
import type { RandNetConfig } from '../core/function-space/randnet';
import type { FunctionCounter, FunctionSpaceOptions } from '../core/function-space/randnet-run';
import { CpuRandNet } from './randnet-kernel';
import { CpuFunctionTable } from './randnet-table';

export interface CpuFunctionSpaceOptions extends FunctionSpaceOptions {
  /** Worker threads (default: cpuThreads()). */
  readonly threads?: number;
}

export class CpuFunctionSpace implements FunctionCounter {
  readonly kernel: CpuRandNet;
  readonly table: CpuFunctionTable;
  private nextIndex = 0;
  private slot: 0 | 1 = 0;
  /** The last batch's keys, computed but not yet counted. */
  private pending: { keys: Uint32Array; count: number } | null = null;
  /** Seconds spent computing keys (workers) and counting them (main thread, overlapped). */
  readonly time = { sample: 0, count: 0 };

  private constructor(kernel: CpuRandNet, table: CpuFunctionTable) {
    this.kernel = kernel;
    this.table = table;
  }

  static async create(config: RandNetConfig, options: CpuFunctionSpaceOptions): Promise<CpuFunctionSpace> {
    // The table first: its RangeErrors (capacity, max probes) name flags, and it allocates no workers.
    const table = new CpuFunctionTable({ capacity: options.capacity, maxProbes: options.maxProbes });
    const kernel = await CpuRandNet.create(config, { batch: options.batch, threads: options.threads });
    return new CpuFunctionSpace(kernel, table);
  }

  get samples(): number {
    return this.nextIndex;
  }

  get batch(): number {
    return this.kernel.batch;
  }

  get threads(): number {
    return this.kernel.threads;
  }

  private countPending(): void {
    if (!this.pending) return;
    const t0 = performance.now();
    this.table.insert(this.pending.keys, 0, this.pending.count);
    this.time.count += (performance.now() - t0) / 1000;
    this.pending = null;
  }

  /** Samples the next `count` networks; the last batch is counted by the next call or read(). */
  async advance(count: number): Promise<void> {
    for (let done = 0; done < count; ) {
      const k = Math.min(this.batch, count - done);
      const t0 = performance.now();
      const computing = this.kernel.sampleKeys(this.nextIndex, k, this.slot);
      this.countPending();
      const keys = await computing;
      this.time.sample += (performance.now() - t0) / 1000;
      this.pending = { keys, count: k };
      this.slot = this.slot === 0 ? 1 : 0;
      this.nextIndex += k;
      done += k;
    }
  }

  async read(): Promise<TableSnapshot> {
    this.countPending();
    return this.table.snapshot();
  }

  /** Stops the workers. */
  destroy(): Promise<void> {
    return this.kernel.close();
  }
}
