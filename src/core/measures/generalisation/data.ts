/**
 * The generalisation experiment's data and models (run.ts measures on them).
 *
 * - Data: x_i uniform on the model's input range, y_i = f₀(x_i) + σ·ε_i, from Philox keyed by the seed at
 *   counters (i, k, 0, 11) and (i, k, 0, 12) for dataset k, so dataset k of size n is the first n points
 *   of one stream: the datasets are nested in n (common random numbers make the curve smooth in n).
 *   The truth f₀ is the model's own function at its w* (the constant 1 for the polynomial model with
 *   every m_k ≥ 1, the teacher for the networks), so the truth is always realisable.
 * - Models: the polynomial model carries one dataset per walker group (sufficient statistics,
 *   polynomial.ts), so up to 50 (n, dataset) pairs run in one engine and the same dispatches; the
 *   networks hold raw points in the uniforms, so each (n, dataset) pair gets its own engine.
 * - Held-out inputs: Gauss–Legendre nodes of the input distribution (E_x of the predictive).
 */

import type { Landscape } from '../../landscapes/landscapes';
import { type MlpOptions, mlpLandscape, mlpTeacher, mlpTruth } from '../../landscapes/models/mlp';
import {
  type DataPoint,
  MAX_POLY_SLOTS,
  polynomialSlotsLandscape,
  polyPredict,
  polyWstar,
} from '../../landscapes/models/polynomial';
import { gaussLegendre } from '../../landscapes/quadrature';
import { drawNormals, philox4x32_10, seedKey, uniformOpen01 } from '../../rng';
import { MAX_GROUPS } from '../../walkers/walker-engine';

export type GenModelSpec =
  | { readonly kind: 'poly'; readonly m: readonly number[] }
  | { readonly kind: 'mlp'; readonly options: MlpOptions };

/** What fixes the model and its data (part of GeneralisationConfig). */
export interface ModelSettings {
  readonly model: GenModelSpec;
  /** Noise σ of the data, and the likelihood's σ (the truth is realisable). */
  readonly sigma: number;
  /** Softplus sharpness of the student (mlp with act=softplus). */
  readonly sharpness?: number;
  readonly seed: number;
  /** Held-out inputs per input dimension (Gauss–Legendre), default 16. */
  readonly testPoints?: number;
}

/**
 * Dataset k of size n for the polynomial model: x uniform on [−1, 1], y = f₀(x) + σε (nested in n).
 */
export function polyDataset(
  m: readonly number[],
  sigma: number,
  seed: number,
  dataset: number,
  n: number,
): DataPoint[] {
  const key = seedKey(seed);
  const wstar = polyWstar(m);
  return Array.from({ length: n }, (_, i) => {
    const x = 2 * uniformOpen01(philox4x32_10([i, dataset, 0, 11], key)[0]) - 1;
    return { x, y: polyPredict(m, wstar, x) + sigma * drawNormals(key, i, dataset, 12, 1)[0] };
  });
}

/** One (n, dataset) pair: a walker group's posterior. */
export interface Job {
  readonly n: number;
  readonly dataset: number;
}

/** A model as the experiment needs it: truth, input distribution, landscapes holding datasets. */
export interface GenModel {
  readonly dim: number;
  readonly defaultBound: number;
  readonly wstar: readonly number[];
  readonly params: readonly number[];
  /** Jobs one engine can carry (datasets in the uniforms). */
  readonly maxSlots: number;
  readonly maxN: number;
  /** Held-out inputs and their weights (summing to 1) under the input distribution. */
  readonly inputs: readonly (readonly number[])[];
  readonly inputWeights: readonly number[];
  truth(x: readonly number[]): number;
  landscape(jobs: readonly Job[]): Landscape;
}

/** Gauss–Legendre nodes on [−h, h]^dims with weights of the uniform distribution. */
function uniformNodes(h: number, dims: number, order: number) {
  const gl = gaussLegendre(order);
  const axis = Array.from(gl.x, (x, i) => ({ x: h * x, w: gl.w[i] / 2 }));
  const inputs: number[][] = [];
  const weights: number[] = [];
  if (dims === 1) {
    for (const a of axis) {
      inputs.push([a.x]);
      weights.push(a.w);
    }
  } else {
    for (const a of axis)
      for (const b of axis) {
        inputs.push([a.x, b.x]);
        weights.push(a.w * b.w);
      }
  }
  return { inputs, weights };
}

export const MLP_INPUT_HALF_WIDTH = 2;

/** Largest dataset a tiny network can hold in the uniforms. */
export const mlpMaxPoints = (inputs: number): number => Math.floor((1024 - 8) / (inputs + 1));

export function makeModel(c: ModelSettings): GenModel {
  const order = c.testPoints ?? 16;
  if (c.model.kind === 'poly') {
    const m = c.model.m;
    const wstar = polyWstar(m);
    const nodes = uniformNodes(1, 1, order);
    return {
      dim: wstar.length,
      defaultBound: 2,
      wstar,
      params: [c.sigma],
      maxSlots: Math.min(MAX_POLY_SLOTS, MAX_GROUPS),
      maxN: 1_000_000,
      inputs: nodes.inputs,
      inputWeights: nodes.weights,
      truth: (x) => polyPredict(m, wstar, x[0]),
      landscape: (jobs) =>
        polynomialSlotsLandscape(
          m,
          jobs.map((j) => polyDataset(m, c.sigma, c.seed, j.dataset, j.n)),
        ),
    };
  }
  const o = c.model.options;
  const probe = mlpLandscape({ ...o, points: 1 });
  const teacher = mlpTeacher(o);
  // A 2-input net gets a tensor grid with half the nodes per axis (order²/4 points).
  const nodes = uniformNodes(MLP_INPUT_HALF_WIDTH, o.inputs, o.inputs === 2 ? Math.ceil(order / 2) : order);
  return {
    dim: probe.dim,
    defaultBound: probe.defaultBound,
    wstar: probe.defaultWstar ?? [],
    params: [c.sigma, c.sharpness ?? 1],
    maxSlots: 1,
    maxN: mlpMaxPoints(o.inputs),
    inputs: nodes.inputs,
    inputWeights: nodes.weights,
    truth: (x) => mlpTruth(o, teacher, x),
    landscape: ([job]) =>
      mlpLandscape({
        ...o,
        points: job.n,
        sample: { seed: c.seed, dataset: job.dataset, noise: c.sigma },
      }),
  };
}
