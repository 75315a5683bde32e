/** The polynomial model's function space on the GPU against a CPU classification of the same walkers. */
import { describe, expect, it } from 'vitest';
import { polynomialLandscape } from '../../src/engine/models/polynomial';
import { defaultCurveWindow, polyFunctionSpace } from '../../src/engine/poly-functions';
import { wbicBeta } from '../../src/engine/posterior';
import { WalkerEngine } from '../../src/engine/walker-engine';
import { device, noGpu } from '../helpers/gpu';

describe.skipIf(noGpu)('polynomial function space', () => {
  it('classifies walkers by nearest monomial exactly as the CPU does, and histograms their curves', async () => {
    const m = [1, 2, 3, 4, 5];
    const landscape = polynomialLandscape(m);
    const e = await WalkerEngine.create(device!, {
      landscape,
      params: [1],
      n: 100,
      beta: wbicBeta(100),
      gamma: 0,
      prior: { kind: 'box', scale: 1.5 },
      wstar: [...landscape.defaultWstar!],
      walkers: 4096,
      sampler: 'mala',
      eps: 1e-3,
      seed: 3,
    });
    try {
      e.reset('prior');
      e.advance(50);
      const space = await polyFunctionSpace(e);
      const xs = await e.readPositions();
      const want = [0, 0, 0, 0, 0];
      const f = Math.fround;
      const columns = new Array<number>(defaultCurveWindow.columns).fill(0);
      for (let i = 0; i < 4096; i++) {
        const c: number[] = [];
        let j = 0;
        for (const mk of m) {
          let p = 1;
          for (let t = 0; t < mk; t++) p = f(p * xs[i * 15 + j++]);
          c.push(p);
        }
        let best = 0;
        for (let k = 1; k < 5; k++) if (c[k] > c[best]) best = k;
        want[best]++;
        const { columns: cols, xMin, xMax, yMin, yMax } = defaultCurveWindow;
        for (let col = 0; col < cols; col++) {
          const x = xMin + ((col + 0.5) * (xMax - xMin)) / cols;
          const y = c[0] + x * (c[1] + x * (c[2] + x * (c[3] + x * c[4])));
          if (y >= yMin && y < yMax) columns[col]++;
        }
      }
      expect(space.nearest).toEqual(want);
      expect(space.shares.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
      // Column totals: curves inside the window. f32 vs f64 rounding can move a point across the
      // window's edge: allow 0.1% of all curve points.
      const got = Array.from({ length: defaultCurveWindow.columns }, (_, col) => {
        let s = 0;
        for (let r = 0; r < defaultCurveWindow.rows; r++)
          s += space.curves[r * defaultCurveWindow.columns + col];
        return s;
      });
      const diff = got.reduce((s, g, col) => s + Math.abs(g - columns[col]), 0);
      expect(diff).toBeLessThanOrEqual(0.001 * 4096 * defaultCurveWindow.columns);
      expect(got.reduce((a, b) => a + b, 0)).toBeGreaterThan(0.5 * 4096 * defaultCurveWindow.columns);
    } finally {
      e.destroy();
    }
  });
});
