/**
 * The reference λ that B_g·n is drawn against: for the polynomial model λ = #{k : m_k ≥ 1}/2, exact
 * (derivation at `polyLambda`); for the networks, the LLC measured on noiseless teacher data at the
 * largest n (labelled measured).
 */

import { type MlpOptions, mlpLandscape } from '../../landscapes/models/mlp';
import type { Prior, SamplerKind } from '../../posterior';
import { wbicBeta } from '../../posterior';
import { WalkerEngine } from '../../walkers/walker-engine';
import { initialStep } from '../burnin';
import { runLlc } from '../llc-run';
import type { GenModel, GenModelSpec } from './data';

export interface GenReference {
  readonly lambda: number;
  readonly se: number;
  readonly kind: 'exact' | 'measured';
  readonly note: string;
}

/**
 * λ of the polynomial model at the truth f₀ = f_{w*}, for inputs whose moment matrix is full rank
 * (≥ 5 distinct points: any continuous input distribution). Then K(θ) = (c(θ) − c*)ᵀ M (c(θ) − c*)/(2σ²)
 * with M positive definite, so K ≍ Σ_k (c_k(θ) − c*_k)², a sum over disjoint parameter blocks, and
 * RLCTs of sums over disjoint variables add. Block k with m_k ≥ 1 contributes 1/2: c_0 = θ_1⋯θ_m = 1 is
 * a smooth hypersurface (one normal direction, λ = 1/2), and c_k = θ_1⋯θ_m = 0 is the normal crossing
 * Π θ_t² (λ = 1/(2·1) = 1/2, multiplicity m_k at the origin). A block with m_k = 0 is the constant 1 and
 * contributes nothing. So λ = #{k : m_k ≥ 1}/2: 5/2 for m = (1,2,3,4,5) as for the regular (1,1,1,1,1).
 */
export function polyLambda(m: readonly number[]): number {
  return m.filter((k) => k >= 1).length / 2;
}

/** The exact reference λ where theory gives it (the polynomial model), else null (measured). */
export function exactReference(model: GenModelSpec): GenReference | null {
  if (model.kind !== 'poly') return null;
  return {
    lambda: polyLambda(model.m),
    se: 0,
    kind: 'exact',
    note: 'λ = #{k : m_k ≥ 1}/2, exact (full-rank inputs)',
  };
}

/**
 * The LLC of the teacher's noiseless data at n (β = 1/log n), from w* = the teacher: one runLlc on
 * dataset index `dataset` (past the noisy ones). `onProgress` gets the steps done.
 */
export async function measuredReference(
  device: GPUDevice,
  o: {
    readonly options: MlpOptions;
    readonly model: GenModel;
    readonly n: number;
    readonly dataset: number;
    readonly prior: Prior;
    readonly sampler: SamplerKind;
    readonly step?: number;
    readonly walkers: number;
    readonly burnin: number;
    readonly steps: number;
    readonly seed: number;
    readonly dataSeed: number;
    readonly onProgress?: (done: number) => void;
  },
): Promise<GenReference> {
  const landscape = mlpLandscape({
    ...o.options,
    points: Math.min(o.n, o.model.maxN),
    sample: { seed: o.dataSeed, dataset: o.dataset, noise: 0 },
  });
  const beta = wbicBeta(o.n);
  const engine = await WalkerEngine.create(device, {
    landscape,
    params: o.model.params,
    n: o.n,
    beta,
    gamma: 0,
    prior: o.prior,
    wstar: o.model.wstar,
    sampler: o.sampler,
    eps: o.step ?? initialStep({ n: o.n, beta, prior: o.prior }),
    seed: o.seed,
    walkers: o.walkers,
  });
  try {
    const r = await runLlc(engine, {
      ...engine.settings,
      steps: o.steps,
      burnin: o.burnin,
      init: 'wstar',
      tuneStep: o.step === undefined,
      onProgress: o.onProgress,
    });
    return {
      lambda: r.lambdaHat,
      se: r.lambdaHatSe,
      kind: 'measured',
      note: `λ̂ measured: LLC on noiseless teacher data at n = ${o.n}, β = 1/log n`,
    };
  } finally {
    engine.destroy();
  }
}
