/** Number boxes show values as a user reads them and read typed text without guessing. */
import { describe, expect, test } from 'vitest';
import { boxText, readTyped } from '../../../src/app/ui/number-text';

describe('number box text', () => {
  test('values show in full, not as exponents, up to 10¹⁰', () => {
    expect(boxText(1000)).toBe('1000');
    expect(boxText(1e5)).toBe('100000');
    expect(boxText(1 / Math.log(1e5))).toBe('0.0868589');
    expect(boxText(1e-9)).toBe('1e-9');
    expect(boxText(0)).toBe('0');
    expect(boxText(Number.NaN)).toBe('—');
  });

  test('typed text: plain numbers, exponents, thousands separators; anything else stays text', () => {
    expect(readTyped('100000')).toBe(1e5);
    expect(readTyped(' 1e5 ')).toBe(1e5);
    expect(readTyped('-0.01')).toBe(-0.01);
    expect(readTyped('999,999,999')).toBe(999_999_999);
    expect(readTyped('1_000_000')).toBe(1e6);
    // A comma that is not a thousands separator is not guessed at: the schema names the text.
    expect(readTyped('1,5')).toBe('1,5');
    expect(readTyped('banana')).toBe('banana');
    expect(readTyped('')).toBe('');
  });
});
