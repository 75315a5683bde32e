/**
 * SGD vs Bayes on the CPU (issue 13): the Boolean task (targets, validation, training subsets), the
 * TypeScript twin's backpropagation against finite differences, correlations, and the polynomial
 * gradient-descent fits.
 */
import { describe, expect, it } from 'vitest';
import { kLz } from '../../../src/core/function-space/complexity';
import { nearestMonomial, polyFit } from '../../../src/core/function-space/poly-sgd';
import type { RandNetConfig } from '../../../src/core/function-space/randnet';
import { bitsToKey } from '../../../src/core/function-space/randnet';
import {
  fitsTrain,
  makeTask,
  parseTarget,
  randomTargetOfKlz,
  testError,
  trainingSubset,
} from '../../../src/core/function-space/sgd-task';
import {
  DEFAULT_TRAIN,
  twinBackward,
  twinForward,
  twinInit,
} from '../../../src/core/function-space/sgd-twin';
import {
  acceptanceMessage,
  pearson,
  spearman,
  testErrorHistogram,
} from '../../../src/core/function-space/sgd-vs-bayes';

describe('Boolean task', () => {
  it('parses presets, repeats short strings, and names a bad character with its position', () => {
    expect(parseTarget('0011', 7)).toBe('0011'.repeat(32));
    expect(parseTarget('zeros', 3)).toBe('00000000');
    expect(parseTarget('01101001', 3)).toBe('01101001');
    expect(() => parseTarget('0012', 3)).toThrow(/character '2' at position 4/);
    expect(() => parseTarget('011', 3)).toThrow(/length 8 .* got length 3/);
    expect(() => parseTarget('0'.repeat(16), 3)).toThrow(/length 8/);
  });

  it('draws a random target of the requested K_LZ, reproducibly', () => {
    const t = randomTargetOfKlz(7, 35, 3);
    expect(t).toHaveLength(128);
    expect(kLz(t)).toBe(35);
    expect(randomTargetOfKlz(7, 35, 3)).toBe(t);
    expect(() => parseTarget('random:1', 3)).toThrow(/no function with K_LZ = 1 found for n = 3/);
  });

  it('splits the points into a seeded training set and the test set', () => {
    const s = trainingSubset(7, 32, 5);
    expect(new Set(s).size).toBe(32);
    expect(s).toEqual(trainingSubset(7, 32, 5));
    expect(s).not.toEqual(trainingSubset(7, 32, 6));
    const task = makeTask(3, '00110011', 5, 1);
    expect([...task.train, ...task.test].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(fitsTrain(task, task.target)).toBe(true);
    expect(testError(task, task.target)).toBe(0);
    const flipped = task.target
      .split('')
      .map((c) => (c === '1' ? '0' : '1'))
      .join('');
    expect(testError(task, flipped)).toBe(1);
    expect(() => trainingSubset(3, 9, 1)).toThrow(/train/);
  });
});

describe('TypeScript twin of train.wgsl', () => {
  const net: RandNetConfig = {
    inputs: 3,
    hidden: [5, 4],
    activation: 'tanh',
    init: 'gauss',
    biasInit: 'gauss',
    sw: 1.5,
    sb: 0.7,
    domain: 'pm1',
    seed: 3,
  };
  const task = makeTask(3, '01101001', 8, 1);

  it.each(['ce', 'mse'] as const)('backpropagation (%s) matches central finite differences', (loss) => {
    // f32 forward passes: with h = 1e-2 the central difference has truncation error O(h²·|L‴|) ~ 1e-4
    // and rounding error ~ 2^−24·|L|/h ~ 1e-5, so 2e-3·(1 + |g|) is a loose but failing-capable bound
    // (a wrong sign or a missing activation derivative is off by O(|g|)).
    const t = { ...DEFAULT_TRAIN, loss };
    const params = twinInit(net, 2).params;
    const lossAt = (p: Float32Array) => {
      let s = 0;
      for (const i of task.train) {
        const z = twinForward(net, p, i).z;
        const y = task.target[i] === '1';
        s +=
          loss === 'mse'
            ? 0.5 * (z - (y ? 1 : -1)) ** 2
            : Math.log1p(Math.exp(-Math.abs(z))) + Math.max(z, 0) - (y ? z : 0);
      }
      return s;
    };
    const g = new Float32Array(params.length);
    for (const i of task.train) twinBackward(net, t, params, g, i, task.target[i] === '1');
    let checked = 0;
    for (let q = 0; q < params.length; q++) {
      const h = 1e-2;
      const up = Float32Array.from(params);
      const dn = Float32Array.from(params);
      up[q] += h;
      dn[q] -= h;
      const fd = (lossAt(up) - lossAt(dn)) / (up[q] - dn[q]);
      expect(Math.abs(g[q] - fd)).toBeLessThan(2e-3 * (1 + Math.abs(fd)));
      if (Math.abs(fd) > 1e-2) checked++;
    }
    expect(checked).toBeGreaterThan(10);
  });
});

describe('comparison helpers', () => {
  it('correlations are null, never NaN, when undefined', () => {
    expect(pearson([1, 2], [3, 4])).toBeNull();
    expect(pearson([1, 1, 1], [1, 2, 3])).toBeNull();
    expect(pearson([1, 2, 3], [2, 4, 6])).toBeCloseTo(1, 12);
    expect(spearman([1, 2, 3, 4], [1, 8, 27, 64])).toBeCloseTo(1, 12);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 12);
  });

  it('bins test errors: exactly 0, then ((k−1)/10, k/10], counts weighted', () => {
    // 3 inputs, S = 5 points, test = 3 points: errors 0, 1/3, 2/3, 1.
    const task = makeTask(3, '00110011', 5, 1);
    const flip = (bits: string, k: number) => {
      const c = bits.split('');
      for (const i of task.test.slice(0, k)) c[i] = c[i] === '1' ? '0' : '1';
      return c.join('');
    };
    const entries = [0, 1, 2, 3].map((k) => ({ key: bitsToKey(flip(task.target, k)), count: k + 1 }));
    const h = testErrorHistogram(task, { total: 10, distinct: 4, other: 0, entries });
    expect(h).toEqual([1, 0, 0, 0, 2, 0, 0, 3, 0, 0, 4]);
  });

  it('says when acceptance is too small, and how many samples it would take', () => {
    expect(acceptanceMessage(1e6, 5000)).toBeNull();
    expect(acceptanceMessage(1000, 0)).toMatch(
      /no network of 1000 .* < 0\.0030 .* more than 3\.3e\+4 samples/,
    );
    expect(acceptanceMessage(10000, 10)).toMatch(/only 10 of 10000 .* ~1\.0e\+5 samples/);
  });
});

describe('polynomial gradient-descent fits', () => {
  it('fit (1, 1) from near the origin and classify the end point', () => {
    const cfg = {
      m: [1, 2, 3, 4, 5],
      data: [{ x: 1, y: 1 }],
      sigma: 1,
      scale: 0.5,
      lr: 0.05,
      maxSteps: 1e5,
      tol: 1e-10,
      seed: 1,
    };
    for (let r = 0; r < 20; r++) {
      const fit = polyFit(cfg, r);
      expect(fit.converged).toBe(true);
      expect(Math.abs(fit.c.reduce((s, c) => s + c, 0) - 1)).toBeLessThan(2e-5); // f(1) = Σ c_k = 1
    }
    expect(nearestMonomial([0.1, 0.9, 0, 0, 0])).toBe(1);
    // A regular model m = (1,1,1,1,1) from the origin moves along the gradient (1,1,1,1,1): every
    // coefficient ends at 1/5 plus its start, so the classification follows the start.
    const lin = polyFit({ ...cfg, m: [1, 1, 1, 1, 1], scale: 1e-6 }, 0);
    for (const c of lin.c) expect(Math.abs(c - 0.2)).toBeLessThan(1e-4);
  });
});
