/**
 * The registry of models with an exact learning coefficient (issue 12, item 5): what `occam-lens
 * calibrate` measures against. Each case carries its exact λ (and m where known), the source, and the
 * point w* it holds at.
 */
import { deepLinearLambda, reducedRankLambda, tanhZeroLambda } from '../landscapes/exact-lambda';
import type { Landscape } from '../landscapes/landscapes';
import { dlnLandscape } from '../landscapes/models/dln';
import { rrrLandscape } from '../landscapes/models/rrr';
import { tanhZeroLandscape } from '../landscapes/models/tanh-zero';

export interface CalibrationCase {
  /** The --model or --formula text that reproduces the landscape. */
  readonly spec: string;
  readonly landscape: Landscape;
  readonly wstar: readonly number[];
  readonly lambda: number;
  readonly m: number | null;
  readonly source: string;
}

const AW2005 = 'Aoyagi & Watanabe 2005, Neural Networks 18:924 (Main Theorem)';

export function rrrCase(M: number, N: number, H: number, r: number): CalibrationCase {
  const landscape = rrrLandscape({ M, N, H, r });
  const exact = reducedRankLambda(M, N, H, r);
  return {
    spec: `rrr:M=${M},N=${N},H=${H},r=${r}`,
    landscape,
    wstar: landscape.defaultWstar!,
    lambda: exact.lambda,
    m: exact.m,
    source: AW2005,
  };
}

const AOYAGI2024 = 'Aoyagi 2024, Neural Networks 106132, doi:10.1016/j.neunet.2024.106132 (Theorem 1)';

export function dlnCase(widths: readonly number[], r: number): CalibrationCase {
  const landscape = dlnLandscape({ widths, r });
  const exact = deepLinearLambda(widths, r);
  return {
    spec: `dln:widths=${widths.join('x')},r=${r}`,
    landscape,
    wstar: landscape.defaultWstar!,
    lambda: exact.lambda,
    m: exact.m,
    source: AOYAGI2024,
  };
}

/**
 * The bias-free tanh network with zero truth as a formula: L = (1/K) Σ_k f(x_k)²/2 with
 * f(x) = Σ_h w_(2h−1)·tanh(w_(2h)·x) on the grid x_k = k/K, k = 1..K (f is odd, so positive inputs
 * carry all of it; K ≥ 2H + 2 points so that the finite data see as many odd moments as the theory
 * uses). w* = 0.
 */
export function tanhFormula(H: number, K = 2 * H + 4): string {
  const terms = Array.from({ length: K }, (_, k) => {
    const x = (k + 1) / K;
    const f = Array.from({ length: H }, (_, h) => `w${2 * h + 1}*tanh(w${2 * h + 2}*${x})`).join('+');
    return `(${f})^2`;
  });
  return `(${terms.join('+')})/${2 * K}`;
}

export function tanhCase(H: number): CalibrationCase {
  // The landscape is tanhFormula(H) as a model with loops (models/tanh-zero.ts): the same function,
  // a shader the software compiler can take for H = 3.
  const landscape = tanhZeroLandscape(H);
  const exact = tanhZeroLambda(H);
  return {
    spec: `--formula (tanh, H = ${H}, zero truth)`,
    landscape,
    wstar: new Array<number>(2 * H).fill(0),
    lambda: exact.lambda,
    m: exact.m,
    source: 'λ = (H + i² + i)/(4i + 2), i = ⌊√H⌋ (Aoyagi; Watanabe 2009, ch. 7; issue 12)',
  };
}

/**
 * The default registry: reduced-rank regression in four shapes covering the theorem's cases 1 (even,
 * m = 1; odd, m = 2), 2 and 3, the tanh network for H = 1, 3, and two deep linear networks of three
 * layers (Aoyagi 2024): 3x2x2x3 with r = 1 (λ = 3 above the rank-1 manifold's 5/2, m = 1) and 2x2x2x2
 * with r = 0 (λ = 3/2, m = 3). New cases go at the end: --only indexes this list.
 */
export function calibrationRegistry(): CalibrationCase[] {
  return [
    rrrCase(2, 2, 2, 0),
    rrrCase(4, 2, 2, 1),
    rrrCase(2, 3, 1, 1),
    rrrCase(3, 3, 2, 1),
    tanhCase(1),
    tanhCase(3),
    dlnCase([3, 2, 2, 3], 1),
    dlnCase([2, 2, 2, 2], 0),
  ];
}
