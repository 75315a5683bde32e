/**
 * SGD vs Bayes (issue 13): (7, 40, 40, 1) ReLU networks (Gaussian σw = σb = 1) on the target
 * (0011)^32 with a training set of 32 points (seed 1). Rows: networks trained to convergence per
 * second (Adam, lr 0.01, minibatch 32, cross-entropy, max 200 epochs; GPU = shaders/train.wgsl, one
 * invocation per network) and accepted posterior samples per second (rejection from the prior on a
 * training set of 8 points, so enough are accepted to time; GPU = randnet sampler + fit filter + hash
 * table), each against the TypeScript reference (the twin, one network after another) in the same
 * process. Each figure is the best of two timings of ≥ MIN_SECONDS after a warm-up.
 */
import { keyToBits, networkKey, REFERENCE_NET } from '../src/core/function-space/randnet';
import { fitsTrain, makeTask, parseTarget } from '../src/core/function-space/sgd-task';
import { DEFAULT_TRAIN, twinTrain } from '../src/core/function-space/sgd-twin';
import { runBayes, runSgd } from '../src/core/function-space/sgd-vs-bayes';
import { formatRate, type Table } from './table';

const MIN_SECONDS = 2;
const net = REFERENCE_NET;
const target = parseTarget('0011', 7);
const sgdTask = makeTask(7, target, 32, 1);
const bayesTask = makeTask(7, target, 8, 1);
const train = { ...DEFAULT_TRAIN, maxEpochs: 200 };

/** Best rate over two timings of `run(count)` (returning the number of successes), growing count. */
async function rate(
  run: (first: number, count: number) => Promise<number> | number,
  start: number,
  max: number,
) {
  await run(0, Math.max(1, Math.floor(start / 4))); // warm-up: pipelines, JIT
  let best = 0;
  let count = start;
  let first = 1 << 20;
  for (let trial = 0; trial < 2; ) {
    const t0 = performance.now();
    const ok = await run(first, count);
    const seconds = (performance.now() - t0) / 1000;
    first += count;
    if (seconds >= MIN_SECONDS || count >= max) {
      best = Math.max(best, ok / seconds);
      trial++;
    } else
      count = Math.min(
        max,
        count * Math.min(8, Math.max(2, Math.ceil(MIN_SECONDS / Math.max(seconds, 1e-3)))),
      );
  }
  return best;
}

export async function sgdBench(device: GPUDevice): Promise<Table> {
  const cpuSgd = await rate(
    (first, count) => {
      let ok = 0;
      for (let k = first; k < first + count; k++) if (twinTrain(net, sgdTask, train, k).fits) ok++;
      return ok;
    },
    2,
    1 << 12,
  );
  process.stderr.write('  sgd TypeScript reference done\n');
  const gpuSgd = await rate(
    async (first, count) => {
      void first;
      const s = await runSgd(device, net, sgdTask, train, { runs: count, batch: 65536, capacity: 1 << 16 });
      return s.converged;
    },
    64,
    1 << 18,
  );
  process.stderr.write('  sgd GPU done\n');
  const cpuBayes = await rate(
    (first, count) => {
      let ok = 0;
      for (let k = first; k < first + count; k++)
        if (fitsTrain(bayesTask, keyToBits(networkKey(net, k), 7))) ok++;
      return ok;
    },
    256,
    1 << 22,
  );
  process.stderr.write('  bayes TypeScript reference done\n');
  const gpuBayes = await rate(
    async (first, count) => {
      void first;
      const b = await runBayes(device, net, bayesTask, { samples: count, batch: 65536, capacity: 1 << 16 });
      return b.accepted;
    },
    4096,
    1 << 26,
  );
  process.stderr.write('  bayes GPU done\n');
  const row = (what: string, gpu: number, cpu: number) => [
    what,
    formatRate(gpu),
    formatRate(cpu),
    `${(gpu / cpu).toFixed(1)}×`,
  ];
  return {
    title:
      'SGD vs Bayes, (7, 40, 40, 1) ReLU on (0011)^32: converged networks/s and accepted posterior samples/s',
    header: ['quantity', 'GPU', 'TypeScript reference', 'GPU / TS'],
    rows: [
      row('SGD networks trained to convergence (Adam, |S| = 32)', gpuSgd, cpuSgd),
      row('accepted posterior samples (rejection, |S| = 8)', gpuBayes, cpuBayes),
    ],
    note:
      'Converged/s counts only networks that fit S (non-converged ones cost time and count 0). The TypeScript ' +
      'reference is the f32 twin (Math.fround) of train.wgsl / randnet.wgsl on one core. GPU rates include ' +
      'buffer creation and pipeline lookups per call.',
  };
}
