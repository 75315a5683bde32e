/**
 * SGD vs Bayes on the GPU (issue 13): training steps of shaders/train.wgsl against the TypeScript
 * twin, gradient descent on a convex case against its closed-form minimiser, rejection sampling
 * against an exact posterior, and a task no network fits. Sizes are chosen for SwiftShader on two
 * shared cores (small networks, few runs).
 */
import { describe, expect, it } from 'vitest';
import { BayesRejection } from '../../../src/core/function-space/bayes-rejection';
import type { RandNetConfig } from '../../../src/core/function-space/randnet';
import { networkKey } from '../../../src/core/function-space/randnet';
import { makeTask } from '../../../src/core/function-space/sgd-task';
import { SgdTrainer } from '../../../src/core/function-space/sgd-trainer';
import {
  DEFAULT_TRAIN,
  type TrainConfig,
  twinEpoch,
  twinInit,
  twinTrain,
} from '../../../src/core/function-space/sgd-twin';
import { acceptanceMessage, runBayes, runSgd } from '../../../src/core/function-space/sgd-vs-bayes';
import { device, noGpu } from '../../helpers/gpu';

const small: RandNetConfig = {
  inputs: 4,
  hidden: [6, 5],
  activation: 'tanh',
  init: 'uniform',
  biasInit: 'uniform',
  sw: 1.5,
  sb: 0.5,
  domain: '01',
  seed: 7,
};

