/**
 * The walker engine on a real WebGPU device (Dawn; SwiftShader in CI) against the CPU reference and
 * against exact values from theory. Statistical checks use 5 standard errors: a correct sampler fails
 * one with probability below 1e-6, and every run is seeded, so a pass is reproducible.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { landscapes } from '../../../src/core/landscapes/landscapes';
import { certainly, exactExpectations2D } from '../../../src/core/landscapes/quadrature';
import { BURN_IN_POLICY } from '../../../src/core/measures/burnin';
import { runLlc } from '../../../src/core/measures/llc-run';
import { cpuAdvance, cpuInit } from '../../../src/core/walkers/cpu-reference';
import { scoredMoves } from '../../../src/core/walkers/ula-scoring';
import { maxWalkers, WalkerEngine } from '../../../src/core/walkers/walker-engine';
import { device, noGpu } from '../../helpers/gpu';
import { engineConfig, posterior } from '../../helpers/scenes';

const engines: WalkerEngine[] = [];
async function engine(...args: Parameters<typeof engineConfig>): Promise<WalkerEngine> {
  const e = await WalkerEngine.create(device!, engineConfig(...args));
  engines.push(e);
  return e;
}

/** Mean and unbiased variance of column j of a walker-major array. */
function moments(xs: Float32Array, dim: number, j: number) {
  const n = xs.length / dim;
  let s = 0;
  for (let i = 0; i < n; i++) s += xs[i * dim + j];
  const mean = s / n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (xs[i * dim + j] - mean) ** 2;
  return { n, mean, variance: v / (n - 1) };
}

