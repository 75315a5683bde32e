/**
 * The visualiser's GPU kernels under Dawn: surface heights come from the landscape's own WGSL and
 * match its TypeScript twin; the exact cell masses match a closed form; the walker histogram bins
 * known points exactly (edges, outside points, NaN).
 */
import { describe, expect, it } from 'vitest';
import { findLandscape } from '../../src/core/landscapes/landscapes';
import { exactCellMass, surfaceHeights } from '../../src/gpu/grid-compute';
import { WalkerHistogram } from '../../src/gpu/walker-histogram';
import { device, noGpu } from '../helpers/gpu';

const erf = (x: number): number => {
  // Numerical Recipes erfc (Chebyshev fit), fractional error < 1.2e-7 everywhere.
  const t = 1 / (1 + 0.5 * Math.abs(x));
  const y =
    1 -
    t *
      Math.exp(
        -x * x -
          1.26551223 +
          t *
            (1.00002368 +
              t *
                (0.37409196 +
                  t *
                    (0.09678418 +
                      t *
                        (-0.18628806 +
                          t *
                            (0.27886807 +
                              t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
      );
  return x >= 0 ? y : -y;
};

describe.skipIf(noGpu)('visualiser kernels', () => {
  it('surface heights are the landscape WGSL loss on the grid (twin agrees to f32 rounding)', async () => {
    const landscape = findLandscape('crossing')!;
    const params = [2, 1];
    const res = 33;
    const win = { lo: [-1, -0.5], hi: [1, 1.5] } as const;
    const h = await surfaceHeights(
      device!,
      { landscape, params, nbeta: 1, gamma: 0, prior: { kind: 'box', scale: 1 }, wstar: [0, 0] },
      res,
      win,
    );
    expect(h.length).toBe(res * res);
    let worst = 0;
    for (let j = 0; j < res; j++) {
      for (let i = 0; i < res; i++) {
        const w = [-1 + (2 * i) / (res - 1), -0.5 + (2 * j) / (res - 1)];
        const want = landscape.loss(w, params);
        worst = Math.max(worst, Math.abs(h[j * res + i] - want) / Math.max(1e-6, Math.abs(want)));
      }
    }
    expect(worst).toBeLessThan(1e-5);
  });

  it('exact cell masses of the regular minimum match the Gaussian closed form', async () => {
    const landscape = findLandscape('bowl')!;
    const nbeta = 144.76;
    const half = 4 / Math.sqrt(nbeta);
    const bins = 24;
    const p = await exactCellMass(
      device!,
      { landscape, params: [], nbeta, gamma: 0, prior: { kind: 'box', scale: 1 }, wstar: [0, 0] },
      bins,
      { lo: [-half, -half], hi: [half, half] },
    );
    // exp(−nβ|w|²) is N(0, σ²I) with σ² = 1/(2nβ); cell mass = product of 1-D interval masses, renormalised
    // to the window.
    const s = Math.sqrt(1 / (2 * nbeta));
    const cdf = (x: number) => 0.5 * (1 + erf(x / (s * Math.SQRT2)));
    const edge = (k: number) => -half + (2 * half * k) / bins;
    const m1 = Array.from({ length: bins }, (_, k) => cdf(edge(k + 1)) - cdf(edge(k)));
    const z = m1.reduce((a, b) => a + b, 0) ** 2;
    let tv = 0;
    for (let j = 0; j < bins; j++)
      for (let i = 0; i < bins; i++) tv += Math.abs(p[j * bins + i] - (m1[i] * m1[j]) / z);
    expect(0.5 * tv).toBeLessThan(2e-3);
    // A box prior cuts mass outside [−R, R]²: a window half outside has zero mass there.
    const q = await exactCellMass(
      device!,
      { landscape, params: [], nbeta: 1, gamma: 0, prior: { kind: 'box', scale: 1 }, wstar: [0, 0] },
      4,
      { lo: [0, 0], hi: [2, 2] },
    );
    expect(q[3]).toBe(0);
    expect(q[0]).toBeGreaterThan(0);
  });

  it('the walker histogram bins known points, skipping outside and non-finite ones', async () => {
    const gpu = device!;
    const pts = new Float32Array([
      -0.99,
      -0.99, // bin (0, 0)
      0.99,
      -0.99, // bin (3, 0)
      0.1,
      0.6, // bin (2, 3)
      0.1,
      0.6, // again
      0.5,
      0.5, // on an inner edge: bin (3, 3)
      1.0,
      0.0, // on the upper edge: outside (bins are half-open)
      5,
      5, // outside
      Number.NaN,
      0, // non-finite
    ]);
    const buffer = gpu.createBuffer({
      size: pts.byteLength,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
    });
    gpu.queue.writeBuffer(buffer, 0, pts);
    const hist = await WalkerHistogram.create(gpu, buffer, pts.length / 2, 2, 4);
    try {
      const h = await hist.read({ lo: [-1, -1], hi: [1, 1] });
      const want = new Uint32Array(16);
      want[0] = 1;
      want[3] = 1;
      want[3 * 4 + 2] = 2;
      want[3 * 4 + 3] = 1;
      expect(Array.from(h.counts)).toEqual(Array.from(want));
      expect(h.inside).toBe(5);
      // Reads can repeat (counts are cleared each time).
      expect((await hist.read({ lo: [-1, -1], hi: [1, 1] })).inside).toBe(5);
    } finally {
      hist.destroy();
      buffer.destroy();
    }
  });
});
