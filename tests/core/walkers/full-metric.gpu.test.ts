/**
 * Full-covariance ensemble preconditioning (issue 11, item 3: --precondition full): a dense metric
 * M = L·Lᵀ from the walkers' covariance during burn-in, frozen for sampling, with MALA's Gaussian
 * density of that metric. Statistical checks use 5 standard errors and fixed seeds.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { formulaLandscape } from '../../../src/core/landscapes/formula/landscape';
import { metricFromCovariance } from '../../../src/core/measures/burnin';
import { runLlc } from '../../../src/core/measures/llc-run';
import { type PreconditionKind, WalkerEngine } from '../../../src/core/walkers/walker-engine';
import { cli } from '../../helpers/cli';
import { device, noGpu } from '../../helpers/gpu';
import { engineConfig } from '../../helpers/scenes';

const engines: WalkerEngine[] = [];
afterEach(() => {
  for (const e of engines.splice(0)) e.destroy();
});

/** A 2-D posterior with L = formula, nβ = 1 and a wide Gaussian prior N(0, σ²I). */
function gaussianScene(formula: string, sigma: number) {
  return {
    landscape: formulaLandscape(formula, { dim: 2 }),
    params: [],
    n: 2,
    beta: 0.5,
    gamma: 0,
    prior: { kind: 'gauss' as const, scale: sigma },
    wstar: [0, 0],
  };
}

/** The exact covariance of p ∝ exp(−wᵀQw − |w|²/(2σ²)) in 2-D: (2Q + I/σ²)⁻¹. */
function exactCovariance(q: number[][], sigma: number): number[][] {
  const a = 2 * q[0][0] + 1 / sigma ** 2;
  const b = 2 * q[0][1];
  const d = 2 * q[1][1] + 1 / sigma ** 2;
  const det = a * d - b * b;
  return [
    [d / det, -b / det],
    [-b / det, a / det],
  ];
}

/** Least-squares slope of y on x (both walker-indexed): the lag-k autocorrelation of an AR(1)-like chain. */
function slope(x: number[], y: number[]): number {
  const n = x.length;
  const mx = x.reduce((s, v) => s + v, 0) / n;
  const my = y.reduce((s, v) => s + v, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
  }
  return sxy / sxx;
}

