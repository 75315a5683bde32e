/**
 * The software GPU's frame budget in headless Chromium (SwiftShader WebGPU; src/app/frame-budget.ts):
 * at 10⁵ walkers in a 1280 × 720 page the HUD says what the budget changes (the walkers on the CPU
 * kernels, render scale, steps per frame, readings), the 3-D view draws at the reduced scale in an
 * unchanged CSS box, and every walker is still drawn — counted from the positions buffer and the
 * draw's own count, not from pixels — and moves: the buffer the draw reads follows the CPU's steps.
 * No timing is asserted: the steps per frame depend on the measured cost, so only their bounds are.
 */
import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { haveChromium, openApp, serveForSuite } from './harness';

/** The share of walkers whose drawn position changed between two readings a step or more apart. */
function movedFraction(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const hook = window.__occam!;
    const a = await hook.readPositions();
    const s0 = hook.stats!.step;
    while (hook.stats!.step === s0) await new Promise((r) => setTimeout(r, 50));
    const b = await hook.readPositions();
    let n = 0;
    for (let i = 0; i < a.length; i += 2) if (a[i] !== b[i] || a[i + 1] !== b[i + 1]) n++;
    return n / (a.length / 2);
  });
}

describe.skipIf(!haveChromium)('frame budget on a software GPU', () => {
  const served = serveForSuite();

  test('10⁵ walkers: the HUD shows the budget, the CPU kernels step, the view draws at scale 0.5 and all walkers are drawn', async () => {
    const { page, errors } = await openApp(served(), 'walkers=100000&steps=8', {
      width: 1280,
      height: 720,
      frames: 4,
    });
    // Steps run (the budget never stops the walkers), and a stats reading has landed since.
    const step0 = await page.evaluate(() => window.__occam!.stats!.step);
    await page.waitForFunction((s) => (window.__occam?.stats?.step ?? 0) > s, step0, {
      timeout: 120_000,
      polling: 100,
    });
    const s = await page.evaluate(() => ({ ...window.__occam!.stats! }));
    expect(s.walkers).toBe(100_000);
    expect(s.stepsPerFrame).toBeGreaterThanOrEqual(1);
    expect(s.stepsPerFrame).toBeLessThanOrEqual(8);
    // The page's CPU kernels step the walkers (src/app/walker-backend.ts), and the HUD says so.
    expect(s.walkerBackend).toBe('cpu');
    expect(s.frameBudget).toMatch(
      /^software GPU: walkers on the CPU, WebAssembly SIMD, 1 thread · render scale 0\.5 · /,
    );
    expect(s.frameBudget).toContain(
      s.stepsPerFrame < 8 ? `${s.stepsPerFrame} of 8 steps/frame (frame budget)` : '8 steps/frame',
    );
    // The HUD says it (trust or flag), word for word.
    await expect
      .poll(() => page.locator('#hud-budget').textContent(), { timeout: 10_000 })
      .toMatch(
        /^software GPU: walkers on the CPU, WebAssembly SIMD, 1 thread · render scale 0\.5 · .*steps\/frame.* · readings every 0\.5 s \/ 1 s$/,
      );
    expect(await page.locator('#hud-budget').isVisible()).toBe(true);

    // The canvas keeps its CSS box; its backing store is half as wide and high.
    const view = await page.evaluate(() => {
      const c = document.querySelector('#stage canvas') as HTMLCanvasElement;
      const box = c.getBoundingClientRect();
      return { css: [box.width, box.height], px: [c.width, c.height], scale: window.__occam!.renderScale };
    });
    expect(view.scale).toBe(0.5);
    expect(view.px[0]).toBe(Math.round(view.css[0] * 0.5));
    expect(view.px[1]).toBe(Math.round(view.css[1] * 0.5));
    expect(view.css[0]).toBeGreaterThan(600);

    // Every walker is drawn: the draw covers the whole buffer, and the buffer holds 10⁵ finite walkers.
    expect(await page.evaluate(() => window.__occam!.drawnWalkers)).toBe(100_000);
    const pos = await page.evaluate(async () => {
      const p = await window.__occam!.readPositions();
      let finite = 0;
      for (const x of p) if (Number.isFinite(x)) finite++;
      return { length: p.length, finite };
    });
    expect(pos).toEqual({ length: 200_000, finite: 200_000 });
    // The drawn buffer follows the CPU's steps: a few frames later most walkers have moved.
    expect(await movedFraction(page)).toBeGreaterThan(0.5);

    // A screenshot renders at its own pixel ratio and leaves the screen's render scale as it was.
    const shot = await page.evaluate(async () => {
      const r = await window.__occam!.capture.screenshot({ scale: 1 });
      return { width: r.width, height: r.height };
    });
    expect(shot).toEqual({ width: 1280, height: 720 });
    expect(await page.evaluate(() => window.__occam!.renderScale)).toBe(0.5);
    expect(await page.evaluate(() => window.__occam!.drawnWalkers)).toBe(100_000);
    expect(errors).toEqual([]);
  }, 300_000);

  test('the WGSL kernels still drive the drawn walkers when chosen on a software GPU', async () => {
    const { page, errors } = await openApp(served(), 'walkers=10000&steps=4', { frames: 2 });
    await page.evaluate(() => window.__occam!.setWalkerKernels('gpu'));
    await page.waitForFunction(
      () => window.__occam?.settled && window.__occam.stats?.walkerBackend === 'gpu',
      undefined,
      { timeout: 120_000, polling: 100 },
    );
    expect(await page.evaluate(() => window.__occam!.drawnWalkers)).toBe(10_000);
    expect(await movedFraction(page)).toBeGreaterThan(0.5);
    await expect
      .poll(() => page.locator('#hud-budget').textContent(), { timeout: 10_000 })
      .toMatch(/^software GPU: (?!walkers on the CPU)/);
    expect(errors).toEqual([]);
  }, 300_000);
});
