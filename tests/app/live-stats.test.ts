/** The live statistics' arithmetic: cell shares and the TV distance to the exact masses (src/app/live-stats.ts). */
import { describe, expect, test } from 'vitest';
import { cellShares, tvDistance } from '../../src/app/live-stats';

describe('cellShares', () => {
  test('each cell over the walkers inside the window', () => {
    expect([...cellShares([1, 3, 0, 4], 8)]).toEqual([0.125, 0.375, 0, 0.5]);
  });
  test('all zero when no walker is inside', () => {
    expect([...cellShares([0, 0, 0], 0)]).toEqual([0, 0, 0]);
  });
});

describe('tvDistance', () => {
  test('half the L1 distance, and the noise of N exact draws: ½·Σ √(2p(1 − p)/(πN))', () => {
    const exact = [0.5, 0.25, 0.25];
    const { tv, noise } = tvDistance([0.25, 0.25, 0.5], exact, 100);
    expect(tv).toBeCloseTo(0.25, 15);
    const want = 0.5 * exact.reduce((a, p) => a + Math.sqrt((2 * p * (1 - p)) / (Math.PI * 100)), 0);
    expect(noise).toBeCloseTo(want, 15);
  });
  test('identical shares are at distance 0; the noise falls as 1/√N', () => {
    const p = [0.1, 0.2, 0.3, 0.4];
    expect(tvDistance(p, p, 400).tv).toBe(0);
    expect(tvDistance(p, p, 100).noise / tvDistance(p, p, 400).noise).toBeCloseTo(2, 12);
  });
});
