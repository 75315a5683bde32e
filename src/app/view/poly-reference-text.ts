/**
 * The polynomial panel's reference line (issue 12, item 4) as text: the exact i.i.d. posterior shares
 * of the nearest monomial (src/core/measures/which-function.ts, 20,000 prior draws) and SLT's λ, m at each
 * monomial's zero set. Pure, so it runs in a Web Worker (poly-reference.worker.ts): the draws take
 * ~0.3–1.5 s of CPU, which on the main thread froze the page at every change of n, β or the prior.
 */
import type { DataPoint } from '../../core/landscapes/models/polynomial';
import {
  exactShares,
  MONOMIAL_NAMES as MONOMIALS,
  whichFunctionCandidates,
  whichFunctionTheory,
} from '../../core/measures/which-function';
import type { Prior } from '../../core/posterior';

/** What the reference is computed from (all of it plain data: it crosses to the worker). */
export interface PolyReferenceInput {
  readonly m: readonly number[];
  readonly data: readonly DataPoint[];
  readonly n: number;
  readonly beta: number;
  readonly sigma: number;
  readonly prior: Prior;
}

export function polyReferenceText(r: PolyReferenceInput): string {
  try {
    const ref = exactShares(r.m, r.data, {
      n: r.n,
      beta: r.beta,
      sigma: r.sigma,
      prior: r.prior,
      samples: 20000,
      seed: 1,
    });
    const theory = whichFunctionCandidates(r.m, { data: r.data }).map(
      (cand) => [MONOMIALS[cand.k], whichFunctionTheory(r.m, cand)] as const,
    );
    const exact =
      ref.ess >= 200
        ? ref.shares.map((p, k) => `${MONOMIALS[k]} ${(100 * p).toFixed(1)}%`).join(' · ')
        : `no trusted reference (importance-sampling ESS ${Math.round(ref.ess)} < 200)`;
    const lam = theory
      .map(([name, t]) => `${name}: ${t.lambda === null ? '?' : `λ ${t.lambda}, m ${t.m}`}`)
      .join(' · ');
    return (
      `exact i.i.d. shares at this n, β, prior: ${exact}. ` +
      `SLT at each monomial's zero set: ${lam}` +
      (theory.every(([, t]) => t.lambda === theory[0][1].lambda && t.m === theory[0][1].m)
        ? ' — the same for every candidate, so the shares are the prior volume, not λ.'
        : ' — equal λ, different m: at finite n the larger m has the lower free energy.')
    );
  } catch {
    return 'exact shares: not available for these settings';
  }
}