describe.skipIf(noGpu)('WalkerEngine on the GPU', () => {
  afterEach(() => {
    for (const e of engines.splice(0)) e.destroy();
  });

  it('evaluates every landscape exactly as its TypeScript twin', async () => {
    const points: number[] = [];
    for (let i = 0; i < 64; i++) points.push(Math.sin(1.3 * i + 0.2) * 1.2, Math.cos(2.1 * i) * 0.9);
    points.push(0.5, 0.5, -0.3, 0.3); // ties of min(w1², w2²): the documented subgradient
    for (const l of landscapes) {
      const sets =
        l.params.length === 2
          ? [
              [1, 1],
              [2, 3],
            ]
          : l.params.length === 1
            ? [[0.01], [0.3]]
            : [[]];
      for (const params of sets) {
        const e = await engine(posterior(l.id, 100, params), 16);
        const got = await e.evaluate(points);
        for (let i = 0; i < points.length / 2; i++) {
          const w = [points[2 * i], points[2 * i + 1]];
          const want = l.loss(w, params);
          const g = l.grad(w, params);
          expect(Math.abs(got.loss[i] - want)).toBeLessThan(1e-5 * (1 + Math.abs(want)));
          for (let j = 0; j < 2; j++)
            expect(Math.abs(got.grad[2 * i + j] - g[j])).toBeLessThan(1e-5 * (1 + Math.abs(g[j])));
        }
      }
    }
  });

  it('draws the initial prior sample bit for bit as the CPU reference', async () => {
    const p = posterior('crossing', 100, [1, 1]);
    const e = await engine(p, 1000);
    e.reset('prior');
    const gpu = await e.readPositions();
    const cpu = cpuInit({ ...p, sampler: 'ula', eps: 1e-3, seed: 1 }, 1000, 'prior');
    // Uniform draws are exact in f32 (24-bit mantissas times 2 minus 1): equality, not tolerance.
    expect(Array.from(gpu)).toEqual(Array.from(cpu.positions, Math.fround));
  });

  for (const sampler of ['ula', 'mala'] as const) {
    it(`takes the same ${sampler.toUpperCase()} steps as the CPU reference from the same state`, async () => {
      // Box prior: the starting draw is bit-exact, so the comparison isolates the steps themselves.
      const p = posterior('sum-of-powers', 100, [1, 1]);
      const cfg = engineConfig(p, 512, sampler, { eps: 0.01, seed: 99 });
      const e = await engine(p, 512, sampler, { eps: 0.01, seed: 99 });
      e.reset('prior');
      const cpu = cpuInit(cfg, 512, 'prior');
      e.advance(8);
      cpuAdvance(cfg, cpu, 8);
      const gpu = await e.readPositions();
      let maxErr = 0;
      for (let i = 0; i < gpu.length; i++) maxErr = Math.max(maxErr, Math.abs(gpu[i] - cpu.positions[i]));
      // Same noise words; the GPU's f32 log/cos in Box–Muller differ from f64 by ~1e-4 relative, times
      // √ε = 0.1 per step: errors ~1e-5 after 8 steps. A wrong counter or formula gives O(0.1).
      expect(maxErr).toBeLessThan(1e-4);
      const stats = await e.readStats();
      const cpuAccepts = cpu.accepts.reduce((s, x) => s + x, 0);
      // ULA scores only 1 in ULA_SCORE_EVERY of its moves (ula-scoring.ts): the same ones on both sides.
      expect(stats.acceptance).toBeCloseTo(cpuAccepts / scoredMoves(sampler, 0, 8, 0, 512), 6);
    });
  }

  it('samples a Gaussian target: exact moments for MALA, the exact ULA stationary variance for ULA', async () => {
    // bowl + N(0, 1) prior: U = nβ|w|² + |w|²/2, a Gaussian with precision a = 2nβ + 1 per coordinate.
    const p = posterior('bowl', 100, [], { kind: 'gauss', scale: 1 });
    const a = 2 * p.n * p.beta + 1;
    const eps = 0.2 / a;
    for (const sampler of ['mala', 'ula'] as const) {
      const e = await engine(p, 16384, sampler, { eps, seed: 5 });
      e.reset('prior');
      e.advance(400); // mixing time ~1/(εa) = 5 steps: 400 steps forget the start entirely
      const xs = await e.readPositions();
      // ULA on a Gaussian is an AR(1) process with variance 1/(a(1 − εa/4)): biased, but exactly known.
      const target = sampler === 'mala' ? 1 / a : 1 / (a * (1 - (eps * a) / 4));
      for (const j of [0, 1]) {
        const m = moments(xs, 2, j);
        // Final positions of independent walkers are i.i.d.: SE(mean) = √(v/N), SE(var) = v·√(2/(N−1)).
        expect(Math.abs(m.mean)).toBeLessThan(5 * Math.sqrt(target / m.n));
        expect(Math.abs(m.variance - target)).toBeLessThan(5 * target * Math.sqrt(2 / (m.n - 1)));
      }
    }
  });

  it('gives nβ·E[w1² + w2⁴] = 1/2 + 1/4 (the Gamma-integral identity) with MALA', async () => {
    const p = posterior('sum-of-powers', 1000, [1, 2]); // box edge mass ~ exp(−145): negligible
    const e = await engine(p, 2048, 'mala', { seed: 11 });
    const r = await runLlc(e, { ...e.settings, steps: 1500, burnin: 500, init: 'prior', tuneStep: true });
    expect(Math.abs(r.lambdaHat - 0.75)).toBeLessThan(5 * r.lambdaHatSe);
    expect(r.lambdaHatSe).toBeLessThan(0.01);
    expect(r.acceptance).toBeGreaterThan(BURN_IN_POLICY.malaHealthy[0]);
  });

  for (const n of [100, 10000]) {
    it(`matches the exact finite-n λ̂ of the normal crossing w1²w2² at n = ${n} (quadrature)`, async () => {
      const p = posterior('crossing', n, [1, 1]);
      const exact = certainly(exactExpectations2D(p), 'nbetaLoss');
      const e = await engine(p, 2048, 'mala', { seed: 3 });
      const r = await runLlc(e, { ...e.settings, steps: 2000, burnin: 1000, init: 'prior', tuneStep: true });
      expect(Math.abs(r.lambdaHat - exact)).toBeLessThan(5 * r.lambdaHatSe);
      expect(r.lambdaHatSe).toBeLessThan(0.005);
      expect(r.diverged).toBe(0);
    });
  }

  it('is deterministic: the same seed reproduces the walkers exactly, another seed does not', async () => {
    const p = posterior('min-crossing', 1000);
    const run = async (seed: number) => {
      const e = await engine(p, 4096, 'mala', { seed, eps: 1e-3 });
      e.reset('prior');
      e.advance(100);
      return Array.from(await e.readPositions());
    };
    const [a, b, c] = [await run(42), await run(42), await run(43)];
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('counts and re-draws walkers that a too-large step makes diverge, keeping results finite', async () => {
    const p = posterior('bowl', 1000, [], { kind: 'gauss', scale: 1 });
    const e = await engine(p, 1024, 'ula', { eps: 1, seed: 2 }); // ε·nβ ≈ 145: explodes in a few steps
    e.reset('wstar');
    e.advance(64);
    const s = await e.readStats();
    expect(s.diverged).toBeGreaterThan(0);
    expect(Number.isFinite(s.meanLoss)).toBe(true);
    const xs = await e.readPositions();
    expect(xs.every(Number.isFinite)).toBe(true);
  });

  it('rejects walker counts beyond the device limit and bad settings with messages', async () => {
    const p = posterior('bowl', 100);
    const max = maxWalkers(device!, 2);
    await expect(WalkerEngine.create(device!, engineConfig(p, max + 1))).rejects.toThrow(
      /exceeds this device's limit/,
    );
    await expect(WalkerEngine.create(device!, engineConfig(p, 16, 'mala', { eps: -1 }))).rejects.toThrow(
      /step size/,
    );
    await expect(WalkerEngine.create(device!, engineConfig({ ...p, n: 0.5 }, 16))).rejects.toThrow(
      /n must be/,
    );
    const e = await engine(p, 16);
    e.destroy();
    expect(() => e.advance(1)).toThrow(/after destroy/);
  });
});
