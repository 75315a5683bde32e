/**
 * Issue 16 in the app: a λ̂ that is no result (here the formula is outside its domain at w*, as with
 * `llc --formula "sqrt(-1)+w1^2+w2^2"`) is flagged in the HUD and explained by a notice, never shown
 * as a number; a sound formula is not flagged.
 */
import { describe, expect, test } from 'vitest';
import { haveChromium, openApp, serveForSuite } from './harness';

describe.skipIf(!haveChromium)('the app flags a result that is not one', () => {
  const served = serveForSuite();

  test('sqrt(-1)+w1^2+w2^2: a notice naming the formula domain, λ̂ flagged in the HUD', async () => {
    const formula = encodeURIComponent('sqrt(-1)+w1^2+w2^2');
    const { page } = await openApp(served(), `landscape=formula&formula=${formula}&walkers=1024&steps=8`);
    await expect
      .poll(() => page.evaluate(() => window.__occam?.stats?.resultProblem ?? null), { timeout: 60_000 })
      .toMatch(/not a number at w\* = \(0, 0\): the formula is outside its domain/);
    await expect
      .poll(() => page.locator('.notice.error').allTextContents(), { timeout: 30_000 })
      .toContainEqual(expect.stringMatching(/outside its domain/));
    expect(await page.locator('body').textContent()).toContain('⚠ no result');
  });

  test('a sound formula is not flagged', async () => {
    const formula = encodeURIComponent('w1^2+w2^2');
    const { page } = await openApp(served(), `landscape=formula&formula=${formula}&walkers=1024&steps=8`, {
      frames: 30,
    });
    expect(await page.evaluate(() => window.__occam?.stats?.resultProblem ?? null)).toBeNull();
    expect(await page.evaluate(() => Number.isFinite(window.__occam?.stats?.lambdaHat))).toBe(true);
  });
});
