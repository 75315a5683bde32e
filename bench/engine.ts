/**
 * Walker-steps per second of the GPU engine and of the CPU reference, in one process, for ULA and
 * MALA on the normal crossing. Each figure is timed over enough steps to take ≥ 0.3 s. The CPU rate
 * does not depend on the walker count (one walker after another), so it is measured once per sampler
 * on 4096 walkers and the ratio uses it for every row.
 */
import { cpuAdvance, cpuInit } from '../src/engine/cpu-reference';
import { findLandscape } from '../src/engine/landscapes';
import { initialStep } from '../src/engine/llc-run';
import type { PosteriorSettings, SamplerKind } from '../src/engine/posterior';
import { wbicBeta } from '../src/engine/posterior';
import { bytesPerWalker, maxWalkers, WalkerEngine } from '../src/engine/walker-engine';
import { formatRate, type Table } from './table';

const MIN_SECONDS = 0.3;

function crossing(n = 1000): PosteriorSettings {
  return {
    landscape: findLandscape('crossing')!,
    params: [1, 1],
    n,
    beta: wbicBeta(n),
    gamma: 0,
    prior: { kind: 'box', scale: 1 },
    wstar: [0, 0],
  };
}

/** Walker-steps/s of the CPU reference. */
export function cpuRate(sampler: SamplerKind, walkers = 4096): number {
  const p = crossing();
  const cfg = { ...p, sampler, eps: initialStep(p), seed: 1 };
  const state = cpuInit(cfg, walkers, 'prior');
  cpuAdvance(cfg, state, 2); // warm-up (JIT)
  let steps = 2;
  for (;;) {
    const t0 = performance.now();
    cpuAdvance(cfg, state, steps);
    const seconds = (performance.now() - t0) / 1000;
    if (seconds >= MIN_SECONDS) return (walkers * steps) / seconds;
    steps *= 2;
  }
}

/** Walker-steps/s of the GPU engine for one population size. */
export async function gpuRate(device: GPUDevice, sampler: SamplerKind, walkers: number): Promise<number> {
  const p = crossing();
  const engine = await WalkerEngine.create(device, {
    ...p,
    walkers,
    sampler,
    eps: initialStep(p),
    seed: 1,
    stepsPerDispatch: 32,
  });
  try {
    engine.reset('prior');
    engine.advance(4); // warm-up: pipelines, first dispatch
    await device.queue.onSubmittedWorkDone();
    let steps = 4;
    for (;;) {
      const t0 = performance.now();
      engine.advance(steps);
      await device.queue.onSubmittedWorkDone();
      const seconds = (performance.now() - t0) / 1000;
      if (seconds >= MIN_SECONDS || steps >= 4096) return (walkers * steps) / seconds;
      steps *= Math.min(8, Math.max(2, Math.ceil(MIN_SECONDS / Math.max(seconds, 1e-3))));
    }
  } finally {
    engine.destroy();
  }
}

export async function engineBench(device: GPUDevice, maxLog2: number): Promise<Table> {
  const top = Math.min(maxLog2, Math.floor(Math.log2(maxWalkers(device, 2))));
  const rows: string[][] = [];
  for (const sampler of ['ula', 'mala'] as const) {
    const cpu = cpuRate(sampler);
    for (let k = 12; k <= top; k += 2) {
      const walkers = 2 ** k;
      const gpu = await gpuRate(device, sampler, walkers);
      rows.push([
        sampler.toUpperCase(),
        `2^${k}`,
        formatRate(gpu),
        formatRate(cpu),
        `${(gpu / cpu).toFixed(1)}×`,
      ]);
      process.stderr.write(`  engine ${sampler} 2^${k} done\n`);
    }
  }
  return {
    title: `Langevin engine, crossing w1²w2² (d = 2), walker-steps/s; GPU memory ${bytesPerWalker(2)} bytes per walker`,
    header: ['sampler', 'walkers', 'GPU', 'CPU reference', 'GPU/CPU'],
    rows,
    note: 'CPU reference: plain TypeScript (f64), one walker after another, measured on 4096 walkers.',
  };
}
