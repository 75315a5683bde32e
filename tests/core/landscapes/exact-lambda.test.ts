/**
 * The closed forms the `calibrate` command measures against: Aoyagi & Watanabe's reduced-rank
 * regression theorem (all four cases, both parities) and the tanh network's λ, checked on cases
 * derivable by hand; and the reduced-rank regression model's TypeScript twin.
 */
import { describe, expect, it } from 'vitest';
import {
  deepLinearLambda,
  reducedRankLambda,
  tanhZeroLambda,
} from '../../../src/core/landscapes/exact-lambda';
import { formulaLandscape } from '../../../src/core/landscapes/formula/landscape';
import { dlnLandscape, parseDlnSpec } from '../../../src/core/landscapes/models/dln';
import { parseRrrSpec, rrrLandscape } from '../../../src/core/landscapes/models/rrr';
import { tanhZeroLandscape } from '../../../src/core/landscapes/models/tanh-zero';
import { tanhCase, tanhFormula } from '../../../src/core/measures/calibration';
import { resolveSceneLandscape } from '../../../src/scene/landscape';
import { findPreset } from '../../../src/scene/presets';
import { defaultState } from '../../../src/scene/schema';

const shapes: [number, number, number, number][] = [];
for (let M = 1; M <= 6; M++)
  for (let N = 1; N <= 6; N++)
    for (let H = 1; H <= 6; H++) for (let r = 0; r <= Math.min(H, M, N); r++) shapes.push([M, N, H, r]);

describe('reduced-rank regression λ (Aoyagi & Watanabe 2005)', () => {
  it('is the regular value H(M + N − H)/2 when the truth has full rank r = H ≤ min(M, N)', () => {
    for (const [M, N, H] of shapes) {
      if (H > Math.min(M, N)) continue;
      expect(reducedRankLambda(M, N, H, H)).toEqual({ lambda: (H * (M + N - H)) / 2, m: 1 });
    }
  });
  it('is MN/2 (the matrix space is filled) when H + r ≥ M + N', () => {
    for (const [M, N, H, r] of shapes)
      if (H + r > M + N) expect(reducedRankLambda(M, N, H, r)).toEqual({ lambda: (M * N) / 2, m: 1 });
  });
  it('gives the normal crossings by hand: (ab)² has λ = 1/2, m = 2; |b|²|a|² has λ = min(M, N)/2', () => {
    expect(reducedRankLambda(1, 1, 1, 0)).toEqual({ lambda: 0.5, m: 2 });
    for (let M = 1; M <= 6; M++)
      for (let N = 1; N <= 6; N++)
        expect(reducedRankLambda(M, N, 1, 0)).toEqual({ lambda: Math.min(M, N) / 2, m: M === N ? 2 : 1 });
  });
  it('is not regular just because H ≥ min(M, N): M = N = H = 2, r = 0 gives 3/2 < MN/2', () => {
    expect(reducedRankLambda(2, 2, 2, 0)).toEqual({ lambda: 1.5, m: 1 });
    // The odd case: m = 2, e.g. M = N = 3, H = 2, r = 1: (2·3·6 − 0 − 9 + 1)/8.
    expect(reducedRankLambda(3, 3, 2, 1)).toEqual({ lambda: 3.5, m: 2 });
  });
  it('is symmetric in M ↔ N, bounded by the parameter count and the rank-r manifold, and non-decreasing in r', () => {
    for (const [M, N, H, r] of shapes) {
      const { lambda } = reducedRankLambda(M, N, H, r);
      expect(reducedRankLambda(N, M, H, r).lambda).toBe(lambda);
      expect(lambda).toBeLessThanOrEqual(Math.min(M * N, H * (M + N)) / 2);
      expect(lambda).toBeGreaterThanOrEqual((r * (M + N - r)) / 2);
      if (r > 0) expect(lambda).toBeGreaterThanOrEqual(reducedRankLambda(M, N, H, r - 1).lambda);
    }
  });
  it('rejects a true rank above H or min(M, N)', () => {
    expect(() => reducedRankLambda(2, 2, 1, 2)).toThrow(/rank/);
    expect(() => reducedRankLambda(1, 3, 3, 2)).toThrow(/rank/);
  });
});

describe('tanh network with zero truth', () => {
  it('λ = (H + i² + i)/(4i + 2) with i = ⌊√H⌋', () => {
    expect(tanhZeroLambda(1)).toEqual({ lambda: 0.5, m: 2 });
    expect(tanhZeroLambda(2).lambda).toBeCloseTo(4 / 6, 12);
    expect(tanhZeroLambda(3).lambda).toBeCloseTo(5 / 6, 12);
    expect(tanhZeroLambda(4).lambda).toBeCloseTo(1, 12);
    expect(tanhZeroLambda(9).lambda).toBeCloseTo(21 / 14, 12);
  });
});

