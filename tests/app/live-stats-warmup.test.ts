/** The HUD's warm-up rule: live numbers are flagged for the CLI's default burn-in after a (re)start. */
import { describe, expect, it } from 'vitest';
import { warmupNote } from '../../src/app/live-stats';
import { BURN_IN_POLICY } from '../../src/core/measures/burnin';

describe('warmupNote', () => {
  it('flags the first defaultBurnin steps after the warm-up began, then clears', () => {
    const need = BURN_IN_POLICY.defaultBurnin;
    expect(need).toBe(1000);
    expect(warmupNote(0, 0)).toBe('burning in: step 0 of 1000');
    expect(warmupNote(999, 0)).toBe('burning in: step 999 of 1000');
    expect(warmupNote(1000, 0)).toBeNull();
    // A change of the posterior at step 5000 starts the count again from there.
    expect(warmupNote(5200, 5000)).toBe('burning in: step 200 of 1000');
    expect(warmupNote(6000, 5000)).toBeNull();
  });

  it('never counts negative steps (a reset lands before the step counter is read)', () => {
    expect(warmupNote(3, 10)).toBe('burning in: step 0 of 1000');
  });
});
