/** Scene → posterior settings: one builder for the engine, the exact grid, the analyses and the CLI. */
import { describe, expect, test } from 'vitest';
import { autoStep } from '../../src/core/posterior';
import { derive } from '../../src/scene/derive';
import { gridPosteriorOf, posteriorOf, scenePosterior } from '../../src/scene/posterior';
import { defaultState } from '../../src/scene/schema';

describe('scene posterior', () => {
  test('a scene gives its landscape, n, β, γ, prior and w*', () => {
    const s = {
      ...defaultState(),
      n: 5000,
      betaAuto: false,
      beta: 0.5,
      gamma: 2,
      prior: 'gauss',
      R: 3,
    } as const;
    const d = derive(s);
    const p = scenePosterior(s, d);
    expect(p).toEqual({
      landscape: d.landscape,
      params: d.params,
      n: 5000,
      beta: 0.5,
      gamma: 2,
      prior: { kind: 'gauss', scale: 3 },
      wstar: d.wstar,
    });
    const g = gridPosteriorOf(p);
    expect(g.nbeta).toBe(d.nbeta);
    expect(g).not.toHaveProperty('n');
  });

  test('posteriorOf keeps only the posterior fields', () => {
    const p = scenePosterior(defaultState(), derive(defaultState()));
    expect(posteriorOf({ ...p, walkers: 7, json: true } as typeof p)).toEqual(p);
  });

  test('the auto step is min(0.1·R², 0.5/(nβ)), as derive uses it', () => {
    const prior = { kind: 'box', scale: 2 } as const;
    expect(autoStep({ n: 10, beta: 0.01, prior })).toBeCloseTo(0.4, 15);
    expect(autoStep({ n: 1000, beta: 1, prior })).toBe(0.5 / 1000);
    const s = { ...defaultState(), n: 1e6 };
    expect(derive(s).eps).toBe(0.5 / (1e6 * derive(s).beta));
  });
});