describe.skipIf(noGpu)('full-covariance preconditioning', () => {
  it('factors a regularised covariance exactly (host side, f64)', () => {
    const cov = [
      [4, 1.9],
      [1.9, 1],
    ];
    const { diag, factor } = metricFromCovariance(cov);
    // M = C/mean(diag C) + I/1000, and L·Lᵀ must reproduce it.
    const s = 2.5;
    const m = [
      [4 / s + 1e-3, 1.9 / s],
      [1.9 / s, 1 / s + 1e-3],
    ];
    const [l00, l10, l11] = factor;
    expect(l00 * l00).toBeCloseTo(m[0][0], 12);
    expect(l10 * l00).toBeCloseTo(m[1][0], 12);
    expect(l10 * l10 + l11 * l11).toBeCloseTo(m[1][1], 12);
    expect(diag).toEqual([m[0][0], m[1][1]]);
    // A collapsed population has no shape: identity, not a singular factor.
    expect(
      metricFromCovariance([
        [0, 0],
        [0, 0],
      ]).factor,
    ).toEqual([1, 0, 1]);
  });

  it('samples a correlated Gaussian exactly: means and covariance within 5 SE', async () => {
    // L = 100·(w1 + 0.95·w2)² + (w1 − w2)²: a narrow valley at ~45°, the two directions' scales ~10:1.
    const sigma = 10;
    const p = gaussianScene('100*(w1 + 0.95*w2)*(w1 + 0.95*w2) + (w1 - w2)*(w1 - w2)', sigma);
    const q = [
      [100 + 1, 95 - 1],
      [95 - 1, 100 * 0.95 ** 2 + 1],
    ];
    const exact = exactCovariance(q, sigma);
    const walkers = 4096;
    const e = await WalkerEngine.create(
      device!,
      engineConfig(p, walkers, 'mala', { seed: 7, precondition: 'full' }),
    );
    engines.push(e);
    await runLlc(e, { ...e.settings, steps: 20, burnin: 600, init: 'wstar', tuneStep: true });
    // The metric was fitted: a dense factor with a clearly non-zero off-diagonal (the valley's tilt).
    const f = e.settings.metricFactor?.[0];
    expect(f).toBeDefined();
    expect(Math.abs(f![1])).toBeGreaterThan(0.3 * f![0]);
    const xs = await e.readPositions();
    // The walkers' final positions are independent draws (one per walker, each chain equilibrated).
    const n = xs.length / 2;
    const mean = [0, 0];
    for (let i = 0; i < n; i++) for (const j of [0, 1]) mean[j] += xs[2 * i + j] / n;
    for (const j of [0, 1]) expect(Math.abs(mean[j])).toBeLessThan(5 * Math.sqrt(exact[j][j] / n));
    // Sample covariance (about the exact mean 0) vs exact: Var(x_j·x_k) = Σ_jj·Σ_kk + Σ_jk² for a Gaussian.
    for (const [j, k] of [
      [0, 0],
      [0, 1],
      [1, 1],
    ]) {
      let c = 0;
      for (let i = 0; i < n; i++) c += (xs[2 * i + j] * xs[2 * i + k]) / n;
      const se = Math.sqrt((exact[j][j] * exact[k][k] + exact[j][k] ** 2) / n);
      expect(Math.abs(c - exact[j][k])).toBeLessThan(5 * se);
    }
  });

  it('mixes an elongated rotated valley far faster than diag (ESS per step), and a snapshot restores the metric', async () => {
    // L = 100·(w1 − w2)² + 0.1·(w1 + w2)²: precisions 400 and 0.4 (+0.01 from the prior) along the
    // diagonals, condition ~10³. Both coordinates have the same variance, so diag's metric is ~I and
    // cannot help; the full metric makes the target nearly isotropic.
    const p = gaussianScene('100*(w1 - w2)*(w1 - w2) + 0.1*(w1 + w2)*(w1 + w2)', 10);
    const walkers = 2048;
    const project = (xs: Float32Array) =>
      Array.from({ length: xs.length / 2 }, (_, i) => (xs[2 * i] + xs[2 * i + 1]) / Math.SQRT2);
    const essPerStep = async (precondition: PreconditionKind) => {
      const e = await WalkerEngine.create(
        device!,
        engineConfig(p, walkers, 'mala', { seed: 11, precondition }),
      );
      engines.push(e);
      await runLlc(e, { ...e.settings, steps: 20, burnin: 600, init: 'wstar', tuneStep: true });
      // The slow direction (1,1)/√2 after burn-in, 1 and 25 frozen-metric steps later. The regression
      // slope of x_{t+k} on x_t is the lag-k autocorrelation ρ_k for an AR(1)-like chain even before the
      // slow direction has equilibrated; τ = (1 + ρ)/(1 − ρ) with ρ the per-step ρ (from lag 25 where it is
      // well above noise, else lag 1), ESS/step = 1/τ.
      const x0 = project(await e.readPositions());
      await e.run(1);
      const x1 = project(await e.readPositions());
      await e.run(24);
      const x25 = project(await e.readPositions());
      const r25 = slope(x0, x25);
      const rho = r25 > 0.2 ? r25 ** (1 / 25) : Math.max(slope(x0, x1), 0);
      return { ess: (1 - rho) / (1 + rho), engine: e };
    };
    const diag = await essPerStep('diag');
    const full = await essPerStep('full');
    console.log(
      `rotated valley ESS/step: full ${full.ess.toFixed(4)}, diag ${diag.ess.toFixed(5)}, ratio ${(full.ess / diag.ess).toFixed(1)}`,
    );
    // The expected gain is ~the condition number's square root or more (≈ 30×); 5× is a wide margin.
    expect(full.ess).toBeGreaterThan(5 * diag.ess);

    // Checkpoint/resume: a new engine restored from a snapshot holds the same dense metric and
    // continues the run bit for bit (the same seed, the same RNG counters).
    const a = full.engine;
    const snap = await a.snapshot();
    expect(snap.metricFactor?.[0]).toEqual(a.settings.metricFactor?.[0]);
    const b = await WalkerEngine.create(
      device!,
      engineConfig(p, walkers, 'mala', { seed: 11, precondition: 'full' }),
    );
    engines.push(b);
    b.restore(snap);
    expect(b.settings.metricFactor).toEqual(a.settings.metricFactor);
    await a.run(10);
    await b.run(10);
    expect(Array.from(await b.readPositions())).toEqual(Array.from(await a.readPositions()));
  });

  it('gives the exact λ̂ of a correlated 10-D Gaussian (loops not unrolled past D = 8)', async () => {
    // L = Σ_i (w_i − 0.9·w_{i+1})² (cyclic): Q = (I − 0.9P)ᵀ(I − 0.9P), eigenvalues
    // q_k = 1 − 1.8·cos(2πk/10) + 0.81 (0.01 to 3.61). With U = nβ·L + |w|²/(2σ²), exactly
    // E[nβ·L] = ½·Σ_k a_k/(a_k + 1/σ²), a_k = 2nβ·q_k. (diag, same settings: 12.17 ± 0.79, R̂ 3.9.)
    const d = 10;
    const f = Array.from(
      { length: d },
      (_, i) => `(w${i + 1} - 0.9*w${((i + 1) % d) + 1})*(w${i + 1} - 0.9*w${((i + 1) % d) + 1})`,
    ).join(' + ');
    const n = 1000;
    const nbeta = n / Math.log(n);
    let exact = 0;
    for (let k = 0; k < d; k++) {
      const a = 2 * nbeta * (1.81 - 1.8 * Math.cos((2 * Math.PI * k) / d));
      exact += a / (a + 1 / 100) / 2;
    }
    const r = await cli(
      'llc',
      '--formula',
      f,
      '--dim',
      String(d),
      '--prior',
      'gauss:10',
      '--n',
      String(n),
      '--precondition',
      'full',
      '--walkers',
      '512',
      '--steps',
      '500',
      '--burnin',
      '500',
      '--json',
      '--quiet',
    );
    expect(r.code, r.stderr).toBe(0);
    const o = JSON.parse(r.stdout);
    expect(o.converged).toBe(true);
    expect(Math.abs(o.lambda_hat - exact)).toBeLessThan(5 * o.lambda_hat_se);
  });

  it('stays exact in a box by rejecting moves that leave it (a linear tilt: truncated exponential)', async () => {
    // U = c·w1 on [−1, 1]², c = nβ = 4 (as in walls.gpu.test.ts, there with the fold): under a dense
    // metric a proposal past the wall is rejected, not folded; the marginals must still be exact:
    // E[w1] = 1/c − R·coth(cR), Var[w1] = 1/c² − R²/sinh²(cR); E[w2] = 0, Var[w2] = R²/3.
    const p = {
      landscape: formulaLandscape('w1', { dim: 2 }),
      params: [],
      n: 20,
      beta: 0.2,
      gamma: 0,
      prior: { kind: 'box' as const, scale: 1 },
      wstar: [0, 0],
    };
    const c = p.n * p.beta;
    const e = await WalkerEngine.create(
      device!,
      engineConfig(p, 2048, 'mala', { seed: 4, precondition: 'full' }),
    );
    engines.push(e);
    await runLlc(e, { ...e.settings, steps: 20, burnin: 300, init: 'prior', tuneStep: true });
    expect(e.settings.metricFactor).toBeDefined();
    const xs = await e.readPositions();
    expect(xs.every((x) => Math.abs(x) <= 1)).toBe(true);
    const exact = [
      { mean: 1 / c - 1 / Math.tanh(c), variance: 1 / c ** 2 - 1 / Math.sinh(c) ** 2 },
      { mean: 0, variance: 1 / 3 },
    ];
    const n = xs.length / 2;
    for (const j of [0, 1]) {
      let m = 0;
      for (let i = 0; i < n; i++) m += xs[2 * i + j] / n;
      let v = 0;
      for (let i = 0; i < n; i++) v += (xs[2 * i + j] - m) ** 2 / (n - 1);
      expect(Math.abs(m - exact[j].mean)).toBeLessThan(5 * Math.sqrt(exact[j].variance / n));
      // SE of a sample variance, ≈ σ²·√(2/n) (the uniform's is smaller: a conservative bound).
      expect(Math.abs(v - exact[j].variance)).toBeLessThan(5 * exact[j].variance * Math.sqrt(2 / n));
    }
  });

  it('llc --checkpoint / --resume with --precondition full continues to the same numbers (the metric travels)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'occam-fullcov-'));
    const file = join(dir, 'run.ckpt');
    const flags = [
      'llc',
      '--formula',
      '100*(w1 - w2)*(w1 - w2) + (w1 + w2)*(w1 + w2)',
      '--prior',
      'gauss:3',
      '--precondition',
      'full',
      '--walkers',
      '64',
      '--steps',
      '200',
      '--burnin',
      '100',
      '--seed',
      '5',
      '--json',
      '--quiet',
    ];
    const plain = await cli(...flags);
    expect(plain.code, plain.stderr).toBe(0);
    const ck = await cli(...flags, '--checkpoint', file, '--checkpoint-every', '0.001');
    expect(ck.code, ck.stderr).toBe(0);
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    expect(saved.state.engine.metricFactor?.[0]).toHaveLength(3);
    const resumed = await cli(...flags, '--resume', file);
    expect(resumed.code, resumed.stderr).toBe(0);
    const strip = (s: string) => {
      const { seconds: _t, ...rest } = JSON.parse(s);
      return rest;
    };
    expect(strip(resumed.stdout)).toEqual(strip(plain.stdout));
  });

  it('the CLI accepts --precondition full, reports it, and refuses it past 16 dimensions (exit 2)', async () => {
    const r = await cli(
      'llc',
      '--formula',
      '100*(w1 - w2)*(w1 - w2) + (w1 + w2)*(w1 + w2)',
      '--prior',
      'gauss:3',
      '--precondition',
      'full',
      '--walkers',
      '256',
      '--steps',
      '100',
      '--burnin',
      '200',
      '--json',
      '--quiet',
    );
    expect(r.code, r.stderr).toBe(0);
    const o = JSON.parse(r.stdout);
    expect(o.precondition).toBe('full');
    expect(Number.isFinite(o.lambda_hat)).toBe(true);
    // sweep: every group (one per n) fits its own dense metric; each JSON row says which.
    const sw = await cli(
      'sweep',
      '--formula',
      '100*(w1 - w2)*(w1 - w2) + (w1 + w2)*(w1 + w2)',
      '--prior',
      'gauss:3',
      '--n',
      '10,100',
      '--precondition',
      'full',
      '--walkers',
      '128',
      '--steps',
      '100',
      '--burnin',
      '200',
      '--json',
      '--quiet',
    );
    expect(sw.code, sw.stderr).toBe(0);
    const rows = sw.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row.precondition).toBe('full');
      expect(Number.isFinite(row.lambda_hat)).toBe(true);
    }
    // The check runs before any GPU work (args.ts), so a 17-D formula costs nothing here.
    const big = await cli('llc', '--formula', 'w1*w1', '--dim', '17', '--precondition', 'full', '--json');
    expect(big.code).toBe(2);
    expect(big.stderr).toMatch(/--precondition full.*d ≤ 16/);
  });
});
