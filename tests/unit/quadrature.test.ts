import { describe, expect, it } from 'vitest';
import { findLandscape } from '../../src/engine/landscapes';
import { type PosteriorSettings, wbicBeta } from '../../src/engine/posterior';
import { exactExpectations2D, gaussLegendre } from '../../src/engine/quadrature';

const settings = (id: string, n: number, params: number[], R = 1): PosteriorSettings => ({
  landscape: findLandscape(id)!,
  params,
  n,
  beta: wbicBeta(n),
  gamma: 0,
  prior: { kind: 'box', scale: R },
  wstar: [0, 0],
});

describe('quadrature oracle', () => {
  it('Gauss–Legendre integrates polynomials of degree 2·order − 1 exactly', () => {
    const { x, w } = gaussLegendre(10);
    const integral = (k: number) => x.reduce((s, xi, i) => s + w[i] * xi ** k, 0);
    expect(integral(0)).toBeCloseTo(2, 13);
    expect(integral(18)).toBeCloseTo(2 / 19, 13);
    expect(integral(7)).toBeCloseTo(0, 13);
  });

  it('reproduces the Gamma-integral identity nβ·E[w1^(2a) + w2^(2b)] = 1/(2a) + 1/(2b)', () => {
    // With a box wide enough that its edge carries negligible mass, the identity is exact.
    for (const [a, b, n] of [
      [1, 1, 1000],
      [1, 2, 10000],
      [2, 3, 100000],
    ]) {
      const e = exactExpectations2D(settings('sum-of-powers', n, [a, b], 1));
      // 1e-6: far below the 5-SE tolerances (~0.01) of the sampler tests that use this oracle.
      expect(e.nbetaLoss).toBeCloseTo(1 / (2 * a) + 1 / (2 * b), 6);
    }
  });

  it('gives the normal crossing its finite-n value below λ = 1/2 (the (m − 1)/log(nβ) bias)', () => {
    const e100 = exactExpectations2D(settings('crossing', 100, [1, 1]));
    const e1e4 = exactExpectations2D(settings('crossing', 10000, [1, 1]));
    expect(e100.nbetaLoss).toBeLessThan(0.5);
    expect(e1e4.nbetaLoss).toBeLessThan(0.5);
    expect(e1e4.nbetaLoss).toBeGreaterThan(e100.nbetaLoss);
    // Refining the grid does not move the value: the quadrature has converged.
    const fine = exactExpectations2D(settings('crossing', 10000, [1, 1]), { octaves: 44, order: 20 });
    expect(Math.abs(fine.nbetaLoss - e1e4.nbetaLoss)).toBeLessThan(1e-7);
  });
});
