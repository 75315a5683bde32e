/**
 * Seconds to reach SE(λ̂) ≤ 0.01 for w1²w2² at n = 10^4 (issue 5): the GPU engine and the CPU reference,
 * both with 1024 walkers (MALA tuned on the GPU during burn-in; the CPU reuses that step).
 * Each side
 * doubles its sampling steps from a fresh start until a run meets the target; the figure is that
 * run's wall time, burn-in included.
 */

import { initialStep } from '../src/core/measures/burnin';
import { runLlc } from '../src/core/measures/llc-run';
import { cpuAdvance, cpuInit } from '../src/core/walkers/cpu-reference';
import { WalkerEngine } from '../src/core/walkers/walker-engine';
import { crossing } from './engine';
import type { Table } from './table';

const TARGET = 0.01;

export async function llcPrecisionBench(device: GPUDevice): Promise<Table> {
  const n = 10000;
  const p = crossing(n);
  const nbeta = n * p.beta;
  const gpuWalkers = 1024;
  const engine = await WalkerEngine.create(device, {
    ...p,
    walkers: gpuWalkers,
    sampler: 'mala',
    eps: initialStep(p),
    seed: 1,
  });
  let gpu = { seconds: Number.NaN, steps: 0, se: Number.NaN, eps: engine.settings.eps };
  try {
    for (let steps = 125; steps <= 64000; steps *= 2) {
      engine.update({ eps: initialStep(p) });
      const r = await runLlc(engine, {
        ...engine.settings,
        steps,
        burnin: 1000,
        init: 'wstar',
        tuneStep: true,
      });
      gpu = { seconds: r.seconds, steps, se: r.lambdaHatSe, eps: r.eps };
      if (r.lambdaHatSe <= TARGET) break;
    }
  } finally {
    engine.destroy();
  }

  const cpuWalkers = 1024;
  let cpu = { seconds: Number.NaN, steps: 0, se: Number.NaN };
  const cfg = { ...p, sampler: 'mala' as const, eps: gpu.eps, seed: 1 };
  for (let steps = 125; steps <= 64000; steps *= 2) {
    const t0 = performance.now();
    const s = cpuInit(cfg, cpuWalkers, 'wstar');
    cpuAdvance(cfg, s, 1000);
    s.lossSum.fill(0);
    cpuAdvance(cfg, s, steps, true);
    const means = Array.from(s.lossSum, (x) => (nbeta * x) / steps);
    const mean = means.reduce((a, b) => a + b, 0) / cpuWalkers;
    const sd = Math.sqrt(means.reduce((a, b) => a + (b - mean) ** 2, 0) / (cpuWalkers - 1));
    cpu = { seconds: (performance.now() - t0) / 1000, steps, se: sd / Math.sqrt(cpuWalkers) };
    if (cpu.se <= TARGET) break;
  }
  const row = (name: string, walkers: number, r: { seconds: number; steps: number; se: number }) => [
    name,
    String(walkers),
    String(r.steps),
    r.se.toFixed(4),
    `${r.seconds.toFixed(2)} s`,
  ];
  return {
    title: `Time to SE(λ̂) ≤ ${TARGET}, w1²w2² at n = 10^4 (MALA, burn-in 1000)`,
    header: ['engine', 'walkers', 'sampling steps', 'SE(λ̂)', 'wall time'],
    rows: [row('GPU', gpuWalkers, gpu), row('CPU reference', cpuWalkers, cpu)],
    note: `Ratio CPU/GPU wall time: ${(cpu.seconds / gpu.seconds).toFixed(2)}×.`,
  };
}
