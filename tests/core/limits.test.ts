/**
 * Issue 16, the parts that need no GPU: the f32 limits the engine itself enforces (the app's path),
 * decimal-only flag numbers, the tie order of randnet's summary, the LRU bound of the pipeline cache
 * and the cause runFailure names.
 */
import { describe, expect, it } from 'vitest';
import type { TableSnapshot } from '../../src/core/function-space/function-table';
import { summarise } from '../../src/core/function-space/randnet-run';
import { findLandscape } from '../../src/core/landscapes/landscapes';
import { LIMITS, posteriorLimitError, randNetWeightRange, within } from '../../src/core/limits';
import { runFailure } from '../../src/core/measures/result-check';
import { type PosteriorSettings, validatePosterior } from '../../src/core/posterior';
import { cachedPipelines, computePipeline, MAX_CACHED_PIPELINES } from '../../src/gpu/shader-assembly';
import { decimal } from '../../src/scene/specs';

const base: PosteriorSettings = {
  landscape: findLandscape('bowl')!,
  params: [],
  n: 1000,
  beta: 1 / Math.log(1000),
  gamma: 0,
  prior: { kind: 'box', scale: 1 },
  wstar: [0, 0],
};

describe('f32 limits (src/core/limits.ts), enforced by the engine for the app too', () => {
  it.each([
    [{ n: 1e300 }, /^n must be a number in \(1, 1e\+30\]/],
    [{ beta: 1e300 }, /^beta must be/],
    [{ n: 1e20, beta: 1e20 }, /^n·β must be/],
    [{ gamma: 1e300 }, /^gamma must be/],
    [{ prior: { kind: 'gauss', scale: 1e-300 } }, /^prior scale must be a number in \[1e-15, 1e\+15\]/],
    [{ wstar: [1e300, 0] }, /^w\*\[1\] must be/],
  ] as [Partial<PosteriorSettings>, RegExp][])('%j is a RangeError with the limit', (change, message) => {
    const p = { ...base, ...change };
    expect(posteriorLimitError(p)).toMatch(message);
    expect(() => validatePosterior(p)).toThrow(RangeError);
  });

  it('accepts the defaults and the edges of each range', () => {
    expect(posteriorLimitError(base)).toBeUndefined();
    expect(within(LIMITS.n, 1e30)).toBe(true);
    expect(within(LIMITS.n, 1)).toBe(false);
    expect(within(LIMITS.gamma, 0)).toBe(true);
    expect(within(LIMITS.gamma, Number.POSITIVE_INFINITY)).toBe(false);
  });

  it('σw’s bound shrinks with depth so σw^(L+1) stays within f32', () => {
    expect(randNetWeightRange(0).max).toBe(1e30);
    expect(randNetWeightRange(2).max).toBe(1e10);
    expect(randNetWeightRange(4).max ** 5).toBeLessThan(3.4e38);
  });
});

describe('flag numbers are decimal', () => {
  it.each(['0x10', '0b1', '0o7', 'Infinity', '', ' ', '1e', '1,5'])('%j is not a number', (t) => {
    expect(decimal(t)).toBeNaN();
  });
  it.each([
    ['16', 16],
    ['-1.5', -1.5],
    ['1e6', 1e6],
    ['.5', 0.5],
    ['2.', 2],
    [' 3 ', 3],
  ])('%j is %d', (t, x) => expect(decimal(t)).toBe(x));
});

describe('randnet summary order', () => {
  const key = (k: number) => new Uint32Array([k, 0, 0, 0]);
  const entries = [
    { key: key(5), count: 3 },
    { key: key(9), count: 7 },
    { key: key(1), count: 3 },
    { key: key(12), count: 3 },
    { key: key(2), count: 1 },
  ];
  const snap = (es: typeof entries): TableSnapshot =>
    ({ total: 17, distinct: es.length, other: 0, entries: es }) as unknown as TableSnapshot;

  it('breaks ties in count by the function’s bits, whatever the slot order', () => {
    const a = summarise(snap(entries), 3, 4);
    const b = summarise(snap([...entries].reverse()), 3, 4);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    expect(a.top.map((r) => r.count)).toEqual([7, 3, 3, 3]);
    const tied = a.top.slice(1).map((r) => r.bits);
    expect(tied).toEqual([...tied].sort());
  });
});

describe('pipeline cache', () => {
  /** A stand-in device that counts compilations. */
  function fakeDevice() {
    let modules = 0;
    const device = {
      createShaderModule: () => {
        modules++;
        return { getCompilationInfo: async () => ({ messages: [] }) };
      },
      createComputePipeline: () => ({}),
      pushErrorScope: () => {},
      popErrorScope: async () => null,
    } as unknown as GPUDevice;
    return { device, modules: () => modules };
  }
  const layout = {} as GPUPipelineLayout;

  it(`holds at most ${MAX_CACHED_PIPELINES} pipelines, evicting the least recently used`, async () => {
    const { device, modules } = fakeDevice();
    const code = (i: number) => `// formula ${i}\n@compute @workgroup_size(1) fn main() {}`;
    await computePipeline(device, code(0), 'main', layout);
    for (let i = 1; i < 3 * MAX_CACHED_PIPELINES; i++) {
      await computePipeline(device, code(i), 'main', layout);
      // Keep formula 0 in use: it must survive every eviction.
      await computePipeline(device, code(0), 'main', layout);
    }
    expect(cachedPipelines(device)).toBe(MAX_CACHED_PIPELINES);
    expect(modules()).toBe(3 * MAX_CACHED_PIPELINES);
    await computePipeline(device, code(0), 'main', layout);
    expect(modules()).toBe(3 * MAX_CACHED_PIPELINES);
    // An evicted one compiles again.
    await computePipeline(device, code(1), 'main', layout);
    expect(modules()).toBe(3 * MAX_CACHED_PIPELINES + 1);
  });
});

describe('runFailure names the cause', () => {
  const ok = {
    values: { lambda_hat: 1 },
    sampler: 'mala' as const,
    acceptance: 0.8,
    diverged: 0,
    walkerSteps: 100,
    eps: 0.01,
    stepGiven: false,
  };
  it('is silent for a good run, names --step for a given step that never moved', () => {
    expect(runFailure(ok, base)).toBeUndefined();
    expect(runFailure({ ...ok, acceptance: 0, stepGiven: true, eps: 1e9 }, base)).toMatch(
      /never moved.*--step 1\.00e\+9 is too large/,
    );
  });
  it('says every walker diverged', () => {
    expect(runFailure({ ...ok, diverged: 100 }, base)).toMatch(/every walker diverged \(100 divergences/);
  });
});
