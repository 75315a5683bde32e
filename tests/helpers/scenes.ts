/** Small builders for engine configurations used across GPU tests. */
import { findLandscape } from '../../src/core/landscapes/landscapes';
import { initialStep } from '../../src/core/measures/burnin';
import { type PosteriorSettings, type Prior, type SamplerKind, wbicBeta } from '../../src/core/posterior';
import type { EngineConfig } from '../../src/core/walkers/walker-engine';

export function posterior(
  id: string,
  n: number,
  params: number[] = [],
  prior: Prior = { kind: 'box', scale: 1 },
): PosteriorSettings {
  const landscape = findLandscape(id);
  if (!landscape) throw new Error(`no landscape ${id}`);
  return { landscape, params, n, beta: wbicBeta(n), gamma: 0, prior, wstar: [0, 0] };
}

export function engineConfig(
  p: PosteriorSettings,
  walkers: number,
  sampler: SamplerKind = 'mala',
  extra: Partial<EngineConfig> = {},
): EngineConfig {
  return { ...p, walkers, sampler, eps: initialStep(p), seed: 1, ...extra };
}
