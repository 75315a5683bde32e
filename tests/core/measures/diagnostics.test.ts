/**
 * The convergence diagnostics' formulas (src/core/measures/diagnostics.ts) against a direct two-pass
 * computation on synthetic AR(1) chains, whose effective sample size is known:
 * x_t = ρ·x_{t−1} + √(1 − ρ²)·ξ_t has unit variance and Var(mean of T) = [(1+ρ)/(1−ρ) −
 * 2ρ(1 − ρ^T)/(T(1−ρ)²)]/T, so ESS = N·T·(1 − ρ)/(1 + ρ) up to that finite-T term.
 */
import { describe, expect, it } from 'vitest';
import {
  accumulatorsOf,
  convergenceFailure,
  type Diagnostics,
  diagnoseSums,
  ESS_MIN,
  isConverged,
  labelDiagnostics,
  liveMixing,
  RHAT_MAX,
  sumsFromAccumulators,
  worstOf,
} from '../../../src/core/measures/diagnostics';

/** A seeded standard-normal stream (mulberry32 + Box–Muller): reproducible, no global state. */
function normals(seed: number): () => number {
  let a = seed >>> 0;
  const u = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

/** N stationary AR(1) chains of length T, chain i offset by offset(i). */
function ar1(n: number, t: number, rho: number, seed: number, offset = (_i: number) => 0): Float64Array[] {
  const z = normals(seed);
  const s = Math.sqrt(1 - rho * rho);
  return Array.from({ length: n }, (_, i) => {
    const xs = new Float64Array(t);
    let x = z();
    for (let k = 0; k < t; k++) {
      xs[k] = x + offset(i);
      x = rho * x + s * z();
    }
    return xs;
  });
}

const meanOf = (xs: ArrayLike<number>) => Array.from(xs).reduce((a, b) => a + b, 0) / xs.length;
const varOf = (xs: ArrayLike<number>) => {
  const m = meanOf(xs);
  return Array.from(xs).reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1);
};

/** Textbook split-R̂ (BDA3) and ESS = N·V̂/Var(chain means), straight from the draws. */
function direct(chains: readonly Float64Array[]) {
  const t = chains[0].length;
  const n = t / 2;
  const halves = chains.flatMap((c) => [c.subarray(0, n), c.subarray(n)]);
  const w = meanOf(halves.map(varOf));
  const vhat = ((n - 1) / n) * w + varOf(halves.map(meanOf));
  const wf = meanOf(chains.map(varOf));
  const vm = varOf(chains.map(meanOf));
  const even = chains.filter((_, i) => i % 2 === 0).map(meanOf);
  const odd = chains.filter((_, i) => i % 2 === 1).map(meanOf);
  const z = (meanOf(even) - meanOf(odd)) / Math.sqrt(varOf(even) / even.length + varOf(odd) / odd.length);
  return {
    rhat: Math.sqrt(vhat / w),
    ess: (chains.length * (((t - 1) / t) * wf + vm)) / vm,
    startsZ: z,
  };
}

const viaSums = (chains: readonly Float64Array[], shift = 0) => {
  const acc = accumulatorsOf(chains);
  return diagnoseSums(sumsFromAccumulators(acc.whole, acc.half, shift), chains[0].length);
};

