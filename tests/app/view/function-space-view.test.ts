/**
 * The function-space view's pure parts: the fitted simplicity bound P ≤ 2^−(aK + b), the snapshot
 * summary (Σ counts + other = samples, mass by K_LZ, ranks), the truth-table layout and the hidden-width
 * text shared by the app and the CLI.
 */
import { describe, expect, test } from 'vitest';
import { boundLog2P, fitComplexityBound } from '../../../src/app/jobs/complexity-bound';
import { KCache, summariseSnapshot, thinRanks } from '../../../src/app/jobs/function-space-summary';
import { truthTableCaption, truthTableShape } from '../../../src/app/view/charts/truth-tables';
import { kLz } from '../../../src/core/function-space/complexity';
import { bitsToKey, parseHiddenWidths } from '../../../src/core/function-space/randnet';

describe('fitComplexityBound', () => {
  test('recovers an exact line through the per-K maxima and puts every used point on or below it', () => {
    const total = 2 ** 30;
    // log2 P_max = −(0.5·K + 2) exactly, plus lower points in each bin that must not move the fit.
    const points = [];
    for (const k of [7, 14, 21, 28, 35]) {
      const count = total * 2 ** -(0.5 * k + 2);
      points.push({ k, count }, { k, count: count / 8 }, { k, count: Math.max(5, count / 64) });
    }
    const b = fitComplexityBound(points, total)!;
    expect(b.a).toBeCloseTo(0.5, 12);
    expect(b.b).toBeCloseTo(2, 12);
    expect(b.shift).toBeCloseTo(0, 12);
    expect(b.used).toBe(5);
    for (const p of points)
      expect(Math.log2(p.count / total)).toBeLessThanOrEqual(boundLog2P(b, p.k) + 1e-12);
  });

  test('scattered maxima: b is lowered exactly as far as the highest point above the LS line', () => {
    const total = 1e6;
    const points = [
      { k: 7, count: 400_000 },
      { k: 10.5, count: 9_000 },
      { k: 14, count: 30_000 },
      { k: 17.5, count: 500 },
      { k: 21, count: 2_000 },
    ];
    const b = fitComplexityBound(points, total)!;
    // Least squares by hand: y = −log2 P against K.
    const ys = points.map((p) => -Math.log2(p.count / total));
    const ks = points.map((p) => p.k);
    const km = ks.reduce((s, v) => s + v, 0) / 5;
    const ym = ys.reduce((s, v) => s + v, 0) / 5;
    const a =
      ks.reduce((s, k, i) => s + (k - km) * (ys[i] - ym), 0) / ks.reduce((s, k) => s + (k - km) ** 2, 0);
    const b0 = ym - a * km;
    expect(b.a).toBeCloseTo(a, 12);
    const gaps = points.map((p, i) => ys[i] - a * p.k);
    expect(b.b).toBeCloseTo(Math.min(...gaps), 12);
    expect(b.shift).toBeCloseTo(b0 - Math.min(...gaps), 12);
    expect(b.shift).toBeGreaterThan(0);
    // The binding point touches the line; none lies above it.
    const above = points.map((p) => Math.log2(p.count / total) - boundLog2P(b, p.k));
    expect(Math.max(...above)).toBeCloseTo(0, 12);
  });

  test('bins whose top function was seen fewer than minCount times neither fit nor bind', () => {
    const total = 1000;
    const points = [
      { k: 7, count: 500 },
      { k: 14, count: 50 },
      { k: 21, count: 5 },
      // Singletons at high K sit at the sampling floor, far above any extrapolated bound.
      { k: 60, count: 1 },
      { k: 70, count: 1 },
    ];
    const b = fitComplexityBound(points, total, 5)!;
    expect(b.used).toBe(3);
    expect(b.bins.filter((x) => !x.used).map((x) => x.k)).toEqual([60, 70]);
    expect(b.a).toBeGreaterThan(0);
    expect(boundLog2P(b, 70)).toBeLessThan(Math.log2(1 / total));
  });

  test('fewer than two usable bins, no samples or junk give null', () => {
    expect(fitComplexityBound([{ k: 7, count: 100 }], 100)).toBeNull();
    expect(
      fitComplexityBound(
        [
          { k: 7, count: 100 },
          { k: 14, count: 2 },
        ],
        102,
        5,
      ),
    ).toBeNull();
    expect(fitComplexityBound([], 0)).toBeNull();
    expect(
      fitComplexityBound(
        [
          { k: Number.NaN, count: 3 },
          { k: 7, count: 0 },
        ],
        3,
      ),
    ).toBeNull();
  });
});

