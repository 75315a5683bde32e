/** The founding post's scenes, as partial states over the schema's defaults, each with what to watch. */
import type { SceneState } from './schema';

export interface Preset {
  readonly id: string;
  readonly title: string;
  /** One or two sentences: what to look at. */
  readonly watch: string;
  readonly state: Partial<SceneState>;
}

/** Both crossing presets share every setting except the landscape, so switching compares like with like. */
const crossingScene: Partial<SceneState> = {
  n: 1000,
  betaAuto: true,
  prior: 'box',
  R: 1,
  sampler: 'mala',
  init: 'prior',
};

export const presets: readonly Preset[] = [
  {
    id: 'analytic-crossing',
    title: 'Analytic crossing: mass piles up at the singularity',
    watch:
      'L = w₁²w₂²: the two valleys meet at the origin, where the volume of near-optimal parameters is largest (λ = 1/2, m = 2). ' +
      'Raise n and the share of walkers within any fixed distance of the crossing keeps growing, as log(r√(nβ))/log √(nβ).',
    state: { ...crossingScene, landscape: 'crossing', a: 1, b: 1 },
  },
  {
    id: 'non-analytic-crossing',
    title: 'Non-analytic crossing: the walk does not sit at the singularity',
    watch:
      'L = min(w₁², w₂²) has the same valleys, but the loss is not analytic at the origin. ' +
      'The walkers spread evenly along both valleys and the crossing collects no extra mass.',
    state: { ...crossingScene, landscape: 'min-crossing' },
  },
  {
    id: 'regular-minimum',
    title: 'Regular minimum',
    watch:
      'L = w₁² + w₂²: the posterior is a Gaussian of width 1/√(2nβ), and λ̂ settles at d/2 = 1. ' +
      'The walker histogram and the exact density should be indistinguishable.',
    state: {
      n: 1000,
      betaAuto: true,
      prior: 'box',
      R: 1,
      sampler: 'mala',
      init: 'prior',
      landscape: 'bowl',
      zoom: true,
    },
  },
  {
    id: 'higher-order-crossing',
    title: 'Higher-order crossing',
    watch:
      'L = w₁⁴w₂²: across the valley w₁ = 0 the loss rises only as w₁⁴, so that valley is wider and holds more walkers than w₂ = 0. ' +
      'The flatter direction sets λ = 1/(2·max(a, b)) = 1/4, with m = 1.',
    state: { ...crossingScene, landscape: 'crossing', a: 2, b: 1 },
  },
];

export function findPreset(id: string): Preset | undefined {
  return presets.find((p) => p.id === id);
}
