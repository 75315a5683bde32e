import { describe, expect, it } from 'vitest';
import { findLandscape } from '../../../src/core/landscapes/landscapes';
import { certainly, exactExpectations2D } from '../../../src/core/landscapes/quadrature';
import { fitLadder, ladderCurve, temperatureLadder } from '../../../src/core/measures/ladder';

/**
 * Exact nβ·E_β[L] by the certified quadrature (tolerance 1e-7) at each rung of the ladder around
 * n, with the oracle's own error bound as the SE.
 */
function exactLadder(id: string, params: number[], n: number, span = 4, k = 8) {
  const landscape = findLandscape(id)!;
  return temperatureLadder(n, k, 1 / Math.log(n), span).map((nbeta) => {
    const e = exactExpectations2D(
      { landscape, params, n: nbeta, beta: 1, gamma: 0, prior: { kind: 'box', scale: 1 }, wstar: [0, 0] },
      { tol: 1e-7 },
    );
    return { nbeta, value: certainly(e, 'nbetaLoss'), se: Math.max(e.nbetaLossErr, 1e-8) };
  });
}

describe('temperature ladder fit', () => {
  it('spans [nβ0/4, 4nβ0] log-uniformly', () => {
    const l = temperatureLadder(10000, 5);
    const nb0 = 10000 / Math.log(10000);
    expect(l[0]).toBeCloseTo(nb0 / 4, 8);
    expect(l[4]).toBeCloseTo(nb0 * 4, 8);
    expect(l[2]).toBeCloseTo(nb0, 8);
  });

  // The acceptance: on exact rung values, λ within 2 % and m within 0.15 for the four
  // normal crossings w1^(2a)·w2^(2b). The old model λ − (m−1)/log nβ + c/log² nβ gave m = 1.64 for
  // (2, 2) and λ = 0.273, m = 1.35 for (1, 2); the log family alone gives λ = 0.270, m = 1.30 there.
  for (const span of [4, 16]) {
    for (const [a, b] of [
      [1, 1],
      [1, 2],
      [2, 2],
      [1, 3],
    ]) {
      const lambda = 1 / (2 * Math.max(a, b));
      const m = a === b ? 2 : 1;
      it(`returns λ = ${lambda.toFixed(4)}, m = ${m} for w1^${2 * a}·w2^${2 * b} from exact values (span ${span})`, () => {
        const points = exactLadder('crossing', [a, b], 10000, span);
        const fit = fitLadder(points);
        expect(Math.abs(fit.lambda - lambda) / lambda).toBeLessThan(0.02);
        expect(Math.abs(fit.m - m)).toBeLessThan(0.15);
        expect(fit.model).toBe(a === b ? 'log' : 'power');
        // The family is the exact one: residuals at the oracle's error level, and for m = 2 the offset
        // c = −ψ(1/(2a)) (1.9635 for a = 1, 4.2274 for a = 2); for m = 1 the gap δ = 1/(2a) − 1/(2b).
        fit.residuals.forEach((r, i) => {
          expect(Math.abs(r)).toBeLessThan(10 * points[i].se + 1e-9);
        });
        if (a === b) expect(fit.c).toBeCloseTo(a === 1 ? 1.96351 : 4.22745, 3);
        else expect(fit.delta).toBeCloseTo(1 / (2 * a) - 1 / (2 * b), 3);
      });
    }
  }

  it('finds m = 1 for the regular bowl and the sum of powers (flat curves)', () => {
    for (const [id, params, lambda] of [
      ['bowl', [], 1],
      ['sum-of-powers', [1, 2], 0.75],
    ] as const) {
      const fit = fitLadder(exactLadder(id, [...params], 10000));
      expect(fit.lambda).toBeCloseTo(lambda, 4);
      expect(fit.m).toBeCloseTo(1, 3);
    }
  });

  it('recovers the coefficients of synthetic data from either family, with SEs that scale with the noise', () => {
    const ladder = temperatureLadder(1000, 8, 1 / Math.log(1000), 16);
    const log = ladder.map((nbeta) => ({ nbeta, value: 0.25 - 2 / (Math.log(nbeta) + 3), se: 0.01 }));
    const fit = fitLadder(log);
    expect(fit.model).toBe('log');
    expect(fit.lambda).toBeCloseTo(0.25, 6);
    expect(fit.m).toBeCloseTo(3, 5);
    expect(fit.c).toBeCloseTo(3, 4);
    for (const p of log) expect(ladderCurve(fit, Math.log(p.nbeta))).toBeCloseTo(p.value, 8);
    const tighter = fitLadder(log.map((p) => ({ ...p, se: 0.001 })));
    expect(tighter.lambdaSe).toBeCloseTo(fit.lambdaSe / 10, 6);
    const power = ladder.map((nbeta) => {
      const e = 0.7 * nbeta ** -0.3;
      return { nbeta, value: 0.4 - (0.3 * e) / (1 - e), se: 1e-4 };
    });
    const pf = fitLadder(power);
    expect(pf.model).toBe('power');
    expect(pf.lambda).toBeCloseTo(0.4, 5);
    expect(pf.delta).toBeCloseTo(0.3, 4);
    expect(pf.c).toBeCloseTo(0.7, 4);
  });
});

describe('ladder fit on a flat ladder (a regular minimum)', () => {
  it('holds c on its bound and gives m ≈ 1 with an SE conditional on it, not m ± 7', () => {
    // The GPU bowl ladder of tests/core/measures/ladder.gpu.test.ts (λ̂ = 1 within 0.0015 at every rung).
    const rungs: [number, number, number][] = [
      [67.8585, 1.000175, 0.001565],
      [149.844, 0.998983, 0.001462],
      [330.882, 1.001469, 0.001521],
      [730.646, 0.999739, 0.001549],
      [1613.4, 0.998038, 0.001566],
      [3562.67, 0.99911, 0.001515],
      [7867.02, 1.001878, 0.001423],
      [17371.8, 1.002273, 0.001549],
    ];
    const fit = fitLadder(rungs.map(([nbeta, value, se]) => ({ nbeta, value, se })));
    expect(Math.abs(fit.lambda - 1)).toBeLessThan(0.01);
    expect(fit.mSe).toBeLessThan(1);
    expect(Math.abs(fit.m - 1)).toBeLessThan(0.5 + 3 * fit.mSe);
    if (fit.model === 'log') expect(fit.cSe).toBeNull();
  });
});
