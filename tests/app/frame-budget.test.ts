/** The software GPU's frame budget (src/app/frame-budget.ts): render scale, steps per frame, readings, note. */
import { describe, expect, test } from 'vitest';
import {
  budgetNote,
  budgetSteps,
  MIN_RENDER_SCALE,
  readbacksDue,
  renderPixelRatio,
  SOFTWARE_MAX_PIXELS,
  SOFTWARE_READ_INTERVAL_MS,
  StepCost,
} from '../../src/app/frame-budget';

describe('renderPixelRatio', () => {
  test('hardware: the screen ratio, capped at 2, never reduced', () => {
    expect(renderPixelRatio(3840, 2160, 1, false)).toEqual({ ratio: 1, scale: 1 });
    expect(renderPixelRatio(1920, 1080, 3, false)).toEqual({ ratio: 2, scale: 1 });
  });

  test('software: a canvas within the pixel cap keeps the screen ratio', () => {
    expect(renderPixelRatio(480, 270, 1, true)).toEqual({ ratio: 1, scale: 1 });
    expect(renderPixelRatio(200, 100, 2, true)).toEqual({ ratio: 2, scale: 1 });
  });

  test('software: a larger canvas draws at most the cap, at a scale on the 1/8 grid', () => {
    // The app's 3-D view in a 1280 × 720 page is 698 × 720 CSS pixels: √(129600 / 502560) = 0.508.
    const r = renderPixelRatio(698, 720, 1, true);
    expect(r.scale).toBe(0.5);
    expect(r.ratio).toBe(0.5);
    expect(698 * 720 * r.ratio ** 2).toBeLessThanOrEqual(SOFTWARE_MAX_PIXELS);
    // A 2× screen: the scale is relative to the screen's ratio (2 · 0.25 = 0.5 device px per CSS px).
    const hi = renderPixelRatio(698, 720, 2, true);
    expect(hi).toEqual({ ratio: 0.5, scale: 0.25 });
    for (const [w, h, dpr] of [
      [1920, 1080, 1],
      [1000, 700, 1.5],
      [640, 480, 1],
    ]) {
      const { ratio, scale } = renderPixelRatio(w, h, dpr, true);
      expect(w * h * ratio ** 2).toBeLessThanOrEqual(SOFTWARE_MAX_PIXELS);
      expect((scale * 8) % 1).toBe(0);
      expect(scale).toBeLessThanOrEqual(1);
    }
  });

  test('software: never below the minimum scale, however large the canvas', () => {
    expect(renderPixelRatio(8000, 8000, 1, true).scale).toBe(MIN_RENDER_SCALE);
  });
});

describe('budgetSteps', () => {
  test('no measurement yet: one step, the probe (never more than asked)', () => {
    expect(budgetSteps(8, 1e5, Number.NaN)).toBe(1);
    expect(budgetSteps(8, 1e5, 0)).toBe(1);
  });

  test('as many of the requested steps as fit the budget', () => {
    // 10⁻⁴ ms per walker-step: 10⁵ walkers take 10 ms a step, 90 ms holds 9 of them.
    expect(budgetSteps(8, 1e5, 1e-4, 90)).toBe(8);
    expect(budgetSteps(20, 1e5, 1e-4, 90)).toBe(9);
    expect(budgetSteps(20, 1e6, 1e-4, 90)).toBe(1);
  });

  test('at least one step a frame, even when one overruns the budget', () => {
    expect(budgetSteps(8, 1e6, 1e-3, 90)).toBe(1);
  });
});

describe('StepCost', () => {
  test('the first frame sets the cost; later ones move it by the weight', () => {
    const c = new StepCost(0.5);
    expect(Number.isNaN(c.msPerWalkerStep)).toBe(true);
    c.add(100, 1, 1e5); // 1e-3 ms per walker-step
    expect(c.msPerWalkerStep).toBeCloseTo(1e-3, 15);
    c.add(60, 2, 1e5); // 3e-4
    expect(c.msPerWalkerStep).toBeCloseTo(0.5 * (1e-3 + 3e-4), 15);
  });

  test('ignores empty and non-finite readings, and starts over on reset', () => {
    const c = new StepCost();
    c.add(50, 1, 1000);
    for (const [ms, steps, walkers] of [
      [0, 1, 1000],
      [Number.NaN, 1, 1000],
      [Number.POSITIVE_INFINITY, 1, 1000],
      [50, 0, 1000],
      [50, 1, 0],
    ])
      c.add(ms, steps, walkers);
    expect(c.msPerWalkerStep).toBeCloseTo(0.05, 15);
    c.reset();
    expect(Number.isNaN(c.msPerWalkerStep)).toBe(true);
  });
});

describe('readbacksDue', () => {
  const never = { stats: Number.NEGATIVE_INFINITY, histogram: Number.NEGATIVE_INFINITY };
  test('hardware: both every frame', () => {
    expect(readbacksDue(0, { stats: 0, histogram: 0 }, false, true)).toEqual({
      stats: true,
      histogram: true,
    });
    expect(readbacksDue(0, never, false, false)).toEqual({ stats: true, histogram: false });
  });

  test('software: at most one a frame, the statistics first, each at its interval', () => {
    const { stats: si, histogram: hi } = SOFTWARE_READ_INTERVAL_MS;
    expect(readbacksDue(0, never, true, true)).toEqual({ stats: true, histogram: false });
    expect(readbacksDue(1, { stats: 0, histogram: Number.NEGATIVE_INFINITY }, true, true)).toEqual({
      stats: false,
      histogram: true,
    });
    expect(readbacksDue(si - 1, { stats: 0, histogram: 1 }, true, true)).toEqual({
      stats: false,
      histogram: false,
    });
    expect(readbacksDue(si, { stats: 0, histogram: 1 }, true, true).stats).toBe(true);
    expect(readbacksDue(hi + 2, { stats: hi + 1, histogram: 1 }, true, true)).toEqual({
      stats: false,
      histogram: true,
    });
    // No density panel or exact overlay: no histogram.
    expect(readbacksDue(hi + 2, { stats: hi + 1, histogram: 1 }, true, false).histogram).toBe(false);
  });
});

describe('budgetNote', () => {
  test('says the render scale and fewer steps when they act, and the readings always', () => {
    expect(budgetNote(0.5, 1, 8)).toBe(
      'software GPU: render scale 0.5 · 1 of 8 steps/frame (frame budget) · readings every 0.5 s / 1 s',
    );
    expect(budgetNote(1, 8, 8)).toBe('software GPU: 8 steps/frame · readings every 0.5 s / 1 s');
  });

  test('names the CPU kernels first when they step the walkers', () => {
    expect(budgetNote(0.5, 5, 8, 'CPU, WebAssembly SIMD, 1 thread')).toBe(
      'software GPU: walkers on the CPU, WebAssembly SIMD, 1 thread · render scale 0.5 · 5 of 8 steps/frame (frame budget) · readings every 0.5 s / 1 s',
    );
  });
});
