/**
 * CpuFunctionTable: counts 128-bit function keys on the main thread with the rule of the GPU table
 * (shaders/hashtable.wgsl): open addressing with linear probing from the slot hash_key(key) mod
 * capacity, slots never emptied, and a key that finds neither itself nor a free slot within
 * `maxProbes` slots counted in `other` (every occurrence of it, since all follow one path), so
 * Σ counts + other = keys inserted, always. Keys arrive in network order, so the table — including
 * which keys enter once it is full — is a function of the seed alone, not of the thread count (the
 * GPU's, filled in parallel, can differ there: which of two keys racing for the last slot wins).
 * Memory is fixed at creation: 28 bytes per slot (key, count as f64, occupancy), as on the GPU.
 */
import type { TableEntry, TableSnapshot } from '../core/function-space/function-table';

/** Largest capacity (2^26 slots: 1.8 GB); the GPU's limit is its largest storage binding. */
export const CPU_MAX_CAPACITY = 2 ** 26;

// MurmurHash3's finaliser, chained over the four words exactly as hash_key in hashtable.wgsl, so the
// CPU table puts a key in the slot the GPU's would probe first.
function fmix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export function hashKey(a: number, b: number, c: number, d: number): number {
  let h = fmix32(a ^ 0x9e3779b9);
  h = fmix32(h ^ b);
  h = fmix32(h ^ c);
  return fmix32(h ^ d);
}

export interface CpuTableOptions {
  readonly capacity: number;
  /** Default min(capacity, 1024), as FunctionTable. */
  readonly maxProbes?: number;
}

export class CpuFunctionTable {
  readonly capacity: number;
  readonly maxProbes: number;
  private readonly keys: Uint32Array;
  private readonly counts: Float64Array;
  private readonly used: Uint8Array;
  private total = 0;
  private distinct = 0;
  private other = 0;

  constructor(options: CpuTableOptions) {
    const { capacity } = options;
    if (!Number.isInteger(capacity) || capacity < 1 || capacity > CPU_MAX_CAPACITY)
      throw new RangeError(`capacity must be an integer in [1, ${CPU_MAX_CAPACITY}], got ${capacity}`);
    const maxProbes = options.maxProbes ?? Math.min(capacity, 1024);
    if (!Number.isInteger(maxProbes) || maxProbes < 1 || maxProbes > capacity)
      throw new RangeError(`max probes must be an integer in [1, ${capacity}], got ${maxProbes}`);
    this.capacity = capacity;
    this.maxProbes = maxProbes;
    this.keys = new Uint32Array(4 * capacity);
    this.counts = new Float64Array(capacity);
    this.used = new Uint8Array(capacity);
  }

  /** Counts keys `first` … `first + count − 1` of `words` (4 words each), in that order. */
  insert(words: Uint32Array, first: number, count: number): void {
    const { keys, counts, used, capacity, maxProbes } = this;
    for (let i = first; i < first + count; i++) {
      const a = words[4 * i];
      const b = words[4 * i + 1];
      const c = words[4 * i + 2];
      const d = words[4 * i + 3];
      let s = hashKey(a, b, c, d) % capacity;
      let placed = false;
      for (let probe = 0; probe < maxProbes; probe++) {
        if (used[s] === 0) {
          used[s] = 1;
          keys[4 * s] = a;
          keys[4 * s + 1] = b;
          keys[4 * s + 2] = c;
          keys[4 * s + 3] = d;
          counts[s] = 1;
          this.distinct++;
          placed = true;
          break;
        }
        if (keys[4 * s] === a && keys[4 * s + 1] === b && keys[4 * s + 2] === c && keys[4 * s + 3] === d) {
          counts[s]++;
          placed = true;
          break;
        }
        s = s + 1 === capacity ? 0 : s + 1;
      }
      if (!placed) this.other++;
    }
    this.total += count;
  }

  clear(): void {
    this.used.fill(0);
    this.counts.fill(0);
    this.total = 0;
    this.distinct = 0;
    this.other = 0;
  }

  /** The same snapshot FunctionTable.readEntries() gives: one entry per distinct key, in slot order. */
  snapshot(): TableSnapshot {
    const entries: TableEntry[] = [];
    for (let s = 0; s < this.capacity; s++)
      if (this.used[s] === 1) entries.push({ key: this.keys.slice(4 * s, 4 * s + 4), count: this.counts[s] });
    return { total: this.total, distinct: this.distinct, other: this.other, entries };
  }
}
