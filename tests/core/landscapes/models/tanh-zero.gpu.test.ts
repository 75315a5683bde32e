/**
 * The tanh calibration model's WGSL (shaders/models/tanh-zero.wgsl) against its TypeScript twin: the
 * shader calibrate runs for λ = (H + i² + i)/(4i + 2) (the formula version of H = 3 never compiled
 * on the software GPU).
 */
import { describe, expect, it } from 'vitest';
import { evaluateLandscape } from '../../../../src/core/landscapes/landscape-eval';
import { tanhZeroLandscape } from '../../../../src/core/landscapes/models/tanh-zero';
import { device, noGpu } from '../../../helpers/gpu';

describe.skipIf(noGpu)('tanh network with zero truth', () => {
  it('the WGSL matches its TypeScript twin (loss and gradient, H = 3)', async () => {
    const l = tanhZeroLandscape(3);
    const points = Array.from({ length: 6 }, (_, p) =>
      Array.from({ length: l.dim }, (_, i) => Math.sin(5 * p + i)),
    );
    const got = await evaluateLandscape(device!, { landscape: l, params: [] }, points.flat());
    for (const [p, w] of points.entries()) {
      expect(got.loss[p]).toBeCloseTo(l.loss(w, []), 5);
      const g = l.grad(w, []);
      for (let i = 0; i < l.dim; i++) expect(got.grad[p * l.dim + i]).toBeCloseTo(g[i], 4);
    }
  });
});
