/**
 * B_g from the pooled predictive (src/core/measures/generalisation/predictive.ts) where it is known in
 * closed form: walkers that all predict the truth give 0; walkers that all predict f₀ + σu give the KL
 * of two Gaussians of one variance, u²/2; non-finite predictions are left out of the mean.
 */
import { describe, expect, it } from 'vitest';
import { makeModel } from '../../../../src/core/measures/generalisation/data';
import { PredictiveAccumulator } from '../../../../src/core/measures/generalisation/predictive';

const sigma = 0.5;
const model = makeModel({ model: { kind: 'poly', m: [1, 1, 0, 0, 0] }, sigma, seed: 1, testPoints: 8 });
const truth = model.inputs.map((x) => model.truth(x));
/** Predictions of `walkers` walkers ([walker][input]), each at truth + offset. */
const block = (walkers: number, offset: number) =>
  Float32Array.from({ length: walkers * truth.length }, (_, i) => truth[i % truth.length] + offset);

describe('predictive accumulator', () => {
  it('gives B_g = 0 when every walker predicts the truth', () => {
    const acc = new PredictiveAccumulator(1, model, sigma, 16);
    acc.add(0, block(4, 0), 4);
    expect(acc.bayesError(0)).toBeCloseTo(0, 6);
  });

  it('gives u²/2 for a constant offset σu, per group', () => {
    const acc = new PredictiveAccumulator(2, model, sigma, 16);
    acc.add(0, block(3, 0.3 * sigma), 3);
    acc.add(1, block(5, -0.8 * sigma), 5);
    expect(acc.bayesError(0)).toBeCloseTo(0.3 ** 2 / 2, 5);
    expect(acc.bayesError(1)).toBeCloseTo(0.8 ** 2 / 2, 5);
  });

  it('leaves non-finite walkers out and is NaN with none', () => {
    const acc = new PredictiveAccumulator(1, model, sigma, 16);
    expect(acc.bayesError(0)).toBeNaN();
    const p = block(2, 0);
    p[0] = Number.NaN;
    acc.add(0, p, 2);
    expect(acc.counts[0]).toBe(1);
    expect(acc.bayesError(0)).toBeCloseTo(0, 6);
  });
});