describe.skipIf(noGpu)('SGD vs Bayes on the GPU', () => {
  const gpu = device!;

  /**
   * Tolerance: the twin rounds every operation to f32 in the shader's order, so the two differ only
   * where the GPU compiler fuses a·b + c (FMA) or its exp/tanh/sqrt differ from V8's by a few ulp. One
   * step moves a parameter by at most lr·|g|/(√v + ε) ≲ lr for Adam; after 3 epochs of ≤ 4 steps the
   * accumulated difference is a few ulp of the O(1) parameters and of the O(lr) updates, so
   * 1e-4·(1 + |w|) is ~1000× the expected f32 noise yet ~100× smaller than one update (lr = 0.05).
   */
  it.each([
    ['adam', 'ce', 4],
    ['sgd', 'mse', 3],
    ['gd', 'ce', 16],
  ] as const)('%s/%s training steps equal the TypeScript twin (batch %i)', async (optimizer, loss, batch) => {
    const train: TrainConfig = { ...DEFAULT_TRAIN, optimizer, loss, batch, lr: 0.05 };
    const task = makeTask(4, '0110100110010110', 10, 3);
    const trainer = await SgdTrainer.create(gpu, small, task, train, 8);
    try {
      trainer.init(5, 3);
      // max_epochs is far away, and the target is parity, which no small net fits in 3 epochs.
      trainer.step(5, 3, 0, 3);
      for (let j = 0; j < 3; j++) {
        const gpuParams = await trainer.readParams(j);
        const twin = twinInit(small, 5 + j);
        for (let e = 0; e < 3; e++) twinEpoch(small, task, train, twin, 5 + j, e);
        let worst = 0;
        for (let p = 0; p < gpuParams.length; p++) {
          worst = Math.max(worst, Math.abs(gpuParams[p] - twin.params[p]) / (1 + Math.abs(twin.params[p])));
        }
        expect(worst).toBeLessThan(1e-4);
        // And training changed something (not a vacuous comparison).
        const start = twinInit(small, 5 + j).params;
        expect(gpuParams.some((w, p) => Math.abs(w - start[p]) > 1e-3)).toBe(true);
      }
    } finally {
      trainer.destroy();
    }
  });

  it('stops each network when it fits S; the function at epoch 0 is randnet’s', async () => {
    const train: TrainConfig = { ...DEFAULT_TRAIN, optimizer: 'adam', batch: 4, lr: 0.05, maxEpochs: 40 };
    const task = makeTask(4, '0011001100110011', 8, 1);
    const trainer = await SgdTrainer.create(gpu, small, task, train, 16);
    try {
      const r = await trainer.trainBatch(0, 16);
      let fitted = 0;
      for (let j = 0; j < 16; j++) {
        const twin = twinTrain(small, task, train, j);
        // Same epoch count and the same final function as the twin (a near-tie of an output at 0 could
        // flip a bit, which this seed does not show).
        expect([r.state[j], r.epochs[j]]).toEqual([twin.fits ? 1 : 2, twin.epochs]);
        expect(Array.from(r.keys.slice(4 * j, 4 * j + 4))).toEqual(Array.from(twin.key));
        if (twin.fits) fitted++;
        if (twin.epochs === 0) expect(Array.from(twin.key)).toEqual(Array.from(networkKey(small, j)));
      }
      expect(fitted).toBeGreaterThan(8);
    } finally {
      trainer.destroy();
    }
  });

  it('gradient descent on a convex case reaches the least-squares minimiser', async () => {
    // A perceptron (linear model) with MSE on a non-separable target (x1 XOR x2 on 3 inputs, all 8
    // points): GD never fits S, so it runs to max epochs and must end at the closed-form minimiser
    // w = (XᵀX)⁻¹Xᵀt, t = ±1. GD converges at rate (1 − lr·μ)^k with μ the smallest eigenvalue of
    // XᵀX/8 (≈ 0.07 here), so 4000 epochs at lr 0.5 leave ~1e-60 of the start: what remains is f32
    // rounding, hence the 1e-4 tolerance.
    const lin: RandNetConfig = { ...small, inputs: 3, hidden: [] };
    const target = '00111100';
    const task = makeTask(3, target, 8, 1);
    const train: TrainConfig = { ...DEFAULT_TRAIN, optimizer: 'gd', loss: 'mse', lr: 0.5, maxEpochs: 4000 };
    const trainer = await SgdTrainer.create(gpu, lin, task, train, 2);
    try {
      const r = await trainer.trainBatch(0, 2);
      expect(Array.from(r.state)).toEqual([2, 2]);
      // Normal equations in f64: rows x = (x1, x2, x3, 1) (parameter order: weights, then bias).
      const A = Array.from({ length: 4 }, () => new Array<number>(5).fill(0));
      for (let i = 0; i < 8; i++) {
        const x = [(i >> 2) & 1, (i >> 1) & 1, i & 1, 1];
        const t = target[i] === '1' ? 1 : -1;
        for (let a = 0; a < 4; a++) {
          for (let b = 0; b < 4; b++) A[a][b] += x[a] * x[b];
          A[a][4] += x[a] * t;
        }
      }
      for (let c = 0; c < 4; c++) {
        for (let r2 = 0; r2 < 4; r2++) {
          if (r2 === c) continue;
          const f = A[r2][c] / A[c][c];
          for (let k = c; k < 5; k++) A[r2][k] -= f * A[c][k];
        }
      }
      const w = A.map((row, c) => row[4] / row[c]);
      for (let j = 0; j < 2; j++) {
        const p = await trainer.readParams(j);
        for (let q = 0; q < 4; q++) expect(Math.abs(p[q] - w[q])).toBeLessThan(1e-4);
      }
    } finally {
      trainer.destroy();
    }
  });

  it('rejection sampling matches the exact posterior of a perceptron on one input (5 SE)', async () => {
    // f(x) = [w·x + b > 0] on x ∈ {0, 1}: bits (b > 0, w + b > 0). With w ~ N(0, σw²), b ~ N(0, σb²),
    // corr(b, w + b) = ρ = σb/√(σw² + σb²), P(b > 0, w + b > 0) = 1/4 + asin(ρ)/(2π). Given S = {point 0
    // labelled 1}: acceptance P(b > 0) = 1/2 and P_B('11' | S) = 1/2 + asin(ρ)/π (3/4 for σw = σb).
    const net: RandNetConfig = {
      ...small,
      inputs: 1,
      hidden: [],
      init: 'gauss',
      biasInit: 'gauss',
      sw: 1,
      sb: 1,
      seed: 11,
    };
    const task = makeTask(1, '11', 1, 1);
    expect(task.train).toEqual([0]);
    const r = await runBayes(gpu, net, task, { samples: 10000, batch: 10000, capacity: 64 });
    const accRate = r.accepted / r.samples;
    expect(Math.abs(accRate - 0.5)).toBeLessThan(5 * Math.sqrt(0.25 / r.samples));
    const p11 = (r.snapshot.entries.find((e) => e.key[0] === 3)?.count ?? 0) / r.accepted;
    const exact = 0.5 + Math.asin(Math.SQRT1_2) / Math.PI;
    expect(Math.abs(p11 - exact)).toBeLessThan(5 * Math.sqrt((exact * (1 - exact)) / r.accepted));
    // Every accepted function fits S: only '11' (key 3) and '10' (key 1, bit 0 = 1).
    expect(r.snapshot.entries.every((e) => (e.key[0] & 1) === 1)).toBe(true);
    expect(r.snapshot.entries.reduce((s, e) => s + e.count, 0)).toBe(r.accepted);
  });

  it('a task no network fits reports zero accepted, no SGD fits, and a message', async () => {
    // Bias-free networks output exactly 0 at the all-zeros input (bit 0 = 0), so a target with bit 0 = 1
    // and point 0 in S can never be fitted, by sampling or by training.
    const net: RandNetConfig = { ...small, sb: 0, seed: 2 };
    const task = makeTask(4, `1${'0'.repeat(15)}`, 16, 1);
    const r = await runBayes(gpu, net, task, { samples: 5000, batch: 5000, capacity: 64 });
    expect(r.accepted).toBe(0);
    expect(r.snapshot.distinct).toBe(0);
    expect(acceptanceMessage(r.samples, r.accepted)).toMatch(/no network of 5000 fitted/);
    const s = await runSgd(
      gpu,
      net,
      task,
      { ...DEFAULT_TRAIN, maxEpochs: 5 },
      { runs: 4, batch: 4, capacity: 64 },
    );
    expect([s.converged, s.notConverged]).toEqual([0, 4]);
    expect(s.meanEpochs).toBeNull();
  });

  it('BayesRejection counts only networks that fit S, in batches', async () => {
    const task = makeTask(4, '0011001100110011', 6, 4);
    const b = await BayesRejection.create(gpu, small, task, { batch: 500, capacity: 4096 });
    try {
      await b.advance(500);
      await b.advance(300);
      const snap = await b.read();
      let fits = 0;
      const mask = task.train;
      for (let k = 0; k < 800; k++) {
        const key = networkKey(small, k);
        if (mask.every((i) => ((key[i >>> 5] >>> (i & 31)) & 1) === Number(task.target[i]))) fits++;
      }
      expect(b.accepted).toBe(fits);
      expect(snap.entries.reduce((s, e) => s + e.count, 0)).toBe(fits);
    } finally {
      b.destroy();
    }
  });
});
