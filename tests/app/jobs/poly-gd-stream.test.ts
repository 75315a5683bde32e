/**
 * The app's polynomial GD counter (src/app/jobs/poly-gd-stream.ts) counts in chunks exactly what the
 * CLI's runPolySgd counts in one go: fit k is the same fit whatever the chunking, so the shares the
 * panel shows are the CLI's for the same seed.
 */
import { describe, expect, it } from 'vitest';
import { PolyGdCounter, polyGdConfigOf } from '../../../src/app/jobs/poly-gd-stream';
import { runPolySgd } from '../../../src/core/function-space/poly-sgd';
import { findPreset } from '../../../src/scene/presets';
import { defaultState } from '../../../src/scene/schema';

describe('polynomial GD counter', () => {
  const state = { ...defaultState(), ...findPreset('poly-gd-12345')!.state };
  const cfg = polyGdConfigOf(state);

  it('reads the preset: the CLI defaults of the post’s model', () => {
    expect(cfg).toMatchObject({
      m: [1, 2, 3, 4, 5],
      scale: 0.5,
      lr: 0.01,
      maxSteps: 1e5,
      tol: 1e-10,
      seed: 1,
    });
    expect(cfg.data).toEqual([{ x: 1, y: 1 }]);
  });

  it('counts in chunks exactly what runPolySgd counts at once, and stops at the target', () => {
    const runs = 24;
    const c = new PolyGdCounter(cfg);
    // A fake clock past the budget after every fit: one fit per call, the smallest chunk there is.
    let t = 0;
    const clock = () => (t += 10);
    for (let i = 0; i < 100 && c.runs < runs; i++) c.advance(runs, 5, clock);
    expect(c.runs).toBe(runs);
    c.advance(runs, 5, clock);
    expect(c.runs).toBe(runs);
    const ref = runPolySgd(cfg, runs);
    expect(c.converged).toBe(ref.converged);
    expect(c.nearest).toEqual(ref.nearest);
    const shares = c.shares();
    if (ref.converged === 0) expect(shares).toBeNull();
    else expect(shares!.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });
});
