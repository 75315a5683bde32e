/**
 * The CPU backend's random networks against the GPU path's (shaders/randnet.wgsl + hashtable.wgsl),
 * same seed, same networks. Sizes fit SwiftShader on two shared cores (~6–20 s per 4096 networks).
 *
 * Uniform draws with ReLU are exact on both sides (integer → f32 steps, correctly rounded +, ×; the
 * GPU test of randnet.gpu.test.ts holds the GPU to the twin bit for bit there), so every key must agree.
 * Gaussian draws differ in the last bits of log/cos/sin (the GPU's and the toolkit's), so a network with
 * an output within rounding of 0 can flip a bit: the keys agree for all but a stated fraction, and the
 * function counts then differ by at most the number of disagreeing networks (each moves one count from
 * one function to another) — a deterministic bound, tighter than 5 SE of the counts.
 */
import { describe, expect, it } from 'vitest';
import { FunctionTable, type TableSnapshot } from '../../src/core/function-space/function-table';
import { type RandNetConfig, REFERENCE_NET } from '../../src/core/function-space/randnet';
import { RandNetSampler } from '../../src/core/function-space/randnet-sampler';
import { isSoftwareDevice } from '../../src/core/walkers/walker-engine';
import { CpuRandNet } from '../../src/cpu/randnet-kernel';
import { CpuFunctionSpace } from '../../src/cpu/randnet-space';
import { cli } from '../helpers/cli';
import { device, noGpu } from '../helpers/gpu';

const N = 4096;

async function gpuKeys(
  config: RandNetConfig,
  first: number,
  count: number,
): Promise<Uint32Array<ArrayBuffer>> {
  const sampler = await RandNetSampler.create(device!, config, count);
  try {
    sampler.sample(first, count);
    return (await sampler.readKeys(count)).slice();
  } finally {
    sampler.destroy();
  }
}

async function cpuKeys(config: RandNetConfig, first: number, count: number): Promise<Uint32Array> {
  const kernel = await CpuRandNet.create(config, { batch: count });
  try {
    return (await kernel.sampleKeys(first, count)).slice();
  } finally {
    await kernel.close();
  }
}

function disagreements(a: Uint32Array, b: Uint32Array): number {
  let n = 0;
  for (let k = 0; k < a.length / 4; k++)
    if (
      a[4 * k] !== b[4 * k] ||
      a[4 * k + 1] !== b[4 * k + 1] ||
      a[4 * k + 2] !== b[4 * k + 2] ||
      a[4 * k + 3] !== b[4 * k + 3]
    )
      n++;
  return n;
}

const countsByKey = (s: TableSnapshot) =>
  new Map(s.entries.map((e) => [Array.from(e.key).join(','), e.count]));

describe.skipIf(noGpu)('random networks: CPU backend vs GPU path, same seed', () => {
  it('uniform ReLU 7-40-40-1: every key agrees', async () => {
    const config: RandNetConfig = { ...REFERENCE_NET, init: 'uniform', biasInit: 'uniform', seed: 21 };
    const first = 2 ** 32 - 1000; // the 64-bit index carry on both sides
    expect(disagreements(await cpuKeys(config, first, 2048), await gpuKeys(config, first, 2048))).toBe(0);
  });

  it('Gaussian (reference) 7-40-40-1: keys agree for ≥ 98.5% of networks, counts within the disagreements', async () => {
    // Measured: the CPU's keys equal the twin's for 4096 of these 4096 networks, SwiftShader's for
    // 4070 (26 differ, 0.63%): SwiftShader's log/cos are the coarse side (|Δz| up to 2e-3 against the
    // twin, rng.gpu.test.ts; the toolkit's ≤ 3 ulp). 1.5% allows a GPU twice as coarse.
    const config = REFERENCE_NET;
    const cpu = await cpuKeys(config, 0, N);
    const gpu = await gpuKeys(config, 0, N);
    const differ = disagreements(cpu, gpu);
    expect(differ).toBeLessThanOrEqual(Math.floor(0.015 * N));

    // The GPU's hash table counts the GPU's keys; the CPU space samples and counts on its own.
    const gpuTable = await FunctionTable.create(device!, { capacity: 2 ** 14, batch: N });
    const cpuSpace = await CpuFunctionSpace.create(config, { batch: 1024, capacity: 2 ** 14 });
    try {
      gpuTable.insertKeys(gpu);
      await cpuSpace.advance(N);
      const g = await gpuTable.readEntries();
      const c = await cpuSpace.read();
      expect(c.total).toBe(N);
      expect(g.total).toBe(N);
      expect(c.other).toBe(0);
      expect(g.other).toBe(0);
      expect(Math.abs(c.distinct - g.distinct)).toBeLessThanOrEqual(2 * differ);
      const gc = countsByKey(g);
      const cc = countsByKey(c);
      // The top 10 functions (the two constants hold ~73% of the mass): |Δcount| ≤ disagreements.
      const top = [...gc].sort((a, b) => b[1] - a[1]).slice(0, 10);
      for (const [key, count] of top)
        expect(Math.abs((cc.get(key) ?? 0) - count)).toBeLessThanOrEqual(differ);
      // P(all-zeros function): identical up to the disagreements.
      const zeros = '0,0,0,0';
      expect(Math.abs((cc.get(zeros) ?? 0) - (gc.get(zeros) ?? 0))).toBeLessThanOrEqual(differ);
      if (differ === 0) expect([...cc].sort().join(';')).toBe([...gc].sort().join(';'));
    } finally {
      gpuTable.destroy();
      await cpuSpace.destroy();
    }
  });

  it('tanh on {−1,1} and softplus variants: keys agree for ≥ 99% of networks', async () => {
    for (const config of [
      { ...REFERENCE_NET, inputs: 5, hidden: [64, 17], activation: 'tanh', domain: 'pm1', seed: 3 },
      { ...REFERENCE_NET, inputs: 6, hidden: [20, 20], activation: 'softplus', init: 'uniform', seed: 4 },
    ] satisfies RandNetConfig[]) {
      const count = 1024;
      expect(
        disagreements(await cpuKeys(config, 0, count), await gpuKeys(config, 0, count)),
      ).toBeLessThanOrEqual(Math.floor(0.01 * count));
    }
  });

  it('the CLI: --backend cpu and --backend gpu print the same top functions; auto picks the CPU on a software adapter', async () => {
    // Uniform draws: exact on both backends, so the counts must be equal, not merely close.
    const flags = [
      'randnet',
      '--inputs',
      '5',
      '--hidden',
      '8',
      '--init',
      'uniform',
      '--samples',
      '3000',
      '--top',
      '5',
      '--json',
      '--quiet',
    ];
    const run = async (...extra: string[]) => {
      const r = await cli(...flags, ...extra);
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout);
    };
    const cpu = await run('--backend', 'cpu');
    const gpu = await run('--backend', 'gpu');
    const auto = await run();
    expect(cpu.backend).toBe('cpu');
    expect(gpu.backend).toBe('gpu');
    expect(auto.backend).toBe(isSoftwareDevice(device!) ? 'cpu' : 'gpu');
    expect(cpu.top.map((t: { bits: string; count: number }) => [t.bits, t.count])).toEqual(
      gpu.top.map((t: { bits: string; count: number }) => [t.bits, t.count]),
    );
    expect(auto.top).toEqual(cpu.top);
  });
});
