/**
 * The first minute with the app, and captures for a talk (issue 15), on one shared page: number boxes
 * take values as the user reads them and reject bad ones with a message; at 1280×720 the λ̂ chart and
 * the n control are on screen together; a fixed formula clears its error notice; a preset switch
 * covers the stage with its building state, then shows the new surface; a 2× screenshot's walkers
 * cover the screen's share of pixels; a recording's frame follows the page's aspect and the HUD marks
 * offline capture. Writes screenshots of the default scene and three presets at 1440×900.
 *
 * SwiftShader draws a few frames per second: every wait is on frame, step or state counters.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { haveChromium, openApp, SHOTS, serveForSuite, waitForFrames } from './harness';

const haveFfprobe = spawnSync('ffprobe', ['-version']).status === 0;
if (process.env.CI === 'true' && !haveFfprobe) throw new Error('CI=true but ffprobe is missing');

let page: Page;
let errors: string[];
const state = () => page.evaluate(() => ({ ...window.__occam!.state }));
const errorCauses = () =>
  page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('#notices .notice.error')].map((n) => n.dataset.cause ?? ''),
  );

/** Types into a GUI number box as a user does, then Enter. */
async function type(key: string, text: string): Promise<void> {
  const input = page.locator(`[data-key="${key}"] input`);
  await input.click();
  await input.fill(text);
  await input.press('Enter');
}

/** Opens a closed lil-gui folder by its title. */
async function openFolder(title: string): Promise<void> {
  const folder = page.locator('#controls .lil-gui.lil-closed > .lil-title', { hasText: title });
  if ((await folder.count()) > 0) await folder.first().click();
}

/** The 3-D surface's colour bar: shown, its range and tick labels, and its share of drawn pixels. */
const colorbar = () =>
  page.evaluate(() => {
    const c = document.getElementById('surface-colorbar') as HTMLCanvasElement;
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let ink = 0;
    for (let i = 0; i < d.length; i += 4)
      if (d[i + 3] > 200 && Math.abs(d[i] - 13) + Math.abs(d[i + 1] - 15) + Math.abs(d[i + 2] - 20) > 30)
        ink++;
    const labels = JSON.parse(c.dataset.ticks ?? '[]') as string[];
    return {
      visible: !c.hidden && c.getBoundingClientRect().width > 0,
      label: c.getAttribute('aria-label') ?? '',
      range: [Number(c.dataset.lo), Number(c.dataset.hi)],
      ticks: labels,
      ink: ink / (d.length / 4),
    };
  });

const inViewport = async (selector: string, w: number, h: number) => {
  const b = await page.locator(selector).first().boundingBox();
  return b !== null && b.x >= 0 && b.y >= 0 && b.x + b.width <= w + 0.5 && b.y + b.height <= h + 0.5;
};

