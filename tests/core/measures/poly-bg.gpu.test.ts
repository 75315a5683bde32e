/**
 * The GPU generalisation measurement against its finite-n reference (issue 12, item 3): for the
 * post's (1,2,3,4,5) polynomial at n = 100 (σ = 1, box:2, the constant truth, the CLI's own data),
 * the walkers' E[n·B_g] agrees with the coefficient-space MCMC reference on the same datasets, both
 * within the combined 5 SE and dataset by dataset (the paired difference, within 5 of its SE). The
 * reference's own value, 1.31 ± 0.1 with 150 datasets, is tests/core/measures/poly-reference.test.ts.
 *
 * Walkers start at w* (--init wstar): with the CLI's default mixed start, the prior-started half does
 * not reach the posterior in 2000 burn-in steps at n = 100 (R̂ ≈ 81, 20 stuck walkers, flagged
 * "converged": false) and the measurement reads high (1.99 ± 0.54 against 1.35 on the same datasets).
 */
import { describe, expect, it } from 'vitest';
import { cli } from '../../helpers/cli';
import { noGpu } from '../../helpers/gpu';

describe.skipIf(noGpu)('generalisation of poly:1,2,3,4,5 at n = 100 vs the finite-n reference', () => {
  it('measures E[n·B_g] within 5 SE of the reference, combined and paired by dataset', async () => {
    const r = await cli(
      'generalisation',
      ...['--model', 'poly:1,2,3,4,5', '--n', '100', '--datasets', '8', '--walkers', '64'],
      ...['--init', 'wstar', '--ref-datasets', '8', '--seed', '1', '--json', '--quiet'],
    );
    expect(r.code, r.stderr).toBe(0);
    const row = JSON.parse(r.stdout.trim());
    expect([row.n, row.datasets, row.lambda_ref, row.ref_paired_datasets]).toEqual([100, 8, 2.5, 8]);
    // Mixed by R̂ and the starts test. At MALA's 0.57 target a walker or two of 512 can sit where the
    // model is sharpest (the curvature of c₄ = θ₁⋯θ₅ grows with the other coordinates' squares, up to
    // 2⁸ at the box's corner) and accept under 5 %: the product then says converged: false and warns
    // (its stuck rule allows 0.1 %), while the chains that B_g averages have mixed.
    expect(row.rhat).toBeLessThan(1.05);
    expect(Math.abs(row.starts_z)).toBeLessThan(5);
    expect(row.stuck).toBeLessThanOrEqual(2);
    if (!row.converged) expect(r.stderr).toMatch(/not converged \(n = 100: \d of 512 walkers stuck/);
    const se = Math.hypot(row.n_bg_se, row.ref_n_bg_se);
    expect(Math.abs(row.n_bg - row.ref_n_bg)).toBeLessThan(5 * se);
    // Paired on the same 8 datasets the spread between datasets (sd ≈ 1.4) cancels: the comparison
    // must be sharp enough to tell the finite-n value (≈ 1.3) from λ = 5/2, and then agree.
    expect(row.ref_paired_diff).toBeCloseTo(row.n_bg - row.ref_n_bg, 3);
    expect(5 * row.ref_paired_diff_se).toBeLessThan(2.5 - 1.31);
    expect(Math.abs(row.ref_paired_diff)).toBeLessThan(5 * row.ref_paired_diff_se);
    // Both sit well below λ = 5/2: λ/n is only the n → ∞ asymptote.
    expect(row.ref_n_bg).toBeLessThan(2);
    console.log(
      `poly:1,2,3,4,5 n = 100: n·B_g = ${row.n_bg} ± ${row.n_bg_se}, reference ${row.ref_n_bg} ± ${row.ref_n_bg_se}, paired difference ${row.ref_paired_diff} ± ${row.ref_paired_diff_se}`,
    );
  }, 300_000);
});
