/**
 * Bayes generalisation error against n, measured: for each n of a grid and each of K independent
 * noisy datasets of size n (data.ts), walkers sample the Bayes posterior (β = 1, so n·β = n), and
 *
 *   B_g = E_x KL( q(y|x) ‖ p*(y|x) ),   p*(y|x) = E_w N(y; f_w(x), σ²)  (the posterior predictive),
 *
 * with q(y|x) = N(f₀(x), σ²) the truth. Watanabe: E[B_g] = λ/n + o(1/n) at β = 1, with λ the RLCT —
 * the line this experiment draws its measurements against (reference.ts). Each engine runs the
 * measurement loop (light burn-in schedule, each group tuning its own ε) with the predictive
 * (predictive.ts) read at every sampling batch.
 */

import type { InitKind, Prior, SamplerKind } from '../../posterior';
import { seedKey } from '../../rng';
import { WalkerEngine } from '../../walkers/walker-engine';
import { initialStep, malaTargetFor } from '../burnin';
import { type Diagnostics, worstOf } from '../diagnostics';
import { runMeasurement } from '../measurement-loop';
import { predictWalkers } from '../predict';
import { type Job, type ModelSettings, makeModel } from './data';
import { PredictiveAccumulator } from './predictive';
import { exactReference, type GenReference, measuredReference } from './reference';

export interface GeneralisationConfig extends ModelSettings {
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
    stop();
    const base = done;
    reference = await measuredReference(device, {
      options: c.model.options,
      model,
      n: nMax,
      dataset: c.datasets,
      prior,
      sampler: c.sampler,
      step: c.step,
      walkers: c.walkers,
      burnin: c.burnin,
      steps: c.steps,
      seed: (c.seed + batches.length) % 2 ** 53,
      dataSeed: c.seed,
      onProgress: (d) => {
        done = base + d * c.walkers;
        c.onProgress?.(done, total);
      },
    });
  }
  if (!reference) throw new Error('no reference λ for this model');
  return { points: points(), reference, dim: model.dim, seconds: (performance.now() - t0) / 1000 };
}
