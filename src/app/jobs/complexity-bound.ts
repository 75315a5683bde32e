/**
 * The simplicity-bias bound P(f) ≤ 2^−(a·K(f) + b) (Dingle, Camargo & Louis 2018), fitted to sampled
 * functions. Pure: the function-space view and its tests share it.
 *
 * Method (documented here and in the view's caption):
 *  1. One bin per distinct K value: K_LZ is log2 N times a half-integer, so it takes few, exact values.
 *  2. In each bin keep the largest log2 P, i.e. the bin's most frequent function. A bin whose top
 *     function was seen fewer than `minCount` times is left out: there P is at the sampling floor
 *     (a function seen once has P̂ = 1/samples whatever its true P), which says nothing about the bound.
 *  3. Ordinary least squares of −log2 P_max = a·K + b over the kept bins, each bin weighing the same
 *     (so the many rare complex functions do not outvote the few simple, frequent ones).
 *  4. Lower b until no kept bin's maximum lies above the line: the fit becomes an upper bound on every
 *     function whose probability was resolved (count ≥ minCount). `shift` is how far b moved.
 * With fewer than two kept bins there is no slope to fit and the result is null.
 */

export interface BoundPoint {
  /** K_LZ of the function. */
  readonly k: number;
  /** Times it was sampled. */
  readonly count: number;
}

export interface BoundBin {
  readonly k: number;
  /** log2 of the bin's largest probability. */
  readonly log2p: number;
  /** Count of that most frequent function. */
  readonly count: number;
  /** True when the bin took part in the fit (count ≥ minCount). */
  readonly used: boolean;
}

export interface ComplexityBound {
  /** Slope: bits of probability lost per unit of K. */
  readonly a: number;
  /** Offset, already shifted so that no kept bin lies above the line. */
  readonly b: number;
  /** How much b was lowered after the least-squares fit (≥ 0). */
  readonly shift: number;
  /** Every bin, ascending K. */
  readonly bins: readonly BoundBin[];
  /** Bins used in the fit. */
  readonly used: number;
}

/** Functions counted fewer times than this do not shape the bound (see step 2). */
export const DEFAULT_MIN_COUNT = 5;

/** K values equal to this many decimals are one bin (they are exact multiples of log2(N)/2 up to rounding). */
const K_DIGITS = 6;

/** The bound's log2 P at complexity k. */
export const boundLog2P = (bound: Pick<ComplexityBound, 'a' | 'b'>, k: number): number =>
  -(bound.a * k + bound.b);

/** Fits the bound to (K, count) pairs out of `total` samples. Null when fewer than two bins qualify. */
export function fitComplexityBound(
  points: Iterable<BoundPoint>,
  total: number,
  minCount = DEFAULT_MIN_COUNT,
): ComplexityBound | null {
  if (!(total > 0)) return null;
  const best = new Map<string, { k: number; count: number }>();
  for (const { k, count } of points) {
    if (!(count > 0) || !Number.isFinite(k)) continue;
    const key = k.toFixed(K_DIGITS);
    const held = best.get(key);
    if (!held) best.set(key, { k, count });
    else if (count > held.count) held.count = count;
  }
  const bins: BoundBin[] = [...best.values()]
    .sort((x, y) => x.k - y.k)
    .map(({ k, count }) => ({ k, count, log2p: Math.log2(count / total), used: count >= minCount }));
  const kept = bins.filter((b) => b.used);
  if (kept.length < 2) return null;
  // Least squares of y = −log2 P on K.
  const m = kept.length;
  const kMean = kept.reduce((s, b) => s + b.k, 0) / m;
  const yMean = kept.reduce((s, b) => s - b.log2p, 0) / m;
  let sxy = 0;
  let sxx = 0;
  for (const b of kept) {
    sxy += (b.k - kMean) * (-b.log2p - yMean);
    sxx += (b.k - kMean) ** 2;
  }
  const a = sxy / sxx;
  const bFit = yMean - a * kMean;
  // The line lies above a bin when −log2 P < a·K + b, i.e. b must not exceed −log2 P − a·K anywhere.
  let b = bFit;
  for (const bin of kept) b = Math.min(b, -bin.log2p - a * bin.k);
  return { a, b, shift: bFit - b, bins, used: m };
}
