/**
 * The burn-in schedule of BURN_IN_POLICY (src/core/measures/burnin.ts): one tuning round per 25
 * steps, at most 40 ('standard', the CLI) or 12 ('light', the app's background jobs and
 * generalisation), one chunk when the step is not tuned; chunks split the steps exactly.
 */
import { describe, expect, it } from 'vitest';
import { BURN_IN_POLICY, burnInChunks, chunkSteps } from '../../../src/core/measures/burnin';

describe('burn-in schedule', () => {
  it('gives one tuning round per 25 steps, capped by the schedule', () => {
    expect(BURN_IN_POLICY.stepsPerRound).toBe(25);
    expect(burnInChunks(1000, true)).toBe(40);
    expect(burnInChunks(5000, true, 'standard')).toBe(40);
    expect(burnInChunks(500, true)).toBe(20);
    expect(burnInChunks(1000, true, 'light')).toBe(12);
    expect(burnInChunks(300, true, 'light')).toBe(12);
    expect(burnInChunks(200, true, 'light')).toBe(8);
  });

  it('runs at least one chunk, and exactly one when the step is fixed', () => {
    expect(burnInChunks(24, true)).toBe(1);
    expect(burnInChunks(0, true, 'light')).toBe(1);
    expect(burnInChunks(1000, false)).toBe(1);
    expect(burnInChunks(1000, false, 'light')).toBe(1);
  });

  it('splits steps into near-equal chunks that add up', () => {
    const parts = Array.from({ length: 7 }, (_, i) => chunkSteps(1000, 7, i));
    expect(parts.reduce((a, b) => a + b, 0)).toBe(1000);
    expect(Math.max(...parts) - Math.min(...parts)).toBeLessThanOrEqual(1);
  });
});
