/**
 * The SGD-vs-Bayes view in headless Chromium (SwiftShader WebGPU): the (0011) preset, shrunk to small
 * networks (5 inputs, one hidden layer of 8, 8 training points), streams counts of both sides, draws
 * the log–log scatter, shows the correlation as a number or a flagged dash (never NaN), rejects a bad
 * target string with a message naming the character while the running configuration carries on, and
 * its state survives a round trip through the URL.
 */
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import {
  type AppPage,
  type ColourMatch,
  colourPixels,
  haveChromium,
  openApp,
  SHOTS,
  serveForSuite,
} from './harness';

const SCENE =
  'preset=sgd-0011&sgInputs=5&sgHidden=8&sgTrain=8&sgLr=0.05&sgEpochs=150&sgRuns=100000&sgSamples=1e8&walkers=4096';

let app: AppPage;
let page: Page;
let errors: string[];

const sg = (p: Page) => p.evaluate(() => ({ ...window.__occam!.stats!.sgdBayes! }));

async function waitForReads(p: Page, reads: number, timeout = 90_000): Promise<void> {
  const r0 = (await sg(p)).reads;
  await p.waitForFunction((target) => (window.__occam?.stats?.sgdBayes?.reads ?? 0) >= target, r0 + reads, {
    timeout,
    polling: 100,
  });
}

/** The scatter's three point colours (axes, grid and text never use them). */
const POINT_COLOURS: ColourMatch[] = [
  { rgb: [0xff, 0x7a, 0x45], tolerance: 60 },
  { rgb: [0x7f, 0xd1, 0xff], tolerance: 60 },
  { rgb: [0xff, 0xd1, 0x66], tolerance: 60 },
];
const scatterPixels = (p: Page, source: 'screen' | 'capture' = 'screen') =>
  colourPixels(p, 'sg-scatter-chart', POINT_COLOURS, source);

