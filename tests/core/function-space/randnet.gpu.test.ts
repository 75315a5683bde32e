/**
 * Random networks on the GPU against the TypeScript twin and exact theory, and the GPU hash table
 * against a CPU Map. Sizes are chosen for SwiftShader on two shared cores.
 */
import { describe, expect, it } from 'vitest';
import { FunctionTable } from '../../../src/core/function-space/function-table';
import {
  drawNetwork,
  evaluateNetwork,
  keyOfOutputs,
  layerShapes,
  parameterCount,
  type RandNetConfig,
  REFERENCE_NET,
} from '../../../src/core/function-space/randnet';
import { FunctionSpace } from '../../../src/core/function-space/randnet-run';
import { RandNetSampler } from '../../../src/core/function-space/randnet-sampler';
import { philox4x32_10 } from '../../../src/core/rng';
import { device, noGpu } from '../../helpers/gpu';

const keyString = (k: ArrayLike<number>, i = 0) =>
  `${k[i] >>> 0},${k[i + 1] >>> 0},${k[i + 2] >>> 0},${k[i + 3] >>> 0}`;

/**
 * How the twin is compared. Uniform draws use only integer → f32 steps that are exact, and the forward
 * pass uses only +, −, × (correctly rounded in WGSL and with Math.fround), so for uniform draws and ReLU
 * the twin reproduces the GPU's floats exactly — unless a GPU compiler fuses a·b + c into an FMA, which
 * the (m+2)·2^−24·Σ|w·h| rounding term of the bound covers. Gaussian draws go through log/cos/sin, whose
 * f32 implementations differ between GPUs and V8 (|Δz| ≤ 2e-3, see rng.gpu.test.ts), so the
 * parameters are compared with that tolerance, and the forward pass is compared on the parameters the
 * GPU drew (read back by sample_params): then the only differences are rounding and, for tanh and
 * softplus, the activation's own error (WGSL: a few ulp or 2^−21 absolute; 1e-5 allowed). Output bits
 * must agree wherever |output| exceeds that bound; outputs inside it are counted and must be rare.
 */
interface TwinCase {
  readonly name: string;
  readonly config: RandNetConfig;
  readonly first: number;
  readonly count: number;
  /** Parameters drawn bit for bit (all draws uniform). */
  readonly exactDraws: boolean;
}

const uniformNet: RandNetConfig = { ...REFERENCE_NET, init: 'uniform', biasInit: 'uniform', seed: 7 };

const twinCases: TwinCase[] = [
  // Network indices straddle 2^32, so the 64-bit index carry is exercised.
  { name: '7-40-40-1 ReLU, uniform', config: uniformNet, first: 2 ** 32 - 6, count: 12, exactDraws: true },
  {
    name: '7-40-40-1 ReLU, Gaussian (reference)',
    config: REFERENCE_NET,
    first: 0,
    count: 12,
    exactDraws: false,
  },
  {
    // 64-wide layers take two workgroup-memory chunks (64·65 > 3072 floats); n = 5 leaves invocations idle.
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
    count: 6,
    exactDraws: false,
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
    count: 40,
    exactDraws: false,
  },
  {
    name: 'bias-free perceptron on {0,1}^7, Gaussian',
    config: { ...REFERENCE_NET, hidden: [], sb: 0, seed: 2 },
    first: 0,
    count: 64,
    exactDraws: false,
  },
];

