/**
 * FunctionTable: a GPU hash table counting 128-bit keys (shaders/hashtable.wgsl). Memory is fixed at
 * creation — `capacity` slots (28 bytes each) plus 4 bytes per key of the largest batch — whatever the
 * number of keys streamed through it. Keys that cannot be placed (no free slot within `maxProbes` of
 * their home slot, i.e. the table is full there) are counted in `other`, never dropped:
 * Σ counts + other = keys inserted, always. Counts are 64-bit on the GPU.
 */

import type { StructuredView } from 'webgpu-utils';
import hashtableWgsl from '../../../shaders/hashtable.wgsl';
import { type ComputeLayouts, computeLayouts } from '../../gpu/layouts';
import { readBuffer } from '../../gpu/readback';
import { uniformView } from '../../gpu/reflect';
import { computePipeline } from '../../gpu/shader-assembly';

const TABLE_WG = 256;
/** Words per compacted entry: key (4), count lo, count hi. */
const ENTRY_WORDS = 6;

export interface FunctionTableOptions {
  /** Slots (distinct keys the table can hold). */
  readonly capacity: number;
  /** Largest number of keys per insert. */
  readonly batch: number;
  /** Probe-path length before a key counts as other (default min(capacity, 1024)). */
  readonly maxProbes?: number;
}

export interface TableEntry {
  /** The key's 4 words. */
  readonly key: Uint32Array;
  readonly count: number;
}

export interface TableSnapshot {
  /** Keys inserted since the last clear. */
  readonly total: number;
  /** Distinct keys held in the table. */
  readonly distinct: number;
  /** Keys that could not be placed. */
  readonly other: number;
  /** One entry per distinct key, in slot order. */
  readonly entries: TableEntry[];
}

function layouts(device: GPUDevice): ComputeLayouts {
  return computeLayouts(device, 'function-table', [
    'uniform',
    'read-only-storage',
    'storage',
    'storage',
    'storage',
    'storage',
    'storage',
    'storage',
  ]);
}

function grid(device: GPUDevice, threads: number): [number, number] {
  const groups = Math.max(1, Math.ceil(threads / TABLE_WG));
  const maxX = device.limits.maxComputeWorkgroupsPerDimension;
  const x = Math.min(groups, maxX);
  return [x, Math.ceil(groups / x)];
}

/** Largest capacity this device can hold (the compacted readback needs 24 bytes per entry). */
export function maxCapacity(device: GPUDevice): number {
  return Math.min(Math.floor(device.limits.maxStorageBufferBindingSize / (4 * ENTRY_WORDS)), 2 ** 31);
}

export class FunctionTable {
  readonly device: GPUDevice;
  readonly capacity: number;
  readonly batch: number;
  readonly maxProbes: number;
  private readonly slotKeys: GPUBuffer;
  private readonly slotState: GPUBuffer;
  private readonly slotCount: GPUBuffer;
  private readonly claimed: GPUBuffer;
  private readonly stats: GPUBuffer;
  private readonly dummy: GPUBuffer;
  private readonly insertUniform: GPUBuffer;
  private readonly scanUniform: GPUBuffer;
  private readonly params: StructuredView;
  private readonly pipelines: {
    insert: GPUComputePipeline;
    finalize: GPUComputePipeline;
    compact: GPUComputePipeline;
  };
  private readonly bindGroups = new Map<GPUBuffer, GPUBindGroup>();
  private readonly owned: GPUBuffer[] = [];
  /** Staging keys buffer for insertKeys() (tests), made on first use. */
  private stagingKeys: GPUBuffer | undefined;
  private inserted = 0;
  private destroyed = false;

