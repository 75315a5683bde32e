/** File names the app gives its downloads: timestamps and slugs (src/app/files.ts). */
import { describe, expect, test } from 'vitest';
import { slug, timeStamp } from '../../src/app/files';

describe('timeStamp', () => {
  test('local date and time, zero-padded, with no characters a file system rejects', () => {
    expect(timeStamp(new Date(2026, 0, 5, 4, 3, 9))).toBe('2026-01-05_04-03-09');
    expect(timeStamp(new Date(2026, 11, 31, 23, 59, 58))).toBe('2026-12-31_23-59-58');
  });
});

describe('slug', () => {
  test('lower case, one dash per run of other characters, none at the ends', () => {
    expect(slug('  The Ladder: T = 1/log n!  ')).toBe('the-ladder-t-1-log-n');
    expect(slug('SGD vs Bayes')).toBe('sgd-vs-bayes');
  });
  test('a title with nothing left is "shot"', () => {
    expect(slug('λ̂ → ∞')).toBe('shot');
    expect(slug('')).toBe('shot');
  });
});
