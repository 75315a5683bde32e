/**
 * Random networks on the CPU backend (src/cpu/randnet-*.ts) against the TypeScript twin
 * (src/core/function-space/randnet.ts), and the CPU table's counting rule.
 *
 * What is exact and what is not:
 *  - Uniform draws use only exact integer → f32 steps, and the forward pass uses only f32 +, × with no
 *    fused multiply-add (WebAssembly has none), in the twin's order (the tree and the skipped zero
 *    activations change no rounding: see randnet-wat.ts). So for uniform draws and ReLU the CPU's
 *    parameters, outputs and keys equal the twin's bit for bit.
 *  - Gaussian draws go through the toolkit's f32 log/sin/cos (a few ulp, as on any GPU; Math.* in the
 *    twin): the parameters agree to DRAW_TOL, and the forward pass on the CPU's own parameters is still
 *    bit-exact for ReLU. A key can then differ from the twin's own only at a point whose output lies
 *    within the twin's error bound of 0 (evaluateNetwork's bound with that normal error).
 *  - tanh and softplus add the activation's own error (vmath: a few ulp, ACT_TOL absolute).
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main';
import type { TableSnapshot } from '../../src/core/function-space/function-table';
import {
  drawNetwork,
  evaluateNetwork,
  keyOfOutputs,
  layerShapes,
  networkKey,
  parameterCount,
  type RandNetConfig,
  REFERENCE_NET,
} from '../../src/core/function-space/randnet';
import { CpuRandNet } from '../../src/cpu/randnet-kernel';
import { CpuFunctionSpace } from '../../src/cpu/randnet-space';
import { CpuFunctionTable, hashKey } from '../../src/cpu/randnet-table';

/**
 * |Δz| of a standard normal, CPU vs twin: Box–Muller's r·cos θ with log/cos/sin each within 3 ulp
 * (toolkit.test.ts) and θ = 2π·u rounded in f32 by both; measured ≤ 2.7e-6 (about 5 ulp at |z| ≈ 4)
 * over 10^6 draws (500 reference networks, |z| ≤ 5.75); 1e-5 leaves a margin of almost 4.
 */
const DRAW_TOL = 1e-5;
/** |Δ| of one tanh or softplus evaluation (≤ 3 ulp of values ≤ 64: 1e-6 covers it at |h| ≤ 8). */
const ACT_TOL = 1e-6;

const keyWords = (k: ArrayLike<number>, i = 0) => [
  k[i] >>> 0,
  k[i + 1] >>> 0,
  k[i + 2] >>> 0,
  k[i + 3] >>> 0,
];

interface Case {
  readonly name: string;
  readonly config: RandNetConfig;
  readonly first: number;
  readonly count: number;
}

const uniformRelu: RandNetConfig = { ...REFERENCE_NET, init: 'uniform', biasInit: 'uniform', seed: 7 };

const cases: Case[] = [
  // Indices straddle 2^32: the 64-bit counter's carry.
  { name: '7-40-40-1 ReLU, uniform', config: uniformRelu, first: 2 ** 32 - 30, count: 60 },
  { name: '7-40-40-1 ReLU, Gaussian (reference)', config: REFERENCE_NET, first: 0, count: 100 },
  {
    // 64-wide layers take two accumulator groups; the last hidden layer (17) has a partial block.
    name: '5-64-64-17-1 tanh on {−1,1}, Gaussian',
    config: {
      ...REFERENCE_NET,
      inputs: 5,
      hidden: [64, 64, 17],
      activation: 'tanh',
      domain: 'pm1',
      sw: 1.5,
      seed: 3,
    },
    first: 1000,
    count: 40,
  },
  {
    name: '3-5-1 softplus, uniform weights, Gaussian biases',
    config: {
      ...REFERENCE_NET,
      inputs: 3,
      hidden: [5],
      activation: 'softplus',
      init: 'uniform',
      sb: 0.5,
      seed: 11,
    },
    first: 5,
    count: 200,
  },
  {
    name: '6-64-1 softplus on {−1,1}, Gaussian weights, uniform biases',
    config: {
      ...REFERENCE_NET,
      inputs: 6,
      hidden: [64],
      activation: 'softplus',
      biasInit: 'uniform',
      domain: 'pm1',
      seed: 4,
    },
    first: 77,
    count: 60,
  },
  {
    name: 'bias-free perceptron on {0,1}^7',
    config: { ...REFERENCE_NET, hidden: [], sb: 0, seed: 2 },
    first: 0,
    count: 200,
  },
  {
    // 2 input points: fewer than one lane group.
    name: '1-3-2-1 ReLU (2 input points: fewer than one lane group)',
    config: { ...REFERENCE_NET, inputs: 1, hidden: [3, 2], seed: 5 },
    first: 3,
    count: 200,
  },
  {
    name: '2-9-9-9-9-1 tanh',
    config: { ...REFERENCE_NET, inputs: 2, hidden: [9, 9, 9, 9], activation: 'tanh', seed: 6 },
    first: 0,
    count: 100,
  },
];

