/**
 * Shaping landscapes and reading them, in headless Chromium (SwiftShader WebGPU): a formula typed in
 * the GUI recompiles the surface and the walkers; a bad formula shows the parser's reason and a caret
 * while the previous scene keeps running; a constant's slider rewrites a uniform (no pipeline is
 * compiled); the post's 15-parameter polynomial runs and is drawn as a slice; the λ̂ chart settles at
 * the exact λ of the regular minimum; the phase-transition preset charts mass vs n with the predicted
 * crossover. Few walkers throughout: SwiftShader draws a few frames per second at best.
 */
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { haveChromium, openApp, SHOTS, serveForSuite, waitForFrames } from './harness';

const stats = (page: Page) => page.evaluate(() => ({ ...window.__occam!.stats! }));
const nonBackground = (page: Page) =>
  page.evaluate(async () => (await window.__occam!.canvasPixels()).nonBackground);

/** Counts compute pipelines and shader modules created on any GPUDevice (installed before the app runs). */
const COUNT_PIPELINES = `
  (() => {
    const c = { pipelines: 0, modules: 0 };
    window.__gpuCounts = c;
    const P = GPUDevice.prototype;
    const cp = P.createComputePipeline;
    P.createComputePipeline = function (...a) { c.pipelines++; return cp.apply(this, a); };
    const cpa = P.createComputePipelineAsync;
    P.createComputePipelineAsync = function (...a) { c.pipelines++; return cpa.apply(this, a); };
    const sm = P.createShaderModule;
    P.createShaderModule = function (...a) { c.modules++; return sm.apply(this, a); };
  })();
`;
const gpuCounts = (page: Page) =>
  page.evaluate(() => ({
    ...(window as unknown as { __gpuCounts: { pipelines: number; modules: number } }).__gpuCounts,
  }));

/** Waits for `steps` more walker steps. */
async function waitForSteps(page: Page, steps: number, timeout = 90_000): Promise<void> {
  const s0 = await stats(page);
  await page.waitForFunction((t) => (window.__occam?.stats?.step ?? 0) >= t, s0.step + steps, {
    timeout,
    polling: 100,
  });
}

/** Scrolls the side panel so that an element sits in the middle of the view. */
const centre = (page: Page, selector: string) =>
  page.evaluate((sel) => document.querySelector(sel)?.scrollIntoView({ block: 'center' }), selector);

/** Types into the formula box and commits with Enter, as a user would. */
async function typeFormula(page: Page, text: string): Promise<void> {
  const input = page.locator('[data-key="formula"] input');
  await input.fill(text);
  await input.press('Enter');
}

