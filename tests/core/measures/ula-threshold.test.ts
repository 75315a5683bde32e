/**
 * The ULA bias threshold (src/core/measures/burnin.ts, ulaAcceptanceForBias): the closed form 2Φ(−σ/2),
 * σ = h^{3/2}·√D/4, against a Monte Carlo of the exact MH log-ratio of ULA's move on a Gaussian,
 * Δ = (h/8)(|x|² − |y|²), x from ULA's own stationary law N(0, 1/(1 − h/4)), y = (1 − h/2)x + √h·ξ.
 */
import { describe, expect, it } from 'vitest';
import {
  ulaAcceptanceForBias,
  ulaAcceptanceThreshold,
  ulaTunedStep,
} from '../../../src/core/measures/burnin';
import { drawNormals, seedKey } from '../../../src/core/rng';

function monteCarloAcceptance(bias: number, dim: number, draws: number): { mean: number; se: number } {
  const h = (4 * bias) / (1 + bias);
  const sd = 1 / Math.sqrt(1 - h / 4);
  const key = seedKey(7);
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < draws; i++) {
    const x = drawNormals(key, i, 0, 0, dim).map((z) => sd * z);
    const xi = drawNormals(key, i, 1, 0, dim);
    let delta = 0;
    for (let j = 0; j < dim; j++) {
      const y = (1 - h / 2) * x[j] + Math.sqrt(h) * xi[j];
      delta += (h / 8) * (x[j] * x[j] - y * y);
    }
    const a = Math.min(1, Math.exp(delta));
    s += a;
    s2 += a * a;
  }
  const mean = s / draws;
  return { mean, se: Math.sqrt(Math.max(0, s2 / draws - mean * mean) / draws) };
}

describe('ULA bias threshold', () => {
  for (const dim of [1, 2, 5]) {
    for (const bias of [0.02, 0.05]) {
      it(`matches the exact Gaussian MH acceptance at ${100 * bias}% bias in ${dim}-D`, () => {
        const mc = monteCarloAcceptance(bias, dim, 100_000);
        const closed = ulaAcceptanceForBias(bias, dim);
        // The closed form is the small-h (Gaussian Δ) limit: its rejection rate 1 − α is within 10%
        // of the exact one here (h ≤ 0.19) for D ≥ 2, within 25% in 1-D (where Δ, a single product
        // of normals, is furthest from Gaussian), plus 5 Monte Carlo SE.
        const rel = dim === 1 ? 0.25 : 0.1;
        expect(Math.abs(mc.mean - closed)).toBeLessThan(rel * (1 - closed) + 5 * mc.se);
      });
    }
  }

  it('orders the levels: tuning target above the flag threshold, both below 1', () => {
    for (const dim of [1, 2, 10, 32]) {
      const flag = ulaAcceptanceThreshold(dim);
      const tune = ulaAcceptanceForBias(0.02, dim);
      expect(flag).toBeLessThan(tune);
      expect(tune).toBeLessThan(1);
    }
  });

  it('moves the ULA step toward its target by the ε^{3/2} law, at most 4× per round', () => {
    // Rejection 8× the target's: ε shrinks by 8^{2/3} = 4.
    expect(ulaTunedStep(1, 1 - 0.08, 1 - 0.01)).toBeCloseTo(0.25, 10);
    expect(ulaTunedStep(1, 1 - 0.01, 1 - 0.01)).toBeCloseTo(1, 10);
    expect(ulaTunedStep(1, 0, 1 - 0.01)).toBeCloseTo(0.25, 10);
    // No rejection seen in 10⁶ proposals: grow, by the 4× cap.
    expect(ulaTunedStep(1, 1, 1 - 0.01, 1e6)).toBe(4);
  });
});
