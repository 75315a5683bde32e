/**
 * Many temperatures (or many n) in one population: walker groups, each at its own n·β, advanced by
 * the same dispatches. Two uses:
 *  - a temperature ladder β_j ∈ [β0/4, 4β0] around β0 = 1/log n, from which λ and the multiplicity
 *    m are fitted, since nβ·E_β[K] = λ − (m − 1)/log(nβ) + c/log²(nβ) + …;
 *  - a sweep over n (β = 1/log n each): λ̂, WBIC and the posterior mass near w* as functions of n.
 */

import type { Diagnostics } from './diagnostics';
import { batchMeansSe, burnIn, chunkSteps, initialStep } from './llc-run';
import type { InitKind } from './posterior';
import { wbicBeta } from './posterior';
import type { EngineConfig, WalkerEngine } from './walker-engine';

export interface GroupRunOptions {
  readonly steps: number;
  readonly burnin: number;
  readonly init: InitKind;
  readonly tuneStep: boolean;
  readonly targetAcceptance?: number;
  /** Ball radius for the mass near w*. */
  readonly radius?: number;
  /**
   * Step-size adaptations during burn-in (default one per 25 steps, at most 40). Each is a GPU round
   * trip, which in a browser costs about a frame: the app uses fewer.
   */
  readonly tuneRounds?: number;
  /**
   * Time batches of the sampling phase for the batch-means SE cross-check (`lambdaHatSeBatch`); each
   * costs a per-group reduction, so it is off (NaN) unless asked for.
   */
  readonly batches?: number;
  readonly onProgress?: (done: number, total: number) => void;
}

export interface GroupResult {
  readonly nbeta: number;
  /** The group's (tuned) step size. */
  readonly eps: number;
  /** nβ·(E[L_n] − L_n(w*)) for this group. */
  readonly lambdaHat: number;
  /**
   * SE treating the group's walkers as independent chains (each walker's time average is one draw):
   * needs no model of the autocorrelation within a chain.
   */
  readonly lambdaHatSe: number;
  /**
   * Batch-means SE over time of the group's walker-averaged loss, a cross-check of `lambdaHatSe`
   * (NaN unless `batches` was given).
   */
  readonly lambdaHatSeBatch: number;
  /** E_β[L_n] (time- and walker-averaged). */
  readonly meanLoss: number;
  /** Fraction of the group's walkers within `radius` of w* at the end, and its binomial SE. */
  readonly massNear: number;
  readonly massNearSe: number;
  readonly acceptance: number;
  readonly diverged: number;
  readonly walkers: number;
  /** Split-R̂, ESS, stuck walkers… of this group (diagnostics.ts). */
  readonly diagnostics: Diagnostics;
}

/** Burn-in (one ε for all groups, tuned on the whole population), then sampling; per-group results. */
export async function runGroups(
  engine: WalkerEngine,
  opts: GroupRunOptions,
): Promise<{ groups: GroupResult[]; lossAtWstar: number; seconds: number }> {
  const t0 = performance.now();
  const total = opts.burnin + opts.steps;
  const target = opts.targetAcceptance ?? 0.8;
  engine.reset(opts.init);
  engine.setAccumulate(false);
  const tune = opts.tuneStep && engine.settings.sampler === 'mala';
  const rounds = opts.tuneRounds ?? Math.min(40, Math.floor(opts.burnin / 25));
  const chunks = tune ? Math.max(1, Math.min(rounds, opts.burnin)) : 1;
  let done = 0;
  await burnIn(engine, {
    burnin: opts.burnin,
    chunks,
    tune,
    target,
    perGroup: true,
    afterChunk: (k) => {
      done += k;
      opts.onProgress?.(done, total);
    },
  });
  const lossAtWstar = (await engine.evaluate(engine.settings.wstar)).loss[0];
  engine.clearCounters();
  engine.setAccumulate(true, opts.steps);
  const traced = opts.batches !== undefined;
  // Without a trace the chunks only pace the progress reports.
  const batches = Math.max(traced ? 2 : 1, Math.min(opts.batches ?? 20, opts.steps));
  // Per group: the walker-averaged running total at the end of each batch, whose differences are
  // the batch means of the loss (the time trace the batch-means SE is computed from).
  const previous = Array.from({ length: engine.groups }, () => ({ total: 0, samples: 0 }));
  const traces: number[][] = previous.map(() => []);
  for (let b = 0; b < batches; b++) {
    const k = chunkSteps(opts.steps, batches, b);
    engine.advance(k);
    done += k;
    if (traced) {
      const stats = await engine.readGroupStats({}, { chainMean: lossAtWstar, loss: lossAtWstar });
      stats.forEach((s, g) => {
        const runningTotal = (s.chainMean - lossAtWstar) * s.samples;
        traces[g].push((runningTotal - previous[g].total) / (s.samples - previous[g].samples));
        previous[g] = { total: runningTotal, samples: s.samples };
      });
    }
    opts.onProgress?.(done, total);
  }
  engine.setAccumulate(false);
  const nbetas = engine.settings.groupNbeta ?? [engine.settings.n * engine.settings.beta];
  const groups: GroupResult[] = [];
  const final = await engine.readGroupStats(
    { center: engine.settings.wstar, radius: opts.radius ?? 0 },
    { chainMean: lossAtWstar, loss: lossAtWstar },
  );
  for (let g = 0; g < engine.groups; g++) {
    const s = final[g];
    const nbeta = nbetas[g];
    groups.push({
      nbeta,
      eps: engine.groupStep(g),
      lambdaHat: nbeta * (s.chainMean - lossAtWstar),
      lambdaHatSe: nbeta * Math.sqrt(s.chainMeanVar / Math.max(1, s.walkers - 1)),
      lambdaHatSeBatch: nbeta * batchMeansSe(traces[g]),
      meanLoss: s.chainMean,
      massNear: s.massNear,
      massNearSe: Math.sqrt(Math.max(s.massNear * (1 - s.massNear), 1 / s.walkers) / s.walkers),
      acceptance: s.acceptance,
      diverged: s.diverged,
      walkers: s.walkers,
      diagnostics: s.diagnostics,
    });
  }
  return { groups, lossAtWstar, seconds: (performance.now() - t0) / 1000 };
}