describe('reduced-rank regression model', () => {
  it('has zero loss at the embedded teacher, a gradient matching finite differences, and parses its spec', () => {
    const o = parseRrrSpec('M=3,N=2,H=2,r=1,points=500,seed=3');
    const l = rrrLandscape(o);
    expect(l.dim).toBe(10);
    const w = l.defaultWstar!;
    expect(l.loss(w, [1])).toBeLessThan(1e-24);
    const probe = w.map((x, i) => x + 0.1 * Math.sin(i + 1));
    const g = l.grad(probe, [1]);
    for (let i = 0; i < l.dim; i++) {
      const h = 1e-6;
      const up = probe.map((x, j) => (j === i ? x + h : x));
      const dn = probe.map((x, j) => (j === i ? x - h : x));
      expect(g[i]).toBeCloseTo((l.loss(up, [1]) - l.loss(dn, [1])) / (2 * h), 6);
    }
    expect(() => parseRrrSpec('M=3,N=2,H=2')).toThrow(/r= is required/);
    expect(() => rrrLandscape({ M: 9, N: 2, H: 1, r: 1 })).toThrow(/at most 8/);
  });
});

describe('deep linear network λ (Aoyagi 2024)', () => {
  it('is Aoyagi & Watanabe’s reduced-rank regression (λ and m) for two layers, in every shape', () => {
    for (const [M, N, H, r] of shapes)
      expect(deepLinearLambda([M, H, N], r)).toEqual(reducedRankLambda(M, N, H, r));
  });
  it('is the regular MN/2 (m = 1) for one layer, whatever the rank', () => {
    for (let M = 1; M <= 6; M++)
      for (let N = 1; N <= 6; N++)
        for (let r = 0; r <= Math.min(M, N); r++)
          expect(deepLinearLambda([M, N], r)).toEqual({ lambda: (M * N) / 2, m: 1 });
  });
  it('gives the scalar chain (w1⋯wL)² by hand: λ = 1/2 with m = L at zero, m = 1 at a nonzero truth', () => {
    for (let L = 1; L <= 7; L++) {
      const widths = new Array<number>(L + 1).fill(1);
      expect(deepLinearLambda(widths, 0)).toEqual({ lambda: 0.5, m: L });
      expect(deepLinearLambda(widths, 1)).toEqual({ lambda: 0.5, m: 1 });
    }
  });
  it('is unchanged by a layer much wider than the others, bounded by d/2, and works the hand cases', () => {
    // Δ = (2, 2, 6, 2): the wide layer is outside Σ, so λ is that of 2x2x2 with r = 0.
    expect(deepLinearLambda([2, 2, 8, 2], 0)).toEqual(reducedRankLambda(2, 2, 2, 0));
    // 3x2x2x3, r = 1: Δ = (2, 1, 1, 2), Σ = all, ℓ = 3, S = 6, a = 3:
    // 5/2 + 0 − (3·2/4)·2² + (1 + 2 + 2 + 2 + 2 + 4)/2 = 3, m = 1.
    expect(deepLinearLambda([3, 2, 2, 3], 1)).toEqual({ lambda: 3, m: 1 });
    // 2x2x2x2, r = 0: ℓ = 3, S = 8, a = 2: 2·1/12 − (3/2)(8/3)² + 6·4/2 = 3/2, m = 3.
    expect(deepLinearLambda([2, 2, 2, 2], 0)).toEqual({ lambda: 1.5, m: 3 });
    for (let a = 1; a <= 3; a++)
      for (let b = 1; b <= 3; b++)
        for (let c = 1; c <= 3; c++)
          for (let d = 1; d <= 3; d++)
            for (let r = 0; r <= Math.min(a, b, c, d); r++) {
              const { lambda, m } = deepLinearLambda([a, b, c, d], r);
              expect(lambda).toBeGreaterThan(0);
              expect(lambda).toBeLessThanOrEqual((a * b + b * c + c * d) / 2);
              expect(Number.isInteger(m) && m >= 1).toBe(true);
            }
  });
  it('rejects a rank above the narrowest layer and non-integer widths', () => {
    expect(() => deepLinearLambda([3, 1, 3], 2)).toThrow(/rank/);
    expect(() => deepLinearLambda([3, 1.5, 3], 0)).toThrow(/widths/);
  });
});

