/**
 * The CPU translation of a landscape's WGSL against the GPU's own evaluation of that WGSL
 * (src/core/landscapes/landscape-eval.ts) at the same f32 points: the arithmetic built-ins to a few
 * ulp (the same f32 operations in the same order; a GPU may fuse a multiply-add), formulas and
 * models with transcendentals to float32 accuracy (neither side's exp/log/tanh is correctly rounded).
 */
import { describe, expect, it } from 'vitest';
import { formulaLandscape } from '../../src/core/landscapes/formula/landscape';
import { evaluateLandscape } from '../../src/core/landscapes/landscape-eval';
import { type Landscape, landscapes } from '../../src/core/landscapes/landscapes';
import { mlpLandscape } from '../../src/core/landscapes/models/mlp';
import { polynomialLandscape } from '../../src/core/landscapes/models/polynomial';
import { philox4x32_10, uniformOpen01 } from '../../src/core/rng';
import { landscapeWat } from '../../src/cpu/landscape-wat';
import { device, noGpu } from '../helpers/gpu';
import { watEvaluator } from './landscape-wat-harness';

const f32 = Math.fround;

function seededPoints(d: number, count: number, s: number, seed: number): number[][] {
  return Array.from({ length: count }, (_, i) =>
    Array.from({ length: d }, (_, j) =>
      f32(s * (2 * uniformOpen01(philox4x32_10([i, j, 0, 0], [seed, 0])[0]) - 1)),
    ),
  );
}

/** Units in the last place of f32 at x (the spacing of f32 values near |x|; subnormal floor). */
function ulp(x: number): number {
  const a = Math.max(Math.abs(x), 2 ** -126);
  return 2 ** (Math.floor(Math.log2(a)) - 23);
}

/** Largest difference WAT − GPU, in ulps of the GPU value and relative to 1 + |GPU value|. */
async function watVersusGpu(l: Landscape, params: number[], points: number[][]) {
  const r = landscapeWat(l);
  if ('unsupported' in r) throw new Error(r.unsupported);
  const cpu = (await watEvaluator(r)).evaluate(points.flat(), l.uniforms ? [...l.uniforms(params)] : params);
  const gpu = await evaluateLandscape(device!, { landscape: l, params }, points.flat());
  const worst = { ulps: 0, rel: 0, where: '' };
  const cmp = (a: number, b: number, what: string) => {
    expect(Number.isFinite(a), what).toBe(true);
    const ulps = Math.abs(a - b) / ulp(b);
    if (ulps > worst.ulps) [worst.ulps, worst.where] = [ulps, `${what}: cpu ${a}, gpu ${b}`];
    worst.rel = Math.max(worst.rel, Math.abs(a - b) / (1 + Math.abs(b)));
  };
  for (let i = 0; i < points.length; i++) cmp(cpu.loss[i], gpu.loss[i], `loss at ${points[i]}`);
  for (let k = 0; k < cpu.grad.length; k++)
    cmp(cpu.grad[k], gpu.grad[k], `grad ${k % l.dim} at ${points[Math.floor(k / l.dim)]}`);
  return worst;
}

describe.skipIf(noGpu)('landscape WAT against the GPU', () => {
  const paramSets: Record<string, number[][]> = {
    bowl: [[]],
    'min-crossing': [[]],
    crossing: [
      [1, 1],
      [2, 3],
      [3, 3],
    ],
    'sum-of-powers': [
      [1, 2],
      [3, 3],
    ],
    'phase-transition': [[0.01], [0.0625]],
  };
  for (const l of landscapes) {
    it(`${l.id}: within 4 ulp of the GPU at 1000 seeded points and the seams`, async () => {
      for (const params of paramSets[l.id]) {
        const points = seededPoints(2, 1000, 1.5, 23);
        points.push([0.5, 0.5], [-0.5, 0.5], [0, 0], [0.25, 0.3], [f32(Math.sqrt(f32(params[0] ?? 0))), 0.2]);
        const { ulps, where } = await watVersusGpu(l, params, points);
        // Measured: 0 ulp on SwiftShader everywhere. Same operations in the same order: 0 ulp unless the GPU contracts a·b + c into an fma (one
        // rounding fewer per contraction); ipow's chains of up to 12 products stay within 4.
        expect(ulps, `${params}: ${where}`).toBeLessThanOrEqual(4);
      }
    });
  }

  it("formulas and models: agree with the GPU to its transcendental functions' accuracy", async () => {
    const cases: [Landscape, number[], number[][]][] = [
      [formulaLandscape('sin(w1)*w2^2 + (w1*w2 - 1)^2'), [], seededPoints(2, 200, 1.2, 5)],
      [formulaLandscape('tanh(w1*w2) + softplus(w2) + exp(-w1^2)'), [], seededPoints(2, 200, 1.2, 6)],
      [formulaLandscape('w1^2*w2^2 + (w1 - w2)^3'), [], seededPoints(2, 200, 1.2, 9)],
      [
        mlpLandscape({ activation: 'tanh', inputs: 2, width: 4, teacherWidth: 3, points: 20 }),
        [0.5, 4],
        seededPoints(16, 50, 0.9, 7),
      ],
      [
        polynomialLandscape(
          [1, 2, 3, 4, 5],
          [
            { x: 1, y: 1 },
            { x: -0.5, y: 0.2 },
          ],
        ),
        [0.7],
        seededPoints(15, 50, 1.1, 8),
      ],
    ];
    for (const [l, params, points] of cases) {
      const { rel, where } = await watVersusGpu(l, params, points);
      // Measured relative to 1 + |GPU value|: Vulkan lets sin/cos err by 2^-11 absolute (SwiftShader's
      // are ~2e-4 relative, the toolkit's ~1e-7), and gradients multiply that by O(1) factors, so
      // 2e-3; a wrong rule, index or branch is off by O(1).
      expect(rel, `${l.title}: ${where}`).toBeLessThan(2e-3);
    }
  });
});