  private constructor(
    device: GPUDevice,
    options: Required<FunctionTableOptions>,
    pipelines: FunctionTable['pipelines'],
  ) {
    this.device = device;
    this.capacity = options.capacity;
    this.batch = options.batch;
    this.maxProbes = options.maxProbes;
    this.pipelines = pipelines;
    const storage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
    const make = (label: string, size: number, usage = storage) => {
      const b = device.createBuffer({ label: `function-table/${label}`, size: Math.max(16, size), usage });
      this.owned.push(b);
      return b;
    };
    this.slotKeys = make('slot-keys', 16 * this.capacity);
    this.slotState = make('slot-state', 4 * this.capacity);
    this.slotCount = make('slot-count', 8 * this.capacity);
    this.claimed = make('claimed', 4 * this.batch);
    this.stats = make('stats', 16);
    this.dummy = make('compacted-unused', 4 * ENTRY_WORDS);
    this.params = uniformView(hashtableWgsl, 'tp');
    const uniform = GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST;
    this.insertUniform = make('insert-params', this.params.arrayBuffer.byteLength, uniform);
    this.scanUniform = make('scan-params', this.params.arrayBuffer.byteLength, uniform);
    this.clear();
  }

  static async create(device: GPUDevice, options: FunctionTableOptions): Promise<FunctionTable> {
    const { capacity, batch } = options;
    const maxCap = maxCapacity(device);
    if (!Number.isInteger(capacity) || capacity < 1 || capacity > maxCap)
      throw new RangeError(`capacity must be an integer in [1, ${maxCap}], got ${capacity}`);
    const maxBatch = Math.min(Math.floor(device.limits.maxStorageBufferBindingSize / 16), 2 ** 32 - 2);
    if (!Number.isInteger(batch) || batch < 1 || batch > maxBatch)
      throw new RangeError(`batch must be an integer in [1, ${maxBatch}], got ${batch}`);
    const maxProbes = options.maxProbes ?? Math.min(capacity, 1024);
    if (!Number.isInteger(maxProbes) || maxProbes < 1 || maxProbes > capacity)
      throw new RangeError(`max probes must be an integer in [1, capacity = ${capacity}], got ${maxProbes}`);
    const l = layouts(device);
    const [insert, finalize, compact] = await Promise.all([
      computePipeline(device, hashtableWgsl, 'insert_keys', l.pipeline, 'function-table/insert'),
      computePipeline(device, hashtableWgsl, 'finalize_keys', l.pipeline, 'function-table/finalize'),
      computePipeline(device, hashtableWgsl, 'compact_table', l.pipeline, 'function-table/compact'),
    ]);
    return new FunctionTable(device, { capacity, batch, maxProbes }, { insert, finalize, compact });
  }

  /** Keys inserted since the last clear (counted on the CPU: the GPU total is checked against it). */
  get total(): number {
    return this.inserted;
  }

  private assertAlive(): void {
    if (this.destroyed) throw new Error('FunctionTable used after destroy()');
  }

  /** Empties the table and zeroes `other`. */
  clear(): void {
    this.assertAlive();
    const encoder = this.device.createCommandEncoder({ label: 'function-table/clear' });
    encoder.clearBuffer(this.slotState);
    encoder.clearBuffer(this.slotCount);
    encoder.clearBuffer(this.stats);
    this.device.queue.submit([encoder.finish()]);
    this.inserted = 0;
  }

  private bindGroup(keys: GPUBuffer, uniform: GPUBuffer, compacted = this.dummy): GPUBindGroup {
    const cacheable = compacted === this.dummy && uniform === this.insertUniform;
    const cached = cacheable ? this.bindGroups.get(keys) : undefined;
    if (cached) return cached;
    const group = this.device.createBindGroup({
      label: 'function-table',
      layout: layouts(this.device).group,
      entries: [
        uniform,
        keys,
        this.slotKeys,
        this.slotState,
        this.slotCount,
        this.claimed,
        this.stats,
        compacted,
      ].map((buffer, binding) => ({ binding, resource: { buffer } })),
    });
    if (cacheable) this.bindGroups.set(keys, group);
    return group;
  }

  private writeParams(uniform: GPUBuffer, count: number): [number, number] {
    const [gx, gy] = grid(this.device, count);
    this.params.set({ count, capacity: this.capacity, max_probes: this.maxProbes, groups_x: gx });
    this.device.queue.writeBuffer(uniform, 0, this.params.arrayBuffer);
    return [gx, gy];
  }

