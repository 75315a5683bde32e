/**
 * Which ULA moves are scored with MALA's MH acceptance (its bias diagnostic, issue 18). Scoring a
 * move costs a second proposal density (a log-sum-exp per coordinate near a wall), the potential and
 * one more Philox block: on a software GPU it was 46% of a ULA step (issue 17's breakdown). ULA takes
 * every move whatever the score, so scoring only some moves changes no trajectory.
 *
 * Walker i scores step t iff (t + phase(i)) ≡ 0 (mod ULA_SCORE_EVERY), phase(i) = ⌊i/64⌋ mod K: each
 * step is scored by a fixed 1/K of the population (stratified), so the population's acceptance is
 * the mean over all steps with their right weights, an unbiased estimate of E[α] even while the chain
 * is still moving (a common phase would overweight steps 0, K, 2K, … of a transient). The phase is
 * constant over 64 walkers, a workgroup, so no workgroup (warp, or SIMD group of a software GPU)
 * diverges on it. MALA accepts on the ratio, so it scores every step.
 */
import type { SamplerKind } from '../posterior';

/** Must equal ULA_SCORE_EVERY in shaders/langevin.wgsl (the GPU-vs-CPU acceptance test checks both). */
export const ULA_SCORE_EVERY = 8;
/** Walkers sharing one scoring phase: the walker kernels' workgroup size. */
const PHASE_BLOCK = 64;

const phaseOf = (walker: number): number => Math.floor(walker / PHASE_BLOCK) % ULA_SCORE_EVERY;

/** True when walker `walker` scores global step `step`. */
export const isScored = (sampler: SamplerKind, step: number, walker: number): boolean =>
  sampler !== 'ula' || (step + phaseOf(walker)) % ULA_SCORE_EVERY === 0;

/** Moves scored by one walker of scoring phase `phase` among the global steps [first, first + count). */
function scoredByPhase(phase: number, first: number, count: number): number {
  const k = ULA_SCORE_EVERY;
  return Math.ceil((first + phase + count) / k) - Math.ceil((first + phase) / k);
}

/** Scored moves of walkers [firstWalker, firstWalker + walkers) over the steps [first, first + count). */
export function scoredMoves(
  sampler: SamplerKind,
  first: number,
  count: number,
  firstWalker: number,
  walkers: number,
): number {
  if (sampler !== 'ula') return count * walkers;
  let total = 0;
  const end = firstWalker + walkers;
  for (let b = Math.floor(firstWalker / PHASE_BLOCK); b * PHASE_BLOCK < end; b++) {
    const inRange = Math.min(end, (b + 1) * PHASE_BLOCK) - Math.max(firstWalker, b * PHASE_BLOCK);
    total += inRange * scoredByPhase(b % ULA_SCORE_EVERY, first, count);
  }
  return total;
}

/** The fewest moves any one walker scored over the steps [first, first + count) (the stuck check's window). */
export function minScoredPerWalker(sampler: SamplerKind, first: number, count: number): number {
  if (sampler !== 'ula') return count;
  let min = count;
  for (let p = 0; p < ULA_SCORE_EVERY; p++) min = Math.min(min, scoredByPhase(p, first, count));
  return min;
}