describe('random networks on the CPU vs the TypeScript twin', () => {
  it.each(cases)('$name', async ({ config, first, count }) => {
    const kernel = await CpuRandNet.create(config, { batch: count, threads: 2 });
    try {
      const params = await kernel.sampleParams(first, count);
      const outputs = await kernel.sampleOutputs(first, count);
      const keys = (await kernel.sampleKeys(first, count)).slice();
      const total = parameterCount(config);
      const points = 2 ** config.inputs;
      const relu = config.activation === 'relu';
      const shapes = layerShapes(config);
      let sameKeys = 0;
      let ambiguousBits = 0;
      for (let k = 0; k < count; k++) {
        // 1. Parameters: bit for bit for uniform draws, to DRAW_TOL (per unit of scale) for Gaussian ones.
        const twinParams = drawNetwork(config, first + k);
        const cpuParams = params.slice(total * k, total * (k + 1));
        for (const s of shapes)
          for (let j = 0; j < s.fanOut; j++)
            for (let i = 0; i <= s.fanIn; i++) {
              const p = s.offset + j * (s.fanIn + 1) + i;
              const bias = i === s.fanIn;
              const scale = bias ? s.bScale : s.wScale;
              if ((bias ? config.biasInit : config.init) === 'uniform')
                expect(cpuParams[p]).toBe(twinParams[p]);
              else expect(Math.abs(cpuParams[p] - twinParams[p])).toBeLessThanOrEqual(DRAW_TOL * scale);
            }
        // 2. The key kernel packs exactly the bits of the raw outputs, which are all finite.
        const out = outputs.subarray(128 * k, 128 * k + points);
        expect(out.every(Number.isFinite)).toBe(true);
        expect(keyWords(keys, 4 * k)).toEqual(keyWords(keyOfOutputs(out)));
        // 3. The forward pass on the CPU's parameters: bit-exact for ReLU, within the activation's
        //    error propagated by the twin's bound otherwise.
        const onCpuParams = evaluateNetwork(config, cpuParams, { normalError: 0, activationError: ACT_TOL });
        for (let i = 0; i < points; i++) {
          // (=== : a bias-free network's 0 may be −0 on one side; no key sees the sign of a zero)
          if (relu) expect(out[i] === onCpuParams.outputs[i], `point ${i}`).toBe(true);
          else expect(Math.abs(out[i] - onCpuParams.outputs[i])).toBeLessThanOrEqual(onCpuParams.bounds[i]);
        }
        // 4. The key against the twin's own (its own draws): equal wherever the twin's output is
        //    farther from 0 than its error bound with the draws' error.
        const twin = evaluateNetwork(config, twinParams, {
          normalError: DRAW_TOL,
          activationError: relu ? 0 : ACT_TOL,
        });
        const twinKey = networkKey(config, first + k);
        if (keyWords(keys, 4 * k).join() === keyWords(twinKey).join()) sameKeys++;
        for (let i = 0; i < points; i++) {
          const t = twin.outputs[i];
          if (Math.abs(t) <= twin.bounds[i] && t !== 0) {
            ambiguousBits++;
            continue;
          }
          expect(out[i] > 0, `network ${first + k}, point ${i}`).toBe(t > 0);
        }
      }
      // Exact draws (uniform everywhere) and ReLU: every key equals the twin's.
      if (relu && config.init === 'uniform' && config.biasInit === 'uniform') expect(sameKeys).toBe(count);
      // Otherwise a bit may flip only inside the bound. Measured here: every key equal in every case
      // (100/100, 40/40, …). Stated rate: ≥ 98% of networks. The bound is a worst case (Lipschitz 1
      // through every layer), loose for deep tanh networks: outputs inside it are not compared, and
      // must stay rare: ≤ 0.2% of bits for ReLU, ≤ 2% otherwise (measured: at most 14 of 25,600 bits
      // for ReLU, 22 of 1,280 for the 5-64-64-17-1 tanh case).
      expect(sameKeys).toBeGreaterThanOrEqual(Math.ceil(0.98 * count));
      expect(ambiguousBits).toBeLessThanOrEqual(Math.ceil((relu ? 0.002 : 0.02) * count * points));
    } finally {
      await kernel.close();
    }
  });
});

