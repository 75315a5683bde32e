/**
 * Box walls that do not trap (issue 11, item 1), ensemble preconditioning (item 3) and ULA's bias
 * diagnostic (issue 18). Statistical checks use 5 standard errors and fixed seeds.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { formulaLandscape } from '../../../src/core/landscapes/formula/landscape';
import { ulaAcceptanceThreshold } from '../../../src/core/measures/burnin';
import { runLlc } from '../../../src/core/measures/llc-run';
import { WalkerEngine } from '../../../src/core/walkers/walker-engine';
import { cli } from '../../helpers/cli';
import { device, noGpu } from '../../helpers/gpu';
import { engineConfig, posterior } from '../../helpers/scenes';

const engines: WalkerEngine[] = [];
afterEach(() => {
  for (const e of engines.splice(0)) e.destroy();
});

function column(xs: Float32Array, dim: number, j: number) {
  const n = xs.length / dim;
  let s = 0;
  for (let i = 0; i < n; i++) s += xs[i * dim + j];
  const mean = s / n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (xs[i * dim + j] - mean) ** 2;
  return { n, mean, variance: v / (n - 1) };
}

/** One `sample` run: its JSON report and the final losses of its walkers (the CSV's last column). */
async function sampleRun(...args: string[]) {
  const out = join(mkdtempSync(join(tmpdir(), 'walls-')), 'w.csv');
  const r = await cli('sample', ...args, '--out', out, '--json', '--quiet');
  expect(r.code).toBe(0);
  const losses = readFileSync(out, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => Number(line.split(',').at(-1)));
  return { report: JSON.parse(r.stdout), losses };
}

