/**
 * Convergence diagnostics of a walker population, from the per-walker moments the GPU reduction sums
 * (shaders/reduce.wgsl): split-R̂, effective sample size, a between-starts test, stuck and diverged
 * walkers, and the verdict `converged` that every result carries.
 *
 * Definitions (on the loss L_n, the quantity λ̂ is built from; N walkers of T sampled steps each):
 *  - split-R̂ (Gelman et al., BDA3 §11.4): each walker's chain is cut at the midpoint into two
 *    half-chains of length n = T/2, M = 2N chains in all, with means x_k and unbiased variances s²_k.
 *    W = mean s²_k, B/n = variance of the x_k, V̂ = (n−1)/n·W + B/n, R̂ = √(V̂/W).
 *    Not rank-normalised (Vehtari et al. 2021): the GPU keeps each walker's moments, not its draws,
 *    and ranks need every draw. The walkers start overdispersed (half at w*, half from the prior),
 *    which is what lets R̂ see a population that has not forgotten its starts.
 *  - Threshold R̂ < 1.05, not Vehtari's 1.01: with M in the thousands R̂'s own sampling noise is tiny,
 *    and for chains that do mix R̂ − 1 ≈ (τ − 1)/(2n), τ the integrated autocorrelation time. 1.05
 *    asks for half-chains ≳ 10τ long; 1.01 would ask for 50τ, failing well-mixed many-walker runs
 *    at large nβ whose ensemble averages are sound (1.01 was set for 4 long chains).
 *  - ESS = N·V̂/Var_i(m_i) with m_i the walkers' time averages and V̂ = (T−1)/T·W + Var_i(m_i) the
 *    pooled variance of all draws: Var(m_i) = V̂·τ/T, so ESS = N·T/τ. For AR(1) chains with
 *    coefficient ρ this is N·T·(1 − ρ)/(1 + ρ). Its relative error is about √(2/(N − 1)).
 *    With the walkers' time averages as the draws ESS is at least ≈ N, so the minimum (400, after
 *    Vehtari et al.'s 100 per chain for 4 chains) only bites for small populations.
 *  - Between starts: the mean of the even walkers' time averages (w*-started under `--init mixed`)
 *    against the odd walkers' (prior-started), in standard errors; |z| < 5 (the project's 5 SE).
 *    Under a single start the split is by parity, a weaker but still valid check.
 *  - Stuck: walkers whose acceptance over the sampling window (≥ 50 steps) is below 5 % (a MALA
 *    walker at the 0.57 and 0.8 targets rarely is); at most 0.1 % may be stuck. Diverged: walkers that
 *    became non-finite at least once; not all of them may have.
 */

export const RHAT_MAX = 1.05;
export const ESS_MIN = 400;
export const STARTS_Z_MAX = 5;
/** Window acceptance below which a walker counts as stuck. */
export const STUCK_ACCEPTANCE = 0.05;
/**
 * Acceptance windows shorter than this count no walker as stuck: at the 0.3 acceptance of a hard
 * scene, 0 accepts in 8 steps happens to 6 % of healthy walkers, in 50 steps to 2e-8 of them.
 */
export const STUCK_MIN_WINDOW = 50;
/** The fraction of stuck walkers a converged run may have (0.1 %, rounded down). */
export const STUCK_FRACTION = 0.001;
/** Fewer sampled steps than this and no split chain has a variance. */
export const MIN_SAMPLES = 4;

/** Sums over walkers of per-walker moments, as the GPU reduction returns them (means shifted by `shift`). */
export interface MomentSums {
  /** Half-chains summed (2 per walker with ≥ 2 samples in each half). */
  readonly halfChains: number;
  readonly halfSum: number;
  readonly halfSumSq: number;
  readonly halfVarSum: number;
  /** Whole chains summed (walkers with ≥ 2 samples). */
  readonly chains: number;
  readonly chainSum: number;
  readonly chainSumSq: number;
  readonly chainVarSum: number;
  /** The even walkers' part of the whole-chain sums. */
  readonly even: number;
  readonly evenSum: number;
  readonly evenSumSq: number;
}

