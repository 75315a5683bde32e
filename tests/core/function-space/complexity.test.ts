import { describe, expect, it } from 'vitest';
import { countOnes, kLz, lz76, onesEntropy } from '../../../src/core/function-space/complexity';
import { philox4x32_10 } from '../../../src/core/rng';

/**
 * An independent LZ76 phrase count straight from the definition (Lempel & Ziv 1976): at position l the
 * next phrase is the longest prefix of the rest that can be copied from a start before l (overlap
 * allowed) plus one new symbol; a remainder that is entirely a copy is the last phrase.
 */
function lz76Reference(s: string): number {
  let c = 0;
  let l = 0;
  while (l < s.length) {
    let m = 0;
    while (l + m < s.length && s.slice(0, l + m).indexOf(s.slice(l, l + m + 1)) !== -1) m++;
    c++;
    l += m + 1;
  }
  return c;
}

function kLzReference(s: string): number {
  const log2n = Math.log2(s.length);
  if (!s.includes('0') || !s.includes('1')) return log2n;
  return (log2n * (lz76Reference(s) + lz76Reference([...s].reverse().join('')))) / 2;
}

describe('K_LZ (DESIGN.md check values, N = 128)', () => {
  it.each([
    ['constant 0', '0'.repeat(128), 7],
    ['constant 1', '1'.repeat(128), 7],
    ['one-hot at the start', `1${'0'.repeat(127)}`, 17.5],
    ['one-hot at the end', `${'0'.repeat(127)}1`, 17.5],
    ['0^64 1^64', '0'.repeat(64) + '1'.repeat(64), 21],
    ['(0011)^32', '0011'.repeat(32), 28],
  ])('%s → %d', (_name, bits, want) => {
    expect(kLz(bits)).toBe(want);
  });

  it('matches the definition-based reference on random strings of several lengths and densities', () => {
    let checked = 0;
    for (let r = 0; r < 600; r++) {
      const words = philox4x32_10([r, 0, 0, 7], [12345, 0]);
      const length = [8, 16, 32, 64, 128][r % 5];
      // Density of ones from very sparse to balanced, so long runs and short phrases both occur.
      const density = [0.02, 0.1, 0.3, 0.5][(r >> 2) % 4];
      let bits = '';
      for (let i = 0; i < length; i++) {
        const w = philox4x32_10([r, i + 1, 0, 7], [12345, words[0]])[0];
        bits += w / 2 ** 32 < density ? '1' : '0';
      }
      expect(lz76(bits)).toBe(lz76Reference(bits));
      expect(kLz(bits)).toBeCloseTo(kLzReference(bits), 12);
      checked++;
    }
    expect(checked).toBe(600);
  });

  it('counts phrases of short strings as LZ76 does', () => {
    expect(lz76('')).toBe(0);
    expect(lz76('0')).toBe(1);
    expect(lz76('01')).toBe(2);
    expect(lz76('0001101001000101')).toBe(6); // Kaspar & Schuster's example: 0·001·10·100·1000·101
    expect(lz76([1, 0, 1, 0])).toBe(lz76('1010'));
  });

  it('counts ones and their entropy', () => {
    expect(countOnes('0110')).toBe(2);
    expect(onesEntropy('0110')).toBe(1);
    expect(onesEntropy('0000')).toBe(0);
    expect(onesEntropy(`1${'0'.repeat(127)}`)).toBeCloseTo(
      -(1 / 128) * Math.log2(1 / 128) - (127 / 128) * Math.log2(127 / 128),
      14,
    );
    expect(() => kLz('012')).toThrow(RangeError);
  });
});