describe.skipIf(noGpu)('box walls, preconditioning and ULA bias', () => {
  it('samples a linear tilt in a box exactly with the folded MALA proposal (truncated exponential)', async () => {
    // U = c·w1 on [−1, 1]², c = nβ = 4: the w1-marginal is ∝ e^{−c·w1}, piled against the wall at −1,
    // where the drift pushes every proposal past it; w2 is uniform. Exact moments of the marginals:
    // E[w1] = 1/c − R·coth(cR), Var[w1] = 1/c² − R²/sinh²(cR); E[w2] = 0, Var[w2] = R²/3.
    const landscape = formulaLandscape('w1', { dim: 2 });
    const p = {
      landscape,
      params: [],
      n: 20,
      beta: 0.2,
      gamma: 0,
      prior: { kind: 'box' as const, scale: 1 },
      wstar: [0, 0],
    };
    const c = p.n * p.beta;
    const e = await WalkerEngine.create(device!, engineConfig(p, 2048, 'mala', { seed: 4 }));
    engines.push(e);
    await runLlc(e, { ...e.settings, steps: 20, burnin: 200, init: 'prior', tuneStep: true });
    const xs = await e.readPositions();
    const exact = [
      { mean: 1 / c - 1 / Math.tanh(c), variance: 1 / c ** 2 - 1 / Math.sinh(c) ** 2 },
      { mean: 0, variance: 1 / 3 },
    ];
    for (const j of [0, 1]) {
      const m = column(xs, 2, j);
      const { mean, variance } = exact[j];
      // Final positions of independent walkers are i.i.d. draws: SE(mean) = √(v/N); SE(var) from the
      // fourth moment, bounded here by v·√(2/(N−1))·2 (the uniform and truncated exponential have
      // kurtosis below that of a Gaussian scaled by 4).
      expect(Math.abs(m.mean - mean)).toBeLessThan(5 * Math.sqrt(variance / m.n));
      expect(Math.abs(m.variance - variance)).toBeLessThan(5 * 2 * variance * Math.sqrt(2 / (m.n - 1)));
      for (let i = 0; i < m.n; i++) expect(Math.abs(xs[2 * i + j])).toBeLessThanOrEqual(1);
    }
  });

  for (const [label, args, maxNbetaLoss] of [
    // poly:1,1,1,1,1 on (1,1), its default prior box:2. The old kernel: ~6% of walkers stuck at walls.
    [
      'poly:1,1,1,1,1',
      ['--model', 'poly:1,1,1,1,1', '--walkers', '256', '--steps', '400', '--burnin', '400'],
      50,
    ],
    [
      'w1²w2⁴ at n = 3·10⁴',
      ['--formula', 'w1^2*w2^4', '--n', '30000', '--seed', '2', '--walkers', '256', '--steps', '800'],
      50,
    ],
  ] as const) {
    it(`gives the same λ̂ from the prior as from w*, with no walker stuck at a wall: ${label}`, async () => {
      const fromPrior = await sampleRun(...args, '--init', 'prior');
      const fromWstar = await sampleRun(...args, '--init', 'wstar');
      const a = fromPrior.report;
      const b = fromWstar.report;
      const se = Math.hypot(a.lambda_hat_se, b.lambda_hat_se);
      expect(Math.abs(a.lambda_hat - b.lambda_hat)).toBeLessThan(5 * se);
      // nβ·L of a posterior draw is O(λ) with a Gamma-like tail: above 50 has probability ~e^{−50}.
      // A walker stuck against a wall sits at L = O(1), nβ·L in the hundreds.
      const nbeta = a.n * a.beta;
      expect(Math.max(...fromPrior.losses) * nbeta).toBeLessThan(maxNbetaLoss);
    });
  }

  it('tunes ULA on its MH acceptance: not flagged, and the exact AR(1) stationary variance', async () => {
    // bowl + N(0, 1) prior: U = a|w|²/2, a = 2nβ + 1. ULA with metric M_j: w' = (1 − h/2)w + √(εM_j)ξ,
    // h = εM_j·a, whose stationary variance is 1/(a(1 − h/4)).
    const p = posterior('bowl', 100, [], { kind: 'gauss', scale: 1 });
    const a = 2 * p.n * p.beta + 1;
    const e = await WalkerEngine.create(device!, engineConfig(p, 2048, 'ula', { seed: 6 }));
    engines.push(e);
    const r = await runLlc(e, { ...e.settings, steps: 100, burnin: 300, init: 'prior', tuneStep: true });
    expect(r.acceptance).toBeGreaterThanOrEqual(ulaAcceptanceThreshold(2));
    expect(r.acceptance).toBeLessThan(1);
    const xs = await e.readPositions();
    for (const j of [0, 1]) {
      const h = r.eps * e.groupMetric(0)[j] * a;
      const target = 1 / (a * (1 - h / 4));
      const m = column(xs, 2, j);
      expect(Math.abs(m.mean)).toBeLessThan(5 * Math.sqrt(target / m.n));
      expect(Math.abs(m.variance - target)).toBeLessThan(5 * target * Math.sqrt(2 / (m.n - 1)));
    }
    // The same run with a step 8× larger is flagged (its MH acceptance falls below the threshold).
    const big = await WalkerEngine.create(device!, engineConfig(p, 1024, 'ula', { seed: 6, eps: 8 * r.eps }));
    engines.push(big);
    const rb = await runLlc(big, {
      ...big.settings,
      steps: 100,
      burnin: 100,
      init: 'prior',
      tuneStep: false,
    });
    expect(rb.acceptance).toBeLessThan(ulaAcceptanceThreshold(2));
  });

  it('flags the issue-18 ULA run as biased, and refuses a step wider than the box', async () => {
    const r = await cli(
      'llc',
      '--landscape',
      'crossing',
      '--sampler',
      'ula',
      '--step',
      '5',
      '--walkers',
      '1024',
      '--steps',
      '200',
      '--json',
      '--quiet',
    );
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).not.toHaveProperty('acceptance');
    expect(out.biased).toBe(true);
    expect(out.mh_acceptance).toBeLessThan(ulaAcceptanceThreshold(2));
    expect(r.stderr).toMatch(/warning: ULA is biased.*ε = 5; try --step [0-9.]+/);
    const refused = await cli('llc', '--landscape', 'crossing', '--sampler', 'ula', '--step', '9', '--json');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--step: .*diagonal/);
    expect(refused.stdout).toBe('');
  });
});
