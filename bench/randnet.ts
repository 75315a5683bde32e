/**
 * Random networks per second for the reference (7, 40, 40, 1) ReLU network (Gaussian weights and
 * biases, σw = σb = 1): the GPU sampler with the hash table (what `occam-lens randnet` runs), the GPU
 * sampler alone, and the TypeScript reference (the twin: draw with Philox, evaluate in f32 on all 128
 * inputs, pack the key, count it in a Map), in one process. Each figure is the best of two timings,
 * each over enough networks to take ≥ MIN_SECONDS, after a warm-up (software GPUs on shared cores are
 * noisy).
 */
import {
  drawNetwork,
  evaluateNetwork,
  keyOfOutputs,
  type RandNetConfig,
  REFERENCE_NET,
} from '../src/core/function-space/randnet';
import { FunctionSpace } from '../src/core/function-space/randnet-run';
import { formatRate, type Table } from './table';

const MIN_SECONDS = 2;
const TRIALS = 2;

/** Networks/s of the TypeScript reference, counting keys in a Map as the table does. */
export function cpuNetworkRate(config: RandNetConfig = REFERENCE_NET): number {
  const counts = new Map<string, number>();
  const run = (first: number, count: number) => {
    for (let k = first; k < first + count; k++) {
      const key = keyOfOutputs(evaluateNetwork(config, drawNetwork(config, k)).outputs).join(',');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  };
  run(0, 20); // warm-up (JIT)
  let best = 0;
  let count = 32;
  for (let trial = 0; trial < TRIALS; ) {
    const t0 = performance.now();
    run(1000, count);
    const seconds = (performance.now() - t0) / 1000;
    if (seconds >= MIN_SECONDS) {
      best = Math.max(best, count / seconds);
      trial++;
    } else count *= 2;
  }
  return best;
}

/** Networks/s on the GPU: sampler + hash table, or the sampler alone (keys written, not counted). */
export async function gpuNetworkRate(
  device: GPUDevice,
  withTable: boolean,
  config: RandNetConfig = REFERENCE_NET,
  batch = 65536,
): Promise<number> {
  const space = await FunctionSpace.create(device, config, { batch, capacity: 2 ** 20 });
  try {
    const run = async (count: number) => {
      if (withTable) {
        await space.advance(count);
        await space.finish();
      } else {
        for (let done = 0; done < count; done += batch)
          space.sampler.sample(done, Math.min(batch, count - done));
        await device.queue.onSubmittedWorkDone();
      }
    };
    await run(256); // warm-up: pipelines, first dispatch
    let best = 0;
    let count = 512;
    for (let trial = 0; trial < TRIALS; ) {
      const t0 = performance.now();
      await run(count);
      const seconds = (performance.now() - t0) / 1000;
      if (seconds >= MIN_SECONDS || count >= 2 ** 24) {
        best = Math.max(best, count / seconds);
        trial++;
      } else count *= Math.min(8, Math.max(2, Math.ceil(MIN_SECONDS / Math.max(seconds, 1e-3))));
    }
    return best;
  } finally {
    space.destroy();
  }
}

/**
 * Issue 17's shape at a size for a 2-core machine: `count` networks sampled, evaluated, hashed and
 * counted in one run (what numpy_randnet.py times), after the pipelines are built. Networks/s.
 */
export async function workloadNetworkRate(device: GPUDevice, count = 20000): Promise<number> {
  const space = await FunctionSpace.create(device, REFERENCE_NET, { batch: 65536, capacity: 2 ** 20 });
  try {
    await space.advance(256); // warm-up: pipelines, first dispatch
    await space.finish();
    const t0 = performance.now();
    await space.advance(count);
    await space.finish();
    return count / ((performance.now() - t0) / 1000);
  } finally {
    space.destroy();
  }
}

export async function randnetBench(device: GPUDevice): Promise<Table> {
  const cpu = cpuNetworkRate();
  process.stderr.write('  randnet TypeScript reference done\n');
  const withTable = await gpuNetworkRate(device, true);
  process.stderr.write('  randnet GPU sampler + table done\n');
  const alone = await gpuNetworkRate(device, false);
  process.stderr.write('  randnet GPU sampler done\n');
  const workload = await workloadNetworkRate(device);
  process.stderr.write('  randnet issue-17 workload done\n');
  const row = (what: string, rate: number) => [
    what,
    formatRate(rate),
    formatRate(cpu),
    `${(rate / cpu).toFixed(1)}×`,
  ];
  return {
    title:
      'Random networks (7, 40, 40, 1) ReLU, Gaussian σw = σb = 1: networks/s (each evaluated on all 128 inputs)',
    header: ['GPU path', 'GPU networks/s', 'TypeScript reference', 'GPU / TS'],
    rows: [
      row('sampler + hash table (randnet)', withTable),
      row('sampler only (keys)', alone),
      row('2·10⁴ networks, one run (numpy_randnet.py shape)', workload),
    ],
    note:
      'The TypeScript reference draws each network with the Philox twin, evaluates it in f32 (Math.fround) and ' +
      'counts its key in a Map, one network after another on one core.',
  };
}