describe.skipIf(!haveChromium)('the first minute and captures', () => {
  const served = serveForSuite();
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    ({ page, errors } = await openApp(served(), 'walkers=8192&steps=16', {
      width: 1280,
      height: 720,
      frames: 4,
      keep: 'suite',
    }));
  }, 180_000);

  test('at 1280×720 the λ̂ chart and the n control are on screen; number boxes read and reject', async () => {
    await page.waitForFunction(() => window.__occam!.settled && window.__occam!.stats!.step > 0);
    expect(await inViewport('#chart-lambda', 1280, 720)).toBe(true);
    expect(await inViewport('[data-key="n"] input', 1280, 720)).toBe(true);
    expect(await inViewport('#hud', 1280, 720)).toBe(true);
    // The n box shows n, not its exponent, and takes n as typed.
    expect(await page.locator('[data-key="n"] input').inputValue()).toBe('1000');
    await type('n', '100000');
    await expect.poll(async () => (await state()).n).toBe(1e5);
    expect(await page.locator('[data-key="n"] input').inputValue()).toBe('100000');
    // The greyed β box follows n while β = 1/log n is on.
    await expect
      .poll(() => page.locator('[data-key="beta"] input').inputValue())
      .toBe(String(Number((1 / Math.log(1e5)).toPrecision(6))));
    // A negative step is rejected with the schema's message, as the URL path does; ε is unchanged.
    await page.evaluate(() => window.__occam!.set('epsAuto', false));
    await openFolder('Sampler');
    const eps = (await state()).eps;
    await type('eps', '-0.01');
    await expect.poll(errorCauses).toContain('field:eps');
    expect(await page.locator('[data-cause="field:eps"]').textContent()).toContain(
      "'eps' must be in [1e-9, 1]",
    );
    expect((await state()).eps).toBe(eps);
    expect(await page.locator('[data-key="eps"]').getAttribute('class')).toContain('rejected');
    // An absurd walker count is rejected with a message, not clamped in silence.
    await type('walkers', '999,999,999');
    await expect.poll(errorCauses).toContain('field:walkers');
    expect(await page.locator('[data-cause="field:walkers"]').textContent()).toContain('999999999');
    expect((await state()).walkers).toBe(8192);
    // A valid step clears its notice (one notice per cause); the walker notice stays until fixed.
    await type('eps', '0.0001');
    await expect.poll(async () => (await state()).eps).toBe(1e-4);
    expect(await errorCauses()).toEqual(['field:walkers']);
    await page.locator('[data-cause="field:walkers"] button').click();
    await page.evaluate(() => window.__occam!.set('epsAuto', true));
    expect(errors).toEqual([]);
  });

  test('a fixed formula clears its error notice, and notices never cover the HUD', async () => {
    await page.evaluate(() => window.__occam!.set('formula', 'w1^^2'));
    await expect.poll(errorCauses).toContain('field:formula');
    const hud = (await page.locator('#hud').boundingBox())!;
    const note = (await page.locator('[data-cause="field:formula"]').boundingBox())!;
    expect(note.x >= hud.x + hud.width || note.y >= hud.y + hud.height).toBe(true);
    await page.evaluate(() => window.__occam!.set('formula', 'w1^2 * w2^4 + 0.5*w1^4'));
    await expect.poll(errorCauses).toEqual([]);
    expect((await state()).formula).toBe('w1^2 * w2^4 + 0.5*w1^4');
  });

  test('a preset switch covers the stage with its building state, then shows the new surface', async () => {
    const before = await page.evaluate(() => window.__occam!.stats!.surfaceChecksum);
    const barBefore = await colorbar();
    // Record every state the status card goes through (a MutationObserver sees each change).
    await page.evaluate(() => {
      const el = document.getElementById('stage-status')!;
      const seen: string[] = [];
      (window as unknown as { __phases: string[] }).__phases = seen;
      new MutationObserver(() =>
        seen.push(`${el.dataset.phase}${el.classList.contains('cover') ? ':cover' : ''}`),
      ).observe(el, { attributes: true, subtree: true, childList: true, characterData: true });
    });
    await page.locator('#controls .preset-choice select').selectOption({ label: 'Regular minimum' });
    await page.waitForFunction(
      (c) => window.__occam!.settled && window.__occam!.stats!.surfaceChecksum !== c,
      before,
      { timeout: 120_000, polling: 100 },
    );
    const phases = await page.evaluate(() => (window as unknown as { __phases: string[] }).__phases);
    expect(phases).toContain('building:cover');
    // While it builds the card is opaque over the whole stage: the old surface is not shown.
    // After the build: burn-in with its progress, uncovered, then sampling.
    await expect
      .poll(() => page.evaluate(() => document.getElementById('stage-status')!.dataset.phase), {
        timeout: 120_000,
      })
      .toBe('sampling');
    const after = await page.evaluate(() => (window as unknown as { __phases: string[] }).__phases);
    expect(after.slice(after.lastIndexOf('building:cover'))).toContain('burn-in');
    expect(await page.locator('#stage-status').getAttribute('class')).not.toContain('cover');
    expect(await page.locator('#watch h2').textContent()).toBe('Regular minimum');
    // The surface's colour bar follows the new landscape's range of L: other end values, other ticks.
    const barAfter = await colorbar();
    console.log(`colour bar: ${barBefore.label} → ${barAfter.label}`);
    for (const bar of [barBefore, barAfter]) {
      expect(bar.visible).toBe(true);
      expect(bar.ticks.length).toBeGreaterThanOrEqual(3);
      // Drawn: the colormap strip and the tick labels cover a good part of the bar's canvas.
      expect(bar.ink).toBeGreaterThan(0.1);
    }
    expect(barAfter.range).not.toEqual(barBefore.range);
    expect(barAfter.ticks).not.toEqual(barBefore.ticks);
    expect(errors).toEqual([]);
  }, 240_000);

  test('a 2× screenshot keeps the walkers’ coverage and draws the readouts column', async () => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.evaluate(() => {
      location.hash = '#walkers=8192&steps=16';
    });
    await page.waitForFunction(() => window.__occam!.presetId === undefined && window.__occam!.settled);
    await waitForFrames(page, 20);
    // Freeze the walkers: the screen and the capture then show the same positions.
    await page.evaluate(() => window.__occam!.set('running', false));
    await waitForFrames(page, 3);
    const screen = (await page.screenshot()).toString('base64');
    writeFileSync(resolve(SHOTS, 'first-minute-default.png'), Buffer.from(screen, 'base64'));
    const shot = await page.evaluate(() =>
      window.__occam!.capture.screenshot({ scale: 2, includeGui: true, includeHud: true }),
    );
    writeFileSync(resolve(SHOTS, 'first-minute-default_2x.png'), Buffer.from(shot.base64, 'base64'));
    const rects = await page.evaluate(() =>
      ['stage', 'side'].map((id) => {
        const r = document.getElementById(id)!.getBoundingClientRect();
        return { x: r.x, y: r.y, w: r.width, h: r.height };
      }),
    );
    // Walker pixels: the walkers' orange (additive over the surface), which no viridis colour is.
    const measure = await page.evaluate(
      async ({ images, rects }) => {
        const count = async (b64: string, k: number) => {
          const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
          const bmp = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
          const c = new OffscreenCanvas(bmp.width, bmp.height);
          const ctx = c.getContext('2d')!;
          ctx.drawImage(bmp, 0, 0);
          const region = (
            r: { x: number; y: number; w: number; h: number },
            test: (p: Uint8ClampedArray, i: number) => boolean,
          ) => {
            const d = ctx.getImageData(r.x * k, r.y * k, r.w * k, r.h * k).data;
            let n = 0;
            for (let i = 0; i < d.length; i += 4) if (test(d, i)) n++;
            return n / (d.length / 4);
          };
          const walker = (d: Uint8ClampedArray, i: number) =>
            d[i] > 110 && d[i] > 1.45 * d[i + 1] && d[i] > d[i + 2] + 70;
          const content = (d: Uint8ClampedArray, i: number) =>
            Math.abs(d[i] - 20) + Math.abs(d[i + 1] - 24) + Math.abs(d[i + 2] - 33) > 30;
          return { walkers: region(rects[0], walker), side: region(rects[1], content) };
        };
        return { screen: await count(images[0], 1), capture: await count(images[1], 2) };
      },
      { images: [screen, shot.base64], rects },
    );
    console.log(`walker coverage: screen ${measure.screen.walkers}, 2× capture ${measure.capture.walkers}`);
    console.log(`readouts column content: screen ${measure.screen.side}, 2× capture ${measure.capture.side}`);
    expect(measure.screen.walkers).toBeGreaterThan(0.002);
    expect(measure.capture.walkers).toBeGreaterThanOrEqual(0.7 * measure.screen.walkers);
    // The readouts column is drawn, not an empty block: at least half the screen's share of content.
    expect(measure.capture.side).toBeGreaterThanOrEqual(0.5 * measure.screen.side);
    await page.evaluate(() => window.__occam!.set('running', true));
  }, 180_000);

  test('a capture holds the readouts panels scrolled out of view, and the surface colour bar', async () => {
    // 1280×720: the readouts column is taller than the window, so scrolling it hides its top panels.
    await page.setViewportSize({ width: 1280, height: 720 });
    await waitForFrames(page, 3);
    const away = await page.evaluate(() => {
      const side = document.getElementById('side')!;
      side.scrollTop = side.scrollHeight;
      const box = side.getBoundingClientRect();
      // The first panel canvas now wholly above the column's visible box.
      const hidden = [...side.querySelectorAll('canvas')].find((c) => {
        const r = c.getBoundingClientRect();
        return r.height > 20 && r.bottom <= box.top;
      });
      return {
        overflow: side.scrollHeight - side.clientHeight,
        scrollTop: side.scrollTop,
        id: hidden?.id ?? null,
      };
    });
    console.log(`readouts column: ${away.overflow} px taller than its box; scrolled away: #${away.id}`);
    expect(away.overflow).toBeGreaterThan(50);
    expect(away.id).not.toBeNull();
    const id = away.id!;
    for (const kind of ['screenshot', 'recording'] as const) {
      const shot =
        kind === 'screenshot'
          ? await page.evaluate(() => window.__occam!.capture.screenshot({ scale: 1 }))
          : null;
      if (kind === 'recording') {
        const r = await page.evaluate(() =>
          window.__occam!.capture.record({ width: 640, aspect: 'page', duration: 0.1, container: 'webm' }),
        );
        expect(r.outcome).toBe('complete');
      }
      const layout = await page.evaluate(
        (ids) => ({
          panel: window.__occam!.capture.placed(ids[0]),
          bar: window.__occam!.capture.placed(ids[1]),
          frame: window.__occam!.capture.placed('app'),
          unrolled: window.__occam!.capture.unrolled,
        }),
        [id, 'surface-colorbar'],
      );
      // The scrolled-away panel is composed inside the frame (the column painted unrolled, scaled to
      // fit), whatever the scroll position; so is the colour bar.
      expect(layout.unrolled.map((u) => u.id)).toContain('side');
      for (const r of [layout.panel!, layout.bar!]) {
        expect(r).not.toBeNull();
        expect(r.y).toBeGreaterThanOrEqual(layout.frame!.y - 0.5);
        expect(r.y + r.height).toBeLessThanOrEqual(layout.frame!.y + layout.frame!.height + 0.5);
        expect(r.width).toBeGreaterThan(10);
      }
      if (!shot) continue;
      // …and drawn there: its region of the PNG has content, not the empty column background.
      const content = await page.evaluate(
        async ({ b64, rects }) => {
          const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
          const bmp = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
          const c = new OffscreenCanvas(bmp.width, bmp.height);
          const ctx = c.getContext('2d')!;
          ctx.drawImage(bmp, 0, 0);
          return rects.map((r) => {
            const d = ctx.getImageData(
              Math.round(r.x),
              Math.round(r.y),
              Math.round(r.width),
              Math.round(r.height),
            ).data;
            let n = 0;
            // Not the column (#141821) and not the chart background (#0d0f14).
            for (let i = 0; i < d.length; i += 4)
              if (
                Math.abs(d[i] - 20) + Math.abs(d[i + 1] - 24) + Math.abs(d[i + 2] - 33) > 30 &&
                Math.abs(d[i] - 13) + Math.abs(d[i + 1] - 15) + Math.abs(d[i + 2] - 20) > 30
              )
                n++;
            return n / (d.length / 4);
          });
        },
        { b64: shot.base64, rects: [layout.panel!, layout.bar!] },
      );
      console.log(`scrolled-away #${id} content in the capture: ${content[0]}; colour bar: ${content[1]}`);
      expect(content[0]).toBeGreaterThan(0.03);
      expect(content[1]).toBeGreaterThan(0.1);
    }
    // The capture left the scroll position as it was.
    expect(await page.evaluate(() => document.getElementById('side')!.scrollTop)).toBe(away.scrollTop);
    await page.evaluate(() => {
      document.getElementById('side')!.scrollTop = 0;
    });
  }, 180_000);

  test.skipIf(!haveFfprobe)(
    'a recording’s frame follows the page’s aspect; the HUD marks offline capture',
    async () => {
      const out = resolve(SHOTS, 'capture');
      mkdirSync(out, { recursive: true });
      const sizes: string[] = [];
      for (const [w, h] of [
        [1440, 900],
        [1280, 720],
      ]) {
        await page.setViewportSize({ width: w, height: h });
        await waitForFrames(page, 2);
        const running = page.evaluate(() =>
          window.__occam!.capture.record({
            width: 320,
            aspect: 'page',
            duration: 0.5,
            fps: 30,
            container: 'mp4',
          }),
        );
        // While it records, the HUD says its rates are the clip's.
        await expect
          .poll(() => page.locator('#hud-fps').textContent(), { timeout: 60_000 })
          .toBe('offline: 30 frames/s of simulated time');
        const r = await running;
        expect(r.outcome).toBe('complete');
        const file = resolve(out, `page-aspect-${w}x${h}.mp4`);
        writeFileSync(file, Buffer.from(r.base64!, 'base64'));
        const p = JSON.parse(
          execFileSync('ffprobe', [
            '-v',
            'error',
            '-show_entries',
            'stream=width,height',
            '-of',
            'json',
            file,
          ]).toString(),
        ).streams[0];
        sizes.push(`${p.width}x${p.height}`);
        await expect.poll(() => page.locator('#hud-fps').textContent()).not.toContain('offline');
      }
      // 1440×900 is 16:10 and 1280×720 is 16:9: 320 wide gives 200 and 180 rows, no letterbox.
      expect(sizes).toEqual(['320x200', '320x180']);
    },
    180_000,
  );

  test('the random-networks view: no two labels overprint at 1280×720, 1440×900 and 1920×1080', async () => {
    await page.evaluate(() => {
      location.hash = '#fspace=true&rnInputs=5&rnHidden=8,8&rnBatch=512&rnCapacity=1024&rnTarget=1e7';
    });
    await page.waitForFunction(() => (window.__occam?.stats?.functionSpace?.reads ?? 0) >= 2, undefined, {
      timeout: 120_000,
      polling: 200,
    });
    for (const [w, h] of [
      [1280, 720],
      [1440, 900],
      [1920, 1080],
    ]) {
      await page.setViewportSize({ width: w, height: h });
      // Charts redraw at their new size with the next table snapshot.
      const reads = await page.evaluate(() => window.__occam!.stats!.functionSpace!.reads);
      await page.waitForFunction((r) => window.__occam!.stats!.functionSpace!.reads >= r + 2, reads, {
        timeout: 120_000,
        polling: 200,
      });
      const found = await page.evaluate(() => {
        type Box = { text: string; x: number; y: number; w: number; h: number };
        // Overlap by more than 1.5 px (src/app/view/charts/canvas-2d.ts, intersects: touching is fine).
        const hit = (a: Box, b: Box) =>
          a.x < b.x + b.w - 1.5 && b.x < a.x + a.w - 1.5 && a.y < b.y + b.h - 1.5 && b.y < a.y + a.h - 1.5;
        const problems: string[] = [];
        const counts: Record<string, number> = {};
        // Labels drawn in each chart canvas (the charts publish their label boxes).
        for (const c of document.querySelectorAll<HTMLCanvasElement>('#fspace canvas')) {
          const boxes = JSON.parse(c.dataset.labels ?? '[]') as Box[];
          counts[c.id] = boxes.length;
          const skipped = JSON.parse(c.dataset.skipped ?? '[]') as string[];
          if (skipped.length > 0) counts[`${c.id} left out: ${skipped.join(', ')}`] = skipped.length;
          for (let i = 0; i < boxes.length; i++) {
            const b = boxes[i];
            if (
              b.x < -0.5 ||
              b.y < -0.5 ||
              b.x + b.w > c.clientWidth + 0.5 ||
              b.y + b.h > c.clientHeight + 0.5
            )
              problems.push(`${c.id}: '${b.text}' runs off the canvas`);
            for (let j = 0; j < i; j++)
              if (hit(b, boxes[j])) problems.push(`${c.id}: '${b.text}' overprints '${boxes[j].text}'`);
          }
        }
        // DOM text (titles, captions, progress) and what lies over the stage (HUD, status badge, colour
        // bar; not the notices, which come and go): no two boxes intersect, no text is cut off.
        const els = [
          ...document.querySelectorAll<HTMLElement>(
            '#fspace h2, #fspace .fs-config, #fspace .fs-progress, #fspace .fs-note, #fspace figcaption, #fspace canvas',
          ),
          ...['hud', 'stage-status', 'surface-colorbar'].map((id) => document.getElementById(id)!),
        ].filter((e) => e && e.getClientRects().length > 0 && e.getBoundingClientRect().height > 0);
        const rect = (e: HTMLElement): Box => {
          const r = e.getBoundingClientRect();
          return { text: e.id || e.className || e.tagName, x: r.x, y: r.y, w: r.width, h: r.height };
        };
        for (let i = 0; i < els.length; i++) {
          const a = rect(els[i]);
          if (els[i].tagName !== 'CANVAS' && els[i].scrollHeight > els[i].clientHeight + 1)
            problems.push(`${a.text}: text cut off (${els[i].scrollHeight} > ${els[i].clientHeight} px)`);
          for (let j = 0; j < i; j++) {
            const b = rect(els[j]);
            if (hit(a, b)) problems.push(`${a.text} overlaps ${b.text}`);
          }
        }
        return { problems, counts };
      });
      console.log(`${w}×${h}: labels per chart ${JSON.stringify(found.counts)}`);
      expect(found.problems, `${w}×${h}`).toEqual([]);
      // The checks are not vacuous: every chart drew its title, axis name and ticks.
      for (const id of ['fs-rank-chart', 'fs-scatter-chart', 'fs-mass-chart'])
        expect(found.counts[id], `${w}×${h} ${id}`).toBeGreaterThanOrEqual(5);
      expect(found.counts['fs-top-chart']).toBeGreaterThanOrEqual(3);
      await page.screenshot({ path: resolve(SHOTS, `first-minute-fspace-${w}x${h}.png`) });
    }
    await page.evaluate(() => window.__occam!.set('fspace', false));
    expect(errors).toEqual([]);
  }, 400_000);

  test('screenshots of three presets at 1440×900', async () => {
    await page.setViewportSize({ width: 1440, height: 900 });
    for (const id of ['non-analytic-crossing', 'higher-order-crossing', 'poly-12345']) {
      await page.evaluate((p) => {
        location.hash = `#preset=${p}&walkers=8192`;
      }, id);
      // The 15-parameter polynomial compiles for ~1 min on SwiftShader with other tests running.
      await page
        .waitForFunction((p) => window.__occam!.presetId === p && window.__occam!.settled, id, {
          timeout: 240_000,
          polling: 200,
        })
        .catch(async (e) => {
          const at = await page.evaluate(() => ({
            preset: window.__occam!.presetId,
            settled: window.__occam!.settled,
            status: document.getElementById('stage-status')!.textContent,
            buildError: window.__occam!.stats?.buildError,
          }));
          throw new Error(`${id}: ${JSON.stringify(at)}: ${e}`);
        });
      await waitForFrames(page, 12);
      await page.screenshot({ path: resolve(SHOTS, `first-minute-${id}.png`) });
    }
    expect(errors).toEqual([]);
  }, 600_000);
});