describe.skipIf(!haveChromium)('shaping and measuring landscapes in the browser', () => {
  const served = serveForSuite();

  test('a typed formula redraws the surface; a bad one shows position and reason and the scene keeps running', async () => {
    const { page, errors } = await openApp(served(), 'landscape=formula&walkers=4096&steps=8', {
      width: 1280,
      height: 800,
    });
    const before = await stats(page);
    expect(before.surfaces).toBeGreaterThanOrEqual(1);

    // A new formula, with a named constant: it parses, compiles and replaces the surface and engine.
    const text = 'min(w1^2, w2^2) + c*w1^2*w2^2';
    await typeFormula(page, text);
    await expect.poll(() => page.evaluate(() => window.__occam!.state.formula)).toBe(text);
    await page.waitForFunction((n) => (window.__occam?.stats?.surfaces ?? 0) > n, before.surfaces, {
      timeout: 60_000,
    });
    await waitForFrames(page, 3);
    const after = await stats(page);
    expect(after.surfaceChecksum).not.toBeCloseTo(before.surfaceChecksum, 3);
    expect(after.buildError).toBeNull();
    // The URL carries the formula, so the link reproduces the scene.
    await expect
      .poll(() => page.evaluate(() => decodeURIComponent(location.hash)))
      .toContain('formula=min(w1^2');
    // The constant became a slider; the watch box names the formula.
    await expect.poll(() => page.locator('[data-constant="c"]').count()).toBe(1);
    await expect.poll(() => page.locator('#watch h2').textContent()).toContain('min(w1^2, w2^2)');
    expect(await nonBackground(page)).toBeGreaterThan(20_000);
    await centre(page, '.formula-folder');
    await page.screenshot({ path: resolve(SHOTS, 'formula.png') });

    // A formula that does not parse: reason and position in the GUI, a caret under it, a notice,
    // and the state (and the running scene) unchanged.
    await typeFormula(page, 'w1^2 + * w2');
    const box = page.locator('.formula-error');
    await expect.poll(() => box.isVisible()).toBe(true);
    await expect.poll(() => box.locator('.reason').textContent()).toContain('position 8');
    expect(await box.locator('.pointer').textContent()).toBe('w1^2 + * w2\n       ^');
    await expect.poll(() => page.locator('.notice.error').last().textContent()).toContain("'formula'");
    expect(await page.locator('[data-key="formula"] input').inputValue()).toBe('w1^2 + * w2');
    expect(await page.evaluate(() => window.__occam!.state.formula)).toBe(text);
    await centre(page, '.formula-folder');
    await page.screenshot({ path: resolve(SHOTS, 'formula-error.png') });
    const s0 = await stats(page);
    await waitForSteps(page, 24);
    expect((await stats(page)).surfaces).toBe(s0.surfaces);
    expect(await nonBackground(page)).toBeGreaterThan(20_000);

    // Text that tries to smuggle WGSL never reaches a shader.
    await typeFormula(page, 'w1; } fn x() {');
    await expect.poll(() => box.locator('.reason').textContent()).toContain('unexpected character ";"');
    expect(await page.evaluate(() => window.__occam!.state.formula)).toBe(text);
    // Fixing the text clears the error.
    await typeFormula(page, 'w1^2 + w2^2');
    await expect.poll(() => box.isVisible()).toBe(false);
    expect(errors).toEqual([]);
  });

  test('a constant slider rewrites a uniform: the surface changes and nothing is recompiled', async () => {
    const formula = encodeURIComponent('(a - w1^2 - w2^2)^2');
    const { page, errors } = await openApp(
      served(),
      `landscape=formula&formula=${formula}&walkers=4096&steps=8`,
      {
        width: 1100,
        height: 760,
        initScript: COUNT_PIPELINES,
        frames: 4,
      },
    );
    const before = { counts: await gpuCounts(page), s: await stats(page) };
    expect(before.counts.pipelines).toBeGreaterThan(0);
    const input = page.locator('[data-constant="a"] input');
    await input.fill('0.25');
    await input.press('Enter');
    await expect.poll(() => page.evaluate(() => window.__occam!.state.consts)).toBe('a=0.25');
    await page.waitForFunction((n) => (window.__occam?.stats?.surfaces ?? 0) > n, before.s.surfaces, {
      timeout: 60_000,
    });
    await waitForFrames(page, 3);
    const after = { counts: await gpuCounts(page), s: await stats(page) };
    expect(after.s.surfaceChecksum).not.toBeCloseTo(before.s.surfaceChecksum, 3);
    expect(after.counts).toEqual(before.counts);
    expect(await page.evaluate(() => window.__occam!.state.formula)).toBe('(a - w1^2 - w2^2)^2');
    expect(errors).toEqual([]);
  });

  test('the 15-parameter polynomial runs and is drawn as a slice through w*', async () => {
    const { page, errors } = await openApp(served(), 'preset=poly-12345&walkers=2048&steps=8', {
      width: 1100,
      height: 700,
    });
    await waitForSteps(page, 32);
    expect(await page.evaluate(() => window.__occam!.derived!.landscape.dim)).toBe(15);
    const pos = await page.evaluate(async () => (await window.__occam!.readPositions()).length);
    expect(pos).toBe(2048 * 15);
    const s = await stats(page);
    expect(s.buildError).toBeNull();
    expect(Number.isFinite(s.lambdaHat)).toBe(true);
    expect(s.insideFraction).not.toBeNull();
    expect(s.exactReady).toBe(false);
    await expect.poll(() => page.locator('.slice-note').textContent()).toContain('d = 15');
    expect(await nonBackground(page)).toBeGreaterThan(20_000);
    await page.screenshot({ path: resolve(SHOTS, 'poly-slice.png') });
    // Another axis: a new slice of the same loss (the engine keeps running).
    await page.evaluate(() => window.__occam!.set('axisY', 4));
    await page.waitForFunction((n) => (window.__occam?.stats?.surfaces ?? 0) > n, s.surfaces, {
      timeout: 60_000,
    });
    expect((await stats(page)).surfaceChecksum).not.toBeCloseTo(s.surfaceChecksum, 3);
    expect(errors).toEqual([]);
  });

  test('the λ̂ chart settles at the exact λ = 1 of the regular minimum', async () => {
    const { page, errors } = await openApp(
      served(),
      'preset=regular-minimum&walkers=4096&steps=64&density=false',
      { width: 1100, height: 900 },
    );
    // Until the walkers are past the live warm-up (BURN_IN_POLICY.defaultBurnin = 1000 steps) and the
    // running mean's window (the second half of the history) is too, the readout flags λ̂ as burning in.
    await expect
      .poll(() => page.locator('#llc-readout').getAttribute('data-flag'), { timeout: 60_000 })
      .toBe('burn-in');
    expect(await page.locator('#llc-readout').textContent()).toMatch(
      /^⚠ (burning in: step \d+ of 1000|the running mean still holds burn-in steps) — λ̂/,
    );
    await waitForSteps(page, 2100);
    // The running mean gets a batch-means SE once its half of the history holds ≥ 10 readings (on
    // SwiftShader a reading lands every few frames).
    const running = /running (-?[\d.]+) ± ([\d.]+)/;
    await expect
      .poll(async () => running.test((await page.locator('#llc-readout').textContent()) ?? ''), {
        timeout: 120_000,
        interval: 500,
      })
      .toBe(true);
    const readout = await page.locator('#llc-readout').textContent();
    const m = running.exec(readout ?? '')!;
    const mean = Number(m[1]);
    const se = Number(m[2]);
    expect(readout).toContain('exact λ = 1.000');
    // MALA from the prior: after ~30 steps the walkers are at equilibrium; the second half of the
    // history is far past it. nβ·E[L] = d/2 = 1 exactly for the untruncated Gaussian (the box cuts
    // off < 1e-40 of the mass).
    expect(se).toBeLessThan(0.05);
    expect(Math.abs(mean - 1)).toBeLessThan(5 * se + 0.01);
    // The chart has drawn the λ̂ line (orange) and the exact line (light).
    const colours = await page.evaluate(() => {
      const c = document.getElementById('chart-lambda') as HTMLCanvasElement;
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let orange = 0;
      let light = 0;
      for (let i = 0; i < d.length; i += 4) {
        if (Math.abs(d[i] - 255) < 30 && Math.abs(d[i + 1] - 122) < 30 && Math.abs(d[i + 2] - 69) < 30)
          orange++;
        if (d[i] > 200 && d[i + 1] > 200 && d[i + 2] > 200) light++;
      }
      return { orange, light };
    });
    expect(colours.orange).toBeGreaterThan(30);
    expect(colours.light).toBeGreaterThan(30);
    await centre(page, '#chart-lambda');
    await page.screenshot({ path: resolve(SHOTS, 'llc-chart.png') });
    expect(errors).toEqual([]);
  });

  test('concentration vs n: walker groups over eleven n match quadrature for both crossings at small n', async () => {
    const { page, errors } = await openApp(
      served(),
      'preset=crossings-vs-n&walkers=2048&steps=32&density=false&charts=false',
      { width: 1100, height: 900 },
    );
    // Burn-in (300 steps per group), then at least 8 readings.
    const view = () =>
      page.evaluate(() => {
        const v = window.__occam!.analysis?.lastConcentration;
        return v ? { steps: v.steps, targets: v.targets.map((t) => ({ ...t })) } : null;
      });
    await expect
      .poll(async () => (await view())?.steps ?? 0, { timeout: 120_000, interval: 500 })
      .toBeGreaterThan(700);
    const v = (await view())!;
    expect(v.targets.map((t) => t.label)).toEqual(['crossing', 'min-crossing']);
    for (const t of v.targets) {
      expect(t.exact!.every(Number.isFinite), t.label).toBe(true);
      // n = 10, 31.6, 100: the step is large enough (ε ≥ 0.01) that the groups are in equilibrium.
      for (let i = 0; i < 3; i++) {
        const tol = 5 * t.measuredSe[i] + 0.03;
        expect(Math.abs(t.measured[i] - t.exact![i]), `${t.label} n-index ${i}`).toBeLessThan(tol);
      }
    }
    // The post's point, from quadrature: at n = 10⁶ the analytic crossing holds far more mass near the
    // origin than the non-analytic one.
    const [an, non] = v.targets;
    expect(an.exact![10]).toBeGreaterThan(2 * non.exact![10]);
    await centre(page, '#chart-concentration');
    await page.screenshot({ path: resolve(SHOTS, 'concentration-vs-n.png') });
    expect(errors).toEqual([]);
  });

  test('the phase-transition preset charts mass near the origin vs n with the predicted crossover', async () => {
    const { page, errors } = await openApp(
      served(),
      'preset=phase-transition&walkers=2048&steps=16&density=false',
      { width: 1100, height: 900 },
    );
    const readout = page.locator('#concentration-readout');
    await expect.poll(() => readout.textContent(), { timeout: 60_000 }).toContain('predicted crossover');
    // ΔL = 0.01: n·ΔL = ½·log n at n ≈ 283.
    expect(await readout.textContent()).toMatch(/at n ≈ 2[78]\d/);
    const exactAt = async () =>
      Number(/exact mass at n = [^:]+: ([\d.]+)/.exec((await readout.textContent()) ?? '')?.[1]);
    await expect.poll(exactAt).toBeGreaterThan(0);
    const small = await exactAt();
    // Move n past the crossover: the exact mass near the origin follows at once.
    await page.evaluate(() => window.__occam!.set('n', 10000));
    await expect.poll(exactAt, { timeout: 30_000 }).toBeGreaterThan(0.9);
    expect(small).toBeLessThan(0.9);
    await centre(page, '#chart-concentration');
    await page.screenshot({ path: resolve(SHOTS, 'phase-transition.png') });
    expect(errors).toEqual([]);
  });
});