const sortedEntries = (s: TableSnapshot) =>
  s.entries.map((e) => `${keyWords(e.key).join(',')}:${e.count}`).sort();

async function tableWith(config: RandNetConfig, samples: number, threads: number, batch: number) {
  const space = await CpuFunctionSpace.create(config, { batch, capacity: 2 ** 14, threads });
  try {
    while (space.samples < samples) await space.advance(Math.min(space.batch, samples - space.samples));
    return await space.read();
  } finally {
    await space.destroy();
  }
}

describe('the CPU function space', () => {
  it('gives identical tables with 1, 2 and 3 threads and any batch (OCCAM_CPU_THREADS=1 vs 2 too)', async () => {
    const config: RandNetConfig = { ...REFERENCE_NET, inputs: 5, hidden: [16, 16], seed: 9 };
    const a = await tableWith(config, 3000, 1, 1000);
    const b = await tableWith(config, 3000, 2, 700);
    const c = await tableWith(config, 3000, 3, 3000);
    // Slot order too: the keys are counted in network order whatever the split.
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    expect(JSON.stringify(c)).toBe(JSON.stringify(a));
    const saved = process.env.OCCAM_CPU_THREADS;
    try {
      process.env.OCCAM_CPU_THREADS = '1';
      const one = await CpuFunctionSpace.create(config, { batch: 1000, capacity: 2 ** 14 });
      expect(one.threads).toBe(1);
      await one.destroy();
      process.env.OCCAM_CPU_THREADS = '2';
      const two = await CpuFunctionSpace.create(config, { batch: 1000, capacity: 2 ** 14 });
      expect(two.threads).toBe(2);
      await two.destroy();
    } finally {
      if (saved === undefined) delete process.env.OCCAM_CPU_THREADS;
      else process.env.OCCAM_CPU_THREADS = saved;
    }
    expect(a.total).toBe(3000);
    expect(a.entries.reduce((s, e) => s + e.count, 0) + a.other).toBe(3000);
    // And the counts are the twin's: every network's key by the twin, counted in a Map.
    const twinCounts = new Map<string, number>();
    for (let k = 0; k < 3000; k++) {
      const key = keyWords(networkKey(config, k)).join(',');
      twinCounts.set(key, (twinCounts.get(key) ?? 0) + 1);
    }
    expect(sortedEntries(a)).toEqual([...twinCounts].map(([k, n]) => `${k}:${n}`).sort());
  });
});

