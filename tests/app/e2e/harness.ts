/**
 * Browser-test harness: the shared headless driver (src/cli/headless.ts, also behind the CLI's `record`
 * and `screenshot`) with a private build folder per test process — never dist/, which a concurrent
 * `npm run build` may be rewriting. Builds once, serves the build from a static server on a free
 * localhost port, and drives Debian's Chromium through playwright-core with the DESIGN.md flags.
 * `serveForSuite` and `openApp` are the set-up every browser test shares: a served app per
 * `describe` block, and a fresh page at a URL hash, with its console errors collected, once it draws.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, onTestFinished } from 'vitest';
import * as headless from '../../../src/cli/headless';

export { haveChromium, waitForFrames } from '../../../src/cli/headless';

// Every browser-test file imports this harness, so the rule is stated once: under CI the browser tests
// must run, never skip; elsewhere they skip loudly.
if (!headless.haveChromium) {
  if (process.env.CI === 'true')
    throw new Error(`CI=true but ${headless.CHROMIUM} is missing: the browser tests must run in CI`);
  console.warn(`\n!!! E2E TESTS SKIPPED: ${headless.CHROMIUM} not found\n`);
}

/** Where the browser tests write their screenshots (CI keeps it as an artefact). */
export const SHOTS = resolve(import.meta.dirname, '../../../test-results');

let outDir: string | undefined;

/**
 * Builds (`vite build` once per test process, into a private folder removed at exit), serves and
 * launches Chromium.
 */
function serveApp(): Promise<headless.Served> {
  outDir ??= headless.privateBuildDir();
  return headless.serveApp({ outDir });
}

/**
 * Serves the app to the tests of the enclosing `describe` block: builds (once per process), serves and
 * launches Chromium before them, within `timeoutMs`; closes after them; makes SHOTS. The returned
 * getter may be called in tests and in hooks registered after this call.
 */
export function serveForSuite(timeoutMs = 180_000): () => headless.Served {
  let served: headless.Served | undefined;
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    served = await serveApp();
  }, timeoutMs);
  afterAll(async () => {
    await served?.close();
  });
  return () => {
    if (!served) throw new Error('the app is not served yet: read serveForSuite() in tests or later hooks');
    return served;
  };
}

/** A page of the app: `errors` collects console errors and page errors from the moment it opened. */
export interface AppPage {
  page: Page;
  errors: string[];
  context: BrowserContext;
  /** Loads the app at URL hash `hash` (without '#'; '' for none) and waits for `frames` frames. */
  goto(hash: string, frames?: number): Promise<void>;
}

export interface OpenOptions {
  width?: number;
  height?: number;
  /** Script run in the page before the app's own (e.g. to instrument or remove WebGPU). */
  initScript?: string;
  /** Frames to wait for after loading (default 3); 0 waits for none, e.g. when no frame can come. */
  frames?: number;
  /**
   * 'test' (default): the page closes when the calling test finishes, pass or fail; 'suite': it lives
   * until serveForSuite closes the browser (for a page opened in beforeAll and shared by the tests).
   */
  keep?: 'test' | 'suite';
}

/**
 * A fresh page (its own context) loaded at URL hash `hash` once `frames` frames have been drawn;
 * `hash` null opens it without loading the app.
 */
export async function openApp(
  served: headless.Served,
  hash: string | null,
  { frames = 3, keep = 'test', ...pageOptions }: OpenOptions = {},
): Promise<AppPage> {
  const { page, errors, context } = await served.page(pageOptions);
  if (keep === 'test') onTestFinished(() => context.close());
  const goto = async (h: string, n = 3) => {
    await page.goto(h ? `${served.url}#${h}` : served.url);
    if (n > 0) await headless.waitForFrames(page, n);
  };
  if (hash !== null) await goto(hash, frames);
  return { page, errors, context, goto };
}

/** An RGB colour and how far (sum of |ΔR| + |ΔG| + |ΔB|) a pixel may be from it and still count. */
export type ColourMatch = { rgb: readonly [number, number, number]; tolerance: number };

/**
 * Pixels near any of the colours in an element's region: on screen (the element is a canvas, read
 * directly) or in a 1× screenshot through the app's compositor (the element's on-screen box mapped into
 * the capture) — the same panel in both, compared by the same count.
 */
export function colourPixels(
  page: Page,
  elementId: string,
  colours: readonly ColourMatch[],
  source: 'screen' | 'capture',
): Promise<number> {
  return page.evaluate(
    async ({ id, colours, source }) => {
      let d: Uint8ClampedArray;
      if (source === 'screen') {
        const c = document.getElementById(id) as HTMLCanvasElement;
        d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      } else {
        const r = await window.__occam!.capture.screenshot({ scale: 1 });
        const bytes = Uint8Array.from(atob(r.base64), (ch) => ch.charCodeAt(0));
        const bmp = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
        const ctx = new OffscreenCanvas(bmp.width, bmp.height).getContext('2d')!;
        ctx.drawImage(bmp, 0, 0);
        const root = document.getElementById('app')!.getBoundingClientRect();
        const box = document.getElementById(id)!.getBoundingClientRect();
        const k = bmp.width / root.width;
        d = ctx.getImageData(
          Math.round((box.left - root.left) * k),
          Math.round((box.top - root.top) * k),
          Math.round(box.width * k),
          Math.round(box.height * k),
        ).data;
      }
      let n = 0;
      for (let i = 0; i < d.length; i += 4)
        if (
          colours.some(
            ({ rgb: [r, g, b], tolerance }) =>
              Math.abs(d[i] - r) + Math.abs(d[i + 1] - g) + Math.abs(d[i + 2] - b) < tolerance,
          )
        )
          n++;
      return n;
    },
    { id: elementId, colours, source },
  );
}
