/**
 * Browser-test harness: the shared headless driver (src/cli/headless.ts, also behind the CLI's `record`
 * and `screenshot`) with a private build folder per test process — never dist/, which a concurrent
 * `npm run build` may be rewriting. Builds once, serves the build from a static server on a free
 * localhost port, and drives Debian's Chromium through playwright-core with the DESIGN.md flags.
 */
import * as headless from '../../src/cli/headless';

export { CHROMIUM, CHROMIUM_FLAGS, haveChromium, type Served, waitForFrames } from '../../src/cli/headless';

let outDir: string | undefined;

/** `vite build` once per test process, into a private temporary folder removed at exit. */
export function buildApp(): Promise<string> {
  outDir ??= headless.privateBuildDir();
  return headless.buildApp({ outDir });
}

/** Builds (once), serves and launches Chromium. */
export async function serveApp(): Promise<headless.Served> {
  outDir ??= headless.privateBuildDir();
  return headless.serveApp({ outDir });
}
