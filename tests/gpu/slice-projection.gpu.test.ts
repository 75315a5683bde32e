/**
 * Seeing d > 2 under Dawn: the surface of a slice is the landscape's own WGSL loss on the plane through
 * an origin along two parameter axes (the TypeScript twin agrees), and the slice projection copies
 * exactly those two coordinates of every walker.
 */
import { describe, expect, it } from 'vitest';
import { formulaLandscape } from '../../src/core/landscapes/formula/landscape';
import { polynomialLandscape } from '../../src/core/landscapes/models/polynomial';
import { surfaceHeights } from '../../src/gpu/grid-compute';
import { SliceProjection } from '../../src/gpu/slice-projection';
import { device, noGpu } from '../helpers/gpu';

describe.skipIf(noGpu)('slices of d > 2 landscapes', () => {
  it('slice heights of the 15-parameter polynomial match its twin on the plane through w*', async () => {
    const landscape = polynomialLandscape(
      [1, 2, 3, 4, 5],
      [
        { x: 1, y: 1 },
        { x: -0.5, y: 0.3 },
      ],
    );
    const origin = landscape.defaultWstar!.map((v, i) => v + 0.1 * Math.sin(i + 1));
    const params = [0.7];
    const res = 17;
    const win = { lo: [-1.5, -1], hi: [0.5, 2] } as const;
    for (const axes of [
      [1, 2],
      [14, 0],
      [5, 9],
    ] as const) {
      const h = await surfaceHeights(
        device!,
        { landscape, params, nbeta: 1, gamma: 0, prior: { kind: 'box', scale: 2 }, wstar: origin },
        res,
        win,
        { axes, origin },
      );
      let worst = 0;
      for (let j = 0; j < res; j++) {
        for (let i = 0; i < res; i++) {
          const w = [...origin];
          w[axes[0]] = -1.5 + (2 * i) / (res - 1);
          w[axes[1]] = -1 + (3 * j) / (res - 1);
          const want = landscape.loss(w, params);
          worst = Math.max(worst, Math.abs(h[j * res + i] - want) / Math.max(1e-4, Math.abs(want)));
        }
      }
      expect(worst, `axes ${axes}`).toBeLessThan(1e-4);
    }
  });

  it('rejects equal or out-of-range axes', async () => {
    const landscape = formulaLandscape('w1^2 + w2^2 * w3^2');
    const post = {
      landscape,
      params: [],
      nbeta: 1,
      gamma: 0,
      prior: { kind: 'box', scale: 1 },
      wstar: [0, 0, 0],
    } as const;
    const win = { lo: [-1, -1], hi: [1, 1] } as const;
    await expect(surfaceHeights(device!, post, 8, win, { axes: [1, 1], origin: [0, 0, 0] })).rejects.toThrow(
      /axes/,
    );
    await expect(surfaceHeights(device!, post, 8, win, { axes: [0, 3], origin: [0, 0, 0] })).rejects.toThrow(
      /axes/,
    );
    await expect(surfaceHeights(device!, post, 8, win)).rejects.toThrow(/slice/);
  });

  it('the projection writes the two chosen coordinates of every walker', async () => {
    const d = 7;
    const walkers = 300;
    const pos = new Float32Array(walkers * d).map((_, k) => k * 0.25 - 100);
    const positions = device!.createBuffer({
      size: pos.byteLength,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
    });
    device!.queue.writeBuffer(positions, 0, pos);
    const projected = device!.createBuffer({
      size: 8 * walkers,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC,
    });
    const staging = device!.createBuffer({
      size: 8 * walkers,
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
    const p = await SliceProjection.create(device!, positions, projected, walkers, d);
    try {
      p.setAxes([5, 2]);
      p.run();
      const enc = device!.createCommandEncoder();
      enc.copyBufferToBuffer(projected, 0, staging, 0, 8 * walkers);
      device!.queue.submit([enc.finish()]);
      await staging.mapAsync(GPUMapMode.READ);
      const out = new Float32Array(staging.getMappedRange().slice(0));
      for (let i = 0; i < walkers; i++) {
        expect(out[2 * i]).toBe(pos[i * d + 5]);
        expect(out[2 * i + 1]).toBe(pos[i * d + 2]);
      }
    } finally {
      p.destroy();
      for (const b of [positions, projected, staging]) b.destroy();
    }
  });
});
