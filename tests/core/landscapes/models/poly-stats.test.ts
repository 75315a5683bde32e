/**
 * The polynomial model's sufficient-statistics reduction (poly-stats.ts): L_n from nine moments, a
 * least-squares expansion point and a residual term equals the plain sum over the data in f64, for
 * random datasets of many sizes and for singular moment matrices; and the quadrature and λ helpers of
 * the generalisation experiment.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mlpLandscape } from '../../../../src/core/landscapes/models/mlp';
import {
  lossFromStats,
  pivotedSolve,
  polyAt,
  polyStats,
} from '../../../../src/core/landscapes/models/poly-stats';
import { polynomialLandscape } from '../../../../src/core/landscapes/models/polynomial';
import { gaussHermite } from '../../../../src/core/landscapes/quadrature';
import { polyDataset, polyLambda } from '../../../../src/core/measures/generalisation';

const plain = (data: { x: number; y: number }[], c: number[], sigma: number) =>
  data.reduce((s, p) => s + (polyAt(c, p.x) - p.y) ** 2, 0) / (data.length * 2 * sigma * sigma);

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(1e-300, Math.abs(b));

describe('polynomial sufficient statistics', () => {
  it('give the plain-sum loss for random data and coefficients (property, f64)', () => {
    const point = fc.record({
      x: fc.double({ min: -1.5, max: 1.5, noNaN: true }),
      y: fc.double({ min: -3, max: 3, noNaN: true }),
    });
    const coeffs = fc.array(fc.double({ min: -4, max: 4, noNaN: true }), { minLength: 5, maxLength: 5 });
    fc.assert(
      fc.property(fc.array(point, { minLength: 1, maxLength: 300 }), coeffs, (data, c) => {
        const s = polyStats(data);
        // The identity is exact; what is left is f64 rounding of terms of size |c|²·max μ.
        const scale = 1 + plain(data, c, 1) + c.reduce((a, v) => a + v * v, 0) * Math.max(...s.mu);
        expect(Math.abs(lossFromStats(s, c, 1) - plain(data, c, 1)) / scale).toBeLessThan(1e-12);
      }),
      { numRuns: 300, seed: 2026 },
    );
  });

  it('handle the singular single point (1, 1): c₀ = (1, 0, 0, 0, 0), zero loss at the constant fit', () => {
    const s = polyStats([{ x: 1, y: 1 }]);
    expect(s.c0).toEqual([1, 0, 0, 0, 0]);
    expect(s.s0).toBe(0);
    expect(s.r).toEqual([0, 0, 0, 0, 0]);
    for (const c of [
      [1, 0, 0, 0, 0],
      [0.3, -0.2, 0.5, 1.1, -0.7],
      [2, 2, 2, 2, 2],
    ])
      expect(lossFromStats(s, c, 0.7)).toBeCloseTo(plain([{ x: 1, y: 1 }], c, 0.7), 14);
  });

  it('handle rank-deficient moments (two distinct inputs, repeated) and a 1000-point noisy dataset', () => {
    const two = Array.from({ length: 40 }, (_, i) => ({ x: i % 2 ? 0.5 : -0.25, y: i % 3 }));
    const s2 = polyStats(two);
    // A least-squares fit: the residual term vanishes to rounding.
    expect(Math.max(...s2.r.map(Math.abs))).toBeLessThan(1e-6);
    const big = polyDataset([1, 1, 1, 1, 1], 0.5, 3, 0, 1000);
    const s = polyStats(big);
    expect(s.n).toBe(1000);
    for (const c of [
      [1, 0, 0, 0, 0],
      [0.9, 0.1, -0.3, 0.2, 0.05],
      [-2, 3, 1, -1, 2],
    ])
      expect(rel(lossFromStats(s, c, 0.5), plain(big, c, 0.5))).toBeLessThan(1e-11);
    // The least-squares minimum s₀/(2σ²) is close to the noise level 1/2 and below the truth's loss.
    expect(s.s0 / (2 * 0.25)).toBeLessThan(plain(big, [1, 0, 0, 0, 0], 0.5));
    expect(s.s0 / (2 * 0.25)).toBeGreaterThan(0.4);
  });

  it('solves full-rank systems exactly and leaves unpivoted coefficients at 0', () => {
    const a = [
      [4, 1, 0],
      [1, 3, 1],
      [0, 1, 2],
    ];
    const x = pivotedSolve(a, [1, 2, 3]);
    for (const [i, row] of a.entries())
      expect(row.reduce((s, v, j) => s + v * x[j], 0)).toBeCloseTo([1, 2, 3][i], 12);
    expect(
      pivotedSolve(
        [
          [1, 1],
          [1, 1],
        ],
        [2, 2],
      ),
    ).toEqual([2, 0]);
  });

  it('keeps the polynomial landscape’s twin the plain sum and its uniforms a fixed size for any n', () => {
    const data = polyDataset([1, 2, 3, 4, 5], 1, 9, 2, 5000);
    const l = polynomialLandscape([1, 2, 3, 4, 5], data);
    expect(l.uniforms!([1]).length).toBe(8 + 20);
    const w = Array.from({ length: 15 }, (_, j) => Math.sin(j + 1));
    const c = [
      w[0],
      w[1] * w[2],
      w[3] * w[4] * w[5],
      w[6] * w[7] * w[8] * w[9],
      w[10] * w[11] * w[12] * w[13] * w[14],
    ];
    expect(rel(l.loss(w, [1]), plain(data, c, 1))).toBeLessThan(1e-14);
  });
});

describe('generalisation helpers', () => {
  it('Gauss–Hermite integrates e^(−z²)·z^k exactly for k < 2·order', () => {
    const { x, w } = gaussHermite(16);
    const moment = (k: number) => x.reduce((s, z, i) => s + w[i] * z ** k, 0) / Math.sqrt(Math.PI);
    // E[Z^k] for Z ~ N(0, 1/2): (k − 1)!!/2^(k/2).
    expect(moment(0)).toBeCloseTo(1, 12);
    expect(moment(2)).toBeCloseTo(0.5, 12);
    expect(moment(8)).toBeCloseTo(105 / 16, 10);
    expect(moment(7)).toBeCloseTo(0, 12);
  });

  it('λ of the polynomial model counts the blocks with parameters', () => {
    expect(polyLambda([1, 2, 3, 4, 5])).toBe(2.5);
    expect(polyLambda([1, 1, 1, 1, 1])).toBe(2.5);
    expect(polyLambda([2, 0, 3, 0, 1])).toBe(1.5);
  });

  it('draws nested datasets: dataset k of size n is the first n points of size N', () => {
    const small = polyDataset([1, 1, 1, 1, 1], 1, 5, 3, 10);
    const large = polyDataset([1, 1, 1, 1, 1], 1, 5, 3, 50);
    expect(large.slice(0, 10)).toEqual(small);
    expect(polyDataset([1, 1, 1, 1, 1], 1, 5, 4, 10)).not.toEqual(small);
    expect(small.every((p) => Math.abs(p.x) < 1)).toBe(true);
  });

  it('mlp sample option: noiseless dataset 0 of the teacher seed is the default data; noise changes it', () => {
    const o = { inputs: 1, width: 4, teacherWidth: 3, activation: 'tanh' as const, points: 20, dataSeed: 7 };
    const w = Array.from({ length: 12 }, (_, j) => Math.cos(j));
    const base = mlpLandscape(o).loss(w, [1, 1]);
    expect(mlpLandscape({ ...o, sample: { seed: 7, dataset: 0, noise: 0 } }).loss(w, [1, 1])).toBe(base);
    expect(mlpLandscape({ ...o, sample: { seed: 7, dataset: 0, noise: 0.5 } }).loss(w, [1, 1])).not.toBe(
      base,
    );
    expect(() => mlpLandscape({ ...o, sample: { seed: 7, dataset: 0, noise: -1 } })).toThrow(/noise/);
  });
});
