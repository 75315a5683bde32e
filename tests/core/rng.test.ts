import { describe, expect, it } from 'vitest';
import { boxMuller, drawNormals, mulHiLo, philox4x32_10, seedKey, uniformOpen01 } from '../../src/core/rng';

const hex = (xs: number[]) => xs.map((x) => x.toString(16).padStart(8, '0'));

describe('Philox4x32-10 (TypeScript twin)', () => {
  it('matches the Random123 known-answer vectors', () => {
    expect(hex(philox4x32_10([0, 0, 0, 0], [0, 0]))).toEqual([
      '6627e8d5',
      'e169c58d',
      'bc57ac4c',
      '9b00dbd8',
    ]);
    const ones = 0xffffffff;
    expect(hex(philox4x32_10([ones, ones, ones, ones], [ones, ones]))).toEqual([
      '408f276d',
      '41c83b0e',
      'a20bc7c6',
      '6d5451fd',
    ]);
    expect(
      hex(philox4x32_10([0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0])),
    ).toEqual(['d16cfe09', '94fdcceb', '5001e420', '24126ea1']);
  });

  it('computes the 64-bit product exactly', () => {
    const pairs = [
      [0xffffffff, 0xffffffff],
      [0xd2511f53, 0x12345678],
      [0, 0xdeadbeef],
      [0xcd9e8d57, 0x80000001],
    ];
    for (const [a, b] of pairs) {
      const p = BigInt(a) * BigInt(b);
      expect(mulHiLo(a, b)).toEqual([Number(p >> 32n), Number(p & 0xffffffffn)]);
    }
  });

  it('maps words into the open unit interval', () => {
    expect(uniformOpen01(0)).toBeGreaterThan(0);
    expect(uniformOpen01(0xffffffff)).toBeLessThan(1);
    expect(Math.fround(uniformOpen01(0xffffffff))).toBeLessThan(1); // still < 1 after f32 rounding
    const [a, b] = boxMuller(0, 0xffffffff);
    expect(Number.isFinite(a) && Number.isFinite(b)).toBe(true);
  });

  it('gives standard normals (mean 0, variance 1 within 5 SE over 40,000 draws)', () => {
    const key = seedKey(7);
    const xs: number[] = [];
    for (let i = 0; i < 10000; i++) xs.push(...drawNormals(key, i, 3, 0, 4));
    const n = xs.length;
    const mean = xs.reduce((s, x) => s + x, 0) / n;
    const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1);
    // SE(mean) = 1/√n; SE(variance) = √(2/(n−1)) for a Gaussian.
    expect(Math.abs(mean)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(variance - 1)).toBeLessThan(5 * Math.sqrt(2 / (n - 1)));
  });

  it('splits 53-bit seeds into two key words and rejects bad seeds', () => {
    expect(seedKey(2 ** 32 + 5)).toEqual([5, 1]);
    expect(() => seedKey(-1)).toThrow(/seed/);
    expect(() => seedKey(1.5)).toThrow(/seed/);
  });
});