export interface Diagnostics {
  /** Split-R̂ of the loss (NaN: undefined, e.g. too few samples or no within-chain variance). */
  readonly rhat: number;
  /** Effective sample size of the population's mean loss (NaN when undefined). */
  readonly ess: number;
  /** Even-minus-odd walkers' mean loss, in standard errors (0 when both agree exactly). */
  readonly startsZ: number;
  /** Walkers with window acceptance below STUCK_ACCEPTANCE. */
  readonly stuck: number;
  /** Walkers that diverged at least once since the reset. */
  readonly divergedWalkers: number;
  readonly walkers: number;
  /** Sampled steps per walker the diagnostics are over. */
  readonly samples: number;
  /**
   * The same tests on a categorical readout that the loss can be blind to (the polynomial model's
   * nearest monomial: every class has the same loss on its zero set), when the run tracked one.
   */
  readonly labels?: LabelDiagnostics;
}

/**
 * Split-R̂ and the between-starts z of each class indicator 1[label = k], over thinned snapshots of
 * every walker's label (one per sampling batch), with the definitions used for the loss above; the
 * worst class is reported. Thinning keeps R̂ valid (the half-chains are still chains of one walker),
 * it only makes it see autocorrelation at the batch spacing and beyond. The shares are the walker-
 * and-time averages; their SE treats each walker's time average as one independent draw,
 * SE_k = sd_i(m_ik)/√N, as λ̂'s SE does (no assumption about autocorrelation within a chain).
 */
export interface LabelDiagnostics {
  /** Largest split-R̂ over the classes (∞: walkers frozen in different classes; NaN: too few snapshots). */
  readonly rhat: number;
  /** The between-starts z of the class with the largest |z|. */
  readonly startsZ: number;
  readonly shares: readonly number[];
  readonly se: readonly number[];
  /** Snapshots per walker. */
  readonly snapshots: number;
}

/**
 * Label diagnostics of walkers [first, first + count) from `snapshots` (each a label per walker of
 * the whole population, values in [0, classes)). Even/odd walker parity is the start split, as for
 * the loss (global walker index, so a group's split matches the engine's `--init mixed`).
 */
export function labelDiagnostics(
  snapshots: readonly ArrayLike<number>[],
  classes: number,
  first = 0,
  count = snapshots.length > 0 ? snapshots[0].length - first : 0,
): LabelDiagnostics {
  const t = snapshots.length;
  let rhat = t >= MIN_SAMPLES ? 1 : Number.NaN;
  let startsZ = 0;
  const shares: number[] = [];
  const se: number[] = [];
  for (let k = 0; k < classes; k++) {
    const chains = Array.from({ length: count }, (_, i) => {
      const xs = new Float64Array(t);
      for (let s = 0; s < t; s++) xs[s] = snapshots[s][first + i] === k ? 1 : 0;
      return xs;
    });
    // Per walker: its time average (the share's draw) and, through the accumulators, R̂ and z.
    const means = chains.map((xs) => xs.reduce((a, b) => a + b, 0) / Math.max(1, t));
    const share = means.reduce((a, b) => a + b, 0) / Math.max(1, count);
    shares.push(share);
    const v = means.reduce((a, m) => a + (m - share) ** 2, 0) / Math.max(1, count - 1);
    se.push(Math.sqrt(v / Math.max(1, count)));
    if (t < MIN_SAMPLES || count < 2) continue;
    // A shift-free accumulator of indicators: the first walker's parity must match the engine's.
    const acc = accumulatorsOf(chains);
    const sums = sumsFromAccumulators(acc.whole, acc.half);
    const parity = first % 2 === 0 ? sums : swapParity(sums);
    const d = diagnoseSums(parity, t);
    let r = d.rhat;
    if (!Number.isFinite(r)) {
      // No variance within any half-chain: every walker held one class throughout. Fine when they
      // all hold the same one (or none holds k); frozen in different classes is the worst case.
      const between = sampleVar(sums.halfSum, sums.halfSumSq, sums.halfChains);
      r = between > 0 ? Number.POSITIVE_INFINITY : 1;
    }
    rhat = Math.max(rhat, r);
    if (Math.abs(d.startsZ) > Math.abs(startsZ)) startsZ = d.startsZ;
  }
  return { rhat, startsZ, shares, se, snapshots: t };
}

