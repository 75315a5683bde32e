import { describe, expect, it } from 'vitest';
import { sharesStartsZ } from '../../../src/core/measures/poly-functions';

describe('sharesStartsZ (the app polynomial panel’s mixing flag)', () => {
  it('is 0 for identical halves and for shares of 0 or 1 in both', () => {
    expect(sharesStartsZ([10, 20, 30, 0, 40], [10, 20, 30, 0, 40])).toBe(0);
    expect(sharesStartsZ([50, 0, 0, 0, 0], [70, 0, 0, 0, 0])).toBe(0);
    expect(sharesStartsZ([0, 0, 0, 0, 0], [3, 1, 0, 0, 0])).toBe(0);
  });

  it('is the two-proportion z of the worst monomial', () => {
    // Shares 0.6 vs 0.4 of 100 each on the first monomial: pooled 0.5, SE √(0.25·0.02) = 0.0707.
    const z = sharesStartsZ([60, 40, 0, 0, 0], [40, 60, 0, 0, 0]);
    expect(z).toBeCloseTo(0.2 / Math.sqrt(0.25 * 0.02), 10);
  });

  it('flags the issue’s unmixed w* start (52.7 % vs the prior’s 32 % on the constant) at 16,384 walkers', () => {
    const n = 8192;
    const wstar = [0.527, 0.17, 0.12, 0.106, 0.077].map((p) => Math.round(p * n));
    const prior = [0.322, 0.235, 0.18, 0.144, 0.119].map((p) => Math.round(p * n));
    expect(sharesStartsZ(wstar, prior)).toBeGreaterThan(5);
    // Two halves of one mixed population: binomial noise only, far below 5.
    expect(
      sharesStartsZ(
        prior,
        prior.map((c, k) => c + (k === 0 ? 20 : k === 1 ? -20 : 0)),
      ),
    ).toBeLessThan(2);
  });
});
