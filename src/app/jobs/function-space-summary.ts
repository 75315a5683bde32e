/**
 * What the function-space view draws, from one hash-table snapshot (pure, no DOM, no GPU): the
 * rank–frequency curve, probability against K_LZ with the fitted simplicity bound, the probability mass
 * by K_LZ (with "other", the samples the full table could not place, kept apart and never dropped), and
 * the most frequent functions. K_LZ is computed once per distinct function and cached across snapshots,
 * so a snapshot costs a sort plus K_LZ of the functions that are new since the last one.
 */
import { kLz } from '../../core/function-space/complexity';
import type { TableSnapshot } from '../../core/function-space/function-table';
import { keyToBits } from '../../core/function-space/randnet';
import { type ComplexityBound, fitComplexityBound } from './complexity-bound';

/** K_LZ per function key, for one input count (a new configuration gets a new cache). */
export class KCache {
  private readonly map = new Map<string, number>();

  constructor(readonly inputs: number) {}

  k(key: ArrayLike<number>): number {
    const id = `${key[0]}:${key[1]}:${key[2]}:${key[3]}`;
    let k = this.map.get(id);
    if (k === undefined) {
      k = kLz(keyToBits(key, this.inputs));
      this.map.set(id, k);
    }
    return k;
  }

  get size(): number {
    return this.map.size;
  }
}

export interface TopFunction {
  /** Truth table, character i = output at input point i (src/core/function-space/randnet.ts convention). */
  readonly bits: string;
  readonly count: number;
  readonly p: number;
  readonly k: number;
}

export interface FunctionSpaceSummary {
  /** Samples in the snapshot. */
  readonly total: number;
  readonly distinct: number;
  readonly other: number;
  /** Σ counts of the placed functions: countsSum + other = total, always. */
  readonly countsSum: number;
  /** Rank–frequency, ranks 1… thinned to about `rankPoints` log-spaced ranks. */
  readonly rank: { readonly r: number[]; readonly p: number[] };
  /** The `scatter` most frequent functions as (K, log2 P). */
  readonly scatter: { readonly k: number[]; readonly log2p: number[] };
  /** Probability mass by K value (ascending), placed functions only. */
  readonly massByK: { readonly k: number[]; readonly mass: number[] };
  /** other / total: the mass of functions the full table could not place (any K). */
  readonly otherMass: number;
  readonly top: TopFunction[];
  readonly bound: ComplexityBound | null;
}

export interface SummaryOptions {
  readonly top?: number;
  readonly scatter?: number;
  readonly rankPoints?: number;
  readonly minCount?: number;
}

/** Ranks 1…n: every rank up to 30, then about `points` log-spaced ones, always including n. */
export function thinRanks(n: number, points = 300): number[] {
  const out: number[] = [];
  const dense = Math.min(n, 30);
  for (let r = 1; r <= dense; r++) out.push(r);
  if (n <= dense) return out;
  const step = Math.log(n / dense) / Math.max(1, points - dense);
  for (let j = 1; ; j++) {
    const r = Math.round(dense * Math.exp(step * j));
    if (r >= n) break;
    if (r > out[out.length - 1]) out.push(r);
  }
  out.push(n);
  return out;
}

function compareKeys(a: ArrayLike<number>, b: ArrayLike<number>): number {
  for (let i = 3; i >= 0; i--) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

export function summariseSnapshot(
  snap: TableSnapshot,
  inputs: number,
  cache: KCache,
  opts: SummaryOptions = {},
): FunctionSpaceSummary {
  const total = snap.total;
  // Ties broken by key: the table's slot order depends on which insert won a race, and clips must not.
  const sorted = [...snap.entries].sort((x, y) => y.count - x.count || compareKeys(x.key, y.key));
  const ks = sorted.map((e) => cache.k(e.key));
  let countsSum = 0;
  const mass = new Map<number, number>();
  for (let i = 0; i < sorted.length; i++) {
    countsSum += sorted[i].count;
    mass.set(ks[i], (mass.get(ks[i]) ?? 0) + sorted[i].count);
  }
  const inv = total > 0 ? 1 / total : 0;
  const ranks = thinRanks(sorted.length, opts.rankPoints ?? 300);
  const nScatter = Math.min(sorted.length, opts.scatter ?? 3000);
  const massK = [...mass.keys()].sort((x, y) => x - y);
  return {
    total,
    distinct: snap.distinct,
    other: snap.other,
    countsSum,
    rank: { r: ranks, p: ranks.map((r) => sorted[r - 1].count * inv) },
    scatter: {
      k: ks.slice(0, nScatter),
      log2p: sorted.slice(0, nScatter).map((e) => Math.log2(e.count * inv)),
    },
    massByK: { k: massK, mass: massK.map((k) => mass.get(k)! * inv) },
    otherMass: snap.other * inv,
    top: sorted.slice(0, opts.top ?? 12).map((e, i) => ({
      bits: keyToBits(e.key, inputs),
      count: e.count,
      p: e.count * inv,
      k: ks[i],
    })),
    bound: fitComplexityBound(
      sorted.map((e, i) => ({ k: ks[i], count: e.count })),
      total,
      opts.minCount,
    ),
  };
}