/** The sums with the even/odd roles exchanged (a range starting at an odd global index). */
function swapParity(s: MomentSums): MomentSums {
  return {
    ...s,
    even: s.chains - s.even,
    evenSum: s.chainSum - s.evenSum,
    evenSumSq: s.chainSumSq - s.evenSumSq,
  };
}

const sampleVar = (sum: number, sumSq: number, count: number): number =>
  count > 1 ? Math.max(0, sumSq - (sum * sum) / count) / (count - 1) : Number.NaN;

/** R̂, ESS and the between-starts z from the reduction's sums; `samples` = T per walker. */
export function diagnoseSums(s: MomentSums, samples: number): { rhat: number; ess: number; startsZ: number } {
  let rhat = Number.NaN;
  if (s.halfChains >= 2 && samples >= MIN_SAMPLES) {
    const n = samples / 2;
    const w = s.halfVarSum / s.halfChains;
    const between = sampleVar(s.halfSum, s.halfSumSq, s.halfChains);
    const vhat = ((n - 1) / n) * w + between;
    if (w > 0) rhat = Math.sqrt(vhat / w);
  }
  let ess = Number.NaN;
  if (s.chains >= 2 && samples >= 2) {
    const w = s.chainVarSum / s.chains;
    const varMeans = sampleVar(s.chainSum, s.chainSumSq, s.chains);
    const vhat = ((samples - 1) / samples) * w + varMeans;
    const cap = s.chains * samples; // identical time averages: as if every draw were independent
    ess = varMeans > 0 ? Math.min(cap, (s.chains * vhat) / varMeans) : vhat > 0 ? cap : Number.NaN;
  }
  const odd = s.chains - s.even;
  let startsZ = 0;
  if (s.even >= 2 && odd >= 2) {
    const me = s.evenSum / s.even;
    const mo = (s.chainSum - s.evenSum) / odd;
    const se = Math.sqrt(
      sampleVar(s.evenSum, s.evenSumSq, s.even) / s.even +
        sampleVar(s.chainSum - s.evenSum, s.chainSumSq - s.evenSumSq, odd) / odd,
    );
    startsZ = se > 0 ? (me - mo) / se : me === mo ? 0 : Math.sign(me - mo) * Number.MAX_VALUE;
  }
  return { rhat, ess, startsZ };
}

/** The first convergence test a result fails, as one line naming it and its number; null if none. */
export function convergenceFailure(d: Diagnostics): string | null {
  const f = (x: number, digits = 3) => (Number.isFinite(x) ? Number(x.toPrecision(digits)) : x);
  if (d.samples < MIN_SAMPLES) return `only ${d.samples} sampled steps (split-R̂ needs ${MIN_SAMPLES})`;
  if (d.divergedWalkers >= d.walkers) return `all ${d.walkers} walkers diverged`;
  if (!Number.isFinite(d.rhat)) return 'R̂ undefined (no variance within the chains: every walker frozen)';
  if (d.rhat >= RHAT_MAX) return `R̂ = ${f(d.rhat, 4)} ≥ ${RHAT_MAX}`;
  if (Math.abs(d.startsZ) >= STARTS_Z_MAX)
    return `the two starts (w*, prior; even/odd walkers) differ by ${f(d.startsZ)} SE (≥ ${STARTS_Z_MAX})`;
  if (d.stuck > Math.floor(STUCK_FRACTION * d.walkers))
    return `${d.stuck} of ${d.walkers} walkers stuck (acceptance < ${STUCK_ACCEPTANCE})`;
  if (!(d.ess >= ESS_MIN)) return `ESS = ${f(d.ess)} < ${ESS_MIN}`;
  const l = d.labels;
  if (l !== undefined) {
    if (l.snapshots < MIN_SAMPLES)
      return `only ${l.snapshots} snapshots of the function shares (split-R̂ needs ${MIN_SAMPLES})`;
    if (!(l.rhat < RHAT_MAX)) return `function shares' R̂ = ${f(l.rhat, 4)} ≥ ${RHAT_MAX}`;
    if (Math.abs(l.startsZ) >= STARTS_Z_MAX)
      return `the two starts' function shares differ by ${f(l.startsZ)} SE (≥ ${STARTS_Z_MAX})`;
  }
  return null;
}