describe.skipIf(noGpu)('random networks: GPU vs the TypeScript twin', () => {
  it.each(twinCases)('$name', async ({ config, first, count, exactDraws }) => {
    const sampler = await RandNetSampler.create(device!, config, 64);
    try {
      const gpuParams = await sampler.sampleParams(first, count);
      const raw = await sampler.sampleOutputs(first, count);
      sampler.sample(first, count);
      const keys = await sampler.readKeys(count);
      const points = 2 ** config.inputs;
      const shapes = layerShapes(config);
      const total = parameterCount(config);
      const activationError = config.activation === 'relu' ? 0 : 1e-5;
      let ambiguous = 0;
      let checked = 0;
      let maxDraw = 0;
      for (let k = 0; k < count; k++) {
        // 1. The parameters: bit for bit for uniform draws, to Box–Muller's f32 error for Gaussian ones.
        const mine = drawNetwork(config, first + k);
        const theirs = gpuParams.slice(total * k, total * (k + 1));
        for (const shape of shapes) {
          for (let j = 0; j < shape.fanOut; j++) {
            for (let i = 0; i <= shape.fanIn; i++) {
              const p = shape.offset + j * (shape.fanIn + 1) + i;
              const isBias = i === shape.fanIn;
              const exact = (isBias ? config.biasInit : config.init) === 'uniform';
              const scale = isBias ? shape.bScale : shape.wScale;
              if (exact || scale === 0) expect(Math.abs(theirs[p] - mine[p])).toBe(0);
              else maxDraw = Math.max(maxDraw, Math.abs(theirs[p] - mine[p]) / scale);
            }
          }
        }
        // 2. The key kernel packs exactly the bits of the raw outputs (bit i = output i > 0).
        const gpu = raw.subarray(128 * k, 128 * k + points);
        expect(keyString(keys, 4 * k)).toBe(keyString(keyOfOutputs(gpu)));
        // 3. The forward pass on the GPU's parameters, and (exact draws) on the twin's own.
        const twin = evaluateNetwork(config, theirs, { normalError: 0, activationError });
        if (exactDraws) {
          const own = evaluateNetwork(config, mine);
          expect(keyString(keyOfOutputs(own.outputs))).toBe(keyString(keys, 4 * k));
        }
        for (let i = 0; i < points; i++) {
          const bound = twin.bounds[i];
          expect(Math.abs(gpu[i] - twin.outputs[i])).toBeLessThanOrEqual(bound);
          if (Math.abs(twin.outputs[i]) <= bound && twin.outputs[i] !== 0) {
            ambiguous++; // within rounding of 0: the sign is not compared
            continue;
          }
          expect(gpu[i] > 0).toBe(twin.outputs[i] > 0);
          checked++;
        }
      }
      expect(maxDraw).toBeLessThan(2e-3);
      expect(ambiguous).toBeLessThanOrEqual(
        config.activation === 'relu' ? 0 : Math.ceil(0.002 * count * points),
      );
      expect(checked + ambiguous).toBe(count * points);
    } finally {
      sampler.destroy();
    }
  });
});

describe.skipIf(noGpu)('the bias-free perceptron on {0,1}^7 (exact theory)', () => {
  it('puts probability 1/128 on every count t = 0…127 of ones and never yields t = 128', async () => {
    // Theory (Mingard et al. 2019): with i.i.d. sign-symmetric weights, P(t ones) = 2^−n for t < 2^n.
    // Input 0 is all zeros, where the output is exactly 0 and 0 > 0 is false: bit 0 is always 0, so
    // t = 128 is impossible. With S samples each bin count is Binomial(S, 1/128), standard error
    // √(S·p(1−p)) ≈ 27.8 at S = 10^5; a 5 SE window per bin has a false-alarm chance ≈ 6e-7 per bin.
    const samples = 100_000;
    const config: RandNetConfig = { ...REFERENCE_NET, hidden: [], sb: 0, seed: 20260101 };
    const sampler = await RandNetSampler.create(device!, config, samples);
    try {
      sampler.sample(0, samples);
      const keys = await sampler.readKeys(samples);
      const bins = new Array<number>(129).fill(0);
      let bit0 = 0;
      for (let k = 0; k < samples; k++) {
        let t = 0;
        for (let w = 0; w < 4; w++) {
          let x = keys[4 * k + w];
          while (x) {
            x &= x - 1;
            t++;
          }
        }
        bins[t]++;
        bit0 += keys[4 * k] & 1;
      }
      const p = 1 / 128;
      const se = Math.sqrt(samples * p * (1 - p));
      const worst = Math.max(...bins.slice(0, 128).map((c) => Math.abs(c - samples * p) / se));
      expect(bins[128]).toBe(0);
      expect(bit0).toBe(0);
      expect(worst).toBeLessThan(5);
    } finally {
      sampler.destroy();
    }
  });
});

/** A skewed stream of keys with many repeats: the zero key, all-ones, and a Zipf-like tail. */
function keyStream(count: number, distinctTail: number, seed: number): Uint32Array<ArrayBuffer> {
  const keys = new Uint32Array(4 * count);
  for (let i = 0; i < count; i++) {
    const r = philox4x32_10([i, 0, 0, 9], [seed, 0]);
    const u = r[0] / 2 ** 32;
    if (u < 0.2) continue; // the all-zeros key: a valid function, distinct from an empty slot
    if (u < 0.3) {
      keys.fill(0xffffffff, 4 * i, 4 * i + 4);
      continue;
    }
    const j = Math.floor((r[1] / 2 ** 32) ** 3 * distinctTail);
    keys.set(philox4x32_10([j, 1, 0, 9], [seed, 0]), 4 * i);
  }
  return keys;
}

