/**
 * The app in headless Chromium, shared by the browser tests (tests/app/e2e/harness.ts) and the CLI's
 * `record` and `screenshot` commands: build the app with vite (cached by source time stamps), serve the
 * build from a small static server on a free localhost port, and launch Debian's Chromium through
 * playwright-core with the flags that give a SwiftShader WebGPU device that survives presenting
 * (DESIGN.md). Everything started here is stopped by `close()`.
 *
 * playwright-core and vite are dev dependencies: the bundled CLI loads playwright-core at run time
 * (esbuild leaves it external) and runs vite's own bin script.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, extname, join, resolve, sep } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { haveNpmChromium, npmChromium, npmChromiumEnv } from '../gpu/npm-swiftshader';

/** Where Debian's chromium is missing, the headless Chromium that `npm ci` installed (issue 17). */
const NPM_CHROMIUM = 'npm @sparticuz/chromium (headless shell)';
export const CHROMIUM =
  process.env.OCCAM_CHROMIUM ??
  (existsSync('/usr/bin/chromium') || !haveNpmChromium() ? '/usr/bin/chromium' : NPM_CHROMIUM);
const CHROMIUM_FLAGS = [
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

export const haveChromium = CHROMIUM === NPM_CHROMIUM || existsSync(CHROMIUM);

/** The repository root: the nearest folder up from this module with occam-lens's package.json. */
function projectRoot(from = import.meta.dirname ?? process.cwd()): string {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if (JSON.parse(readFileSync(pkg, 'utf8')).name === 'occam-lens') return dir;
      } catch {
        // not ours
      }
    }
    if (dirname(dir) === dir) throw new Error(`cannot find the occam-lens project root above ${from}`);
  }
}

function newestMtime(paths: string[]): number {
  let newest = 0;
  const walk = (p: string) => {
    if (!existsSync(p)) return;
    const st = statSync(p);
    if (st.isDirectory()) for (const e of readdirSync(p)) walk(join(p, e));
    else newest = Math.max(newest, st.mtimeMs);
  };
  for (const p of paths) walk(p);
  return newest;
}

const builds = new Map<string, Promise<string>>();

/**
 * Builds the app with `vite build` into `outDir` (default: a cache under node_modules/.cache, reused
 * while no source is newer than the build). Returns the folder. One build per process and folder.
 */
export function buildApp(
  opts: { outDir?: string; root?: string; log?: (t: string) => void } = {},
): Promise<string> {
  const root = opts.root ?? projectRoot();
  const outDir = opts.outDir ?? join(root, 'node_modules', '.cache', 'occam-lens-app');
  const key = `${root}|${outDir}`;
  let p = builds.get(key);
  if (!p) {
    p = (async () => {
      const stamp = join(outDir, '.occam-build-stamp');
      const sources = newestMtime(
        ['index.html', 'src', 'shaders', 'assets', 'vite.config.ts', 'package-lock.json'].map((f) =>
          join(root, f),
        ),
      );
      if (
        existsSync(stamp) &&
        Number(readFileSync(stamp, 'utf8')) >= sources &&
        existsSync(join(outDir, 'index.html'))
      )
        return outDir;
      opts.log?.('building the app (vite build)…');
      mkdirSync(outDir, { recursive: true });
      const vite = join(root, 'node_modules', 'vite', 'bin', 'vite.js');
      if (!existsSync(vite)) throw new Error(`vite is not installed (${vite}): run 'npm ci' in ${root}`);
      const { code, output } = await runNode(root, [
        vite,
        'build',
        '--logLevel',
        'warn',
        '--outDir',
        outDir,
        '--emptyOutDir',
      ]);
      if (code !== 0) throw new Error(`vite build failed (${code}): ${output}`);
      writeFileSync(stamp, String(sources));
      return outDir;
    })();
    builds.set(key, p);
    p.catch(() => builds.delete(key));
  }
  return p;
}

/** A fresh private build folder, removed when the process exits (tests: never share dist/). */
export function privateBuildDir(): string {
  const dir = join(tmpdir(), `occam-e2e-${process.pid}-${Date.now().toString(36)}`);
  mkdirSync(dir, { recursive: true });
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function runNode(cwd: string, args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((ok) => {
    const child = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => {
      output += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      output += c.toString();
    });
    child.once('exit', (code) => ok({ code: code ?? -1, output }));
  });
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.wgsl': 'text/plain; charset=utf-8',
};

/** Serves a folder on 127.0.0.1 at a free port ("localhost" is a secure context for WebGPU). */
function serveStatic(dir: string): Promise<{ url: string; server: Server }> {
  const base = resolve(dir);
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    let file = resolve(base, `.${path}`);
    if (file !== base && !file.startsWith(base + sep)) {
      res.writeHead(403).end();
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file)) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'cache-control': 'no-store',
    });
    res.end(readFileSync(file));
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const addr = server.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      ok({ url: `http://localhost:${port}/`, server });
    });
  });
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

/** Builds (or reuses a build), serves it and launches Chromium. */
export async function serveApp(
  opts: { outDir?: string; log?: (t: string) => void; keepSigint?: boolean } = {},
): Promise<Served> {
  if (!haveChromium)
    throw new Error(
      `Chromium not found at ${CHROMIUM} (Debian: apt-get install chromium; or set OCCAM_CHROMIUM)`,
    );
  const outDir = await buildApp(opts);
  const { url, server } = await serveStatic(outDir);
  let browser: Browser;
  try {
    const { chromium } = await import('playwright-core');
    const executablePath = CHROMIUM === NPM_CHROMIUM ? npmChromium() : CHROMIUM; // unpacks once
    if (!executablePath) throw new Error(`${NPM_CHROMIUM} is not installed`);
    // keepSigint: the caller handles Ctrl-C (record finalises its clip); Playwright's own handler would
    // close the browser first and lose it.
    browser = await chromium.launch({
      executablePath,
      ...(CHROMIUM === NPM_CHROMIUM ? { env: npmChromiumEnv(executablePath) } : {}),
      headless: true,
      args: CHROMIUM_FLAGS,
      ...(opts.keepSigint ? { handleSIGINT: false } : {}),
    });
  } catch (e) {
    server.close();
    throw e;
  }
  return {
    url,
    browser,
    async page(o = {}) {
      const context = await browser.newContext({
        viewport: { width: o.width ?? 1100, height: o.height ?? 700 },
        deviceScaleFactor: 1,
        acceptDownloads: true,
      });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
      if (o.initScript) await page.addInitScript(o.initScript);
      return { page, errors, context };
    },
    async close() {
      await browser.close().catch(() => {});
      await new Promise<void>((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
      });
    },
  };
}

/** Waits until the app has a lab whose engine matches its state and `frames` more frames were drawn. */
export async function waitForFrames(page: Page, frames: number, timeoutMs = 60_000): Promise<void> {
  const noWebGpu = await page
    .waitForFunction(
      () => (window.__occam?.ready && window.__occam.settled) || document.getElementById('no-webgpu'),
      undefined,
      {
        timeout: timeoutMs,
        polling: 100,
      },
    )
    .then(() => page.evaluate(() => document.getElementById('no-webgpu')?.textContent ?? null));
  if (noWebGpu) throw new Error(`the page has no WebGPU: ${noWebGpu.replace(/\s+/g, ' ').slice(0, 300)}`);
  const start = await page.evaluate(() => window.__occam!.stats!.frames);
  await page.waitForFunction((n) => (window.__occam?.stats?.frames ?? 0) >= n, start + frames, {
    timeout: timeoutMs,
    polling: 100,
  });
}
