/**
 * CpuRandNet: the CPU counterpart of RandNetSampler. One generated WebAssembly SIMD kernel
 * (randnet-wat.ts) per architecture, run by the toolkit's worker pool over one shared memory:
 *
 *   [counters | read-only tables | keys slot 0 | keys slot 1 | test area | scratch of worker 0 … T−1]
 *
 * A batch is cut into fixed chunks of CHUNK networks that the workers claim from a shared counter
 * (so a busy core does not hold the batch back); network i's key lands at slot + 16·i whoever
 * computed it, and a key is a pure function of (seed, network index): the result cannot depend on
 * the thread count or on which worker took which chunk. Two key slots let the caller count one batch
 * while the workers compute the next.
 */
import { type RandNetConfig, validateRandNet } from '../core/function-space/randnet';
import { seedKey } from '../core/rng';
import { OUT_SLOTS, type RandNetPlan, randnetModuleText, randnetPlan, randnetTables } from './randnet-wat';
import { compileWat, PHILOX_WAT, VMATH_WAT } from './wat-lib';
import { cpuThreads, WasmWorkerPool } from './worker-pool';

/** Networks per claimed chunk: ~1–3 ms of work, small enough to balance, large enough to amortise. */
const CHUNK = 64;
/** Networks per call of the test exports (their outputs go through a fixed test area). */
const TEST_NETS = 256;
const PAGE = 65536;

export interface CpuRandNetOptions {
  /** Largest number of networks per sampleKeys() call. */
  readonly batch: number;
  /** Worker threads (default cpuThreads(): OCCAM_CPU_THREADS or the available cores, ≤ 16). */
  readonly threads?: number;
}

export class CpuRandNet {
  readonly config: RandNetConfig;
  readonly batch: number;
  readonly threads: number;
  readonly plan: RandNetPlan;
  private readonly memory: WebAssembly.Memory;
  private readonly pool: WasmWorkerPool;
  private readonly keySlots: [number, number];
  private readonly testArea: number;
  private readonly scratch: number[];
  private closed = false;

  private constructor(
    config: RandNetConfig,
    batch: number,
    plan: RandNetPlan,
    memory: WebAssembly.Memory,
    pool: WasmWorkerPool,
    layout: { keySlots: [number, number]; testArea: number; scratch: number[] },
  ) {
    this.config = config;
    this.batch = batch;
    this.plan = plan;
    this.memory = memory;
    this.pool = pool;
    this.threads = pool.threads;
    this.keySlots = layout.keySlots;
    this.testArea = layout.testArea;
    this.scratch = layout.scratch;
  }

  static async create(config: RandNetConfig, options: CpuRandNetOptions): Promise<CpuRandNet> {
    validateRandNet(config);
    const { batch } = options;
    if (!Number.isInteger(batch) || batch < 1 || batch > 2 ** 24)
      throw new RangeError(`batch must be an integer in [1, ${2 ** 24}], got ${batch}`);
    const threads = options.threads ?? cpuThreads();
    const plan = randnetPlan(config);
    const module = await compileWat(
      randnetModuleText(plan, { philox: PHILOX_WAT, vmath: VMATH_WAT }),
      'randnet.wat',
    );
    const keyBytes = 16 * batch;
    const slot0 = plan.tablesEnd;
    const slot1 = slot0 + keyBytes;
    const testArea = slot1 + keyBytes;
    const testBytes = TEST_NETS * 4 * Math.max(OUT_SLOTS, plan.params);
    const scratch0 = testArea + Math.ceil(testBytes / 16) * 16;
    const scratch = Array.from({ length: threads }, (_, t) => scratch0 + t * plan.scratchBytes);
    const pages = Math.ceil((scratch0 + threads * plan.scratchBytes) / PAGE);
    const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
    const tables = randnetTables(plan);
    new Int32Array(memory.buffer, plan.mapBase, tables.map.length).set(tables.map);
    new Float32Array(memory.buffer, plan.scaleBase, tables.scale.length).set(tables.scale);
    new Int32Array(memory.buffer, plan.maskBase, tables.mask.length).set(tables.mask);
    new Uint8Array(memory.buffer, plan.lutBase, tables.lut.length).set(tables.lut);
    const pool = await WasmWorkerPool.create(module, memory, threads);
    return new CpuRandNet(config, batch, plan, memory, pool, { keySlots: [slot0, slot1], testArea, scratch });
  }

  private check(first: number, count: number, max: number): [number, number] {
    if (this.closed) throw new Error('CpuRandNet used after close()');
    if (!Number.isInteger(count) || count < 1 || count > max)
      throw new RangeError(`count must be an integer in [1, ${max}], got ${count}`);
    if (!Number.isSafeInteger(first) || first < 0 || !Number.isSafeInteger(first + count))
      throw new RangeError(`first network index must be a non-negative integer, got ${first}`);
    return [(first % 2 ** 32) >>> 0, Math.floor(first / 2 ** 32) >>> 0];
  }

  /**
   * The keys of networks [first, first + count) (4 words each) in key slot `slot`: a view of shared
   * memory, valid until the next call on the same slot.
   */
  async sampleKeys(first: number, count: number, slot: 0 | 1 = 0): Promise<Uint32Array> {
    const [lo, hi] = this.check(first, count, this.batch);
    const [k0, k1] = seedKey(this.config.seed);
    const counter = 4 * slot;
    Atomics.store(new Int32Array(this.memory.buffer, 0, 16), slot, 0);
    const dst = this.keySlots[slot];
    // No more workers than chunks: an idle worker would only claim an empty chunk.
    const workers = Math.min(this.threads, Math.ceil(count / CHUNK));
    const args = this.scratch
      .slice(0, workers)
      .map((s) => [lo, hi, count, dst, s, k0, k1, counter, CHUNK] as const);
    await this.pool.run('keys', args);
    return new Uint32Array(this.memory.buffer, dst, 4 * count);
  }

  /** The parameters of networks [first, first + count), flattened as drawNetwork(). For tests. */
  sampleParams(first: number, count: number): Promise<Float32Array> {
    return this.testExport('params', first, count, this.plan.params);
  }

  /** Raw outputs of networks [first, first + count): 128 floats each (points ≥ 2^n meaningless). For tests. */
  sampleOutputs(first: number, count: number): Promise<Float32Array> {
    return this.testExport('outputs', first, count, OUT_SLOTS);
  }

  private async testExport(fn: string, first: number, count: number, perNet: number): Promise<Float32Array> {
    this.check(first, count, Number.MAX_SAFE_INTEGER);
    const [k0, k1] = seedKey(this.config.seed);
    const out = new Float32Array(count * perNet);
    for (let done = 0; done < count; done += TEST_NETS) {
      const n = Math.min(TEST_NETS, count - done);
      const [lo, hi] = this.check(first + done, n, TEST_NETS);
      await this.pool.run(fn, [[lo, hi, n, this.testArea, this.scratch[0], k0, k1]]);
      out.set(new Float32Array(this.memory.buffer, this.testArea, n * perNet), done * perNet);
    }
    return out;
  }

  /** Stops the workers. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.close();
  }
}
