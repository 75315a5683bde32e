/**
 * The pure pieces behind the app's temperature-ladder and free-energy analyses: the fitted ladder
 * curve, the asymptotic free energy, the tempered crossover of the phase-transition landscape, the
 * batch-means SE and the shared progress line.
 */
import { describe, expect, it } from 'vitest';
import { asymptoticFreeEnergy, temperedCrossover } from '../../../src/app/jobs/free-energy';
import { ladderCurve } from '../../../src/app/jobs/ladder-analysis';
import { predictedCrossover } from '../../../src/core/landscapes/landscapes';
import { fitLadder } from '../../../src/core/measures/ladder';
import { batchMeansSe } from '../../../src/core/measures/llc-run';
import { progressText } from '../../../src/core/progress-text';

describe('group analyses', () => {
  it('draws the fitted curve through noiseless ladder points', () => {
    const truth = { lambda: 0.5, m: 2, c: 0.7 };
    const points = [50, 120, 300, 800, 2000, 5000].map((nbeta) => {
      const x = Math.log(nbeta);
      return { nbeta, value: truth.lambda - (truth.m - 1) / (x + truth.c), se: 0.01 };
    });
    const fit = fitLadder(points);
    expect(fit.m).toBeCloseTo(2, 8);
    for (const p of points) expect(ladderCurve(fit, Math.log(p.nbeta))).toBeCloseTo(p.value, 8);
  });

  it('gives the asymptotic free energy nL(w*) + λ log n − (m−1) log log n', () => {
    const n = 1e4;
    expect(asymptoticFreeEnergy(n, 0, 0.5, 2)).toBeCloseTo(0.5 * Math.log(n) - Math.log(Math.log(n)), 12);
    expect(asymptoticFreeEnergy(n, 0.01, 1, 1)).toBeCloseTo(100 + Math.log(n), 12);
  });

  it('puts the tempered switch where n/log n reaches the Bayes crossover', () => {
    const n = temperedCrossover(0.01);
    expect(n / Math.log(n)).toBeCloseTo(predictedCrossover(0.01), 6);
    // ΔL = 0.01: Bayes crossover n ≈ 282, tempered (β = 1/log n) ≈ 2170.
    expect(n).toBeGreaterThan(2100);
    expect(n).toBeLessThan(2250);
  });

  it('computes the batch-means SE as sd(batch means)/√batches', () => {
    expect(batchMeansSe([1, 3])).toBeCloseTo(1, 12); // sd = √2, /√2
    expect(batchMeansSe([2, 2, 2, 2])).toBe(0);
    expect(batchMeansSe([1])).toBeNaN();
  });

  it('formats progress with counts and an ETA', () => {
    expect(progressText('ladder', 500, 2500, 10, 'steps')).toBe(
      'ladder:  20% 500/2500 steps, 10.0s elapsed, ETA 40.0s',
    );
    expect(progressText('ladder', 0, 2500, 0)).toContain('ETA ?');
  });
});
