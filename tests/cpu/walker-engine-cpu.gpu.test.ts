/**
 * WalkerEngine on the CPU backend (WebAssembly SIMD kernels; the GPU device only reduces): λ̂ against
 * quadrature and theory, determinism across runs and thread counts, checkpoints, and agreement with
 * the GPU kernels. Statistical checks use 5 standard errors (a correct sampler fails one with
 * probability below 1e-6); every run is seeded, so a pass is reproducible.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { certainly, exactExpectations2D } from '../../src/core/landscapes/quadrature';
import { runLlc } from '../../src/core/measures/llc-run';
import { type EngineConfig, WalkerEngine } from '../../src/core/walkers/walker-engine';
import { CpuWalkerKernels } from '../../src/cpu/cpu-walker-kernels';
import { nodeKernelHost } from '../../src/cpu/node-kernel-host';
import { device, noGpu } from '../helpers/gpu';
import { engineConfig, posterior } from '../helpers/scenes';

const engines: WalkerEngine[] = [];
async function cpuEngine(config: EngineConfig, threads = 2): Promise<WalkerEngine> {
  const e = await WalkerEngine.create(device!, config, {
    kernels: new CpuWalkerKernels(nodeKernelHost(threads)),
  });
  engines.push(e);
  return e;
}
async function gpuEngine(config: EngineConfig): Promise<WalkerEngine> {
  const e = await WalkerEngine.create(device!, config);
  engines.push(e);
  return e;
}

describe.skipIf(noGpu)('WalkerEngine on the CPU backend', () => {
  afterEach(() => {
    for (const e of engines.splice(0)) e.destroy();
  });

  it('says where its walkers run', async () => {
    const e = await cpuEngine(engineConfig(posterior('crossing', 100, [1, 1]), 100));
    expect(e.backend).toBe('cpu');
    expect(e.kernelsDescription).toMatch(/CPU/);
  });

  it('matches the exact finite-n λ̂ of w1²w2² at n = 10⁴ (quadrature) with MALA', async () => {
    const p = posterior('crossing', 10000, [1, 1]);
    const exact = certainly(exactExpectations2D(p), 'nbetaLoss');
    const e = await cpuEngine(engineConfig(p, 4096, 'mala', { seed: 3 }));
    const r = await runLlc(e, { ...e.settings, steps: 3000, burnin: 1500, init: 'prior', tuneStep: true });
    expect(Math.abs(r.lambdaHat - exact)).toBeLessThan(5 * r.lambdaHatSe);
    expect(r.lambdaHatSe).toBeLessThan(0.005);
    expect(r.diverged).toBe(0);
    expect(r.diagnostics.rhat).toBeLessThan(1.05);
  }, 120_000);

  it('matches it with ULA at a small step, within 5 SE plus its bias budget', async () => {
    // ULA mixes along the valleys in ~R²/ε steps, so a box of half-width R = 0.5 (quadrature holds
    // any box). Its bias: given w1, w2 is Gaussian with curvature κ = 2nβ·w1², whose ULA variance is
    // 1/(κ(1 − εκ/4)), so nβ·w1²·E[w2²] = ½/(1 − εκ/4) ≈ ½ + ε·nβ·w1²/4, and by symmetry the same
    // along w2; over the posterior (the axis marginal ∝ 1/|w1| on [1/√nβ, R], E[w1²] ≈ 0.045) that is
    // ≈ 0.0012 at ε = 1e-4. Budget: 0.003 (2.5× the estimate), within 5 SE of the exact value.
    const eps = 1e-4;
    const p = posterior('crossing', 10000, [1, 1], { kind: 'box', scale: 0.5 });
    const exact = certainly(exactExpectations2D(p), 'nbetaLoss');
    const e = await cpuEngine(engineConfig(p, 8192, 'ula', { seed: 4, eps }));
    const r = await runLlc(e, { ...e.settings, steps: 6000, burnin: 4000, init: 'prior', tuneStep: false });
    const budget = 0.003;
    expect(Math.abs(r.lambdaHat - exact)).toBeLessThan(5 * r.lambdaHatSe + budget);
    expect(r.lambdaHatSe).toBeLessThan(0.005);
    expect(r.diverged).toBe(0);
    expect(r.diagnostics.rhat).toBeLessThan(1.05);
  }, 300_000);

  it("gives the bowl's λ̂ = d/2 = 1 (a regular minimum; the box edge is e^−100 away)", async () => {
    const p = posterior('bowl', 10000);
    const e = await cpuEngine(engineConfig(p, 4096, 'mala', { seed: 8 }));
    const r = await runLlc(e, { ...e.settings, steps: 1500, burnin: 500, init: 'prior', tuneStep: true });
    expect(Math.abs(r.lambdaHat - 1)).toBeLessThan(5 * r.lambdaHatSe);
    expect(r.lambdaHatSe).toBeLessThan(0.02);
  }, 120_000);

  it('reproduces a run bit for bit: twice with the same seed, and with 1 or 2 threads', async () => {
    const p = posterior('crossing', 1000, [1, 2]);
    const run = async (threads: number, seed: number) => {
      const e = await cpuEngine(engineConfig(p, 1000, 'mala', { seed }), threads);
      const r = await runLlc(e, { ...e.settings, steps: 200, burnin: 100, init: 'mixed', tuneStep: true });
      return { lambdaHat: r.lambdaHat, eps: r.eps, positions: Array.from(await e.readPositions()) };
    };
    const a = await run(2, 21);
    expect(await run(2, 21)).toEqual(a);
    expect(await run(1, 21)).toEqual(a);
    expect((await run(2, 22)).positions).not.toEqual(a.positions);
  }, 120_000);

  it('continues from a snapshot exactly as the uninterrupted run', async () => {
    const c = engineConfig(posterior('crossing', 1000, [1, 1]), 512, 'ula', { seed: 6, eps: 1e-3 });
    const whole = await cpuEngine(c);
    whole.reset('prior');
    whole.setAccumulate(true, 100);
    await whole.run(100);
    const a = await whole.snapshot();
    const b = await cpuEngine(c);
    b.reset('prior');
    b.setAccumulate(true, 100);
    await b.run(64);
    const mid = await b.snapshot();
    const resumed = await cpuEngine(c);
    resumed.restore(mid);
    await resumed.run(36);
    const r = await resumed.snapshot();
    for (const name of ['positions', 'currentLoss', 'lossSum', 'accepts', 'diagSums', 'diagHalf'])
      expect(new Uint8Array(r.buffers[name])).toEqual(new Uint8Array(a.buffers[name]));
  }, 60_000);

  for (const sampler of ['ula', 'mala'] as const) {
    it(`${sampler}: agrees with the GPU kernels (same settings, λ̂ within 5 combined SE)`, async () => {
      // Same counters, so the trajectories coincide up to the rounding of log/exp/sin/cos; the
      // check itself is only statistical (the backends' f32 transcendentals differ).
      const c = engineConfig(posterior('crossing', 1000, [1, 1]), 2048, sampler, { seed: 12, eps: 2e-3 });
      const opts = { steps: 400, burnin: 200, init: 'prior' as const, tuneStep: false };
      const cpu = await runLlc(await cpuEngine(c), { ...c, ...opts });
      const gpu = await runLlc(await gpuEngine(c), { ...c, ...opts });
      const se = Math.hypot(cpu.lambdaHatSe, gpu.lambdaHatSe);
      expect(Math.abs(cpu.lambdaHat - gpu.lambdaHat)).toBeLessThan(5 * se);
      expect(Math.abs(cpu.acceptance - gpu.acceptance)).toBeLessThan(0.01);
      expect(cpu.diverged).toBe(gpu.diverged);
    }, 180_000);
  }

  it('refuses what only the GPU kernels do (dense metric, replica exchange)', async () => {
    const p = posterior('crossing', 100, [1, 1]);
    await expect(cpuEngine(engineConfig(p, 64, 'mala', { precondition: 'full' }))).rejects.toThrow(
      /GPU only/,
    );
    await expect(
      cpuEngine(engineConfig(p, 64, 'mala', { groupNbeta: [10, 20], exchangeEvery: 16 })),
    ).rejects.toThrow(/GPU only/);
    const e = await cpuEngine(engineConfig(p, 64, 'mala'));
    expect(() => e.update({ metricFactor: [[1, 0, 1]] })).toThrow(/GPU only/);
  });
});
