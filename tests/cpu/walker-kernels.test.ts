/**
 * The walkers' CPU kernels (src/cpu/cpu-walker-kernels.ts) without a GPU: the Philox counters and
 * streams against the TypeScript twin, one move against a hand computation, the whole ULA/MALA step
 * against the f64 CPU reference, and determinism across thread counts.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { packLandscapeValues } from '../../src/core/landscapes/landscape-uniforms';
import { findLandscape } from '../../src/core/landscapes/landscapes';
import type { Prior, SamplerKind } from '../../src/core/posterior';
import { drawNormals, philox4x32_10, Stream, seedKey, uniformOpen01 } from '../../src/core/rng';
import { cpuAdvance, cpuInit } from '../../src/core/walkers/cpu-reference';
import type { KernelSettings, WalkerKernels } from '../../src/core/walkers/walker-kernels';
import { CpuWalkerKernels } from '../../src/cpu/cpu-walker-kernels';
import { inThreadKernelHost } from '../../src/cpu/kernel-host';
import { nodeKernelHost } from '../../src/cpu/node-kernel-host';

const open: WalkerKernels[] = [];
afterAll(async () => {
  for (const k of open.splice(0)) await k.close();
});

interface Setup {
  id: string;
  params?: number[];
  walkers: number;
  nbeta: number;
  eps: number;
  prior: Prior;
  seed: number;
  gamma?: number;
  wstar?: number[];
  threads?: number;
  /** The browser's host (the calling thread, an unshared memory) instead of Node's worker pool. */
  inThread?: boolean;
}

async function kernels(s: Setup): Promise<WalkerKernels> {
  const landscape = findLandscape(s.id)!;
  const host = s.inThread ? inThreadKernelHost() : nodeKernelHost(s.threads ?? 2);
  const k = await new CpuWalkerKernels(host).create({
    landscape,
    walkers: s.walkers,
    sampler: 'ula',
  });
  open.push(k);
  return k;
}

function settings(s: Setup, initKind = 0, accumulate = false): KernelSettings {
  const landscape = findLandscape(s.id)!;
  const d = landscape.dim;
  const [seedLo, seedHi] = seedKey(s.seed);
  const stride = d + (d * (d + 1)) / 2;
  const metric = new Float32Array(64 * stride);
  for (let g = 0; g < 64; g++) metric.fill(1, g * stride, g * stride + d);
  const wstar = new Float32Array(32);
  wstar.set(s.wstar ?? [0, 0]);
  return {
    seedLo,
    seedHi,
    priorKind: s.prior.kind === 'gauss' ? 1 : 0,
    priorScale: s.prior.scale,
    gamma: s.gamma ?? 0,
    groups: 1,
    groupSize: s.walkers,
    accumulate,
    initKind,
    wstar,
    groupNbeta: new Float32Array(64).fill(s.nbeta),
    groupEps: new Float32Array(64).fill(s.eps),
    metric,
    lp: packLandscapeValues(landscape, s.params ?? landscape.params.map((p) => p.default)),
  };
}

const f = Math.fround;

