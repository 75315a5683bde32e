/**
 * The polynomial model's side of SGD vs Bayes in the app (issue 13, item 4): gradient-descent fits of
 * f_θ(x) = Σ c_k x^k from θ ~ N(0, scale²·I) (src/core/function-space/poly-sgd.ts's polyFit, fit k = the CLI's fit k
 * of the same seed), run on the CPU a few milliseconds per animation frame, counted by the monomial
 * each converged fit ends nearest to. Fits that never converge are counted, never dropped.
 */

import { nearestMonomial, type PolySgdConfig, polyFit } from '../../core/function-space/poly-sgd';
import { polyStats } from '../../core/landscapes/models/poly-stats';
import { parseData } from '../../core/landscapes/models/polynomial';
import type { SceneState } from '../../scene/schema';
import { parsePolyM } from '../../scene/specs';

/** The CLI's defaults (occam-lens sgd-vs-bayes --model poly:…): --max-steps 1e5, --tol 1e-10. */
export const POLY_GD_MAX_STEPS = 100_000;
export const POLY_GD_TOL = 1e-10;

export function polyGdConfigOf(s: SceneState): PolySgdConfig {
  return {
    m: parsePolyM(s.polyM),
    data: parseData(s.polyData),
    sigma: s.sigma,
    scale: s.polyGdScale,
    lr: s.polyGdLr,
    maxSteps: POLY_GD_MAX_STEPS,
    tol: POLY_GD_TOL,
    seed: s.seed,
  };
}

export class PolyGdCounter {
  runs = 0;
  converged = 0;
  /** Converged fits nearest to 1, x, …, x⁴. */
  readonly nearest = [0, 0, 0, 0, 0];
  private readonly stats;

  constructor(readonly config: PolySgdConfig) {
    this.stats = polyStats(config.data);
  }

  /** Fits the next networks until `budgetMs` has passed or `target` fits are done (at least one fit). */
  advance(target: number, budgetMs: number, now: () => number = () => performance.now()): void {
    const t0 = now();
    while (this.runs < target) {
      const fit = polyFit(this.config, this.runs, this.stats);
      this.runs++;
      if (fit.converged) {
        this.converged++;
        this.nearest[nearestMonomial(fit.c)]++;
      }
      if (now() - t0 >= budgetMs) break;
    }
  }

  /** Shares of the converged fits (null before any converged). */
  shares(): number[] | null {
    return this.converged > 0 ? this.nearest.map((c) => c / this.converged) : null;
  }
}