/** K values of n·β, log-spaced over [nβ0/4, 4·nβ0] with β0 = 1/log n (the default ladder). */
export function temperatureLadder(n: number, k: number, beta0 = wbicBeta(n), span = 4): number[] {
  if (!Number.isInteger(k) || k < 3) throw new RangeError(`a ladder needs at least 3 temperatures, got ${k}`);
  const lo = Math.log((n * beta0) / span);
  const hi = Math.log(n * beta0 * span);
  return Array.from({ length: k }, (_, j) => Math.exp(lo + ((hi - lo) * j) / (k - 1)));
}

/** n·β = n/log n for each n of a sweep. */
export const sweepNbeta = (ns: readonly number[]): number[] => ns.map((n) => n * wbicBeta(n));

export interface LadderFit {
  readonly lambda: number;
  readonly lambdaSe: number;
  readonly m: number;
  readonly mSe: number;
  /** Coefficient of 1/log²(nβ) (0 when fitted with two terms). */
  readonly c: number;
  readonly cSe: number;
  /** Weighted residual sum of squares per degree of freedom (≈ 1 when the model and SEs fit). */
  readonly chi2PerDof: number;
}

function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r][col]) > Math.abs(m[pivot][col])) pivot = r;
    [m[col], m[pivot]] = [m[pivot], m[col]];
    if (Math.abs(m[col][col]) < 1e-300)
      throw new RangeError('ladder fit is singular: the temperatures are too close');
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = m[r][col] / m[col][col];
      for (let c = col; c <= n; c++) m[r][c] -= f * m[col][c];
    }
  }
  return m.map((row, i) => row[n] / row[i]);
}

/**
 * Weighted least squares of y_j = λ − (m − 1)·x_j + c·x_j² with x_j = 1/log(nβ_j) and weights
 * 1/SE_j². With `terms` = 2 the c term is dropped. Standard errors from (XᵀWX)⁻¹.
 */
export function fitLadder(
  points: readonly { nbeta: number; value: number; se: number }[],
  terms: 2 | 3 = 3,
): LadderFit {
  if (points.length < terms) throw new RangeError(`a ${terms}-term fit needs at least ${terms} temperatures`);
  const rows = points.map((p) => {
    const x = 1 / Math.log(p.nbeta);
    return terms === 3 ? [1, -x, x * x] : [1, -x];
  });
  const w = points.map((p) => 1 / Math.max(p.se, 1e-12) ** 2);
  const xtwx = rows[0].map((_, i) =>
    rows[0].map((__, j) => rows.reduce((s, r, k) => s + w[k] * r[i] * r[j], 0)),
  );
  const xtwy = rows[0].map((_, i) => rows.reduce((s, r, k) => s + w[k] * r[i] * points[k].value, 0));
  const theta = solve(xtwx, xtwy);
  const cov = rows[0].map((_, i) =>
    solve(
      xtwx,
      rows[0].map((__, j) => (i === j ? 1 : 0)),
    ),
  );
  const residual = points.reduce(
    (s, p, k) => s + w[k] * (p.value - rows[k].reduce((t, r, i) => t + r * theta[i], 0)) ** 2,
    0,
  );
  const dof = Math.max(1, points.length - terms);
  return {
    lambda: theta[0],
    lambdaSe: Math.sqrt(cov[0][0]),
    m: theta[1] + 1,
    mSe: Math.sqrt(cov[1][1]),
    c: terms === 3 ? theta[2] : 0,
    cSe: terms === 3 ? Math.sqrt(cov[2][2]) : 0,
    chi2PerDof: residual / dof,
  };
}

/** A starting step size for each group, from its own n·β (then tuned per group). */
export function ladderInitialSteps(cfg: Pick<EngineConfig, 'prior' | 'groupNbeta' | 'n' | 'beta'>): number[] {
  return (cfg.groupNbeta ?? [cfg.n * cfg.beta]).map((nbeta) =>
    initialStep({ n: nbeta, beta: 1, prior: cfg.prior }),
  );
}
