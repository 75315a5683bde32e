/**
 * The surface colour bar's ticks sit where the surface colours their loss: each tick's position equals
 * the normalised height normaliseHeights gives that loss (linear and log scales), and the range is the
 * surface's finite range.
 */
import { describe, expect, test } from 'vitest';
import { colorbarTicks, lossRange } from '../../../src/app/view/surface-colorbar';
import { normaliseHeights } from '../../../src/app/view/surface-mesh';

describe('surface colour bar', () => {
  test('the range is the finite range of the losses; a flat or empty grid has none', () => {
    expect(lossRange(Float32Array.from([3, Number.NaN, -1, Number.POSITIVE_INFINITY, 2]))).toEqual({
      lo: -1,
      hi: 3,
    });
    expect(lossRange(Float32Array.from([2, 2, 2]))).toBeNull();
    expect(lossRange(Float32Array.from([Number.NaN]))).toBeNull();
  });

  for (const log of [false, true]) {
    test(`${log ? 'log' : 'linear'} ticks sit at their loss's colour on the surface`, () => {
      const lo = 0.0123;
      const hi = 3.7;
      const ticks = colorbarTicks({ lo, hi, log });
      expect(ticks.length).toBeGreaterThanOrEqual(3);
      for (const t of ticks) {
        expect(t.t).toBeGreaterThanOrEqual(-1e-9);
        expect(t.t).toBeLessThanOrEqual(1 + 1e-9);
        // The loss the label names: L itself (linear), L_min + the labelled step (log, '+d').
        const v = t.text.startsWith('+') ? lo + Number(t.text.slice(1)) : Number(t.text);
        const [, mid] = normaliseHeights(Float32Array.from([lo, v, hi]), { log });
        // Labels carry 3 significant digits: the position matches to float32 and rounding (1e-3).
        expect(Math.abs(mid - t.t)).toBeLessThan(1e-3);
      }
      // Ticks run up the bar in order.
      for (let i = 1; i < ticks.length; i++) expect(ticks[i].t).toBeGreaterThan(ticks[i - 1].t);
    });
  }
});
