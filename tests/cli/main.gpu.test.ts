/** The `occam-lens` CLI: in-process for speed, plus the built bundle through `bin/` as a user runs it. */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { HELP } from '../../src/cli/args';
import { BURN_IN_POLICY } from '../../src/core/measures/burnin';
import { cli, expectUsageError, jsonLines } from '../helpers/cli';
import { noGpu } from '../helpers/gpu';

describe('occam-lens arguments', () => {
  it('documents every flag in --help', async () => {
    const r = await cli('--help');
    expect(r.code).toBe(0);
    for (const flag of [
      'landscape',
      'a',
      'b',
      'n',
      'beta',
      'gamma',
      'prior',
      'sampler',
      'step',
      'walkers',
      'steps',
      'burnin',
      'seed',
      'init',
      'wstar',
      'formula',
      'const',
      'dim',
      'model',
      'data',
      'sigma',
      'sharpness',
      'ladder',
      'ladder-span',
      'radius',
      'csv',
      'out',
      'json',
      'quiet',
    ]) {
      expect(HELP).toContain(`--${flag} `);
    }
  });

  it.each([
    [['llc', '--landscape', 'crossing', '--bogus'], /--bogus/],
    [['llc', '--landscape', 'nope'], /--landscape: unknown landscape 'nope'/],
    [
      ['llc', '--landscape', 'crossing', '--n', 'ten'],
      /--n: expected a number in \(1, 1e\+30\] .*, got 'ten'/,
    ],
    [['llc', '--landscape', 'crossing', '--prior', 'cauchy:1'], /--prior/],
    [['llc', '--landscape', 'crossing', '--a', '1.5'], /--a: .*integer/],
    [['llc', '--landscape', 'bowl', '--a', '2'], /--a: landscape 'bowl' has no parameter 'a'/],
    [['llc', '--landscape', 'crossing', '--sampler', 'hmc'], /--sampler/],
    [['llc', '--landscape', 'crossing', '--walkers', '0'], /--walkers/],
    [['llc', '--landscape', 'crossing', '--seed', '-3'], /--seed/],
    [['sample', '--landscape', 'crossing'], /--out/],
    [['fit', '--landscape', 'crossing'], /unknown command 'fit'/],
    [['llc'], /one of --landscape, --formula or --model is required/],
    [['sweep', '--landscape', 'bowl'], /--n is required for sweep/],
    [
      ['sweep', '--landscape', 'bowl', '--n', '100,x'],
      /--n: expected comma-separated numbers, each a number in \(1, 1e\+30\] .*, got 'x'/,
    ],
    [['llc', '--landscape', 'bowl', '--ladder', '2'], /--ladder: expected an integer in \[3, 63\]/],
    [['sample', '--landscape', 'bowl', '--out', 'x.csv', '--ladder', '4'], /--ladder is only for llc/],
  ])('exits 2 naming the problem for %j', async (argv, message) => {
    expectUsageError(await cli(...argv), message);
  });
});

