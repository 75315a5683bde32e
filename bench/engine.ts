/**
 * Walker-steps per second of the GPU engine and of the CPU reference, in one process, for ULA and
 * MALA on the normal crossing. Each figure is timed over enough steps to take ≥ 0.3 s. The CPU rate
 * does not depend on the walker count (one walker after another), so it is measured once per sampler
 * on 4096 walkers and the ratio uses it for every row.
 */

import { defaultWstar, findLandscape, type Landscape } from '../src/core/landscapes/landscapes';
import { mlpLandscape } from '../src/core/landscapes/models/mlp';
import { polynomialLandscape } from '../src/core/landscapes/models/polynomial';
import { initialStep } from '../src/core/measures/burnin';
import type { PosteriorSettings, SamplerKind } from '../src/core/posterior';
import { wbicBeta } from '../src/core/posterior';
import { cpuAdvance, cpuInit } from '../src/core/walkers/cpu-reference';
import { bytesPerWalker, maxWalkers, WalkerEngine } from '../src/core/walkers/walker-engine';
import { formatRate, type Table } from './table';

const MIN_SECONDS = 0.3;

/** The normal crossing w1²w2² at n, WBIC β, box prior of scale 1, w* = 0. */
export function crossing(n = 1000): PosteriorSettings {
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

function modelPosterior(landscape: Landscape, params: number[]): PosteriorSettings {
  const n = 1000;
  return {
    landscape,
    params,
    n,
    beta: wbicBeta(n),
    gamma: 0,
    prior: { kind: 'box', scale: landscape.defaultBound },
    wstar: defaultWstar(landscape),
  };
}

/** Issue 4's rows: the 15-parameter polynomial model and a width-4 tanh network (MALA). */
export async function modelBench(device: GPUDevice, walkers = 2 ** 14, withCpu = true): Promise<Table> {
  const models = [
    { name: 'poly m = (1,2,3,4,5), 1 point', p: modelPosterior(polynomialLandscape([1, 2, 3, 4, 5]), [1]) },
    {
      name: 'mlp tanh 1→4→1, 32 points',
      p: modelPosterior(mlpLandscape({ width: 4, teacherWidth: 3 }), [1, 1]),
    },
  ];
  const rows: string[][] = [];
  for (const { name, p } of models) {
    const gpu = await gpuRate(device, 'mala', walkers, p);
    // withCpu false: bench:gpu's rows, where the CPU reference is not the question and costs time.
    const cpu = withCpu ? cpuRate('mala', 256, p) : Number.NaN;
    rows.push([
      name,
      String(p.landscape.dim),
      formatRate(gpu),
      withCpu ? formatRate(cpu) : '–',
      withCpu ? `${(gpu / cpu).toFixed(1)}×` : '–',
    ]);
    process.stderr.write(`  model ${name} done\n`);
  }
  return {
    title: `Models, MALA walker-steps/s (GPU: 2^${Math.log2(walkers)} walkers; CPU reference: 256 walkers)`,
    header: ['model', 'd', 'GPU', 'CPU reference', 'GPU/CPU'],
    rows,
  };
}

/** Walker-steps/s of the CPU reference. */
export function cpuRate(sampler: SamplerKind, walkers = 4096, p: PosteriorSettings = crossing()): number {
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
export async function gpuRate(
  device: GPUDevice,
  sampler: SamplerKind,
  walkers: number,
  p: PosteriorSettings = crossing(),
): Promise<number> {
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

/**
 * Issue 17's workload shape, at a size that finishes in a minute on a 2-core software GPU: the
 * normal crossing at n = 10⁴, ε = 10⁻³ fixed, reflecting box [−1, 1]², uniform start, `steps` steps
 * of `walkers` walkers in one run (as shared/baselines/numpy_ula.py times it: after pipelines and the
 * start, to queue completion). Walker-steps/s.
 */
export async function workloadRate(
  device: GPUDevice,
  sampler: SamplerKind,
  walkers = 2 ** 16,
  steps = 200,
): Promise<number> {
  const engine = await WalkerEngine.create(device, {
    ...crossing(10000),
    walkers,
    sampler,
    eps: 1e-3,
    seed: 1,
  });
  try {
    engine.reset('prior');
    engine.advance(1); // as numpy's warm-up step
    await device.queue.onSubmittedWorkDone();
    const t0 = performance.now();
    await engine.run(steps);
    return (walkers * steps) / ((performance.now() - t0) / 1000);
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
    const rate = await workloadRate(device, sampler);
    rows.push([
      sampler.toUpperCase(),
      '2^16 × 200, n = 10⁴, ε = 10⁻³',
      formatRate(rate),
      formatRate(cpu),
      `${(rate / cpu).toFixed(1)}×`,
    ]);
    process.stderr.write(`  engine ${sampler} issue-17 workload done\n`);
  }
  return {
    title: `Langevin engine, crossing w1²w2² (d = 2), walker-steps/s; GPU memory ${bytesPerWalker(2)} bytes per walker`,
    header: ['sampler', 'walkers', 'GPU', 'CPU reference', 'GPU/CPU'],
    rows,
    note:
      'CPU reference: plain TypeScript (f64), one walker after another, measured on 4096 walkers. ' +
      "Rows 2^16 × 200: issue 17's workload shape (numpy_ula.py 65536 200), one run of that many steps.",
  };
}