describe('walker kernels on the CPU (WebAssembly SIMD)', () => {
  it('draws the prior start from the init stream, bit-exact with the TypeScript twin', async () => {
    // The box draw is R·(2u − 1): integer Philox words and exact f32 arithmetic, so it is bit-exact.
    const s: Setup = {
      id: 'crossing',
      walkers: 200,
      nbeta: 100,
      eps: 1e-3,
      prior: { kind: 'box', scale: 1 },
      seed: 7,
    };
    const k = await kernels(s);
    await k.init(settings(s, 1));
    const key = seedKey(7);
    for (let i = 0; i < 200; i++) {
      const r = philox4x32_10([i, 0, 0, Stream.init], key);
      for (let j = 0; j < 2; j++) expect(k.state.positions[2 * i + j]).toBe(f(2 * uniformOpen01(r[j]) - 1));
      const [x, y] = [k.state.positions[2 * i], k.state.positions[2 * i + 1]];
      expect(k.state.currentLoss[i]).toBe(f(f(x * x) * f(y * y)));
    }
    // Mixed starts: even walkers at w*, odd ones from the prior.
    await k.init(settings({ ...s, wstar: [0.25, -0.5] }, 2));
    expect([k.state.positions[0], k.state.positions[1]]).toEqual([0.25, -0.5]);
    expect(k.state.positions[2]).toBe(
      f(2 * uniformOpen01(philox4x32_10([1, 0, 0, Stream.init], key)[0]) - 1),
    );
  });

  it("takes its first step's normals from the noise stream (walker, step 0, block 0, stream 0)", async () => {
    // Bowl at w* = 0 under a Gaussian prior with γ = 0: the gradient is exactly 0 at the start, so
    // one step is w = √ε·z with no fold. Tolerance: Box–Muller through vmath's log/sin/cos (a few
    // ulp each) against Math.* rounded to f32: 1e-5 relative, and 1e-6 absolute near zero.
    const s: Setup = {
      id: 'bowl',
      walkers: 256,
      nbeta: 10,
      eps: 0.01,
      prior: { kind: 'gauss', scale: 1 },
      seed: 123,
    };
    const k = await kernels(s);
    await k.init(settings(s, 0));
    await k.steps('ula', settings(s), 1, 0);
    const key = seedKey(123);
    for (let i = 0; i < 256; i++) {
      const z = drawNormals(key, i, 0, Stream.noise, 2);
      for (let j = 0; j < 2; j++) {
        const want = f(Math.sqrt(0.01)) * z[j];
        expect(Math.abs(k.state.positions[2 * i + j] - want)).toBeLessThan(1e-5 * Math.abs(want) + 1e-6);
      }
    }
  });

  for (const sampler of ['ula', 'mala'] as SamplerKind[]) {
    it(`${sampler}: follows the f64 CPU reference walker by walker (same counters, box fold, MH ratio)`, async () => {
      // 512 walkers, 16 steps of crossing at nβ = 100 from prior starts (many walkers near a wall, so
      // the folded-normal slow path runs). f32 vs f64 trajectories agree to ~1e-5; an MH decision
      // whose log-ratio lies within rounding of log u can flip, so at most 1% of walkers may differ.
      const s: Setup = {
        id: 'crossing',
        params: [1, 1],
        walkers: 512,
        nbeta: 100,
        eps: 0.01,
        prior: { kind: 'box', scale: 1 },
        seed: 5,
      };
      const k = await kernels(s);
      await k.init(settings(s, 1));
      for (let b = 0; b < 4; b++) await k.steps(sampler, settings(s, 0, true), 4, 4 * b);
      const landscape = findLandscape('crossing')!;
      const c = {
        landscape,
        params: [1, 1],
        n: 100,
        beta: 1,
        gamma: 0,
        prior: s.prior,
        wstar: [0, 0],
        sampler,
        eps: 0.01,
        seed: 5,
      };
      const ref = cpuInit(c, 512, 'prior');
      cpuAdvance(c, ref, 16, true);
      let differ = 0;
      let accepts = 0;
      for (let i = 0; i < 512; i++) {
        const close = [0, 1].every(
          (j) => Math.abs(k.state.positions[2 * i + j] - ref.positions[2 * i + j]) < 1e-4,
        );
        if (!close || k.state.accepts[i] !== ref.accepts[i]) differ++;
        accepts += k.state.accepts[i];
        expect(k.state.diverged[i]).toBe(0);
      }
      expect(differ).toBeLessThanOrEqual(5);
      expect(accepts).toBeGreaterThan(0);
      // The accumulators: 16 samples per walker, Σ L matching the reference's.
      for (let i = 0; i < 512; i += 37) {
        expect(k.state.diagSums[4 * i + 3]).toBe(16);
        expect(Math.abs(k.state.lossSum[i] - ref.lossSum[i])).toBeLessThan(1e-3 * (1 + ref.lossSum[i]));
      }
    });
  }

  it('counts a diverged walker and re-draws it from the prior (redraw stream)', async () => {
    // A huge step explodes the crossing walkers out of a Gaussian prior (no fold to hide it).
    const s: Setup = {
      id: 'crossing',
      params: [3, 3],
      walkers: 64,
      nbeta: 1e6,
      eps: 10,
      prior: { kind: 'gauss', scale: 2 },
      seed: 9,
    };
    const k = await kernels(s);
    await k.init(settings(s, 1));
    await k.steps('mala', settings(s), 3, 0);
    let div = 0;
    for (let i = 0; i < 64; i++) {
      div += k.state.diverged[i];
      for (let j = 0; j < 2; j++) expect(Number.isFinite(k.state.positions[2 * i + j])).toBe(true);
      expect(Number.isFinite(k.state.currentLoss[i])).toBe(true);
    }
    expect(div).toBeGreaterThan(0);
  });

  it("gives bit-identical state with 1 and 2 threads, on the page's own thread, and twice with the same seed", async () => {
    const s: Setup = {
      id: 'crossing',
      params: [1, 2],
      walkers: 1000,
      nbeta: 300,
      eps: 0.003,
      prior: { kind: 'box', scale: 1 },
      seed: 42,
    };
    const run = async (threads: number, inThread = false) => {
      const k = await kernels({ ...s, threads, inThread });
      await k.init(settings(s, 2));
      await k.steps('ula', settings(s), 32, 0);
      await k.steps('ula', settings(s, 0, true), 32, 32);
      await k.steps('mala', settings(s, 0, true), 32, 64);
      return Object.values(k.state).map((a: Float32Array | Uint32Array) =>
        Array.from(a.subarray(0, 4 * 1000)),
      );
    };
    const one = await run(1);
    expect(await run(2)).toEqual(one);
    expect(await run(2)).toEqual(one);
    // The browser's host: an unshared memory and the same module text but for its memory import.
    expect(await run(1, true)).toEqual(one);
  });
});
