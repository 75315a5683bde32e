/** The stage panels' shared text helpers (src/app/view/stage-panel.ts). */
import { describe, expect, test } from 'vitest';
import { formatDuration, int } from '../../../src/app/view/stage-panel';

describe('formatDuration', () => {
  test('seconds below 90 s, minutes below 90 min, hours after', () => {
    expect(formatDuration(12.4)).toBe('12 s');
    expect(formatDuration(-3)).toBe('0 s');
    expect(formatDuration(89)).toBe('89 s');
    expect(formatDuration(90)).toBe('2 min');
    expect(formatDuration(5399)).toBe('90 min');
    expect(formatDuration(5400)).toBe('1.5 h');
  });
  test('an unknown duration is a dash', () => {
    expect(formatDuration(Number.POSITIVE_INFINITY)).toBe('—');
    expect(formatDuration(Number.NaN)).toBe('—');
  });
});

describe('int', () => {
  test('rounded, with thousands separators', () => {
    expect(int(1234567.6)).toBe('1,234,568');
  });
});
