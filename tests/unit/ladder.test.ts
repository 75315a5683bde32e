import { describe, expect, it } from 'vitest';
import { fitLadder, temperatureLadder } from '../../src/engine/ladder';
import { findLandscape } from '../../src/engine/landscapes';
import { certainly, exactExpectations2D } from '../../src/engine/quadrature';

/** Exact nβ·E_β[L] by quadrature at each rung of the default ladder around n. */
function exactLadder(id: string, params: number[], n: number, k = 8) {
  const landscape = findLandscape(id)!;
  return temperatureLadder(n, k).map((nbeta) => ({
    nbeta,
    value: certainly(
      exactExpectations2D({
        landscape,
        params,
        n: nbeta,
        beta: 1,
        gamma: 0,
        prior: { kind: 'box', scale: 1 },
        wstar: [0, 0],
      }),
      'nbetaLoss',
    ),
    se: 0.001,
  }));
}

describe('temperature ladder fit', () => {
  it('spans [nβ0/4, 4nβ0] log-uniformly', () => {
    const l = temperatureLadder(10000, 5);
    const nb0 = 10000 / Math.log(10000);
    expect(l[0]).toBeCloseTo(nb0 / 4, 8);
    expect(l[4]).toBeCloseTo(nb0 * 4, 8);
    expect(l[2]).toBeCloseTo(nb0, 8);
  });

  it('recovers λ ≈ 0.49 and m ≈ 1.9 from exact expectations of w1²w2² at n = 10^4', () => {
    const fit = fitLadder(exactLadder('crossing', [1, 1], 10000));
    expect(fit.lambda).toBeGreaterThan(0.47);
    expect(fit.lambda).toBeLessThan(0.51);
    expect(fit.m).toBeGreaterThan(1.8);
    expect(fit.m).toBeLessThan(2.1);
  });

  it('finds m = 1 for the regular bowl and the sum of powers', () => {
    for (const [id, params, lambda] of [
      ['bowl', [], 1],
      ['sum-of-powers', [1, 2], 0.75],
    ] as const) {
      const fit = fitLadder(exactLadder(id, [...params], 10000));
      expect(fit.lambda).toBeCloseTo(lambda, 2);
      expect(fit.m).toBeCloseTo(1, 1);
    }
  });

  it('recovers exact coefficients of synthetic data with standard errors that scale with the noise', () => {
    const points = temperatureLadder(1000, 8).map((nbeta) => {
      const x = 1 / Math.log(nbeta);
      return { nbeta, value: 0.25 - 2 * x + 3 * x * x, se: 0.01 };
    });
    const fit = fitLadder(points);
    expect(fit.lambda).toBeCloseTo(0.25, 8);
    expect(fit.m).toBeCloseTo(3, 8);
    expect(fit.c).toBeCloseTo(3, 8);
    const tighter = fitLadder(points.map((p) => ({ ...p, se: 0.001 })));
    expect(tighter.lambdaSe).toBeCloseTo(fit.lambdaSe / 10, 8);
  });
});
