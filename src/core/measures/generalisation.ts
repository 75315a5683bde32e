/**
 * Bayes generalisation error against n, measured: for each n of a grid and each of K independent
 * noisy datasets of size n, walkers sample the Bayes posterior (β = 1, so n·β = n), and
 *
 *   B_g = E_x KL( q(y|x) ‖ p*(y|x) ),   p*(y|x) = E_w N(y; f_w(x), σ²)  (the posterior predictive),
 *
 * with q(y|x) = N(f₀(x), σ²) the truth. Watanabe: E[B_g] = λ/n + o(1/n) at β = 1, with λ the RLCT —
 * the line this experiment draws its measurements against.
 *
 * - Data: x_i uniform on the model's input range, y_i = f₀(x_i) + σ·ε_i, from Philox keyed by the seed at
 *   counters (i, k, 0, 11) and (i, k, 0, 12) for dataset k, so dataset k of size n is the first n points
 *   of one stream: the datasets are nested in n (common random numbers make the curve smooth in n).
 *   The truth f₀ is the model's own function at its w* (the constant 1 for the polynomial model with
 *   every m_k ≥ 1, the teacher for the networks), so the truth is always realisable.
 * - Sampling: the polynomial model carries one dataset per walker group (sufficient statistics,
 *   polynomial.ts), so up to 50 (n, dataset) pairs run in one engine and the same dispatches; the
 *   networks hold raw points in the uniforms, so each (n, dataset) pair gets its own engine.
 * - The predictive at held-out inputs: E_x by Gauss–Legendre nodes of the input distribution, E_y by
 *   Gauss–Hermite nodes of q, and p* as the mean over every walker of a group at every snapshot of the
 *   sampling phase. With u = (f_w(x) − f₀(x))/σ and y = f₀ + √2σz,
 *       log q(y) − log p*(y) = −log mean_w exp(√2·z·u − u²/2),
 *   bounded above by z² for every u, so the sums never overflow. f_w(x) comes from the model's WGSL
 *   (`predict`, src/core/measures/predict.ts); the TypeScript here only generates data and averages.
 * - Reference λ: for the polynomial model λ = #{k : m_k ≥ 1}/2, exact (derivation at `polyLambda`);
 *   for the networks, the LLC measured on noiseless teacher data at the largest n (labelled measured).
 */

import type { Landscape } from '../landscapes/landscapes';
import { type MlpOptions, mlpLandscape, mlpTeacher, mlpTruth } from '../landscapes/models/mlp';
import {
  type DataPoint,
  MAX_POLY_SLOTS,
  polynomialSlotsLandscape,
  polyPredict,
  polyWstar,
} from '../landscapes/models/polynomial';
import { gaussHermite, gaussLegendre } from '../landscapes/quadrature';
import type { InitKind, Prior, SamplerKind } from '../posterior';
import { wbicBeta } from '../posterior';
import { drawNormals, philox4x32_10, seedKey, uniformOpen01 } from '../rng';
import { MAX_GROUPS, WalkerEngine } from '../walkers/walker-engine';
import { initialStep, malaTargetFor } from './burnin';
import { type Diagnostics, worstOf } from './diagnostics';
import { runLlc } from './llc-run';
import { runMeasurement } from './measurement-loop';
import { predictWalkers } from './predict';

export type GenModelSpec =
  | { readonly kind: 'poly'; readonly m: readonly number[] }
  | { readonly kind: 'mlp'; readonly options: MlpOptions };

export interface GeneralisationConfig {
  readonly model: GenModelSpec;
  /** Noise σ of the data, and the likelihood's σ (the truth is realisable). */
  readonly sigma: number;
  /** Softplus sharpness of the student (mlp with act=softplus). */
  readonly sharpness?: number;
  /** Dataset sizes (integers ≥ 2). */
  readonly ns: readonly number[];
  /** Independent datasets per n. */
  readonly datasets: number;
  /** Walkers per (n, dataset). */
  readonly walkers: number;
  readonly burnin: number;
  readonly steps: number;
  /** Readings of the predictive spread over the sampling phase (pooled into one mixture). */
  readonly snapshots: number;
  readonly sampler: SamplerKind;
  /** Default: a box of the model's default bound. */
  readonly prior?: Prior;
  /** A fixed step size; otherwise ε is tuned per group during burn-in (MALA) from 0.5/n. */
  readonly step?: number;
  readonly init: InitKind;
  readonly seed: number;
  /** Held-out inputs per input dimension (Gauss–Legendre), default 16. */
  readonly testPoints?: number;
  /** Gauss–Hermite nodes in y, default 16. */
  readonly hermite?: number;
  /** (done, total) in walker-steps, during and after every chunk. */
  readonly onProgress?: (done: number, total: number) => void;
  /** The current estimates, after every snapshot (a live chart). */
  readonly onUpdate?: (points: readonly GenPoint[]) => void;
  /** Polled between chunks; true stops the run with a GeneralisationCancelled error. */
  readonly shouldStop?: () => boolean;
}

