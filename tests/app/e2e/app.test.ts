/**
 * The app in headless Chromium (SwiftShader WebGPU): loads and draws, reacts to the GUI, loads every
 * preset from its URL hash, rejects a corrupt hash while still running, survives a destroyed device,
 * and its walker histogram matches the exact density for the regular minimum.
 *
 * SwiftShader draws at a few frames per second at most, so every test waits on frame and step counts
 * exposed on `window.__occam`, never on wall time, and scenes that only need to draw use 8192 walkers.
 */
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { presets } from '../../../src/scene/presets';
import { haveChromium, openApp, SHOTS, serveForSuite, waitForFrames } from './harness';

/** Pixels of the 3-D canvas that differ from the background (read through canvas.toBlob). */
const nonBackground = (page: Page) =>
  page.evaluate(async () => (await window.__occam!.canvasPixels()).nonBackground);
const stats = (page: Page) => page.evaluate(() => ({ ...window.__occam!.stats! }));

/** Waits until at least `steps` more walker steps have run and a histogram was read after them. */
async function waitForSteps(page: Page, steps: number, timeout = 90_000): Promise<void> {
  const s0 = await stats(page);
  await page.waitForFunction((target) => (window.__occam?.stats?.step ?? 0) >= target, s0.step + steps, {
    timeout,
    polling: 100,
  });
  const h0 = (await stats(page)).histograms;
  await page.waitForFunction((h) => (window.__occam?.stats?.histograms ?? 0) >= h + 2, h0, {
    timeout,
    polling: 100,
  });
}

