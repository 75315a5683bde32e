/**
 * Analysis → "generalisation vs n" in headless Chromium (SwiftShader WebGPU), ticked in the GUI as a
 * user would: the polynomial model's Bayes generalisation error over n runs in the background with
 * progress (counts and an ETA), then charts B_g ± SE on log–log axes beside the exact λ/n line; a
 * landscape without a predictive says what the analysis needs. The main scene runs few walkers so
 * that SwiftShader spends its time on the background run (SwiftShader settings: 8 n × 4 datasets ×
 * 48 walkers, 400 + 400 steps).
 */
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { haveChromium, openApp, SHOTS, serveForSuite } from './harness';

/** Chart pixels near an RGB colour (a series colour). */
const colourCount = (page: Page, id: string, [r, g, b]: [number, number, number]) =>
  page.evaluate(
    ([canvasId, rr, gg, bb]) => {
      const c = document.getElementById(canvasId as string) as HTMLCanvasElement;
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let count = 0;
      for (let i = 0; i < d.length; i += 4)
        if (
          Math.abs(d[i] - (rr as number)) < 30 &&
          Math.abs(d[i + 1] - (gg as number)) < 30 &&
          Math.abs(d[i + 2] - (bb as number)) < 30
        )
          count++;
      return count;
    },
    [id, r, g, b] as const,
  );

describe.skipIf(!haveChromium)('generalisation vs n in the browser', () => {
  const served = serveForSuite();

  test('the polynomial model charts B_g ± SE over n beside λ/n; other landscapes say what it needs', async () => {
    const { page, errors } = await openApp(
      served(),
      'preset=poly-12345&walkers=256&steps=4&density=false&charts=false&surface=false&points=false',
      { width: 1100, height: 900 },
    );
    await page.locator('[data-key="generalisation"] input[type="checkbox"]').check();
    const readout = page.locator('#generalisation-readout');
    // Progress first (counts and an ETA), with the exact reference from the start.
    await expect
      .poll(() => readout.textContent(), { timeout: 60_000 })
      .toMatch(/polynomial model: 8 n × 4 datasets × 48 walkers: +\d+% \d+\/\d+ walker-steps.*ETA/);
    await expect.poll(() => readout.textContent(), { timeout: 240_000, interval: 1000 }).toContain('done in');
    const text = (await readout.textContent()) ?? '';
    expect(text).toContain('λ = #{k : m_k ≥ 1}/2, exact');
    // The measured line (the finite-n reference line, "reference E[n·B_g]: …", comes before it).
    const measuredText = text.slice(text.indexOf('n·B_g:'));
    const nbg = [...measuredText.matchAll(/(\d+): (-?[\d.]+) ± ([\d.]+)/g)].map((m) => ({
      n: Number(m[1]),
      nBg: Number(m[2]),
    }));
    expect(nbg.map((p) => p.n)).toEqual([10, 20, 50, 100, 200, 500, 1000, 2000]);
    for (const p of nbg) expect(p.nBg).toBeGreaterThan(0);
    // B_g itself falls with n (λ/n falls 200-fold over the grid; n·B_g stays O(1)).
    expect(nbg.at(-1)!.nBg / 2000).toBeLessThan(nbg[0].nBg / 10);
    expect(await colourCount(page, 'chart-generalisation', [255, 122, 69]), 'measured B_g').toBeGreaterThan(
      30,
    );
    expect(await colourCount(page, 'chart-generalisation', [232, 236, 244]), 'λ/n line').toBeGreaterThan(30);
    await page.locator('#chart-generalisation').scrollIntoViewIfNeeded();
    await page.screenshot({ path: resolve(SHOTS, 'generalisation.png') });

    await page.locator('[data-key="landscape"] select').selectOption({ label: 'Analytic normal crossing' });
    await expect
      .poll(() => readout.textContent(), { timeout: 30_000 })
      .toContain('needs the polynomial model or the tiny network');
    expect(errors).toEqual([]);
  });
});