  /**
   * Records the insert and finalize dispatches for the first `count` keys (vec4<u32> each) of `keys`
   * into `pass` and writes their uniforms: submit before the next call.
   */
  encodeInsert(pass: GPUComputePassEncoder, keys: GPUBuffer, count: number): void {
    this.assertAlive();
    if (!Number.isInteger(count) || count < 1 || count > this.batch)
      throw new RangeError(`count must be an integer in [1, ${this.batch}], got ${count}`);
    if (keys.size < 16 * count) throw new RangeError(`keys buffer holds fewer than ${count} keys`);
    const [gx, gy] = this.writeParams(this.insertUniform, count);
    pass.setBindGroup(0, this.bindGroup(keys, this.insertUniform));
    pass.setPipeline(this.pipelines.insert);
    pass.dispatchWorkgroups(gx, gy);
    pass.setPipeline(this.pipelines.finalize);
    pass.dispatchWorkgroups(gx, gy);
    this.inserted += count;
  }

  /** Inserts keys given on the CPU (4 words each), in batches of at most `batch`. For tests. */
  insertKeys(keys: Uint32Array<ArrayBuffer>): void {
    this.assertAlive();
    if (keys.length % 4 !== 0) throw new RangeError('keys must be 4 words each');
    this.stagingKeys ??= (() => {
      const b = this.device.createBuffer({
        label: 'function-table/staging-keys',
        size: 16 * this.batch,
        usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
      });
      this.owned.push(b);
      return b;
    })();
    for (let first = 0; first < keys.length / 4; first += this.batch) {
      const count = Math.min(this.batch, keys.length / 4 - first);
      this.device.queue.writeBuffer(this.stagingKeys, 0, keys, 4 * first, 4 * count);
      const encoder = this.device.createCommandEncoder({ label: 'function-table/insert' });
      const pass = encoder.beginComputePass({ label: 'function-table/insert' });
      this.encodeInsert(pass, this.stagingKeys, count);
      pass.end();
      this.device.queue.submit([encoder.finish()]);
    }
  }

  /** distinct and other only: 16 bytes read back. */
  async readCounts(): Promise<{ total: number; distinct: number; other: number }> {
    this.assertAlive();
    const total = this.inserted;
    const s = new Uint32Array(await readBuffer(this.device, this.stats, 16, 'function-table/stats-readback'));
    return { total, distinct: s[2], other: s[0] + s[1] * 2 ** 32 };
  }

  /**
   * Every distinct key with its count: compacts the occupied slots on the GPU and reads back 24 bytes
   * per distinct key (never the empty slots).
   */
  async readEntries(): Promise<TableSnapshot> {
    const counts = await this.readCounts();
    const n = counts.distinct;
    const entries: TableEntry[] = [];
    if (n > 0) {
      const compacted = this.device.createBuffer({
        label: 'function-table/compacted',
        size: 4 * ENTRY_WORDS * n,
        usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC,
      });
      try {
        const [gx, gy] = this.writeParams(this.scanUniform, this.capacity);
        const encoder = this.device.createCommandEncoder({ label: 'function-table/compact' });
        encoder.clearBuffer(this.stats, 12, 4);
        const pass = encoder.beginComputePass({ label: 'function-table/compact' });
        pass.setPipeline(this.pipelines.compact);
        pass.setBindGroup(0, this.bindGroup(this.dummy, this.scanUniform, compacted));
        pass.dispatchWorkgroups(gx, gy);
        pass.end();
        this.device.queue.submit([encoder.finish()]);
        const words = new Uint32Array(
          await readBuffer(this.device, compacted, compacted.size, 'function-table/entries-readback'),
        );
        for (let j = 0; j < n; j++) {
          const b = ENTRY_WORDS * j;
          entries.push({ key: words.slice(b, b + 4), count: words[b + 4] + words[b + 5] * 2 ** 32 });
        }
      } finally {
        compacted.destroy();
      }
    }
    return { ...counts, entries };
  }

  /** Frees every GPU buffer this table owns. Safe to call twice. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    for (const b of this.owned) b.destroy();
    this.bindGroups.clear();
  }
}