describe('convergence diagnostics', () => {
  it('computes split-R̂, ESS and the starts z from moment sums exactly as from the draws', () => {
    for (const [rho, offset] of [
      [0.5, () => 0],
      [0.9, (i: number) => 0.3 * (i % 3)],
    ] as const) {
      const chains = ar1(64, 400, rho, 11, offset);
      const want = direct(chains);
      // Any shift (the GPU's L(w*)) leaves the statistics unchanged; sums only reorder the arithmetic.
      for (const shift of [0, 0.7]) {
        const got = viaSums(chains, shift);
        expect(got.rhat).toBeCloseTo(want.rhat, 10);
        expect(got.ess / want.ess - 1).toBeLessThan(1e-9);
        expect(got.startsZ).toBeCloseTo(want.startsZ, 8);
      }
    }
  });

  for (const rho of [0, 0.5, 0.9]) {
    it(`recovers the ESS of AR(1) chains with ρ = ${rho} (N·T·(1−ρ)/(1+ρ))`, () => {
      const [n, t] = [1000, 500];
      const { ess, rhat } = viaSums(ar1(n, t, rho, 3 + 10 * rho));
      const varMeanT = ((1 + rho) / (1 - rho) - (2 * rho * (1 - rho ** t)) / (t * (1 - rho) ** 2)) / t;
      const want = n / varMeanT; // N·V/Var(m) with unit V: ≈ N·T·(1 − ρ)/(1 + ρ)
      // ESS is N·V̂/s²_m: s²_m over N chain means has relative SE √(2/(N − 1)) ≈ 4.5 %; 5 SE.
      expect(Math.abs(ess / want - 1)).toBeLessThan(5 * Math.sqrt(2 / (n - 1)));
      expect(rhat).toBeLessThan(RHAT_MAX);
    });
  }

  it('flags chains that have not mixed: R̂ ≥ 1.05 when chains sit at different levels', () => {
    // Two "basins": half the chains offset by 1.5 marginal sd, as walkers that never cross would be.
    const stuck = ar1(200, 400, 0.9, 5, (i) => (i % 2 === 0 ? 0 : 1.5));
    const d = viaSums(stuck);
    expect(d.rhat).toBeGreaterThan(1.2);
    expect(Math.abs(d.startsZ)).toBeGreaterThan(5);
    const mixed = viaSums(ar1(200, 400, 0.9, 5));
    expect(mixed.rhat).toBeLessThan(RHAT_MAX);
    expect(Math.abs(mixed.startsZ)).toBeLessThan(5);
  });

  const ok: Diagnostics = {
    rhat: 1.002,
    ess: 5000,
    startsZ: 0.4,
    stuck: 0,
    divergedWalkers: 0,
    walkers: 1024,
    samples: 2000,
  };

  it('names the first failed test and its number', () => {
    expect(convergenceFailure(ok)).toBeNull();
    expect(convergenceFailure({ ...ok, samples: 3 })).toMatch(/only 3 sampled steps/);
    expect(convergenceFailure({ ...ok, rhat: 1.4 })).toMatch(/R̂ = 1\.4 ≥ 1\.05/);
    expect(convergenceFailure({ ...ok, rhat: Number.NaN })).toMatch(/R̂ undefined/);
    expect(convergenceFailure({ ...ok, startsZ: -7.25 })).toMatch(/differ by -7\.25 SE/);
    // 0.1 % of 1024 walkers rounds down to 1: one stuck walker is tolerated, two are not.
    expect(convergenceFailure({ ...ok, stuck: 1 })).toBeNull();
    expect(convergenceFailure({ ...ok, stuck: 2 })).toMatch(/2 of 1024 walkers stuck/);
    expect(convergenceFailure({ ...ok, divergedWalkers: 1024 })).toMatch(/all 1024 walkers diverged/);
    expect(convergenceFailure({ ...ok, ess: ESS_MIN - 1 })).toMatch(/ESS = 399 < 400/);
  });
});

describe('the live verdict of the app', () => {
  const base = { startsNow: { z: 0.3, rhat: 1.0001 }, stuck: 0, divergedWalkers: 0, walkers: 4096 };
  it('passes mixed walkers and names the failed check otherwise', () => {
    expect(liveMixing(base)).toBeNull();
    expect(liveMixing({ ...base, startsNow: { z: -12, rhat: 1.4 } })).toBe('R̂ = 1.40');
    // 4 of 4096 is within the 0.1 % allowance; 5 is not.
    expect(liveMixing({ ...base, stuck: 4 })).toBeNull();
    expect(liveMixing({ ...base, stuck: 123 })).toBe('123 walkers stuck');
    expect(liveMixing({ ...base, divergedWalkers: 4096 })).toBe('every walker diverged');
  });
});