describe('the CPU hash table (hashtable.wgsl rule)', () => {
  // Seeded keys with many repeats: a linear congruential stream over 50 distinct keys.
  const stream = (n: number, distinct: number) => {
    const words = new Uint32Array(4 * n);
    let x = 12345;
    for (let i = 0; i < n; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      const k = x % distinct;
      words.set([k, Math.imul(k, 0x9e3779b9) >>> 0, k & 1 ? 0xffffffff : 0, k >>> 3], 4 * i);
    }
    return words;
  };

  it('counts like a Map when the table has room', () => {
    const words = stream(5000, 50);
    const table = new CpuFunctionTable({ capacity: 64 });
    table.insert(words, 0, 2000);
    table.insert(words, 2000, 3000);
    const snap = table.snapshot();
    const map = new Map<string, number>();
    for (let i = 0; i < 5000; i++) {
      const k = keyWords(words, 4 * i).join(',');
      map.set(k, (map.get(k) ?? 0) + 1);
    }
    expect(snap).toMatchObject({ total: 5000, distinct: 50, other: 0 });
    expect(sortedEntries(snap)).toEqual([...map].map(([k, n]) => `${k}:${n}`).sort());
  });

  it('counts every occurrence of a key that finds no slot in other, never drops one', () => {
    const words = stream(5000, 50);
    const table = new CpuFunctionTable({ capacity: 20, maxProbes: 4 });
    table.insert(words, 0, 5000);
    const snap = table.snapshot();
    expect(snap.distinct).toBeLessThanOrEqual(20);
    expect(snap.other).toBeGreaterThan(0);
    expect(snap.entries.reduce((s, e) => s + e.count, 0) + snap.other).toBe(5000);
    // A placed key has all its occurrences: the table's count equals the Map's.
    const map = new Map<string, number>();
    for (let i = 0; i < 5000; i++) {
      const k = keyWords(words, 4 * i).join(',');
      map.set(k, (map.get(k) ?? 0) + 1);
    }
    for (const e of snap.entries) expect(e.count).toBe(map.get(keyWords(e.key).join(',')));
    // Each placed key sits within maxProbes of its home slot hash_key mod capacity.
    table.clear();
    expect(table.snapshot()).toMatchObject({ total: 0, distinct: 0, other: 0, entries: [] });
  });

  it('hashes as hashtable.wgsl does (MurmurHash3 fmix32 chained; reference values by BigInt arithmetic)', () => {
    const fmix = (x: bigint) => {
      const m = (1n << 32n) - 1n;
      let h = x & m;
      h ^= h >> 16n;
      h = (h * 0x85ebca6bn) & m;
      h ^= h >> 13n;
      h = (h * 0xc2b2ae35n) & m;
      h ^= h >> 16n;
      return h;
    };
    for (const k of [
      [0, 0, 0, 0],
      [0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff],
      [1, 2, 3, 4],
      [0xdeadbeef, 0, 0x80000000, 7],
    ]) {
      let h = fmix(BigInt(k[0]) ^ 0x9e3779b9n);
      for (const w of k.slice(1)) h = fmix(h ^ BigInt(w));
      expect(hashKey(k[0], k[1], k[2], k[3])).toBe(Number(h));
    }
  });

  it('rejects capacities and probe lengths it cannot honour, naming them', () => {
    expect(() => new CpuFunctionTable({ capacity: 0 })).toThrow(/^capacity must be/);
    expect(() => new CpuFunctionTable({ capacity: 16, maxProbes: 17 })).toThrow(/^max probes must be/);
  });
});

describe('occam-lens randnet --backend cpu (no GPU needed)', () => {
  const run = async (...argv: string[]) => {
    let stdout = '';
    let stderr = '';
    const code = await runCli(argv, {
      stdout: (t) => {
        stdout += t;
      },
      stderr: {
        write: (t: string) => {
          stderr += t;
          return true;
        },
      },
    });
    return { code, stdout, stderr };
  };

  it('prints the JSON report with backend "cpu" and the CPU as the device', async () => {
    const r = await run(
      'randnet',
      '--backend',
      'cpu',
      '--inputs',
      '5',
      '--hidden',
      '8',
      '--samples',
      '3000',
      '--top',
      '3',
      '--json',
      '--quiet',
    );
    expect(r.code, r.stderr).toBe(0);
    const o = JSON.parse(r.stdout);
    expect(o.backend).toBe('cpu');
    expect(o.device).toMatch(/^CPU: WebAssembly SIMD \(4 lanes\), \d+ threads?$/);
    expect(o.samples).toBe(3000);
    expect(o.top).toHaveLength(3);
    expect(o.top.reduce((s: number, t: { count: number }) => s + t.count, 0)).toBeLessThanOrEqual(3000);
    expect(r.stderr).toMatch(/backend cpu/);
  });

  it('rejects a bad --backend and a capacity the CPU table cannot hold', async () => {
    const bad = await run('randnet', '--backend', 'tpu', '--quiet');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--backend: expected one of auto, gpu, cpu, got 'tpu'/);
    const big = await run('randnet', '--backend', 'cpu', '--capacity', String(2 ** 30), '--quiet');
    expect(big.code).toBe(2);
    expect(big.stderr).toMatch(/--capacity must be an integer in \[1, 67108864\]/);
  });
});
