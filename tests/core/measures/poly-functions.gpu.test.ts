/** The polynomial model's function space on the GPU against a CPU classification of the same walkers. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_POLY_HOT_LADDER } from '../../../src/cli/args';
import { polynomialLandscape } from '../../../src/core/landscapes/models/polynomial';
import {
  defaultCurveWindow,
  MONOMIALS,
  polyFunctionSpace,
  sharesStartsZ,
} from '../../../src/core/measures/poly-functions';
import { exactShares } from '../../../src/core/measures/which-function';
import { wbicBeta } from '../../../src/core/posterior';
import { WalkerEngine } from '../../../src/core/walkers/walker-engine';
import { cli } from '../../helpers/cli';
import { device, noGpu } from '../../helpers/gpu';

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
      const byStart = [
        [0, 0, 0, 0, 0],
        [0, 0, 0, 0, 0],
      ];
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
        byStart[i % 2][best]++;
        const { columns: cols, xMin, xMax, yMin, yMax } = defaultCurveWindow;
        for (let col = 0; col < cols; col++) {
          const x = xMin + ((col + 0.5) * (xMax - xMin)) / cols;
          const y = c[0] + x * (c[1] + x * (c[2] + x * (c[3] + x * c[4])));
          if (y >= yMin && y < yMax) columns[col]++;
        }
      }
      expect(space.nearest).toEqual(want);
      // Per start (even walkers, odd walkers), as the app's mixing flag reads them.
      expect(space.nearestByStart).toEqual(byStart);
      expect(space.startsZ).toBe(sharesStartsZ(byStart[0], byStart[1]));
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

/**
 * Issue 11: the nearest-monomial shares of poly (1,2,3,4,5) on (1, 1) mix. Every monomial's zero set
 * has the same loss, so the loss's R̂ cannot tell walkers that stayed near the start's monomial from
 * mixed ones; the shares carry their own R̂ (snapshots after each sampling batch), and llc runs the
 * polynomial model with hot replicas (DEFAULT_POLY_HOT_LADDER) that carry walkers between monomials.
 * n = 100 (nβ = 21.7) keeps the run short. SE of a measured share: the walkers' time averages over
 * the 20 batch snapshots as independent draws, sd/√N (function_shares_se); the reference's own SE
 * is the delta-method SE of its self-normalised importance sampler. Tolerance 5 SE, seeds fixed.
 */
describe.skipIf(noGpu)('polynomial shares from both starts', () => {
  const flags = ['--model', 'poly:1,2,3,4,5', '--n', '100', '--walkers', '128', '--json', '--quiet'];
  const shares = (o: {
    function_shares: Record<string, number>;
    function_shares_se: Record<string, number>;
  }) => ({
    p: MONOMIALS.map((f) => o.function_shares[f]),
    se: MONOMIALS.map((f) => o.function_shares_se[f]),
  });

  it('from the prior and from w* agree with each other and with the exact i.i.d. reference', async () => {
    const run = ['--steps', '1000', '--burnin', '400', '--seed', '1'];
    const prior = await cli('llc', ...flags, ...run, '--init', 'prior');
    const wstar = await cli('llc', ...flags, ...run, '--init', 'wstar');
    expect(prior.code).toBe(0);
    expect(wstar.code).toBe(0);
    const a = JSON.parse(prior.stdout);
    const b = JSON.parse(wstar.stdout);
    expect(a.hot_ladder).toHaveLength(DEFAULT_POLY_HOT_LADDER);
    const ref = exactShares([1, 2, 3, 4, 5], [{ x: 1, y: 1 }], {
      n: 100,
      beta: wbicBeta(100),
      sigma: 1,
      prior: { kind: 'box', scale: 2 },
      samples: 30000,
      seed: 5,
    });
    const sa = shares(a);
    const sb = shares(b);
    for (let k = 0; k < 5; k++) {
      expect(Math.abs(sa.p[k] - sb.p[k])).toBeLessThan(5 * Math.hypot(sa.se[k], sb.se[k]));
      for (const s of [sa, sb])
        expect(Math.abs(s.p[k] - ref.shares[k])).toBeLessThan(5 * Math.hypot(s.se[k], ref.se[k]));
    }
    for (const o of [a, b]) {
      expect(o.shares_rhat).toBeLessThan(1.05);
      expect(o.converged).toBe(true);
    }
  }, 240_000);

  it('without the hot replicas, a run from w* says its shares have not mixed', async () => {
    const r = await cli(
      'llc',
      ...flags,
      ...['--steps', '400', '--burnin', '200', '--seed', '1', '--init', 'wstar', '--hot-ladder', '0'],
    );
    expect(r.code).toBe(0);
    const o = JSON.parse(r.stdout);
    // The loss alone looks mixed; the shares do not.
    expect(o.rhat).toBeLessThan(1.05);
    expect(o.shares_rhat ?? Number.POSITIVE_INFINITY).toBeGreaterThanOrEqual(1.05);
    expect(o.converged).toBe(false);
    expect(r.stderr).toMatch(/not converged/);
  }, 120_000);
});
