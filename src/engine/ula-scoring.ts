/**
 * Which ULA steps are scored with MALA's MH acceptance (its bias diagnostic, issue 18). Scoring a
 * move costs a second proposal density (a log-sum-exp per coordinate near a wall), the potential and
 * one more Philox block: on a software GPU it was 46% of a ULA step (issue 17's breakdown). ULA takes
 * every move whatever the score, so scoring only the steps t ≡ 0 (mod ULA_SCORE_EVERY) changes no
 * trajectory; the acceptance is then the mean over those steps, an unbiased estimate of E[α] for a
 * time-homogeneous chain (the kernel has no period, so every K-th step is a fair sample of steps).
 * MALA accepts on the ratio, so it scores every step.
 */
import type { SamplerKind } from './posterior';

/** Must equal ULA_SCORE_EVERY in shaders/langevin.wgsl (the GPU-vs-CPU acceptance test checks both). */
export const ULA_SCORE_EVERY = 8;

/** Scored moves per walker among the global steps [first, first + count). */
export function scoredSteps(sampler: SamplerKind, first: number, count: number): number {
  if (sampler !== 'ula') return count;
  const k = ULA_SCORE_EVERY;
  return Math.ceil((first + count) / k) - Math.ceil(first / k);
}

/** True when global step `step` is scored. */
export const isScored = (sampler: SamplerKind, step: number): boolean =>
  sampler !== 'ula' || step % ULA_SCORE_EVERY === 0;