describe.skipIf(!haveChromium)('app in headless Chromium', () => {
  const served = serveForSuite();

  test('opens on the analytic crossing with no console errors and draws a non-blank canvas', async () => {
    const { page, errors } = await openApp(served(), '', { width: 1280, height: 760, frames: 6 });
    await waitForSteps(page, 40);
    const state = await page.evaluate(() => window.__occam!.state);
    expect(state.landscape).toBe('crossing');
    expect(state.n).toBe(1000);
    const s = await stats(page);
    expect(s.walkers).toBeGreaterThanOrEqual(1 << 14);
    // The surface and walkers cover ~20% of the 940 × 760 canvas; a blank or failed frame gives ~0
    // (the window's outline alone is a few thousand pixels).
    const canvasPixels = await page.evaluate(() => window.__occam!.canvasPixels());
    expect(canvasPixels.nonBackground).toBeGreaterThan(0.08 * canvasPixels.width * canvasPixels.height);
    // The HUD shows live numbers and the density panel has drawn.
    await expect
      .poll(() => page.locator('#hud-walkers').textContent())
      .toContain(s.walkers.toLocaleString('en-US'));
    expect(Number.isFinite(s.lambdaHat)).toBe(true);
    expect(s.tv).not.toBeNull();
    await page.screenshot({ path: resolve(SHOTS, 'app-default.png') });
    expect(errors).toEqual([]);
  });

  test('raising n through the GUI shrinks the walker spread', async () => {
    const { page, errors } = await openApp(served(), 'walkers=8192&steps=16');
    await waitForSteps(page, 64);
    const spread = async () => {
      const pos = await page.evaluate(async () => Array.from(await window.__occam!.readPositions()));
      // Distance to the singular set {w1 = 0} ∪ {w2 = 0} of w1²w2², root mean square over walkers.
      let s = 0;
      for (let i = 0; i < pos.length; i += 2) s += Math.min(Math.abs(pos[i]), Math.abs(pos[i + 1])) ** 2;
      return Math.sqrt(s / (pos.length / 2));
    };
    const before = { spread: await spread(), loss: (await stats(page)).meanLoss };
    // The n control is a log₁₀ slider whose number box takes n itself: type 1000000 as a user would.
    const input = page.locator('[data-key="n"] input');
    await input.fill('1000000');
    await input.press('Enter');
    await expect.poll(() => page.evaluate(() => window.__occam!.state.n)).toBe(1e6);
    // The URL follows the GUI, so a copied link reproduces the scene.
    await expect.poll(() => page.evaluate(() => location.hash)).toBe('#n=1000000&walkers=8192&steps=16');
    await page.waitForFunction(() => window.__occam!.settled);
    // The new posterior's λ̂ burns in again before it counts: flagged in the HUD, not shown as a result
    // (flag and text read together, so a fast device cannot pass the warm-up between two reads).
    const lambdaRow = () =>
      page.evaluate(() => {
        const el = document.getElementById('hud-lambda')!;
        return `${el.dataset.flag ?? ''}|${el.className}|${el.textContent}`;
      });
    await expect
      .poll(lambdaRow, { timeout: 30_000 })
      .toMatch(/^burn-in\|flagged\|⚠ burning in: step \d+ of 1000 \(λ̂ /);
    await waitForSteps(page, 160);
    const after = { spread: await spread(), loss: (await stats(page)).meanLoss };
    // Theory: the transverse width scales as 1/√(nβ), i.e. by √(145/72382) ≈ 0.045, and E[L] ≈ λ/(nβ)
    // by ≈ 0.002; 0.3 leaves room for walkers that have not fully relaxed yet.
    expect(after.spread).toBeLessThan(0.3 * before.spread);
    expect(after.loss).toBeLessThan(0.3 * before.loss);
    expect(errors).toEqual([]);
  });

  test('every preset loads from its URL hash and draws', async () => {
    const { page, errors, goto } = await openApp(served(), null, { width: 900, height: 600 });
    for (const preset of presets) {
      await page.goto('about:blank');
      await goto(`preset=${preset.id}&walkers=8192`);
      const got = await page.evaluate(() => ({
        state: window.__occam!.state,
        preset: window.__occam!.presetId,
      }));
      expect(got.preset).toBe(preset.id);
      for (const [k, v] of Object.entries(preset.state))
        expect(got.state[k as keyof typeof got.state], `${preset.id}.${k}`).toBe(v);
      await expect.poll(() => page.locator('#watch h2').textContent()).toBe(preset.title);
      expect(await nonBackground(page)).toBeGreaterThan(20_000);
      await page.screenshot({ path: resolve(SHOTS, `preset-${preset.id}.png`) });
    }
    expect(errors).toEqual([]);
    // Thirteen presets, six of them 12- or 15-D models, walker-group sweeps or random networks: ~120 s
    // on SwiftShader, 215 s measured with four test runs sharing two cores.
  }, 420_000);

  test('a corrupt hash shows an error naming the field, keeps the valid fields and runs', async () => {
    const { page } = await openApp(served(), 'n=banana&landscape=bowl&walkers=8192', {
      width: 900,
      height: 600,
    });
    const message = await page.locator('.notice.error').first().textContent();
    expect(message).toContain("'n'");
    const state = await page.evaluate(() => window.__occam!.state);
    // The link keeps its valid fields; the bad one keeps its default.
    expect(state.landscape).toBe('bowl');
    expect(state.n).toBe(1000);
    expect(state.walkers).toBe(8192);
    const s0 = await stats(page);
    await waitForFrames(page, 3);
    expect((await stats(page)).step).toBeGreaterThan(s0.step);
    expect(await nonBackground(page)).toBeGreaterThan(20_000);
    // A bad hash typed while running is rejected too, and the current scene keeps going.
    await page.evaluate(() => {
      location.hash = '#preset=no-such-scene';
    });
    await expect.poll(() => page.locator('.notice.error').last().textContent()).toContain('no-such-scene');
    // An unknown preset alone leaves nothing to apply: the default scene runs, with the error shown.
    expect(await page.evaluate(() => window.__occam!.state.landscape)).toBe('crossing');
  });

  test('device.destroy() triggers recovery and drawing resumes', async () => {
    // 3-pixel points: the instanced-quad path, whose storage binding must survive recovery too.
    const { page, errors } = await openApp(served(), 'preset=regular-minimum&walkers=8192&pointSize=3', {
      width: 900,
      height: 600,
    });
    const first = await page.evaluate(() => window.__occam!.device);
    expect(first).not.toBeNull();
    await page.evaluate(() => window.__occam!.device!.destroy());
    await page.waitForFunction(() => window.__occam!.recoveries === 1, undefined, {
      timeout: 90_000,
      polling: 100,
    });
    expect(await page.locator('.notice').allTextContents()).toContainEqual(
      expect.stringContaining('recreated'),
    );
    expect(await page.evaluate(() => window.__occam!.state.landscape)).toBe('bowl');
    await waitForFrames(page, 4);
    await waitForSteps(page, 16);
    expect(await nonBackground(page)).toBeGreaterThan(20_000);
    // Recovery is clean: no WebGPU validation errors from the dead device's objects.
    expect(errors).toEqual([]);
  });

  test('walker density matches the exact density for the regular minimum (total variation)', async () => {
    // The preset zooms to ±4/√(nβ) (≈ ±5.7σ) around the minimum; 48² bins of ≈ 0.24σ each.
    const { page, errors } = await openApp(served(), 'preset=regular-minimum&bins=48&steps=16', {
      width: 900,
      height: 600,
    });
    // MALA with ε = 0.5/nβ contracts toward the minimum by ≈ ½ per step: 200 steps is far past burn-in.
    await waitForSteps(page, 200);
    const s = await stats(page);
    expect(s.tv).not.toBeNull();
    expect(s.tvNoise).not.toBeNull();
    // Bound: independent exact draws give TV ≈ tvNoise = ½Σ√(2p(1−p)/(πN)) (≈ 0.05 here for N = 32768,
    // ≈ 0.09 for 8192). MALA walkers are independent chains with an exact stationary law, and the
    // exact cell masses (4 × 4 midpoint rule of a density that varies on the scale σ ≈ 4 cells) err by
    // < 1e-3 in TV. So TV < 1.5·tvNoise + 0.01 fails only for a real disagreement, e.g. ULA's O(ε) bias
    // at a large step, a transposed or shifted grid, or a wrong temperature (nβ off by 20% gives ≈ 0.08).
    expect(s.tv!).toBeLessThan(1.5 * s.tvNoise! + 0.01);
    expect(s.tvNoise!).toBeLessThan(0.1);
    expect(s.insideFraction!).toBeGreaterThan(0.999);
    await page.screenshot({ path: resolve(SHOTS, 'regular-minimum-tv.png') });
    expect(errors).toEqual([]);
  });

  test('a ULA scene with a large step flags its MH acceptance and λ̂ as biased in the HUD', async () => {
    // ε = 0.5 at nβ ≈ 145: ULA's moves would be rejected by MALA most of the time (issue 18).
    const { page, errors } = await openApp(
      served(),
      'sampler=ula&epsAuto=false&eps=0.5&walkers=8192&steps=16',
    );
    await waitForSteps(page, 32);
    await expect.poll(() => page.locator('#hud-acc').textContent(), { timeout: 60_000 }).toContain('BIASED');
    expect(await page.locator('#hud-acc').getAttribute('class')).toContain('flagged');
    expect(await page.locator('#hud-lambda').textContent()).toContain('biased');
    expect(errors).toEqual([]);
  });

  test('without WebGPU the page says which browsers and flags work', async () => {
    const { page } = await openApp(served(), '', {
      width: 900,
      height: 600,
      initScript:
        "Object.defineProperty(Navigator.prototype, 'gpu', { configurable: true, get: () => undefined });",
      // No frame ever comes: the page says why instead.
      frames: 0,
    });
    const text = await page.locator('#no-webgpu').textContent({ timeout: 30_000 });
    expect(text).toContain('Chrome');
    expect(text).toContain('enable-unsafe-webgpu');
    expect(await page.locator('canvas').count()).toBe(0);
  });
});
