/** `occam-lens generalisation`: strict flags (exit 2 naming the flag) and JSON lines that parse. */
import { describe, expect, it } from 'vitest';
import { HELP } from '../../../src/cli/args';
import { GENERALISATION_HELP } from '../../../src/cli/commands/generalisation';
import { cli, expectUsageError, jsonLines } from '../../helpers/cli';
import { noGpu } from '../../helpers/gpu';

describe('occam-lens generalisation arguments', () => {
  it('is listed in --help and documents every flag in its own help', async () => {
    expect(HELP).toContain('occam-lens generalisation');
    const r = await cli('generalisation', '--help');
    expect(r.code).toBe(0);
    for (const flag of [
      'model',
      'm',
      'n',
      'datasets',
      'walkers',
      'burnin',
      'steps',
      'snapshots',
      'sigma',
      'sharpness',
      'prior',
      'sampler',
      'step',
      'init',
      'seed',
      'test-points',
      'json',
      'quiet',
    ])
      expect(GENERALISATION_HELP).toContain(`--${flag} `);
  });

  it.each([
    [['--bogus'], /--bogus/],
    [['--n', '1'], /--n: expected comma-separated integers ≥ 2, got '1'/],
    [['--n', '10,x'], /--n: .*'x'/],
    [['--datasets', '1'], /--datasets/],
    [['--walkers', '0'], /--walkers/],
    [['--steps', '10', '--snapshots', '11'], /--snapshots/],
    [['--model', 'nope'], /--model: expected poly/],
    [['--model', 'poly:1,2,3'], /--model: expected five integers/],
    [['--model', 'poly', '--m', '1,2,x,4,5'], /--m: expected five integers/],
    [['--model', 'poly:1,1,1,1,1', '--m', '1,1,1,1,1'], /--m: /],
    [['--model', 'mlp:width=9'], /--model: .*width/],
    [['--model', 'mlp', '--n', '600'], /--n: .*\[2, 508\]/],
    [['--model', 'mlp:points=10'], /--model: points=/],
    [['--sharpness', '2'], /--sharpness/],
    [['--prior', 'cauchy:1'], /--prior/],
    [['--sampler', 'hmc'], /--sampler/],
    [['--seed', '-1'], /--seed/],
    [['--sigma', '0'], /--sigma/],
    [['extra'], /unexpected argument 'extra'/],
  ])('rejects %j with exit status 2', async (flags, message) => {
    expectUsageError(await cli('generalisation', ...flags), message);
  });
});

describe.skipIf(noGpu)('occam-lens generalisation runs', () => {
  it('prints one JSON line per n for poly, with the exact λ reference', async () => {
    const r = await cli(
      'generalisation',
      ...['--model', 'poly', '--m', '1,1,0,0,0', '--n', '10,40', '--datasets', '2', '--walkers', '32'],
      ...['--burnin', '40', '--steps', '40', '--snapshots', '2', '--sigma', '0.5', '--json'],
    );
    expect(r.code, r.stderr).toBe(0);
    const rows = jsonLines(r.stdout);
    expect(rows.map((x) => x.n)).toEqual([10, 40]);
    for (const row of rows) {
      expect(row).toMatchObject({ model: 'poly:1,1,0,0,0', datasets: 2, walkers: 32, lambda_ref: 1 });
      expect(row.lambda_ref_kind).toBe('exact');
      expect(row.lambda_over_n).toBeCloseTo(1 / row.n, 6);
      expect(row.bg).toBeGreaterThan(0);
      expect(row.n_bg).toBeCloseTo(row.n * row.bg, 3);
      expect(Number.isFinite(row.bg_se)).toBe(true);
      // Every result says whether its walkers mixed (the worst of the n's datasets).
      expect(typeof row.converged).toBe('boolean');
      for (const key of ['rhat', 'ess', 'starts_z', 'stuck']) expect(row).toHaveProperty(key);
    }
  });

  it('runs a tiny network with the measured λ reference (human-readable output)', async () => {
    const r = await cli(
      'generalisation',
      ...['--model', 'mlp:width=2,teacher=1', '--n', '8,16', '--datasets', '2', '--walkers', '16'],
      ...['--burnin', '20', '--steps', '20', '--snapshots', '2', '--quiet'],
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /reference λ = [-\d.e]+ ± [\d.e-]+ \(λ̂ measured: LLC on noiseless teacher data at n = 16/,
    );
    expect(r.stdout.trim().split('\n')).toHaveLength(5);
    // 16 walkers × 20 steps cannot mix: the one stderr line says so (and nothing else is printed).
    expect(r.stdout).toMatch(/NOT CONVERGED/);
    expect(r.stderr).toMatch(/^warning: not converged \(n = 8: [^\n]+\n$/);
  });
});