describe('deep linear network model', () => {
  it('has zero loss at the embedded teacher, a gradient matching finite differences, and parses its spec', () => {
    const o = parseDlnSpec('widths=3x2x2x3,r=1,points=500,seed=3');
    expect(o).toEqual({ widths: [3, 2, 2, 3], r: 1, points: 500, seed: 3 });
    const l = dlnLandscape(o);
    expect(l.dim).toBe(16);
    const w = l.defaultWstar!;
    expect(l.loss(w, [1])).toBeLessThan(1e-24);
    // The zero set is not a point: W_1's zero row (entry 5) alone moves nothing, the teacher's entry 0 does.
    expect(
      l.loss(
        w.map((x, i) => (i === 5 ? x + 0.5 : x)),
        [1],
      ),
    ).toBeLessThan(1e-24);
    expect(
      l.loss(
        w.map((x, i) => (i === 0 ? x + 0.5 : x)),
        [1],
      ),
    ).toBeGreaterThan(1e-3);
    const probe = w.map((x, i) => x + 0.1 * Math.sin(i + 1));
    const g = l.grad(probe, [1]);
    for (let i = 0; i < l.dim; i++) {
      const h = 1e-6;
      const up = probe.map((x, j) => (j === i ? x + h : x));
      const dn = probe.map((x, j) => (j === i ? x - h : x));
      expect(g[i]).toBeCloseTo((l.loss(up, [1]) - l.loss(dn, [1])) / (2 * h), 6);
    }
    expect(l.exact([1])).toEqual({ lambda: 3, m: 1 });
    expect(() => parseDlnSpec('widths=3x2')).toThrow(/r= is required/);
    expect(() => parseDlnSpec('widths=3xx2,r=0')).toThrow(/widths/);
    expect(() => dlnLandscape({ widths: [9, 2], r: 1 })).toThrow(/at most 8/);
    expect(() => dlnLandscape({ widths: [4, 4, 4, 4], r: 0 })).toThrow(/exceeds 32/);
  });
});

describe('the app’s reduced-rank regression preset', () => {
  it('builds the model its card names, with the exact λ, m the HUD prints beside λ̂', () => {
    const p = findPreset('rrr-3-2-2-1')!;
    const r = resolveSceneLandscape({ ...defaultState(), ...p.state });
    expect(r.error).toBeNull();
    expect(r.landscape.id).toBe('rrr');
    expect(r.landscape.dim).toBe(10);
    const exact = r.landscape.exact(r.params)!;
    expect(exact).toEqual(reducedRankLambda(3, 2, 2, 1));
    expect(p.watch).toContain(`λ = 5/2 and m = ${exact.m}`);
    expect(exact.lambda).toBe(2.5);
    // The slice axes meet at the crossing: w4 (A's spare row) times w8 (B's spare column).
    const w = r.landscape.defaultWstar!;
    const at = (d4: number, d8: number) =>
      r.landscape.loss(
        w.map((x, i) => x + (i === 3 ? d4 : i === 7 ? d8 : 0)),
        r.params,
      );
    expect(at(0.5, 0)).toBeLessThan(1e-24);
    expect(at(0, 0.5)).toBeLessThan(1e-24);
    expect(at(0.5, 0.5)).toBeGreaterThan(1e-3);
  });
});

describe('tanh network with zero truth, as a model', () => {
  it('is the calibration formula’s function: equal loss, a gradient matching finite differences', () => {
    for (const H of [1, 3]) {
      const model = tanhZeroLandscape(H);
      const formula = formulaLandscape(tanhFormula(H), { dim: 2 * H });
      expect(model.dim).toBe(2 * H);
      for (let p = 0; p < 5; p++) {
        const w = Array.from({ length: 2 * H }, (_, i) => 0.8 * Math.sin(3 * p + 2 * i + 1));
        expect(model.loss(w, [])).toBeCloseTo(formula.loss(w, []), 12);
        const g = model.grad(w, []);
        for (let i = 0; i < 2 * H; i++) {
          const h = 1e-6;
          const up = w.map((x, j) => (j === i ? x + h : x));
          const dn = w.map((x, j) => (j === i ? x - h : x));
          expect(g[i]).toBeCloseTo((model.loss(up, []) - model.loss(dn, [])) / (2 * h), 7);
        }
      }
      expect(model.loss(new Array<number>(2 * H).fill(0), [])).toBe(0);
    }
    expect(tanhCase(3).landscape.id).toBe('tanh-zero');
    expect(tanhCase(3).lambda).toBeCloseTo(5 / 6, 12);
  });
});

describe('calibrate: λ̂ against theory', () => {
  it('agrees within 5 SE (+2 % of λ) of the finite-n value, else disagrees; unknown m never agrees from below', async () => {
    const { theoryCheck } = await import('../../../src/cli/commands/calibrate');
    expect(theoryCheck(1.99, 0.01, 2, 2).theory_check).toBe('agrees');
    expect(theoryCheck(1.8, 0.01, 2, 2).theory_check).toBe('disagrees');
    expect(theoryCheck(2.3, 0.01, 2, 2).theory_check).toBe('disagrees');
    expect(theoryCheck(0.5636, 0.0162, 5 / 6, null)).toEqual({
      theory_z: -16.7,
      theory_check: 'below λ, m unknown',
    });
    expect(theoryCheck(0.9, 0.001, 5 / 6, null).theory_check).toBe('disagrees');
    expect(theoryCheck(0.834, 0.01, 5 / 6, null).theory_check).toBe('agrees');
  });
});