export interface GenPoint {
  readonly n: number;
  /** Mean over datasets of B_g, and its standard error (sd over datasets / √K). */
  readonly bg: number;
  readonly bgSe: number;
  readonly nBg: number;
  readonly nBgSe: number;
  /** B_g of each dataset with a reading so far (the index is the dataset). */
  readonly perDataset: readonly number[];
  readonly acceptance: number;
  /** The largest step size ε among this n's datasets (each tunes its own): what a ULA bias flag names. */
  readonly eps: number;
  readonly diverged: number;
  /** Whether the walkers mixed: the worst of this n's datasets (diagnostics.ts); undefined until read. */
  readonly diagnostics?: Diagnostics;
}

export interface GenReference {
  readonly lambda: number;
  readonly se: number;
  readonly kind: 'exact' | 'measured';
  readonly note: string;
}

export interface GenResult {
  readonly points: readonly GenPoint[];
  readonly reference: GenReference;
  /** The model's parameter count d. */
  readonly dim: number;
  readonly seconds: number;
}

export class GeneralisationCancelled extends Error {
  override readonly name = 'GeneralisationCancelled';
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

interface Job {
  readonly n: number;
  readonly dataset: number;
}

/** A model as the experiment needs it: truth, input distribution, landscapes holding datasets. */
interface GenModel {
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

function makeModel(c: GeneralisationConfig): GenModel {
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

/** Largest dataset a tiny network can hold in the uniforms. */
export const mlpMaxPoints = (inputs: number): number => Math.floor((1024 - 8) / (inputs + 1));

/** Checks a configuration; throws a RangeError naming the field. */
export function validateGeneralisation(c: GeneralisationConfig): void {
  const model = makeModel(c);
  const int = (x: number, lo: number, name: string) => {
    if (!Number.isInteger(x) || x < lo) throw new RangeError(`${name} must be an integer ≥ ${lo}, got ${x}`);
  };
  if (c.ns.length < 1) throw new RangeError('n: at least one dataset size');
  for (const n of c.ns) {
    if (!Number.isInteger(n) || n < 2 || n > model.maxN)
      throw new RangeError(`n: dataset sizes must be integers in [2, ${model.maxN}], got ${n}`);
  }
  int(c.datasets, 2, 'datasets');
  int(c.walkers, 1, 'walkers');
  int(c.burnin, 0, 'burnin');
  int(c.steps, 1, 'steps');
  int(c.snapshots, 1, 'snapshots');
  if (c.snapshots > c.steps)
    throw new RangeError(`snapshots (${c.snapshots}) cannot exceed steps (${c.steps})`);
  if (!(Number.isFinite(c.sigma) && c.sigma > 0))
    throw new RangeError(`sigma must be positive, got ${c.sigma}`);
  seedKey(c.seed);
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const largest = (xs: readonly number[]) => (xs.length > 0 ? Math.max(...xs) : Number.NaN);

/** Mean over datasets and its standard error. */
function summarise(
  n: number,
  values: readonly number[],
  acceptance: number,
  eps: number,
  diverged: number,
  diagnostics: readonly Diagnostics[] = [],
): GenPoint {
  const k = values.length;
  const bg = k > 0 ? mean(values) : Number.NaN;
  const sd = k > 1 ? Math.sqrt(values.reduce((a, v) => a + (v - bg) ** 2, 0) / (k - 1)) : Number.NaN;
  const bgSe = sd / Math.sqrt(k);
  return {
    n,
    bg,
    bgSe,
    nBg: n * bg,
    nBgSe: n * bgSe,
    perDataset: values,
    acceptance,
    eps,
    diverged,
    ...(diagnostics.length > 0 ? { diagnostics: worstOf(diagnostics) } : {}),
  };
}

/**
 * The pooled predictive of each walker group: sums of exp(√2·z_h·u − u²/2) per (group, input, node).
 */
class PredictiveAccumulator {
  readonly sums: Float64Array;
  readonly counts: Float64Array;
  private readonly z: Float64Array;
  private readonly hw: Float64Array;
  private readonly f0: Float64Array;

  constructor(
    readonly groups: number,
    private readonly model: GenModel,
    private readonly sigma: number,
    hermite: number,
  ) {
    const gh = gaussHermite(hermite);
    this.z = gh.x.map((z) => Math.SQRT2 * z);
    this.hw = gh.w.map((w) => w / Math.sqrt(Math.PI));
    this.f0 = Float64Array.from(model.inputs, (x) => model.truth(x));
    this.sums = new Float64Array(groups * model.inputs.length * hermite);
    this.counts = new Float64Array(groups);
  }

  /** Adds one block of predictions ([walker][input]) to group g. */
  add(g: number, predictions: Float32Array, walkers: number): void {
    const T = this.f0.length;
    const H = this.z.length;
    for (let i = 0; i < walkers; i++) {
      let finite = true;
      for (let t = 0; t < T; t++) if (!Number.isFinite(predictions[i * T + t])) finite = false;
      if (!finite) continue;
      this.counts[g]++;
      for (let t = 0; t < T; t++) {
        const u = (predictions[i * T + t] - this.f0[t]) / this.sigma;
        const base = (g * T + t) * H;
        const half = 0.5 * u * u;
        for (let h = 0; h < H; h++) this.sums[base + h] += Math.exp(this.z[h] * u - half);
      }
    }
  }

  /** B_g of group g: Σ_t ω_t Σ_h (w_h/√π)·(−log mean exp(…)). */
  bayesError(g: number): number {
    const T = this.f0.length;
    const H = this.z.length;
    const count = this.counts[g];
    if (count === 0) return Number.NaN;
    let total = 0;
    for (let t = 0; t < T; t++) {
      let inner = 0;
      for (let h = 0; h < H; h++) inner -= this.hw[h] * Math.log(this.sums[(g * T + t) * H + h] / count);
      total += this.model.inputWeights[t] * inner;
    }
    return total;
  }
}

/** Runs the experiment on a device. */
export async function runGeneralisation(device: GPUDevice, c: GeneralisationConfig): Promise<GenResult> {
  validateGeneralisation(c);
  const t0 = performance.now();
  const model = makeModel(c);
  const prior = c.prior ?? { kind: 'box' as const, scale: model.defaultBound };
  const jobs: Job[] = c.ns.flatMap((n) =>
    Array.from({ length: c.datasets }, (_, dataset) => ({ n, dataset })),
  );
  const batches: Job[][] = [];
  for (let i = 0; i < jobs.length; i += model.maxSlots) batches.push(jobs.slice(i, i + model.maxSlots));
  const nMax = Math.max(...c.ns);
  const referenceMeasured = c.model.kind === 'mlp';
  const perEngine = (b: Job[]) => c.walkers * b.length * (c.burnin + c.steps);
  const total =
    batches.reduce((s, b) => s + perEngine(b), 0) +
    (referenceMeasured ? c.walkers * (c.burnin + c.steps) : 0);
  let done = 0;
  const stop = () => {
    if (c.shouldStop?.()) throw new GeneralisationCancelled('generalisation run cancelled');
  };

  // Per job: B_g, acceptance, divergences (filled as batches finish; NaN until then).
  const bg = new Map<Job, number>();
  const acc = new Map<Job, number>();
  const div = new Map<Job, number>();
  const eps = new Map<Job, number>();
  const diag = new Map<Job, Diagnostics>();
  const points = (): GenPoint[] =>
    c.ns.map((n) => {
      const mine = jobs.filter((j) => j.n === n && bg.has(j));
      const a = mine.map((j) => acc.get(j) ?? Number.NaN).filter(Number.isFinite);
      return summarise(
        n,
        mine.map((j) => bg.get(j)!),
        a.length > 0 ? mean(a) : Number.NaN,
        largest(mine.map((j) => eps.get(j) ?? Number.NaN).filter(Number.isFinite)),
        mine.reduce((s, j) => s + (div.get(j) ?? 0), 0),
        mine.flatMap((j) => (diag.has(j) ? [diag.get(j)!] : [])),
      );
    });

  for (const [e, batch] of batches.entries()) {
    stop();
    const landscape = model.landscape(batch);
    const groupNbeta = batch.map((j) => j.n);
    const groupEps = groupNbeta.map((nb) => c.step ?? initialStep({ n: nb, beta: 1, prior }));
    const engine = await WalkerEngine.create(device, {
      landscape,
      params: model.params,
      n: nMax,
      beta: 1,
      gamma: 0,
      prior,
      wstar: model.wstar,
      sampler: c.sampler,
      eps: groupEps[0],
      seed: (c.seed + e) % 2 ** 53,
      walkers: c.walkers * batch.length,
      groupNbeta,
      groupEps,
    });
    try {
      const accumulator = new PredictiveAccumulator(batch.length, model, c.sigma, c.hermite ?? 16);
      const T = model.inputs.length;
      const base = done;
      await runMeasurement(
        engine,
        {
          steps: c.steps,
          burnin: c.burnin,
          init: c.init,
          tune: c.step === undefined, // MALA on its acceptance, ULA on its MH acceptance (burnIn)
          target: malaTargetFor(engine.settings.landscape.dim),
          schedule: 'light',
          perGroup: true,
          batches: c.snapshots,
          onProgress: (d) => {
            done = base + d * engine.walkers;
            c.onProgress?.(done, total);
          },
          cancel: stop,
        },
        {
          // B_g comes from these predictive snapshots; the loop's accumulated sums serve only the
          // convergence diagnostics.
          batch: async () => {
            const predictions = await predictWalkers(engine, model.inputs);
            for (let g = 0; g < batch.length; g++) {
              const { first, count } = engine.groupRange(g);
              accumulator.add(g, predictions.subarray(first * T, (first + count) * T), count);
              bg.set(batch[g], accumulator.bayesError(g));
            }
            c.onUpdate?.(points());
          },
        },
      );
      (await engine.readGroupStats()).forEach((st, g) => {
        acc.set(batch[g], st.acceptance);
        eps.set(batch[g], engine.groupStep(g));
        div.set(batch[g], st.diverged);
        diag.set(batch[g], st.diagnostics);
      });
    } finally {
      engine.destroy();
    }
  }

  let reference = exactReference(c.model);
  if (!reference && c.model.kind === 'mlp') {
    // The LLC of the teacher's noiseless data at the largest n (β = 1/log n), from w* = the teacher.
    stop();
    const o = c.model.options;
    const landscape = mlpLandscape({
      ...o,
      points: Math.min(nMax, model.maxN),
      sample: { seed: c.seed, dataset: c.datasets, noise: 0 },
    });
    const beta = wbicBeta(nMax);
    const engine = await WalkerEngine.create(device, {
      landscape,
      params: model.params,
      n: nMax,
      beta,
      gamma: 0,
      prior,
      wstar: model.wstar,
      sampler: c.sampler,
      eps: c.step ?? initialStep({ n: nMax, beta, prior }),
      seed: (c.seed + batches.length) % 2 ** 53,
      walkers: c.walkers,
    });
    try {
      const base = done;
      const r = await runLlc(engine, {
        ...engine.settings,
        steps: c.steps,
        burnin: c.burnin,
        init: 'wstar',
        tuneStep: c.step === undefined,
        onProgress: (d) => {
          done = base + d * c.walkers;
          c.onProgress?.(done, total);
        },
      });
      reference = {
        lambda: r.lambdaHat,
        se: r.lambdaHatSe,
        kind: 'measured',
        note: `λ̂ measured: LLC on noiseless teacher data at n = ${nMax}, β = 1/log n`,
      };
    } finally {
      engine.destroy();
    }
  }
  if (!reference) throw new Error('no reference λ for this model');
  return { points: points(), reference, dim: model.dim, seconds: (performance.now() - t0) / 1000 };
}