describe('summariseSnapshot', () => {
  const bits = (s: string) => s.repeat(128 / s.length);
  const fns = [
    { b: bits('1'), count: 600 },
    { b: bits('0'), count: 250 },
    { b: bits('01'), count: 90 },
    { b: bits('0011'), count: 40 },
    { b: `${'0'.repeat(127)}1`, count: 12 },
    { b: `1${'0'.repeat(127)}`, count: 3 },
  ];
  const snap = {
    total: 995 + 77,
    distinct: fns.length,
    other: 77,
    entries: [...fns].reverse().map((f) => ({ key: bitsToKey(f.b), count: f.count })),
  };

  test('counts, other, mass by K and the top functions follow the snapshot', () => {
    const cache = new KCache(7);
    const s = summariseSnapshot(snap, 7, cache, { top: 3 });
    expect(s.countsSum + s.other).toBe(s.total);
    expect(s.otherMass).toBeCloseTo(77 / 1072, 15);
    const massSum = s.massByK.mass.reduce((a, b) => a + b, 0);
    expect(massSum + s.otherMass).toBeCloseTo(1, 12);
    // Constants share K = 7; both one-hot strings share 17.5 (DESIGN.md check values).
    expect(s.massByK.k[0]).toBe(7);
    expect(s.massByK.mass[0]).toBeCloseTo(850 / 1072, 15);
    const i175 = s.massByK.k.indexOf(17.5);
    expect(s.massByK.mass[i175]).toBeCloseTo(15 / 1072, 15);
    expect(s.top.map((t) => t.count)).toEqual([600, 250, 90]);
    expect(s.top[0].bits).toBe(fns[0].b);
    expect(s.top[2].k).toBe(kLz(fns[2].b));
    expect(s.rank.r).toEqual([1, 2, 3, 4, 5, 6]);
    expect(s.rank.p[0]).toBeCloseTo(600 / 1072, 15);
    expect(s.scatter.log2p[5]).toBeCloseTo(Math.log2(3 / 1072), 12);
    expect(cache.size).toBe(6);
    // A second snapshot reuses the cached K values.
    summariseSnapshot(snap, 7, cache);
    expect(cache.size).toBe(6);
  });

  test('thinRanks keeps the first 30 ranks and the last, increasing, about `points` in all', () => {
    const r = thinRanks(100_000, 300);
    expect(r.slice(0, 30)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(r[r.length - 1]).toBe(100_000);
    for (let i = 1; i < r.length; i++) expect(r[i]).toBeGreaterThan(r[i - 1]);
    expect(r.length).toBeGreaterThan(200);
    expect(r.length).toBeLessThanOrEqual(301);
    expect(thinRanks(0)).toEqual([]);
    expect(thinRanks(3)).toEqual([1, 2, 3]);
  });
});

describe('truth-table layout and hidden widths', () => {
  test('8 × 16 for n = 7, 2^n cells for every n, caption states the convention', () => {
    expect(truthTableShape(7)).toEqual({ rows: 8, cols: 16 });
    for (let n = 1; n <= 7; n++) {
      const { rows, cols } = truthTableShape(n);
      expect(rows * cols).toBe(2 ** n);
    }
    expect(truthTableCaption(7)).toContain('8 × 16');
    expect(truthTableCaption(7)).toContain('rows x1…x3');
    expect(truthTableCaption(7)).toContain('columns x4…x7');
  });

  test('hidden widths parse as the CLI does, with a message that says what was expected', () => {
    expect(parseHiddenWidths('40,40')).toEqual([40, 40]);
    expect(parseHiddenWidths(' 8 , 8 ')).toEqual([8, 8]);
    expect(parseHiddenWidths('none')).toEqual([]);
    for (const bad of ['40,,40', '40,abc', '0', '65', '1,2,3,4,5', '4.5'])
      expect(() => parseHiddenWidths(bad), bad).toThrow(/comma-separated integers in 1\.\.64/);
  });
});
