/** `occam-lens randnet`, in-process: flags, errors, and small runs on the GPU. */
import { describe, expect, it } from 'vitest';
import { HELP } from '../../../src/cli/args';
import { RANDNET_HELP } from '../../../src/cli/commands/randnet';
import { kLz } from '../../../src/core/function-space/complexity';
import { cli, expectUsageError } from '../../helpers/cli';
import { noGpu } from '../../helpers/gpu';

describe('occam-lens randnet arguments', () => {
  it('documents every flag in randnet --help, and the command in --help', async () => {
    const r = await cli('randnet', '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${RANDNET_HELP}\n`);
    for (const flag of [
      'inputs',
      'hidden',
      'activation',
      'init',
      'bias-init',
      'sw',
      'sb',
      'domain',
      'samples',
      'seed',
      'top',
      'capacity',
      'batch',
      'max-probes',
      'json',
      'quiet',
    ]) {
      expect(RANDNET_HELP).toContain(`--${flag} `);
    }
    expect(RANDNET_HELP).toMatch(/most significant bit as the first input/i);
    expect(HELP).toContain('occam-lens randnet');
  });

  it.each([
    [['randnet', '--inputs', '8'], /--inputs: expected an integer in 1..7, got '8'/],
    [['randnet', '--hidden', '40,x'], /--hidden/],
    [['randnet', '--hidden', '65'], /--hidden/],
    [['randnet', '--hidden', '8,8,8,8,8'], /--hidden/],
    [['randnet', '--activation', 'sigmoid'], /--activation: expected one of relu, tanh, softplus/],
    [['randnet', '--init', 'normal'], /--init/],
    [['randnet', '--bias-init', 'zero'], /--bias-init/],
    [['randnet', '--sw', '-1'], /--sw/],
    [['randnet', '--sb', 'big'], /--sb/],
    [['randnet', '--domain', '2'], /--domain/],
    [['randnet', '--samples', '0'], /--samples/],
    [['randnet', '--samples', '1.5e3.2'], /--samples/],
    [['randnet', '--seed', '-1'], /--seed/],
    [['randnet', '--top', '-2'], /--top/],
    [['randnet', '--capacity', '0'], /--capacity/],
    [['randnet', '--batch', 'many'], /--batch/],
    [['randnet', '--capacity', '16', '--max-probes', '17'], /--max-probes/],
    [['randnet', '--bogus'], /--bogus/],
    [['randnet', 'extra'], /unexpected argument 'extra'/],
  ])('exits 2 naming the problem for %j', async (argv, message) => {
    expectUsageError(await cli(...argv), message);
  });
});

describe.skipIf(noGpu)('occam-lens randnet runs on the GPU', () => {
  it('prints one JSON object: samples, distinct, other, seconds, top and mass by K_LZ', async () => {
    const r = await cli(
      'randnet',
      '--inputs',
      '5',
      '--hidden',
      '8',
      '--samples',
      '3e3',
      '--batch',
      '1024',
      '--top',
      '4',
      '--quiet',
      '--json',
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({
      samples: 3000,
      other: 0,
      inputs: 5,
      hidden: [8],
      activation: 'relu',
      seed: 1,
    });
    for (const key of ['distinct', 'seconds', 'top', 'mass_by_klz']) expect(out).toHaveProperty(key);
    expect(out.top).toHaveLength(4);
    let previous = Infinity;
    for (const row of out.top) {
      expect(row.bits).toMatch(/^[01]{32}$/);
      expect(row.k_lz).toBe(kLz(row.bits));
      expect(row.p).toBeCloseTo(row.count / 3000, 6);
      expect(row.count).toBeLessThanOrEqual(previous);
      previous = row.count;
    }
    const keys = Object.keys(out.mass_by_klz);
    expect(keys.map(Number)).toEqual([...keys.map(Number)].sort((a, b) => a - b));
    const mass = Object.values(out.mass_by_klz as Record<string, number>).reduce((s, p) => s + p, 0);
    expect(mass).toBeCloseTo(1, 4);
  });

  it('counts functions that do not fit as other, with a warning, and still totals the samples', async () => {
    const r = await cli(
      'randnet',
      '--inputs',
      '4',
      '--hidden',
      '6',
      '--samples',
      '2000',
      '--capacity',
      '8',
      '--json',
    );
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.distinct).toBe(8);
    expect(out.other).toBeGreaterThan(0);
    expect(r.stderr).toMatch(/other/);
    const mass = Object.values(out.mass_by_klz as Record<string, number>).reduce((s, p) => s + p, 0);
    expect(mass + out.other / 2000).toBeCloseTo(1, 4);
  });
});
