/** `occam-lens sgd-vs-bayes`, in-process: flags, errors, and small runs on the GPU (SwiftShader-sized). */
import { describe, expect, it } from 'vitest';
import { HELP } from '../../../src/cli/args';
import { SGD_VS_BAYES_HELP } from '../../../src/cli/commands/sgd-vs-bayes';
import { cli, expectUsageError, jsonLines } from '../../helpers/cli';
import { noGpu } from '../../helpers/gpu';

describe('occam-lens sgd-vs-bayes arguments', () => {
  it('documents its flags, and the command in --help', async () => {
    const r = await cli('sgd-vs-bayes', '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${SGD_VS_BAYES_HELP}\n`);
    for (const flag of [
      'target',
      'train',
      'train-seed',
      'runs',
      'optimizer',
      'loss',
      'lr',
      'batch-size',
      'max-epochs',
      'samples',
      'model',
      'scale',
    ])
      expect(SGD_VS_BAYES_HELP).toContain(`--${flag} `);
    expect(HELP).toContain('occam-lens sgd-vs-bayes');
  });

  it.each([
    [['--target', '0012'], /--target: character '2' at position 4 is not 0 or 1/],
    [['--target', '011'], /--target: a 0\/1 string of length 128/],
    [[], /--target: required/],
    [['--target', '0011', '--train', '0'], /--train: expected an integer in 1..128/],
    [['--target', '0011', '--optimizer', 'rmsprop'], /--optimizer: expected one of gd, sgd, adam/],
    [['--target', '0011', '--loss', 'hinge'], /--loss/],
    [['--target', '0011', '--lr', '-1'], /--lr/],
    [['--target', '0011', '--batch-size', '500'], /--batch-size/],
    [['--target', '0011', '--runs', '0'], /--runs/],
    [['--target', '0011', '--inputs', '9'], /--inputs/],
    [['--target', '0011', '--bogus', '1'], /bogus/],
    [['--target', '0011', '--scale', '1'], /--scale: only with --model/],
    [['--model', 'poly:1,2,3,4,5', '--target', '0011'], /--target: only for Boolean targets/],
    [['--model', 'mlp:width=2'], /--model: expected poly/],
    [['--model', 'poly:1,2,3,4,5', '--scale', '0'], /--scale/],
  ])('%j exits 2 naming the flag', async (argv, message) => {
    expectUsageError(await cli('sgd-vs-bayes', ...argv), message);
  });
});

describe.skipIf(noGpu)('occam-lens sgd-vs-bayes runs', () => {
  const run = [
    'sgd-vs-bayes',
    '--target',
    '0011',
    '--inputs',
    '4',
    '--hidden',
    '6',
    '--train',
    '8',
    '--runs',
    '32',
    '--samples',
    '2000',
    '--max-epochs',
    '100',
    '--lr',
    '0.05',
    '--top',
    '3',
    '--json',
  ];

  it('prints the documented JSON, reproducibly, with every run accounted for', async () => {
    const r = await cli(...run);
    expect(r.code).toBe(0);
    const [o] = jsonLines(r.stdout);
    expect(o.target).toBe('0011001100110011');
    expect(o.train_size).toBe(8);
    expect(o.sgd.converged + o.sgd.not_converged).toBe(32);
    expect(o.sgd.test_error_histogram.reduce((s: number, x: number) => s + x, 0)).toBe(o.sgd.converged);
    expect(o.bayes.samples).toBe(2000);
    expect(o.bayes.accepted).toBeGreaterThan(0);
    expect(o.bayes.top[0].p).toBeGreaterThan(0);
    for (const k of ['spearman', 'pearson', 'shared', 'sgd_floor', 'bayes_floor'])
      expect(o.correlation).toHaveProperty(k);
    expect(JSON.stringify(o)).not.toMatch(/NaN|Infinity/);
    expect(r.stdout).not.toContain('occam-lens sgd-vs-bayes (');
    const again = jsonLines((await cli(...run)).stdout)[0];
    expect({
      ...again,
      seconds: 0,
      sgd: { ...again.sgd, seconds: 0 },
      bayes: { ...again.bayes, seconds: 0 },
    }).toEqual({
      ...o,
      seconds: 0,
      sgd: { ...o.sgd, seconds: 0 },
      bayes: { ...o.bayes, seconds: 0 },
    });
  });

  it('the polynomial model prints GD and Bayes shares over 1, x, …, x⁴', async () => {
    const r = await cli(
      'sgd-vs-bayes',
      '--model',
      'poly:1,2,3,4,5',
      '--runs',
      '200',
      '--walkers',
      '256',
      '--steps',
      '200',
      '--burnin',
      '200',
      '--json',
    );
    expect(r.code).toBe(0);
    const [o] = jsonLines(r.stdout);
    expect(o.sgd.converged).toBe(200);
    const sum = (s: Record<string, number>) => Object.values(s).reduce((a, b) => a + b, 0);
    expect(sum(o.sgd.shares)).toBeCloseTo(1, 3);
    expect(sum(o.bayes.shares)).toBeCloseTo(1, 3);
    // From near the origin the single-parameter constant term gets the O(1) gradient: it wins.
    expect(o.sgd.shares['1']).toBeGreaterThan(0.5);
    expect(JSON.stringify(o)).not.toMatch(/NaN|Infinity/);
  });
});
