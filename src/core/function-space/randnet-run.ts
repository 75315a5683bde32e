/**
 * Streams random networks through the GPU hash table: batches of networks are sampled
 * (RandNetSampler) and counted (FunctionTable) in one submit each, with at most two batches in
 * flight; the table is read back at the end (or whenever the caller asks), and summarised with K_LZ.
 * Memory depends on the batch size and the table capacity, never on the number of samples.
 */
import { countOnes, kLz, onesEntropy } from './complexity';
import { FunctionTable, type TableSnapshot } from './function-table';
import { keyToBits, type RandNetConfig } from './randnet';
import { RandNetSampler } from './randnet-sampler';

export interface FunctionSpaceOptions {
  /** Networks per batch (one dispatch each). */
  readonly batch: number;
  /** Hash-table slots. */
  readonly capacity: number;
  readonly maxProbes?: number;
}

/**
 * What a caller of a function-space run needs, whichever backend samples and counts (this GPU one, or
 * the CLI's CPU one in src/cpu/randnet-space.ts): the CLI's output code sees only this and the snapshot.
 */
export interface FunctionCounter {
  /** Networks sampled so far (the index of the next one). */
  readonly samples: number;
  /** Networks per advance() call that keeps the backend busy (one batch). */
  readonly batch: number;
  advance(count: number): Promise<void>;
  read(): Promise<TableSnapshot>;
  destroy(): void | Promise<void>;
}

/** A sampler and a table wired together: `advance(count)` samples and counts the next networks. */
export class FunctionSpace implements FunctionCounter {
  readonly sampler: RandNetSampler;
  readonly table: FunctionTable;
  private nextIndex = 0;
  private inFlight: Promise<undefined>[] = [];
  private destroyed = false;

  private constructor(sampler: RandNetSampler, table: FunctionTable) {
    this.sampler = sampler;
    this.table = table;
  }

  static async create(
    device: GPUDevice,
    config: RandNetConfig,
    options: FunctionSpaceOptions,
  ): Promise<FunctionSpace> {
    const sampler = await RandNetSampler.create(device, config, options.batch);
    try {
      const table = await FunctionTable.create(device, {
        capacity: options.capacity,
        batch: options.batch,
        maxProbes: options.maxProbes,
      });
      return new FunctionSpace(sampler, table);
    } catch (err) {
      sampler.destroy();
      throw err;
    }
  }

  /** Networks sampled so far (the index of the next one). */
  get samples(): number {
    return this.nextIndex;
  }

  get batch(): number {
    return this.sampler.batch;
  }

  /** Samples and counts the next `count` networks, in batches; resolves when at most one batch is queued. */
  async advance(count: number): Promise<void> {
    if (this.destroyed) throw new Error('FunctionSpace used after destroy()');
    const device = this.sampler.device;
    for (let done = 0; done < count; ) {
      const k = Math.min(this.sampler.batch, count - done);
      const encoder = device.createCommandEncoder({ label: 'function-space/batch' });
      const pass = encoder.beginComputePass({ label: 'function-space/batch' });
      this.sampler.encode(pass, this.nextIndex, k);
      this.table.encodeInsert(pass, this.sampler.keys, k);
      pass.end();
      device.queue.submit([encoder.finish()]);
      this.nextIndex += k;
      done += k;
      this.inFlight.push(device.queue.onSubmittedWorkDone());
      if (this.inFlight.length > 1) await this.inFlight.shift();
    }
  }

  /** Waits for every submitted batch. */
  async finish(): Promise<void> {
    await Promise.all(this.inFlight);
    this.inFlight = [];
  }

  /** Empties the table and restarts at network 0. */
  async reset(): Promise<void> {
    await this.finish();
    this.table.clear();
    this.nextIndex = 0;
  }

  async read(): Promise<TableSnapshot> {
    await this.finish();
    return this.table.readEntries();
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.sampler.destroy();
    this.table.destroy();
  }
}

export interface FunctionSummaryRow {
  /** Truth table, character i = output bit at input point i (see randnet.ts). */
  readonly bits: string;
  readonly count: number;
  readonly p: number;
  readonly k_lz: number;
  readonly ones: number;
  readonly entropy: number;
}

export interface FunctionSummary {
  readonly samples: number;
  readonly distinct: number;
  readonly other: number;
  readonly top: FunctionSummaryRow[];
  /** Probability mass of the counted functions by K_LZ value ("7.0", "17.5", … ascending); not `other`. */
  readonly mass_by_klz: Record<string, number>;
}

/**
 * K_LZ values are multiples of n/2 (log2 N times a half-integer), so one decimal is exact; it also keeps
 * every key non-integer-like ("7.0"), so JSON objects keep them in ascending order.
 */
const klzKey = (k: number): string => k.toFixed(1);

/**
 * The order of `keyToBits` strings (character i = bit i, all of one length), computed on the keys: at
 * the lowest bit index where they differ, the key with a 0 there comes first.
 */
export function compareKeyBits(a: ArrayLike<number>, b: ArrayLike<number>): number {
  for (let w = 0; w < 4; w++) {
    const x = a[w] ^ b[w];
    if (x !== 0) return (a[w] & x & -x) !== 0 ? 1 : -1;
  }
  return 0;
}

/** The key's first N bits as 0/1 values, for kLz (no string: a summary meets tens of thousands). */
function keyBitArray(key: ArrayLike<number>, points: number): Uint8Array {
  const bits = new Uint8Array(points);
  for (let i = 0; i < points; i++) bits[i] = (key[i >>> 5] >>> (i & 31)) & 1;
  return bits;
}

/** The top functions by count and the mass by K_LZ. K_LZ is computed once per distinct function. */
export function summarise(snapshot: TableSnapshot, inputs: number, top: number): FunctionSummary {
  const samples = snapshot.total;
  const points = 2 ** inputs;
  // The table's slot order depends on the GPU's scheduling; ties in count are broken by the function's
  // bits so a seed reproduces the output byte for byte (issue 16). Strings are made for the printed
  // rows only: 10^5 random networks give ~25,000 distinct functions (issue 17).
  const sorted = [...snapshot.entries].sort((a, b) => b.count - a.count || compareKeyBits(a.key, b.key));
  const mass = new Map<number, number>();
  for (const e of sorted) {
    const k = kLz(keyBitArray(e.key, points));
    mass.set(k, (mass.get(k) ?? 0) + e.count);
  }
  const rows = sorted.slice(0, top).map((e) => {
    const bits = keyToBits(e.key, inputs);
    return {
      bits,
      count: e.count,
      p: samples > 0 ? e.count / samples : 0,
      k_lz: kLz(bits),
      ones: countOnes(bits),
      entropy: Number(onesEntropy(bits).toFixed(6)),
    };
  });
  const byK: Record<string, number> = {};
  for (const k of [...mass.keys()].sort((a, b) => a - b)) byK[klzKey(k)] = mass.get(k)! / samples;
  return { samples, distinct: snapshot.distinct, other: snapshot.other, top: rows, mass_by_klz: byK };
}
