/**
 * The CPU backend's statistics (src/core/walkers/state-reduction.ts, reduce.wgsl's sums taken on the
 * host) against reduce.wgsl itself on the same walker state: a GPU engine runs a short LLC measurement
 * (so every sum is non-trivial: split chains, even walkers, accepts, the mass ball), then both
 * reductions read its state. The GPU adds in f32 per workgroup and this in f64, so they agree to f32
 * rounding of sums over 2^12 walkers: a relative 1e-4 (plus 1e-12 per walker for sums near 0) is
 * thousands of f32 ulps, and any wrong term (a missed clamp, a swapped row) is off by far more.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { STUCK_ACCEPTANCE } from '../../src/core/measures/diagnostics';
import { runLlc } from '../../src/core/measures/llc-run';
import { REDUCTION_ROW, reduceState } from '../../src/core/walkers/state-reduction';
import { WalkerEngine } from '../../src/core/walkers/walker-engine';
import type { KernelState } from '../../src/core/walkers/walker-kernels';
import { CpuWalkerKernels } from '../../src/cpu/cpu-walker-kernels';
import { nodeKernelHost } from '../../src/cpu/node-kernel-host';
import { device, noGpu } from '../helpers/gpu';
import { engineConfig, posterior } from '../helpers/scenes';

type Sums = (
  ranges: { first: number; count: number }[],
  center: readonly number[],
  radius: number,
  shifts: { loss?: number; chainMean?: number },
) => Promise<Float64Array[]>;

describe.skipIf(noGpu)('host reduction of walker state', () => {
  const engines: WalkerEngine[] = [];
  afterAll(() => {
    for (const e of engines) e.destroy();
  });

  it('gives reduce.wgsl’s 24 sums on the same state, for the whole population and for a range', async () => {
    const p = posterior('crossing', 10000, [1, 1]);
    const e = await WalkerEngine.create(device!, engineConfig(p, 4096, 'mala', { seed: 9 }));
    engines.push(e);
    await runLlc(e, { ...e.settings, steps: 200, burnin: 100, init: 'mixed', tuneStep: true, radius: 0.1 });
    const snap = await e.snapshot();
    const b = snap.buffers;
    const state: KernelState = {
      positions: new Float32Array(b.positions),
      currentLoss: new Float32Array(b.currentLoss),
      lossSum: new Float32Array(b.lossSum),
      accepts: new Uint32Array(b.accepts),
      diverged: new Uint32Array(b.diverged),
      diagSums: new Float32Array(b.diagSums),
      diagHalf: new Float32Array(b.diagHalf),
    };
    const center = [0, 0];
    const shifts = { loss: 3e-5, chainMean: 4e-5 };
    const internals = e as unknown as { gpuSums: Sums; samples: number; scoredSinceAcceptClear: number };
    for (const range of [
      { first: 0, count: 4096 },
      { first: 1000, count: 1501 },
    ]) {
      const [gpu] = await internals.gpuSums.call(e, [range], center, 0.1, shifts);
      const host = reduceState(state, 2, {
        ...range,
        invSamples: 1 / internals.samples,
        shift: shifts.chainMean,
        lossShift: shifts.loss,
        radius2: 0.01,
        stuckBelow: STUCK_ACCEPTANCE * internals.scoredSinceAcceptClear,
        center,
      });
      expect(host).toHaveLength(REDUCTION_ROW);
      // Counts (walkers, split halves, even walkers) are exact; the rest agree to f32 rounding.
      expect(host[7]).toBe(range.count);
      expect(host[11]).toBeGreaterThan(0);
      for (let k = 0; k < REDUCTION_ROW; k++) {
        const tolerance = 1e-4 * Math.max(Math.abs(gpu[k]), Math.abs(host[k])) + 1e-12 * range.count;
        expect(Math.abs(host[k] - gpu[k]), `sum ${k}: host ${host[k]}, GPU ${gpu[k]}`).toBeLessThanOrEqual(
          tolerance,
        );
      }
    }
  }, 180_000);

  it('a CPU-kernel engine reads its statistics without a GPU reduction', async () => {
    const p = posterior('crossing', 10000, [1, 1]);
    const e = await WalkerEngine.create(device!, engineConfig(p, 1024, 'mala', { seed: 2 }), {
      kernels: new CpuWalkerKernels(nodeKernelHost(2)),
    });
    engines.push(e);
    const r = await runLlc(e, { ...e.settings, steps: 200, burnin: 200, init: 'prior', tuneStep: true });
    expect(Number.isFinite(r.lambdaHat)).toBe(true);
    expect(r.diagnostics.walkers).toBe(1024);
    expect((e as unknown as { pipelines: { reduce?: unknown } }).pipelines.reduce).toBeUndefined();
  }, 120_000);
});