describe.skipIf(!haveChromium)('SGD vs Bayes in headless Chromium', () => {
  const served = serveForSuite(240_000);
  beforeAll(async () => {
    app = await openApp(served(), SCENE, {
      width: 1200,
      height: 800,
      frames: 2,
      keep: 'suite',
    });
    ({ page, errors } = app);
  }, 120_000);

  test('the preset streams counts of both sides and draws the scatter and the correlation', async () => {
    await page.waitForFunction(() => (window.__occam?.stats?.sgdBayes?.converged ?? 0) > 0, null, {
      timeout: 90_000,
      polling: 200,
    });
    await waitForReads(page, 1);
    const a = await sg(page);
    await waitForReads(page, 2);
    const b = await sg(page);
    expect(b.sgdRuns).toBeGreaterThan(a.sgdRuns);
    expect(b.samples).toBeGreaterThan(a.samples);
    for (const s of [a, b]) {
      // Every trained network is counted: converged or not, never dropped.
      expect(s.converged + s.notConverged).toBe(s.sgdRuns);
      expect(s.accepted).toBeLessThanOrEqual(s.samples);
    }
    expect(b.label).toBe('(5, 8, 1) relu · adam ce lr 0.05');
    expect(b.target).toBe('0011'.repeat(8));
    expect(b.trainSize).toBe(8);
    // A legend swatch alone is ~18 pixels per colour; points of the functions seen add hundreds.
    expect(await scatterPixels(page)).toBeGreaterThan(100);
    const corr = (await page.locator('#sg-corr').textContent()) ?? '';
    expect(corr).not.toMatch(/NaN/);
    expect(corr).toMatch(/Spearman ρ = (-?\d\.\d{3}|—) · Pearson r = (-?\d\.\d{3}|—)/);
    if (b.spearman === null) expect(corr).toContain('no correlation (null)');
    else expect(corr).toContain(b.spearman.toFixed(3));
    const progress = (await page.locator('#sg-progress').textContent()) ?? '';
    expect(progress).toMatch(/SGD [\d,]+ \/ 100,000 networks: [\d,]+ converged, [\d,]+ not converged/);
    expect(progress).toMatch(/Bayes [\d,]+ \/ 100,000,000 prior samples: [\d,]+ accepted/);
    expect(await page.locator('#sgdview').isVisible()).toBe(true);
    // The preset's card is repeated on the panel (the walkers' HUD and card step aside).
    expect(await page.locator('#sg-card').textContent()).toContain('(0011)³²');
    expect(await page.locator('#hud').isVisible()).toBe(false);
    expect(await page.locator('[data-key="sgTarget"]').isVisible()).toBe(true);
    expect(await page.locator('[data-key="n"]').isVisible()).toBe(false);
    await page.screenshot({ path: resolve(SHOTS, 'sgd-vs-bayes.png') });
    expect(errors, errors.join('\n')).toEqual([]);
  });

  test('a bad target string names the character and the running configuration carries on', async () => {
    const before = await sg(page);
    const input = page.locator('[data-key="sgTarget"] input');
    await input.fill('00z1');
    await input.press('Enter');
    await expect
      .poll(() => page.locator('.notice.error').last().textContent())
      .toContain("character 'z' at position 3");
    expect(await page.evaluate(() => window.__occam!.state.sgTarget)).toBe('0011');
    // Still running the last good configuration: both sides keep counting, nothing was rebuilt.
    await expect
      .poll(
        async () => {
          const s = await sg(page);
          return s.sgdRuns + s.samples;
        },
        { timeout: 90_000 },
      )
      .toBeGreaterThan(before.sgdRuns + before.samples);
    const after = await sg(page);
    expect(after.builds).toBe(before.builds);
    expect(after.target).toBe(before.target);
    expect(errors, errors.join('\n')).toEqual([]);
    await page.locator('.notice.error button').last().click();
  });

  test('the state round-trips through the URL', async () => {
    await page.locator('[data-key="sgOptimizer"] select').selectOption('sgd');
    await expect.poll(() => page.evaluate(() => location.hash)).toContain('sgOptimizer=sgd');
    const hash = await page.evaluate(() => location.hash.slice(1));
    const state = await page.evaluate(() => ({ ...window.__occam!.state }));
    // A fresh load of the link (the old app goes, so the two never share the software GPU).
    await page.evaluate(() => {
      location.hash = '';
    });
    await app.goto(hash, 2);
    const restored = await page.evaluate(() => ({ ...window.__occam!.state }));
    expect(restored).toEqual(state);
    expect(restored.sgd).toBe(true);
    expect(restored.sgOptimizer).toBe('sgd');
    expect(restored.sgTarget).toBe('0011');
    expect(restored.sgHidden).toBe('8');
    await expect
      .poll(() => page.locator('#sg-config').textContent(), { timeout: 90_000 })
      .toContain('(5, 8, 1) relu · sgd ce lr 0.05');
    expect(errors, errors.join('\n')).toEqual([]);
  });

  test('screenshots and offline recordings hold the panel, its counts advancing frame by frame', async () => {
    // After the reload of the previous test: wait until the scatter has points on screen.
    await page.waitForFunction(() => (window.__occam?.stats?.sgdBayes?.converged ?? 0) > 0, null, {
      timeout: 90_000,
      polling: 200,
    });
    await waitForReads(page, 1);
    await expect.poll(() => scatterPixels(page), { timeout: 30_000 }).toBeGreaterThan(100);
    // A screenshot: the scatter's point colours must be in the composite where the scatter is.
    const inShot = await scatterPixels(page, 'capture');
    expect(inShot).toBeGreaterThan(100);

    // Six offline frames from the seed: each runs one chunk (epochs and prior samples), so the panel's
    // counts move between frames although the loop is held; the clip replays identically.
    const shot = {
      occamLensShot: 1,
      title: 'SGD vs Bayes, six frames',
      preset: 'sgd-0011',
      state: {
        sgInputs: 5,
        sgHidden: '8',
        sgTrain: 8,
        sgLr: 0.05,
        sgEpochs: 150,
        sgSamples: 1e8,
        walkers: 4096,
      },
      duration: 6 / 30,
      fps: 30,
      width: 320,
      height: 200,
    };
    const play = () =>
      page.evaluate((sh) => window.__occam!.capture.record({ shot: sh, hashFrames: true }), shot);
    const r = await play();
    expect(r.outcome).toBe('complete');
    expect(r.frames).toBe(6);
    expect(new Set(r.frameHashes!).size).toBeGreaterThan(3);
    const st = await sg(page);
    expect(st.samples).toBeGreaterThan(0);
    expect((await play()).frameHashes).toEqual(r.frameHashes);
    expect(errors, errors.join('\n')).toEqual([]);
  }, 240_000);

  test('the polynomial preset shows GD shares beside the walkers’ shares, counted and like with like', async () => {
    // No frame wait: a 15-D scene compiles for a while on a software GPU; the poll below waits for it.
    await app.goto('preset=poly-gd-12345&walkers=512&polyGdRuns=400', 0);
    const readout = page.locator('#poly-gd-readout');
    // Both sides have numbers: GD shares of converged fits, and the walkers' first reading.
    await expect
      .poll(() => readout.textContent(), { timeout: 150_000 })
      .toMatch(/converged .*: 1 [\d.]+% · x [\d.]+%.*Walkers: 1 [\d.]+%/);
    const text = (await readout.textContent()) ?? '';
    const [, runs, converged, notConverged] = text.match(
      /GD: ([\d,]+) of 400 fits, ([\d,]+) converged .* ([\d,]+) not/,
    )!;
    const n = (t: string) => Number(t.replace(/,/g, ''));
    expect(n(converged) + n(notConverged)).toBe(n(runs));
    // The preset's walkers use the fits' initialisation as their prior: no like-with-like warning.
    expect(text).not.toContain('Not like with like');
    // The walkers' shares say whether they mixed, as the function-space panel does.
    const mixed = await page.evaluate(() => window.__occam!.stats!.polySharesMixed);
    expect(text).toContain(
      mixed === null ? '(one start: mixing untested)' : mixed ? '(starts agree)' : '⚠ not mixed',
    );
    expect(text).not.toMatch(/NaN/);
    expect(await page.locator('#poly-gd').isVisible()).toBe(true);
    await page.screenshot({ path: resolve(SHOTS, 'sgd-vs-bayes-poly.png') });
    expect(errors, errors.join('\n')).toEqual([]);
    // A 15-D scene's shaders compile slowly on a software GPU: more than the default 120 s on a busy machine.
  }, 240_000);
});
