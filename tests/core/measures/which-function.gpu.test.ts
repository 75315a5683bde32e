/**
 * `which-function` and `calibrate` on the GPU (modest sizes, seeded): on the single point (1, 1)
 * every candidate's λ̂ is 1/2 and the walkers' shares equal the exact prior-volume reference; the
 * reduced-rank regression WGSL matches its TypeScript twin; bad flags are usage errors.
 */
import { describe, expect, it } from 'vitest';
import { evaluateLandscape } from '../../../src/core/landscapes/landscape-eval';
import { rrrLandscape } from '../../../src/core/landscapes/models/rrr';
import { cli, expectUsageError } from '../../helpers/cli';
import { device, noGpu } from '../../helpers/gpu';

describe.skipIf(noGpu)('which-function', () => {
  it('on (1, 1): λ̂ ≈ 1/2 at every candidate and the shares equal the prior-volume reference within 5 SE', async () => {
    const r = await cli(
      'which-function',
      '--n',
      '100',
      '--llc-n',
      '1000',
      '--walkers',
      '64',
      '--ladder',
      '0',
      '--steps',
      '500',
      '--burnin',
      '500',
      '--share-walkers',
      '512',
      '--samples',
      '30000',
      '--seed',
      '1',
      '--json',
      '--quiet',
    );
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.candidates).toHaveLength(5);
    for (const c of out.candidates) {
      expect(c.theory_lambda).toBe(0.5);
      expect(c.theory_m).toBe(1);
      // 5 SE, with a floor of 0.02 for the O(1/nβ) terms at nβ = 145 that the SE does not cover.
      expect(Math.abs(c.lambda_hat - 0.5)).toBeLessThan(Math.max(5 * c.lambda_hat_se, 0.02));
      // Every λ̂ row carries its mixing diagnostics, like any other result.
      expect(typeof c.converged).toBe('boolean');
      expect(c).toHaveProperty('rhat');
      expect(c).toHaveProperty('stuck');
    }
    expect(out.shares).toHaveLength(1);
    const s = out.shares[0];
    expect(s.exact).not.toBeNull();
    // The reference's own shares are the prior-volume values (≈ 32/24/18/14/12 %).
    expect(s.exact[0]).toBeGreaterThan(0.3);
    expect(s.exact[4]).toBeLessThan(0.14);
    expect(s.max_abs_z).toBeLessThan(5);
  }, 120_000);

  it('calibrate flags a case measured with too few steps as not converged, on stderr and in JSON', async () => {
    const r = await cli(
      'calibrate',
      '--only',
      '3',
      '--walkers',
      '16',
      '--ladder',
      '0',
      '--steps',
      '20',
      '--burnin',
      '20',
      '--seed',
      '2',
      '--json',
      '--quiet',
    );
    expect(r.code).toBe(0);
    const row = JSON.parse(r.stdout.trim().split('\n')[0]);
    expect(row.case).toBe(3);
    expect(row.converged).toBe(false);
    expect(r.stderr).toMatch(/not converged[\s\S]*case 3/);
    expect(['agrees', 'disagrees', 'below λ, m unknown']).toContain(row.theory_check);
  }, 120_000);

  it('the reduced-rank regression WGSL matches its TypeScript twin', async () => {
    const l = rrrLandscape({ M: 3, N: 2, H: 2, r: 1 });
    const points = Array.from({ length: 8 }, (_, p) =>
      l.defaultWstar!.map((x, i) => x + 0.3 * Math.sin(7 * p + i)),
    );
    const got = await evaluateLandscape(device!, { landscape: l, params: [1] }, points.flat());
    for (const [p, w] of points.entries()) {
      expect(got.loss[p]).toBeCloseTo(l.loss(w, [1]), 4);
      const g = l.grad(w, [1]);
      for (let i = 0; i < l.dim; i++) expect(got.grad[p * l.dim + i]).toBeCloseTo(g[i], 3);
    }
  });

  it('bad flags are usage errors naming the flag', async () => {
    expectUsageError(await cli('which-function', '--data', '1:1', '--spread', '5'), /--data and --spread/);
    expectUsageError(await cli('which-function', '--model', 'poly:1,2'), /--model/);
    expectUsageError(await cli('which-function', '--ladder', '2'), /--ladder/);
    expectUsageError(await cli('calibrate', '--only', '99'), /--only/);
    expectUsageError(await cli('llc', '--model', 'rrr:M=2,N=2,H=1'), /--model: rrr: r= is required/);
  });
});
