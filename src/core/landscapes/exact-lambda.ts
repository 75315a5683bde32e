/**
 * Closed-form learning coefficients of singular models, for calibrating the estimators (issue 12,
 * item 5). Each function states its source and the conditions under which it holds.
 */
import type { ExactCoefficients } from './landscapes';

/**
 * Reduced-rank regression y = B·A·x with A: H×M, B: N×H (input dimension M, output N, H hidden
 * units) and a true matrix of rank r ≤ H: the RLCT λ and multiplicity m of Aoyagi & Watanabe (2005),
 * "Stochastic complexities of reduced rank regression in Bayesian estimation", Neural Networks 18(7),
 * 924–933, Main Theorem (a prior positive on the zero set, inputs with a positive-definite covariance):
 *  1. N + r ≤ M + H, M + r ≤ N + H and H + r ≤ M + N:
 *       M + H + N + r even: λ = [2(H + r)(M + N) − (M − N)² − (H + r)²]/8, m = 1;
 *       odd:                λ = [2(H + r)(M + N) − (M − N)² − (H + r)² + 1]/8, m = 2;
 *  2. M + H < N + r: λ = (HM − Hr + Nr)/2, m = 1;
 *  3. N + H < M + r: λ = (HN − Hr + Mr)/2, m = 1;
 *  4. M + N < H + r: λ = MN/2, m = 1.
 * (The cases are exclusive: any two of the strict inequalities would contradict each other, and the
 * formulas agree on the boundaries.) Note that H ≥ min(M, N) does not make the model regular: with
 * r = 0 and M = N = H = 2, λ = 3/2 < MN/2 = 2; λ = MN/2 needs H + r ≥ M + N.
 */
export function reducedRankLambda(M: number, N: number, H: number, r: number): ExactCoefficients {
  for (const [name, v] of [
    ['M', M],
    ['N', N],
    ['H', H],
  ] as const) {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`rrr: ${name} must be an integer ≥ 1, got ${v}`);
  }
  if (!Number.isInteger(r) || r < 0 || r > H || r > Math.min(M, N))
    throw new RangeError(`rrr: the true rank r must be an integer in [0, min(H, M, N)], got ${r}`);
  if (M + H < N + r) return { lambda: (H * M - H * r + N * r) / 2, m: 1 };
  if (N + H < M + r) return { lambda: (H * N - H * r + M * r) / 2, m: 1 };
  if (M + N < H + r) return { lambda: (M * N) / 2, m: 1 };
  const base = 2 * (H + r) * (M + N) - (M - N) ** 2 - (H + r) ** 2;
  return (M + H + N + r) % 2 === 0 ? { lambda: base / 8, m: 1 } : { lambda: (base + 1) / 8, m: 2 };
}

/**
 * The three-layer tanh network f(x) = Σ_{h=1..H} a_h·tanh(b_h·x) (one input, one output, no biases)
 * with the zero function as the truth, inputs with a density positive around x = 0:
 * λ = (H + i² + i)/(4i + 2), i = max{j ∈ ℕ: j² ≤ H} (Aoyagi & Watanabe's resolution of the ideal
 * ⟨Σ_h a_h b_h^(2k−1)⟩, as quoted in Watanabe, Algebraic Geometry and Statistical Learning Theory,
 * 2009, ch. 7, and in issue 12). H = 1 gives λ = 1/2, the normal crossing (ab)² with m = 2. For
 * H > 1 the multiplicity is not stated here (null): only λ is calibrated against.
 */
export function tanhZeroLambda(H: number): { lambda: number; m: number | null } {
  if (!Number.isInteger(H) || H < 1) throw new RangeError(`tanh: H must be an integer ≥ 1, got ${H}`);
  const i = Math.floor(Math.sqrt(H) + 1e-9);
  return { lambda: (H + i * i + i) / (4 * i + 2), m: H === 1 ? 2 : null };
}

/**
 * The deep linear network y = W_L⋯W_1·x with layer widths H_1 (input), …, H_(L+1) (output) and a
 * true product of rank r: Aoyagi (2024), "Consideration on the learning efficiency of multiple-layered
 * neural networks with linear units", Neural Networks 106132, doi:10.1016/j.neunet.2024.106132,
 * Theorem 1 (a prior positive on the zero set, inputs with a positive-definite covariance). With
 * Δ_s = H_s − r, let Σ be the set of ℓ + 1 ≥ 2 indices (the ℓ + 1 smallest Δ) with
 * max_Σ Δ < min_(∉Σ) Δ, S = Σ_Σ Δ ≥ ℓ·max_Σ Δ and S < ℓ·min_(∉Σ) Δ (the theorem shows it exists and
 * is unique); with a = S − (⌈S/ℓ⌉ − 1)·ℓ ∈ [1, ℓ],
 *   λ = (−r² + r(H_1 + H_(L+1)))/2 + a(ℓ − a)/(4ℓ) − (ℓ(ℓ − 1)/4)(S/ℓ)² + ½ Σ_(i<j ∈ Σ) Δ_i Δ_j,
 *   m = a(ℓ − a) + 1 (the order of the largest pole).
 * Checks that hold by hand (tests/core/landscapes/exact-lambda.test.ts): for L = 2 it is Aoyagi & Watanabe's
 * reduced-rank regression, λ and m, in every case above; for L = 1 the regular MN/2; for the scalar
 * chain (w_1⋯w_L)² λ = 1/2 with m = L. (Some restatements give the multiplicity as a(ℓ − a), which is
 * 0 when ℓ divides S and disagrees with Aoyagi & Watanabe for L = 2: the +1, the pole's order, is kept.)
 */
export function deepLinearLambda(widths: readonly number[], r: number): ExactCoefficients {
  if (widths.length < 2)
    throw new RangeError(`dln: at least 2 widths (1 layer) are needed, got ${widths.length}`);
  for (const h of widths)
    if (!Number.isInteger(h) || h < 1) throw new RangeError(`dln: widths must be integers ≥ 1, got ${h}`);
  if (!Number.isInteger(r) || r < 0 || r > Math.min(...widths))
    throw new RangeError(`dln: the true rank r must be an integer in [0, min(widths)], got ${r}`);
  const delta = widths.map((h) => h - r).sort((x, y) => x - y);
  const n = delta.length;
  for (let k = 2; k <= n; k++) {
    const l = k - 1;
    const inside = delta.slice(0, k);
    const max = inside[k - 1];
    const S = inside.reduce((s, x) => s + x, 0);
    const rest = k < n ? delta[k] : Number.POSITIVE_INFINITY;
    if (!(max < rest) || S < l * max || !(S < l * rest)) continue;
    const a = S - (Math.ceil(S / l) - 1) * l;
    let pairs = 0;
    for (let i = 0; i < k; i++) for (let j = i + 1; j < k; j++) pairs += inside[i] * inside[j];
    // Exact arithmetic in quarters (every term is a multiple of 1/(4ℓ)): the sum is formed over a
    // common denominator so that an integer or half-integer λ comes out exactly.
    const num =
      2 * l * (-r * r + r * (widths[0] + widths[n - 1])) + a * (l - a) - (l - 1) * S * S + 2 * l * pairs;
    return { lambda: num / (4 * l), m: a * (l - a) + 1 };
  }
  throw new RangeError(
    `dln: no index set satisfies Aoyagi's conditions for widths ${widths.join('x')}, r = ${r}`,
  );
}
