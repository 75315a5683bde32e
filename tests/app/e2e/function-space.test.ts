/**
 * Function-space mode in headless Chromium (SwiftShader WebGPU): random networks stream batch by batch
 * into the GPU hash table, the totals grow and always equal Σ counts + other, every chart draws, a
 * control change rebuilds and changes the picture, a bad hidden-width text is rejected with a message
 * while the last good configuration keeps running, and the panels reach screenshots and offline
 * recordings through the compositor.
 *
 * Small networks keep SwiftShader fast: 5 inputs (32 input points), two hidden layers of 8, batches of
 * 512, and a 1024-slot table, which fills up, so "other" is exercised too.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { colourPixels, haveChromium, openApp, SHOTS, serveForSuite } from './harness';

const SCENE = 'fspace=true&rnInputs=5&rnHidden=8,8&rnBatch=512&rnCapacity=1024&rnTarget=1e7&walkers=4096';
const CHARTS = ['fs-rank-chart', 'fs-scatter-chart', 'fs-mass-chart', 'fs-top-chart'] as const;

let page: Page;
let errors: string[];

const fs = (p: Page) => p.evaluate(() => ({ ...window.__occam!.stats!.functionSpace! }));

/** Waits until `reads` more table snapshots have been read (each one a consistent total). */
async function waitForReads(p: Page, reads: number, timeout = 90_000): Promise<void> {
  const r0 = (await fs(p)).reads;
  await p.waitForFunction(
    (target) => (window.__occam?.stats?.functionSpace?.reads ?? 0) >= target,
    r0 + reads,
    {
      timeout,
      polling: 100,
    },
  );
}

/**
 * Pixels of each chart canvas in its data colour (rank line #7fd1ff, scatter points and bars #ff7a45,
 * truth-table ones #f4e9c8): axes, grid and text never use them, so an empty chart counts ~0.
 */
const DATA_COLOURS: Record<(typeof CHARTS)[number], [number, number, number][]> = {
  'fs-rank-chart': [[0x7f, 0xd1, 0xff]],
  // The points are 70% opaque: one point over the background, and two overlapping.
  'fs-scatter-chart': [
    [182, 90, 54],
    [236, 113, 64],
  ],
  'fs-mass-chart': [[0xff, 0x7a, 0x45]],
  'fs-top-chart': [[0xf4, 0xe9, 0xc8]],
};
const chartPixels = (p: Page) =>
  p.evaluate((colours) => {
    const out: Record<string, number> = {};
    for (const [id, list] of Object.entries(colours)) {
      const c = document.getElementById(id) as HTMLCanvasElement;
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      // Within 60 of a listed colour (anti-aliased edges blend toward the background).
      for (let i = 0; i < d.length; i += 4)
        if (
          list.some(([r, g, b]) => Math.abs(d[i] - r) + Math.abs(d[i + 1] - g) + Math.abs(d[i + 2] - b) < 60)
        )
          n++;
      out[id] = n;
    }
    return out;
  }, DATA_COLOURS);

const chartImage = (p: Page, id: string) =>
  p.evaluate((i) => (document.getElementById(i) as HTMLCanvasElement).toDataURL(), id);