function cpuCounts(keys: Uint32Array): Map<string, number> {
  const m = new Map<string, number>();
  for (let i = 0; i < keys.length; i += 4) {
    const s = keyString(keys, i);
    m.set(s, (m.get(s) ?? 0) + 1);
  }
  return m;
}

describe.skipIf(noGpu)('GPU hash table vs a CPU Map', () => {
  it('counts every key exactly, across batches, when everything fits', async () => {
    const keys = keyStream(100_000, 20_000, 1);
    const want = cpuCounts(keys);
    const table = await FunctionTable.create(device!, { capacity: 2 ** 16, batch: 2 ** 14 });
    try {
      table.insertKeys(keys); // 7 batches: keys repeat within and across batches
      const got = await table.readEntries();
      expect(got.total).toBe(100_000);
      expect(got.other).toBe(0);
      expect(got.distinct).toBe(want.size);
      expect(got.entries.length).toBe(want.size);
      const seen = new Set<string>();
      for (const e of got.entries) {
        const s = keyString(e.key);
        expect(seen.has(s)).toBe(false);
        seen.add(s);
        expect(e.count).toBe(want.get(s));
      }
      // clear() empties it for reuse.
      table.clear();
      const empty = await table.readEntries();
      expect(empty).toMatchObject({ total: 0, distinct: 0, other: 0, entries: [] });
    } finally {
      table.destroy();
      table.destroy(); // idempotent
    }
  });

  it.each([
    // Probing the whole table costs `capacity` probes per unplaced key: kept small for software GPUs.
    ['a full table (probe the whole table)', 512, 512],
    ['short probe paths (8 slots)', 4096, 8],
  ])('puts what does not fit in other, never drops a count: %s', async (_name, capacity, maxProbes) => {
    const keys = keyStream(30_000, 20_000, 2);
    const want = cpuCounts(keys);
    expect(want.size).toBeGreaterThan(capacity);
    const table = await FunctionTable.create(device!, { capacity, batch: 4096, maxProbes });
    try {
      table.insertKeys(keys);
      const got = await table.readEntries();
      const placed = got.entries.reduce((s, e) => s + e.count, 0);
      expect(got.other).toBeGreaterThan(0);
      expect(placed + got.other).toBe(30_000);
      if (maxProbes === capacity) expect(got.distinct).toBe(capacity);
      // Every occurrence of a key follows the same probe path: a placed key has its full count.
      let missing = 0;
      const inTable = new Set<string>();
      for (const e of got.entries) {
        const s = keyString(e.key);
        inTable.add(s);
        expect(e.count).toBe(want.get(s));
      }
      for (const [s, c] of want) if (!inTable.has(s)) missing += c;
      expect(missing).toBe(got.other);
    } finally {
      table.destroy();
    }
  });
});

describe.skipIf(noGpu)('sampler + table (FunctionSpace)', () => {
  it('counts the functions of sampled networks exactly as the twin computes them, batch by batch', async () => {
    // Uniform draws and ReLU: the twin is exact, so the table must equal a Map of twin keys.
    const config: RandNetConfig = { ...uniformNet, hidden: [8, 8], seed: 5 };
    const samples = 2500;
    const space = await FunctionSpace.create(device!, config, { batch: 1024, capacity: 4096 });
    try {
      await space.advance(samples); // 1024 + 1024 + 452
      const got = await space.read();
      const want = new Map<string, number>();
      for (let k = 0; k < samples; k++) {
        const s = keyString(keyOfOutputs(evaluateNetwork(config, drawNetwork(config, k)).outputs));
        want.set(s, (want.get(s) ?? 0) + 1);
      }
      expect(got.total).toBe(samples);
      expect(got.other).toBe(0);
      expect(got.distinct).toBe(want.size);
      for (const e of got.entries) expect(e.count).toBe(want.get(keyString(e.key)));
      await space.reset();
      expect(space.samples).toBe(0);
      expect((await space.read()).distinct).toBe(0);
    } finally {
      space.destroy();
      space.destroy();
    }
  });
});