export const isConverged = (d: Diagnostics): boolean => convergenceFailure(d) === null;

/** The fields every JSON result carries. */
export function diagnosticFields(d: Diagnostics): {
  rhat: number | null;
  ess: number | null;
  starts_z: number;
  stuck: number;
  converged: boolean;
  shares_rhat?: number | null;
  shares_starts_z?: number;
} {
  const r = (x: number, digits: number) => (Number.isFinite(x) ? Number(x.toPrecision(digits)) : null);
  const z = (x: number) => r(x, 3) ?? (x > 0 ? Number.MAX_VALUE : -Number.MAX_VALUE);
  return {
    rhat: r(d.rhat, 5),
    ess: r(d.ess, 4),
    starts_z: z(d.startsZ),
    stuck: d.stuck,
    converged: isConverged(d),
    // null: R̂ infinite or undefined (walkers frozen in different classes, or too few snapshots).
    ...(d.labels ? { shares_rhat: r(d.labels.rhat, 5), shares_starts_z: z(d.labels.startsZ) } : {}),
  };
}

/**
 * The TypeScript twin of the GPU path: per-walker accumulators (c, Σ(L − c), Σ(L − c)², t) at the end
 * and at the midpoint of sampling, as shaders/diagnostics.wgsl keeps them, summed as
 * shaders/reduce.wgsl sums them, but in double precision.
 */
export function sumsFromAccumulators(
  whole: ArrayLike<number>,
  half: ArrayLike<number>,
  shift = 0,
  first = 0,
  count = whole.length / 4 - first,
): MomentSums {
  const moments = (c: number, s1: number, s2: number, t: number) => {
    const m = s1 / t;
    return { mean: c + m, variance: Math.max(0, s2 - s1 * m) / (t - 1) };
  };
  let [halfChains, halfSum, halfSumSq, halfVarSum] = [0, 0, 0, 0];
  let [chains, chainSum, chainSumSq, chainVarSum, even, evenSum, evenSumSq] = [0, 0, 0, 0, 0, 0, 0];
  for (let i = first; i < first + count; i++) {
    const [c, s1, s2, t] = [whole[4 * i], whole[4 * i + 1], whole[4 * i + 2], whole[4 * i + 3]];
    const [hc, h1, h2, ht] = [half[4 * i], half[4 * i + 1], half[4 * i + 2], half[4 * i + 3]];
    if (t >= 2) {
      const w = moments(c, s1, s2, t);
      const m = w.mean - shift;
      chains++;
      chainSum += m;
      chainSumSq += m * m;
      chainVarSum += w.variance;
      if (i % 2 === 0) {
        even++;
        evenSum += m;
        evenSumSq += m * m;
      }
    }
    if (ht >= 2 && t - ht >= 2) {
      for (const part of [moments(hc, h1, h2, ht), moments(c, s1 - h1, s2 - h2, t - ht)]) {
        const x = part.mean - shift;
        halfChains++;
        halfSum += x;
        halfSumSq += x * x;
        halfVarSum += part.variance;
      }
    }
  }
  return {
    halfChains,
    halfSum,
    halfSumSq,
    halfVarSum,
    chains,
    chainSum,
    chainSumSq,
    chainVarSum,
    even,
    evenSum,
    evenSumSq,
  };
}

/**
 * The accumulators the GPU would hold after sampling `chains` (each a series of losses), split at
 * `half` (default: the midpoint): for testing the path from draws to diagnostics on the CPU.
 */
