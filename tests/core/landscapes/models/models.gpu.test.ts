/**
 * Formula landscapes and models on the GPU: the generated WGSL against the TypeScript twin and
 * against central finite differences, and λ̂ of a formula against theory.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../../src/cli/main';
import { formulaLandscape } from '../../../../src/core/landscapes/formula/landscape';
import { evaluateLandscape } from '../../../../src/core/landscapes/landscape-eval';
import type { Landscape } from '../../../../src/core/landscapes/landscapes';
import { mlpLandscape } from '../../../../src/core/landscapes/models/mlp';
import { polynomialLandscape } from '../../../../src/core/landscapes/models/polynomial';
import { arbitraryFormula, centralDifference } from '../../../helpers/formulas';
import { device, noGpu } from '../../../helpers/gpu';

/** Largest relative disagreement of GPU loss and gradient with the twin at the points. */
async function gpuVersusTwin(landscape: Landscape, params: number[], points: number[][]) {
  const flat = points.flat();
  const gpu = await evaluateLandscape(device!, { landscape, params }, flat);
  const d = landscape.dim;
  let worst = 0;
  const rel = (a: number, b: number) => Math.abs(a - b) / (1 + Math.abs(b));
  points.forEach((w, i) => {
    worst = Math.max(worst, rel(gpu.loss[i], landscape.loss(w, params)));
    const g = landscape.grad(w, params);
    for (let j = 0; j < d; j++) worst = Math.max(worst, rel(gpu.grad[i * d + j], g[j]));
  });
  return { worst, gpu };
}

describe.skipIf(noGpu)('compiled formulas on the GPU', () => {
  it('agree with the TypeScript twin and finite differences for random smooth formulas (property)', async () => {
    // Each case compiles a pipeline (~50 ms on SwiftShader): 30 formulas × 8 points.
    const cases = fc.sample(
      fc.tuple(
        arbitraryFormula(3),
        fc.array(fc.array(fc.double({ min: -1.2, max: 1.2, noNaN: true }), { minLength: 3, maxLength: 3 }), {
          minLength: 8,
          maxLength: 8,
        }),
      ),
      { numRuns: 30, seed: 4242 },
    );
    for (const [src, points] of cases) {
      const l = formulaLandscape(src, { dim: 3 });
      const params = l.params.map((p) => (p.name === 'c0' ? 0.7 : -1.3));
      const { worst, gpu } = await gpuVersusTwin(l, params, points);
      // f32 vs f64 through a few transcendental functions: relative 1e-3 of (1 + |value|) is ample,
      // while a wrong rule or index is off by O(1).
      expect(worst, src).toBeLessThan(1e-3);
      points.forEach((w, i) => {
        const fd = centralDifference((x) => l.loss(x, params), w);
        for (let j = 0; j < 3; j++)
          expect(Math.abs(gpu.grad[i * 3 + j] - fd[j]) / (1 + Math.abs(fd[j])), src).toBeLessThan(1e-3);
      });
    }
  });

  it('changes a constant through the uniforms, not the shader', async () => {
    const l = formulaLandscape('a*w1^2 + w2^4');
    const [one, three] = [
      await evaluateLandscape(device!, { landscape: l, params: [1] }, [0.5, 0.5]),
      await evaluateLandscape(device!, { landscape: l, params: [3] }, [0.5, 0.5]),
    ];
    expect(one.loss[0]).toBeCloseTo(0.25 + 0.0625, 6);
    expect(three.loss[0]).toBeCloseTo(0.75 + 0.0625, 6);
  });

  it('surfaces shader compilation errors instead of failing silently', async () => {
    const broken: Landscape = {
      ...formulaLandscape('w1^2'),
      wgsl: 'fn loss(w: Vec) -> f32 { return w; }\nfn grad(w: Vec) -> Vec { return w; }',
    };
    await expect(evaluateLandscape(device!, { landscape: broken, params: [] }, [0, 0])).rejects.toThrow(
      /WGSL compilation failed[\s\S]*line \d+/,
    );
  });
});

describe.skipIf(noGpu)('the post’s polynomial model and tiny networks on the GPU', () => {
  const points = (d: number, count: number, scale: number) =>
    Array.from({ length: count }, (_, i) =>
      Array.from({ length: d }, (_, j) => scale * Math.sin(1.7 * i + 0.9 * j + 0.3)),
    );

  for (const m of [
    [1, 2, 3, 4, 5],
    [5, 4, 3, 2, 1],
  ]) {
    it(`poly m = (${m}): gradient equals finite differences in all 15 coordinates`, async () => {
      const l = polynomialLandscape(m, [
        { x: 1, y: 1 },
        { x: -0.5, y: 0.2 },
        { x: 0.3, y: -1 },
      ]);
      expect(l.dim).toBe(15);
      const ws = points(15, 16, 1.1);
      const { worst, gpu } = await gpuVersusTwin(l, [0.7], ws);
      expect(worst).toBeLessThan(1e-4);
      ws.forEach((w, i) => {
        const fd = centralDifference((x) => l.loss(x, [0.7]), w);
        for (let j = 0; j < 15; j++)
          expect(Math.abs(gpu.grad[i * 15 + j] - fd[j]) / (1 + Math.abs(fd[j]))).toBeLessThan(1e-4);
      });
      // w* (the constant fit) is a zero of the loss for the default data point (1, 1).
      const single = polynomialLandscape(m);
      expect(
        (await evaluateLandscape(device!, { landscape: single, params: [1] }, single.defaultWstar!)).loss[0],
      ).toBe(0);
    });
  }

  for (const act of ['tanh', 'relu', 'softplus'] as const) {
    it(`mlp (${act}, teacher 3, student 4): GPU loss and gradient equal the twin and finite differences`, async () => {
      const l = mlpLandscape({ activation: act, inputs: 2, width: 4, teacherWidth: 3, points: 20 });
      expect(l.dim).toBe(16);
      const ws = points(16, 12, 0.9);
      const params = [0.5, 4];
      const { worst, gpu } = await gpuVersusTwin(l, params, ws);
      expect(worst).toBeLessThan(1e-4);
      ws.forEach((w, i) => {
        const fd = centralDifference((x) => l.loss(x, params), w);
        for (let j = 0; j < 16; j++)
          expect(Math.abs(gpu.grad[i * 16 + j] - fd[j]) / (1 + Math.abs(fd[j]))).toBeLessThan(
            act === 'relu' ? 1e-3 : 1e-4,
          );
      });
      const zero = await evaluateLandscape(device!, { landscape: l, params: [0.5, 1] }, l.defaultWstar!);
      expect(zero.loss[0]).toBeLessThan(1e-10); // the embedded teacher fits its own data
    });
  }
});

describe.skipIf(noGpu)('occam-lens --formula', () => {
  it('measures λ̂ = 1/2 + 1/4 for w1^2 + w2^4 within 5 SE', async () => {
    let out = '';
    const code = await runCli(
      [
        'llc',
        '--formula',
        'w1^2 + w2^4',
        '--n',
        '1000',
        '--walkers',
        '2048',
        '--steps',
        '1500',
        '--burnin',
        '500',
        '--init',
        'prior',
        '--json',
        '--quiet',
      ],
      {
        stdout: (t) => {
          out += t;
        },
        stderr: { write: () => true },
        device: device!,
      },
    );
    expect(code).toBe(0);
    const r = JSON.parse(out);
    expect(r.formula).toBe('w1^2 + w2^4');
    expect(Math.abs(r.lambda_hat - 0.75)).toBeLessThan(5 * r.lambda_hat_se);
  });
});