describe.skipIf(!haveChromium)('function space in headless Chromium', () => {
  const served = serveForSuite(240_000);
  beforeAll(async () => {
    // One page for all the tests, in order: each continues the scene the previous one left.
    ({ page, errors } = await openApp(served(), SCENE, {
      width: 1200,
      height: 760,
      frames: 2,
      keep: 'suite',
    }));
  }, 120_000);

  test('samples stream in, totals grow and equal Σ counts + other, every chart draws', async () => {
    await waitForReads(page, 2);
    const a = await fs(page);
    await waitForReads(page, 2);
    const b = await fs(page);
    expect(b.total).toBeGreaterThan(a.total);
    for (const s of [a, b]) {
      // The table's invariant: every sampled network is counted once, placed or in "other".
      expect(s.countsSum + s.other).toBe(s.total);
      expect(s.total).toBeGreaterThan(0);
      expect(s.distinct).toBeLessThanOrEqual(1024);
    }
    expect(b.label).toBe('(5, 8, 8, 1) relu');
    expect(b.samples).toBeGreaterThanOrEqual(b.total);
    // Every chart has drawn its data: a legend swatch alone is 18 pixels of the colour, the rank curve a
    // few hundred, a handful of scatter points a few hundred, the bars and truth tables thousands.
    const px = await chartPixels(page);
    for (const id of CHARTS) expect(px[id], id).toBeGreaterThan(100);
    // HUD, progress and captions show the live numbers.
    await expect.poll(() => page.locator('#hud-fs-distinct').textContent()).not.toBe('—');
    expect(await page.locator('#fs-progress').textContent()).toMatch(/[\d,]+ \/ 10,000,000 networks/);
    expect(await page.locator('#fs-other').textContent()).toContain('Σ counts + other');
    expect(await page.locator('#fs-bound').textContent()).toMatch(/a = -?\d|needs functions/);
    expect(await page.locator('#fspace').isVisible()).toBe(true);
    // The walkers' folders (landscape, posterior, sampler, analyses) step aside in this mode.
    expect(await page.locator('[data-key="rnAct"]').isVisible()).toBe(true);
    expect(await page.locator('[data-key="n"]').isVisible()).toBe(false);
    expect(await page.locator('#analysis').isVisible()).toBe(false);
    await page.screenshot({ path: resolve(SHOTS, 'function-space.png') });
    expect(errors, errors.join('\n')).toEqual([]);
  });

  test('changing the activation in the GUI rebuilds, restarts the count and changes the picture', async () => {
    const before = { stats: await fs(page), top: await chartImage(page, 'fs-top-chart') };
    await page.locator('[data-key="rnAct"] select').selectOption('tanh');
    await page.waitForFunction(
      (b) => (window.__occam?.stats?.functionSpace?.builds ?? 0) > b,
      before.stats.builds,
      {
        timeout: 90_000,
      },
    );
    // Restarted at network 0: right after the swap fewer networks than the old run had reached.
    expect((await fs(page)).samples).toBeLessThan(before.stats.samples);
    await waitForReads(page, 2);
    const after = await fs(page);
    expect(after.label).toBe('(5, 8, 8, 1) tanh');
    expect(after.countsSum + after.other).toBe(after.total);
    expect(await page.evaluate(() => location.hash)).toContain('rnAct=tanh');
    expect(await chartImage(page, 'fs-top-chart')).not.toBe(before.top);
    expect(errors, errors.join('\n')).toEqual([]);
  });

  test('a bad hidden-width text shows a message and the last good configuration keeps running', async () => {
    const before = await fs(page);
    const input = page.locator('[data-key="rnHidden"] input');
    await input.fill('8,abc');
    await input.press('Enter');
    await expect.poll(() => page.locator('.notice.error').last().textContent()).toContain('hidden widths');
    expect(await page.evaluate(() => window.__occam!.state.rnHidden)).toBe('8,8');
    // The rejected text stays on screen for the user to fix.
    expect(await input.inputValue()).toBe('8,abc');
    await waitForReads(page, 2);
    const after = await fs(page);
    expect(after.builds).toBe(before.builds);
    expect(after.label).toBe(before.label);
    expect(after.total).toBeGreaterThan(before.total);
    expect(after.countsSum + after.other).toBe(after.total);
    // The error notice is the only console-free trace: no page errors.
    expect(errors, errors.join('\n')).toEqual([]);
    await page.locator('.notice.error button').last().click();
  });

  test('screenshots and offline recordings include the function-space panels', async () => {
    // A screenshot: the truth tables' light cells (#f4e9c8) must be in the composite at their place.
    const light = await colourPixels(
      page,
      'fs-top-chart',
      [{ rgb: [0xf4, 0xe9, 0xc8], tolerance: 40 }],
      'capture',
    );
    expect(light).toBeGreaterThan(100);

    // The example shot, shortened to 8 frames of small networks: the histogram fills frame by frame.
    const shot = JSON.parse(
      readFileSync(
        resolve(import.meta.dirname, '../../../assets/shots/random-network-histogram.json'),
        'utf8',
      ),
    );
    const short = {
      ...shot,
      state: { ...shot.state, rnInputs: 5, rnHidden: '8,8', rnCapacity: 4096, walkers: 4096 },
      duration: 8 / 30,
      width: 320,
      height: 200,
      keyframes: [
        { t: 0, rnBatch: 64 },
        { t: 8 / 30, rnBatch: 512 },
      ],
    };
    const play = () =>
      page.evaluate((s) => window.__occam!.capture.record({ shot: s, hashFrames: true }), short);
    const r = await play();
    expect(r.outcome).toBe('complete');
    expect(r.frames).toBe(8);
    // Each frame samples more networks, so consecutive frames differ.
    const hashes = r.frameHashes!;
    expect(new Set(hashes).size).toBeGreaterThan(4);
    // The shot plays identically: network k is keyed by (seed, k), and the table (4096 slots, ~10³
    // functions here) never fills, so no count depends on which GPU thread won a slot.
    expect((await play()).frameHashes).toEqual(hashes);
    expect(errors, errors.join('\n')).toEqual([]);
  });
});
