/**
 * One local learning coefficient measurement at a chosen w*, as `which-function` and `calibrate` run
 * it: walker groups on a temperature ladder around β0 = 1/log n (one population, one engine), the
 * plain λ̂ = nβ0·(E[L_n] − L_n(w*)) from the group at β0, and fitLadder's λ and m over the ladder.
 * With `ladder` < 3 only the β0 group runs and the fit is null.
 */

import type { Landscape } from '../landscapes/landscapes';
import type { InitKind, Prior, SamplerKind } from '../posterior';
import { WalkerEngine } from '../walkers/walker-engine';
import { type Diagnostics, worstOf } from './diagnostics';
import { fitLadder, type LadderFit, ladderInitialSteps, runGroups, temperatureLadder } from './ladder';

export interface LocalLambdaOptions {
  readonly landscape: Landscape;
  readonly params: readonly number[];
  readonly wstar: readonly number[];
  readonly n: number;
  readonly beta: number;
  readonly gamma: number;
  readonly prior: Prior;
  readonly sampler: SamplerKind;
  /** Walkers per group. */
  readonly walkers: number;
  readonly steps: number;
  readonly burnin: number;
  /** Ladder groups (≥ 3 for a fit; 0 or 1: the β0 group only). */
  readonly ladder: number;
  /** The ladder spans nβ0/span … nβ0·span. */
  readonly span: number;
  readonly seed: number;
  readonly init?: InitKind;
  readonly onProgress?: (done: number, total: number) => void;
}

export interface LocalLambda {
  readonly lambdaHat: number;
  readonly lambdaHatSe: number;
  readonly fit: LadderFit | null;
  readonly ladder: readonly { nbeta: number; lambdaHat: number; se: number }[];
  readonly acceptance: number;
  readonly diverged: number;
  readonly lossAtWstar: number;
  /** Worst of the groups' diagnostics: the fit uses every rung, so every rung must have mixed. */
  readonly diagnostics: Diagnostics;
  readonly seconds: number;
}

export async function measureLocalLambda(device: GPUDevice, o: LocalLambdaOptions): Promise<LocalLambda> {
  const nbeta0 = o.n * o.beta;
  const ladder =
    o.ladder >= 3
      ? [
          ...temperatureLadder(o.n, o.ladder, o.beta, o.span).filter((x) => Math.abs(x / nbeta0 - 1) > 1e-9),
          nbeta0,
        ]
      : [nbeta0];
  const groupNbeta = ladder.sort((a, b) => a - b);
  const posterior = {
    landscape: o.landscape,
    params: o.params,
    n: o.n,
    beta: o.beta,
    gamma: o.gamma,
    prior: o.prior,
    wstar: o.wstar,
  };
  const steps = ladderInitialSteps({ ...posterior, groupNbeta });
  const engine = await WalkerEngine.create(device, {
    ...posterior,
    walkers: o.walkers * groupNbeta.length,
    sampler: o.sampler,
    eps: steps[0],
    groupNbeta,
    groupEps: steps,
    seed: o.seed,
  });
  try {
    const r = await runGroups(engine, {
      steps: o.steps,
      burnin: o.burnin,
      init: o.init ?? 'wstar',
      tuneStep: true,
      onProgress: o.onProgress,
    });
    const center = r.groups.find((g) => Math.abs(g.nbeta / nbeta0 - 1) < 1e-9)!;
    const points = r.groups.map((g) => ({ nbeta: g.nbeta, value: g.lambdaHat, se: g.lambdaHatSe }));
    const values = [center.lambdaHat, center.lambdaHatSe, ...points.flatMap((p) => [p.value, p.se])];
    if (!values.every(Number.isFinite))
      throw new Error(`${o.landscape.title}: the walkers' loss is not finite (λ̂ = ${center.lambdaHat})`);
    return {
      lambdaHat: center.lambdaHat,
      lambdaHatSe: center.lambdaHatSe,
      fit: points.length >= 3 ? fitLadder(points) : null,
      ladder: points.map((p) => ({ nbeta: p.nbeta, lambdaHat: p.value, se: p.se })),
      acceptance: r.groups.reduce((s, g) => s + g.acceptance, 0) / r.groups.length,
      diverged: r.groups.reduce((s, g) => s + g.diverged, 0),
      lossAtWstar: r.lossAtWstar,
      diagnostics: worstOf(r.groups.map((g) => g.diagnostics)),
      seconds: r.seconds,
    };
  } finally {
    engine.destroy();
  }
}