export function accumulatorsOf(
  chains: readonly ArrayLike<number>[],
  half = Math.floor(chains[0].length / 2),
): { whole: Float64Array; half: Float64Array } {
  const whole = new Float64Array(4 * chains.length);
  const mid = new Float64Array(4 * chains.length);
  chains.forEach((xs, i) => {
    const c = xs[0];
    let [s1, s2] = [0, 0];
    for (let t = 0; t < xs.length; t++) {
      if (t === half) mid.set([c, s1, s2, t], 4 * i);
      const d = xs[t] - c;
      s1 += d;
      s2 += d * d;
    }
    if (half >= xs.length) mid.set([c, s1, s2, xs.length], 4 * i);
    whole.set([c, s1, s2, xs.length], 4 * i);
  });
  return { whole, half: mid };
}

/**
 * One verdict for several populations (the datasets of one n, the rungs of a ladder): the largest
 * R̂ and |z|, the smallest ESS and sample count, stuck and diverged walkers summed.
 */
export function worstOf(ds: readonly Diagnostics[]): Diagnostics {
  const pick = (xs: number[], f: (a: number, b: number) => number) =>
    xs.some((x) => Number.isNaN(x)) ? Number.NaN : xs.reduce(f);
  return {
    // (Two-argument lambdas: reduce's third and fourth arguments would reach Math.max as NaN.)
    rhat: pick(
      ds.map((d) => d.rhat),
      (a, b) => Math.max(a, b),
    ),
    ess: pick(
      ds.map((d) => d.ess),
      (a, b) => Math.min(a, b),
    ),
    startsZ: ds.map((d) => d.startsZ).reduce((a, b) => (Math.abs(b) > Math.abs(a) ? b : a), 0),
    stuck: ds.reduce((s, d) => s + d.stuck, 0),
    divergedWalkers: ds.reduce((s, d) => s + d.divergedWalkers, 0),
    walkers: ds.reduce((s, d) => s + d.walkers, 0),
    samples: Math.min(...ds.map((d) => d.samples)),
    ...worstLabels(ds.flatMap((d) => (d.labels ? [d.labels] : []))),
  };
}

/** The worst label diagnostics (largest R̂ and |z|, fewest snapshots); shares are per population. */
function worstLabels(ls: readonly LabelDiagnostics[]): { labels?: LabelDiagnostics } {
  if (ls.length === 0) return {};
  return {
    labels: {
      rhat: ls.some((l) => Number.isNaN(l.rhat)) ? Number.NaN : Math.max(...ls.map((l) => l.rhat)),
      startsZ: ls.map((l) => l.startsZ).reduce((a, b) => (Math.abs(b) > Math.abs(a) ? b : a), 0),
      shares: ls[0].shares,
      se: ls[0].se,
      snapshots: Math.min(...ls.map((l) => l.snapshots)),
    },
  };
}

/**
 * The app's live verdict on a population that samples without accumulating (one reading of the
 * current losses): null when nothing fails, else a short reason for the HUD ("R̂ = 1.40").
 * Fails when the two starts' current mean losses differ by ≥ 5 SE (shown as their nested R̂),
 * when more than 0.1 % of the walkers are stuck, or when every walker diverged.
 */
export function liveMixing(r: {
  readonly startsNow: { readonly z: number; readonly rhat: number };
  readonly stuck: number;
  readonly divergedWalkers: number;
  readonly walkers: number;
}): string | null {
  if (r.walkers > 0 && r.divergedWalkers >= r.walkers) return 'every walker diverged';
  if (Math.abs(r.startsNow.z) >= STARTS_Z_MAX || !Number.isFinite(r.startsNow.rhat))
    return `R̂ = ${Number.isFinite(r.startsNow.rhat) ? r.startsNow.rhat.toFixed(2) : '∞'}`;
  if (r.stuck > Math.floor(STUCK_FRACTION * r.walkers)) return `${r.stuck} walkers stuck`;
  return null;
}