describe.skipIf(noGpu)('occam-lens runs on the GPU', () => {
  it('prints one JSON object for llc, with the exact λ and m beside λ̂', async () => {
    const r = await cli(
      'llc',
      '--landscape',
      'crossing',
      '--n',
      '10000',
      '--walkers',
      '512',
      '--steps',
      '600',
      '--burnin',
      '300',
      '--json',
    );
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    for (const key of [
      'landscape',
      'n',
      'beta',
      'sampler',
      'walkers',
      'steps',
      'lambda_hat',
      'lambda_hat_se',
      'mean_loss',
      'acceptance',
      'diverged',
      'exact_lambda',
      'exact_m',
      'seconds',
    ]) {
      expect(out).toHaveProperty(key);
    }
    expect(out).toMatchObject({
      landscape: 'crossing',
      n: 10000,
      sampler: 'mala',
      walkers: 512,
      exact_lambda: 0.5,
      exact_m: 2,
      diverged: 0,
    });
    expect(out.beta).toBeCloseTo(1 / Math.log(10000), 5);
    // Finite-n value is ≈ 0.388 (quadrature); a loose window here, the tight check is in engine.gpu.test.ts.
    expect(out.lambda_hat).toBeGreaterThan(0.3);
    expect(out.lambda_hat).toBeLessThan(0.5);
    expect(out.acceptance).toBeGreaterThan(BURN_IN_POLICY.malaHealthy[0]);
  });

  it('reproduces a run exactly from its seed', async () => {
    const args = [
      'llc',
      '--landscape',
      'min-crossing',
      '--walkers',
      '256',
      '--steps',
      '200',
      '--burnin',
      '100',
      '--json',
      '--seed',
      '9',
    ];
    const [a, b] = [JSON.parse((await cli(...args)).stdout), JSON.parse((await cli(...args)).stdout)];
    expect(a.lambda_hat).toBe(b.lambda_hat);
    expect(a.step).toBe(b.step);
  });

  it('writes the final walkers to CSV with sample --out', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'occam-')), 'walkers.csv');
    const r = await cli(
      'sample',
      '--landscape',
      'bowl',
      '--walkers',
      '300',
      '--steps',
      '50',
      '--burnin',
      '10',
      '--out',
      out,
      '--quiet',
    );
    expect(r.code).toBe(0);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('w1,w2,loss');
    expect(lines).toHaveLength(301);
    const [w1, w2, loss] = lines[1].split(',').map(Number);
    expect(loss).toBeCloseTo(w1 * w1 + w2 * w2, 4);
  });

  it('says how many walkers diverged when the step is too large', async () => {
    const r = await cli(
      'llc',
      '--landscape',
      'bowl',
      '--n',
      '1000',
      '--sampler',
      'ula',
      '--step',
      '1',
      '--prior',
      'gauss:1',
      '--walkers',
      '256',
      '--steps',
      '50',
      '--burnin',
      '0',
      '--json',
    );
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.diverged).toBeGreaterThan(0);
    expect(Number.isFinite(out.lambda_hat) && Number.isFinite(out.lambda_hat_se)).toBe(true);
    expect(r.stderr).toMatch(new RegExp(`warning: ${out.diverged} walker divergences.*lower --step`));
  });

  it('sweeps n with one JSON line per n, exact quadrature values beside the measured ones', async () => {
    const r = await cli(
      'sweep',
      '--landscape',
      'min-crossing',
      '--n',
      '100,10000',
      '--walkers',
      '256',
      '--steps',
      '200',
      '--burnin',
      '300',
      '--json',
      '--quiet',
    );
    expect(r.code).toBe(0);
    const rows = jsonLines(r.stdout);
    expect(rows.map((x) => x.n)).toEqual([100, 10000]);
    for (const row of rows) {
      for (const key of [
        'lambda_hat',
        'lambda_hat_se',
        'mass_near',
        'wbic',
        'acceptance',
        'exact_mass_near',
        'exact_lambda_hat',
      ])
        expect(row).toHaveProperty(key);
      expect(row.beta).toBeCloseTo(1 / Math.log(row.n), 5);
      expect(Math.abs(row.lambda_hat - row.exact_lambda_hat)).toBeLessThan(0.1);
    }
    const csv = await cli(
      'sweep',
      '--landscape',
      'bowl',
      '--n',
      '100,1000',
      '--walkers',
      '64',
      '--steps',
      '20',
      '--burnin',
      '20',
      '--csv',
      '--quiet',
    );
    const lines = csv.stdout.trim().split('\n');
    expect(lines[0].split(',')).toContain('mass_near');
    expect(lines).toHaveLength(3);
  });

  it('adds the ladder fit of λ and m to llc --json with --ladder', async () => {
    const r = await cli(
      'llc',
      '--landscape',
      'bowl',
      '--n',
      '1000',
      '--ladder',
      '4',
      '--ladder-span',
      '8',
      '--walkers',
      '256',
      '--steps',
      '300',
      '--burnin',
      '300',
      '--json',
      '--quiet',
    );
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    for (const key of ['lambda_fit', 'lambda_fit_se', 'm_fit', 'm_fit_se', 'c_fit'])
      expect(Number.isFinite(out[key])).toBe(true);
    expect(out.ladder).toHaveLength(5); // four rungs plus β0 itself
    expect(Math.abs(out.lambda_hat - 1)).toBeLessThan(0.1);
  });

  it('rejects a walker count beyond the device limit with exit 2', async () => {
    const r = await cli('llc', '--landscape', 'bowl', '--walkers', String(2 ** 31), '--json');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--walkers = \d+ exceeds this device's limit/);
  });
});

describe.skipIf(noGpu)('the built occam-lens command', () => {
  beforeAll(() => {
    execFileSync('node', ['scripts/build-cli.mjs'], { stdio: 'inherit' });
  });

  it('runs from bin/ with JSON on stdout only and progress on stderr', () => {
    const r = spawnSync(
      'node',
      [
        'bin/occam-lens.js',
        'llc',
        '--landscape',
        'sum-of-powers',
        '--walkers',
        '2048',
        '--steps',
        '1500',
        '--json',
        // The GPU kernels: on the CPU backend this run ends well inside the second after which
        // progress starts, so there would be no line to see.
        '--backend',
        'gpu',
      ],
      {
        encoding: 'utf8',
      },
    );
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout); // throws if anything but the JSON reached stdout
    expect(out.exact_lambda).toBe(1);
    expect(r.stderr).toMatch(/occam-lens llc: +\d+% \d+\/\d+ walker-steps/);
  });

  it('exits 2 on a bad flag', () => {
    const r = spawnSync('node', ['bin/occam-lens.js', 'llc', '--landscape', 'bowl', '--steps=-1'], {
      encoding: 'utf8',
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--steps: expected an integer ≥ 2, got '-1'/);
  });
});