describe('worstOf', () => {
  it('takes the largest R̂ and |z|, the smallest ESS, and sums stuck walkers', () => {
    const d = (rhat: number, ess: number, startsZ: number, stuck: number) => ({
      rhat,
      ess,
      startsZ,
      stuck,
      divergedWalkers: 0,
      walkers: 512,
      samples: 300,
    });
    const w = worstOf([d(1.003, 30000, 0.2, 0), d(1.011, 16000, -3.1, 1), d(1.007, 24000, 1.5, 2)]);
    expect(w).toMatchObject({ rhat: 1.011, ess: 16000, startsZ: -3.1, stuck: 3, walkers: 1536 });
    expect(worstOf([d(1.01, 100, 0, 0), d(Number.NaN, 100, 0, 0)]).rhat).toBeNaN();
  });
});

describe('label diagnostics (the polynomial model’s nearest monomial)', () => {
  // Deterministic pseudo-random labels (an LCG): reproducible, no dependence on Math.random.
  const lcg = (seed: number) => {
    let x = seed >>> 0;
    return () => {
      x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
      return x / 2 ** 32;
    };
  };
  const snapshotsOf = (walkers: number, t: number, label: (i: number, s: number) => number) =>
    Array.from({ length: t }, (_, s) => Uint8Array.from({ length: walkers }, (_, i) => label(i, s)));

  it('labels drawn afresh at every snapshot: R̂ ≈ 1, starts agree, shares and SE as for i.i.d. draws', () => {
    const u = lcg(7);
    const p = [0.4, 0.3, 0.2, 0.1, 0];
    const draw = () => {
      const r = u();
      let c = 0;
      for (let k = 0; k < 5; k++) {
        c += p[k];
        if (r < c) return k;
      }
      return 4;
    };
    const snaps = snapshotsOf(2000, 20, () => draw());
    const d = labelDiagnostics(snaps, 5);
    expect(d.rhat).toBeLessThan(RHAT_MAX);
    expect(Math.abs(d.startsZ)).toBeLessThan(5);
    for (let k = 0; k < 5; k++) {
      // i.i.d.: SE = √(p(1−p)/(N·T)); the estimate's own SE agrees within its ~√(2/N) relative error.
      const se = Math.sqrt((p[k] * (1 - p[k])) / (2000 * 20));
      expect(Math.abs(d.shares[k] - p[k])).toBeLessThan(5 * se + 1e-12);
      expect(d.se[k]).toBeCloseTo(se, 3);
    }
  });

  it('walkers that keep their start’s label: R̂ infinite, and the two starts differ', () => {
    // Even walkers (the w* start) always 0, odd ones (the prior start) spread over 1..4 and frozen.
    const snaps = snapshotsOf(400, 20, (i) => (i % 2 === 0 ? 0 : 1 + (i % 4)));
    const d = labelDiagnostics(snaps, 5);
    expect(d.rhat).toBe(Number.POSITIVE_INFINITY);
    expect(Math.abs(d.startsZ)).toBeGreaterThan(5);
    const diag = { rhat: 1, ess: 1e4, startsZ: 0, stuck: 0, divergedWalkers: 0, walkers: 400, samples: 100 };
    expect(isConverged(diag)).toBe(true);
    expect(convergenceFailure({ ...diag, labels: d })).toMatch(/function shares' R̂ = Infinity/);
  });

  it('a slow drift between the halves of the run raises R̂ above the threshold', () => {
    // Every walker moves from label 0 to label 1 at a random snapshot in the second half.
    const u = lcg(3);
    const switchAt = Array.from({ length: 1000 }, () => 10 + Math.floor(10 * u()));
    const snaps = snapshotsOf(1000, 20, (i, s) => (s < switchAt[i] ? 0 : 1));
    expect(labelDiagnostics(snaps, 5).rhat).toBeGreaterThan(RHAT_MAX);
  });
});
