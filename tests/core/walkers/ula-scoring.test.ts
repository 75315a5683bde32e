import { describe, expect, it } from 'vitest';
import {
  isScored,
  minScoredPerWalker,
  scoredMoves,
  ULA_SCORE_EVERY,
} from '../../../src/core/walkers/ula-scoring';

describe('ULA scoring subsample', () => {
  it('counts exactly the moves isScored selects, for any step window and walker range', () => {
    for (const [first, count, w0, n] of [
      [0, 8, 0, 512],
      [3, 50, 100, 1000],
      [2 ** 32 - 20, 19, 7, 130],
      [17, 1, 60, 10],
    ]) {
      let brute = 0;
      for (let i = w0; i < w0 + n; i++)
        for (let t = first; t < first + count; t++) brute += isScored('ula', t, i) ? 1 : 0;
      expect(scoredMoves('ula', first, count, w0, n)).toBe(brute);
      expect(scoredMoves('mala', first, count, w0, n)).toBe(count * n);
    }
  });

  it('scores every step in 1/K of a population of whole phase blocks (stratified), and each walker ⌊T/K⌋ or ⌈T/K⌉ times', () => {
    const walkers = 64 * ULA_SCORE_EVERY;
    for (let t = 5; t < 30; t++) expect(scoredMoves('ula', t, 1, 0, walkers)).toBe(walkers / ULA_SCORE_EVERY);
    expect(minScoredPerWalker('ula', 3, 50)).toBe(Math.floor(50 / ULA_SCORE_EVERY));
    expect(minScoredPerWalker('mala', 3, 50)).toBe(50);
  });
});
