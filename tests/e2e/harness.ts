/**
 * Browser-test harness: builds the app once (`vite build`), serves it with `vite preview` on a free
 * localhost port, and drives Debian's Chromium through playwright-core with the flags that give a
 * SwiftShader WebGPU device that survives presenting (see DESIGN.md). Everything started here is
 * stopped by `close()`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
  '--use-vulkan=swiftshader',
  '--use-angle=swiftshader',
  '--use-webgpu-adapter=swiftshader',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

const root = resolve(import.meta.dirname, '../..');
const viteBin = resolve(root, 'node_modules/vite/bin/vite.js');

export const haveChromium = existsSync(CHROMIUM);

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => ok(port));
    });
  });
}

function run(
  args: string[],
  onLine?: (line: string) => boolean,
): { child: ChildProcess; done: Promise<number> } {
  const child = spawn(process.execPath, [viteBin, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const done = new Promise<number>((ok) => child.once('exit', (code) => ok(code ?? -1)));
  const feed = (chunk: Buffer) => {
    out += chunk.toString();
    if (onLine?.(out)) onLine = undefined;
  };
  child.stdout?.on('data', feed);
  child.stderr?.on('data', feed);
  (child as ChildProcess & { output: () => string }).output = () => out;
  return { child, done };
}

let buildOnce: Promise<string> | undefined;

/**
 * `vite build` once per test process, into a private temporary folder (not dist/, which a concurrent
 * `npm run build` may be rewriting). Returns that folder; it is removed when the process exits.
 */
export function buildApp(): Promise<string> {
  buildOnce ??= (async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'occam-e2e-'));
    process.once('exit', () => rmSync(outDir, { recursive: true, force: true }));
    const { child, done } = run(['build', '--logLevel', 'warn', '--outDir', outDir, '--emptyOutDir']);
    const code = await done;
    if (code !== 0) {
      const output = (child as unknown as { output: () => string }).output();
      throw new Error(`vite build failed (${code}): ${output}`);
    }
    return outDir;
  })();
  return buildOnce;
}

export interface Served {
  readonly url: string;
  readonly browser: Browser;
  /** A fresh page (own context) with console errors collected. */
  page(opts?: {
    width?: number;
    height?: number;
    initScript?: string;
  }): Promise<{ page: Page; errors: string[]; context: BrowserContext }>;
  close(): Promise<void>;
}

/** Builds, serves and launches Chromium. */
export async function serveApp(): Promise<Served> {
  const outDir = await buildApp();
  const port = await freePort();
  const url = `http://localhost:${port}/`;
  let ready: () => void = () => {};
  const isReady = new Promise<void>((ok) => {
    ready = ok;
  });
  const preview = run(
    ['preview', '--outDir', outDir, '--port', String(port), '--strictPort', '--host', 'localhost'],
    (out) => {
      if (out.includes(`${port}`)) {
        ready();
        return true;
      }
      return false;
    },
  );
  const timer = setTimeout(() => preview.child.kill(), 30_000);
  await Promise.race([
    isReady,
    preview.done.then((c) => Promise.reject(new Error(`vite preview exited (${c})`))),
  ]);
  clearTimeout(timer);
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
  return {
    url,
    browser,
    async page(opts = {}) {
      const context = await browser.newContext({
        viewport: { width: opts.width ?? 1100, height: opts.height ?? 700 },
      });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
      if (opts.initScript) await page.addInitScript(opts.initScript);
      return { page, errors, context };
    },
    async close() {
      await browser.close().catch(() => {});
      if (preview.child.exitCode === null) {
        preview.child.kill('SIGTERM');
        await Promise.race([preview.done, new Promise((r) => setTimeout(r, 3000))]);
        if (preview.child.exitCode === null) preview.child.kill('SIGKILL');
      }
    },
  };
}

/** Waits until the app has a lab whose engine matches its state and `frames` more frames were drawn. */
export async function waitForFrames(page: Page, frames: number, timeoutMs = 60_000): Promise<void> {
  await page.waitForFunction(() => window.__occam?.ready && window.__occam.settled, undefined, {
    timeout: timeoutMs,
    polling: 100,
  });
  const start = await page.evaluate(() => window.__occam!.stats!.frames);
  await page.waitForFunction((n) => (window.__occam?.stats?.frames ?? 0) >= n, start + frames, {
    timeout: timeoutMs,
    polling: 100,
  });
}
