/**
 * The deep linear network on the GPU (issue 12, item 5): its WGSL matches the TypeScript twin, and λ̂
 * at the embedded teacher comes back to Aoyagi's exact λ within 5 % where m = 1 (so no (m − 1)/log nβ
 * bias at finite n).
 */
import { describe, expect, it } from 'vitest';
import { evaluateLandscape } from '../../../../src/core/landscapes/landscape-eval';
import { dlnLandscape } from '../../../../src/core/landscapes/models/dln';
import { dlnCase } from '../../../../src/core/measures/calibration';
import { measureLocalLambda } from '../../../../src/core/measures/local-lambda';
import { wbicBeta } from '../../../../src/core/posterior';
import { cli, expectUsageError } from '../../../helpers/cli';
import { device, noGpu } from '../../../helpers/gpu';

describe.skipIf(noGpu)('deep linear network', () => {
  it('the WGSL matches its TypeScript twin (loss and gradient, 3 and 1 layers)', async () => {
    for (const widths of [
      [3, 2, 2, 3],
      [2, 3],
      [1, 2, 3, 2, 1],
    ]) {
      const l = dlnLandscape({ widths, r: 1 });
      const points = Array.from({ length: 6 }, (_, p) =>
        l.defaultWstar!.map((x, i) => x + 0.3 * Math.sin(7 * p + i)),
      );
      const got = await evaluateLandscape(device!, { landscape: l, params: [0.7] }, points.flat());
      for (const [p, w] of points.entries()) {
        expect(got.loss[p]).toBeCloseTo(l.loss(w, [0.7]), 4);
        const g = l.grad(w, [0.7]);
        for (let i = 0; i < l.dim; i++) expect(got.grad[p * l.dim + i]).toBeCloseTo(g[i], 3);
      }
    }
  });

  it('λ̂ at 3x2x2x3, r = 1 is within 5 % of the exact λ = 3 (m = 1)', async () => {
    const c = dlnCase([3, 2, 2, 3], 1);
    expect([c.lambda, c.m]).toEqual([3, 1]);
    const n = 1e5;
    const r = await measureLocalLambda(device!, {
      landscape: c.landscape,
      params: [1],
      wstar: c.wstar,
      n,
      beta: wbicBeta(n),
      gamma: 1,
      prior: { kind: 'box', scale: 3 },
      sampler: 'mala',
      walkers: 64,
      steps: 600,
      burnin: 300,
      ladder: 0,
      span: 4,
      seed: 3,
    });
    // 5 % is the acceptance criterion; the SE must be small enough for it to mean something.
    expect(r.lambdaHatSe).toBeLessThan(0.05);
    expect(Math.abs(r.lambdaHat / c.lambda - 1)).toBeLessThan(0.05);
    console.log(
      `dln 3x2x2x3 r=1: λ̂ = ${r.lambdaHat.toFixed(4)} ± ${r.lambdaHatSe.toFixed(4)} (exact 3), ${r.seconds.toFixed(1)} s`,
    );
  }, 240_000);

  it('--model dln: bad specs are usage errors naming the flag', async () => {
    expectUsageError(await cli('llc', '--model', 'dln:widths=3x2'), /--model: dln: r= is required/);
    expectUsageError(await cli('llc', '--model', 'dln:widths=3x2x2,r=3'), /--model: dln: .*rank/);
    expectUsageError(await cli('llc', '--model', 'dln:widths=8x8,r=1'), /--model: dln: .*exceeds 32/);
  });
});
