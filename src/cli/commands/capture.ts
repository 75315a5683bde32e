/**
 * `occam-lens record` and `occam-lens screenshot`: the app itself, in headless Chromium (Debian's, with
 * the DESIGN.md flags), through the same capture code as the GUI (`window.__occam.capture`). The
 * recording streams out of the page chunk by chunk (a playwright binding), so memory stays flat however
 * long the clip; Ctrl-C cancels and keeps a playable file of the frames so far.
 */
import { open, readFile, rename, unlink } from 'node:fs/promises';
import { extname } from 'node:path';
import { findPreset, presets } from '../../scene/presets';
import { parseField } from '../../scene/schema';
import { parseShot, ShotError } from '../../scene/shot';
import { intIn, num, oneOf, parseFlags, REPORT_FLAGS, UsageError, valueFlags } from '../flags';
import { serveApp, waitForFrames } from '../headless';
import type { CliIo } from '../io';
import { checkOut, removeSync, tempPath, writeAtomically } from '../out-file';
import { Progress } from '../progress';

export const CAPTURE_COMMANDS = ['record', 'screenshot'] as const;
export type CaptureCommand = (typeof CAPTURE_COMMANDS)[number];

const CAPTURE_HELP = `occam-lens record --shot FILE.json --out CLIP.mp4|CLIP.webm [options]
  Renders a scripted shot (see assets/shots/) in headless Chromium, one frame's worth of walker steps
  per encoded frame (offline mode), and writes MP4 (H.264) or WebM (VP9) by the --out extension.
  --mode offline|realtime   offline (default): smooth and deterministic; realtime: as the screen draws
  --force                   replace an existing --out file (without it, an existing file is refused)
  Ctrl-C cancels: the frames so far become a playable --out (exit 130); a second Ctrl-C quits at once.
  The clip is written to a temporary file beside --out and renamed over it only when complete or
  cancelled with frames, so an existing file survives a failed or interrupted run.
  --json                    print one JSON summary line on stdout
  --quiet                   no progress line on stderr

occam-lens screenshot [--preset NAME] --out SHOT.png [options]
  A PNG of the whole view (3-D view, density panel, HUD); the opening scene when no preset is named.
  --preset NAME             ${presets.map((p) => p.id).join(', ')}
  --scale S                 1, 2 or 4 × the window size (any 0.25..8; clamped to device limits)
  --width W, --height H     the window size in CSS pixels (default 1280 × 720)
  --background solid|transparent
  --walkers N               walker count (default: the app's automatic choice)
  --steps K                 walker steps to run before the picture (default 200)
  --no-hud                  leave the heads-up display out
  --json                    print one JSON summary line on stdout
  --force                   replace an existing --out file

Both need Debian's chromium (/usr/bin/chromium, or OCCAM_CHROMIUM) and the dev dependencies (vite,
playwright-core); the app is built once with vite and cached under node_modules/.cache.`;

const FORCE = { force: { type: 'boolean' } } as const;
const recordOptions = { ...valueFlags('shot', 'out', 'mode'), ...FORCE, ...REPORT_FLAGS };

const screenshotOptions = {
  ...valueFlags('preset', 'out', 'scale', 'width', 'height', 'background', 'walkers', 'steps'),
  'no-hud': { type: 'boolean' },
  ...FORCE,
  ...REPORT_FLAGS,
} as const;

export async function captureMain(
  command: CaptureCommand,
  argv: readonly string[],
  io: CliIo,
): Promise<number> {
  return command === 'record' ? record(argv, io) : screenshot(argv, io);
}

async function record(argv: readonly string[], io: CliIo): Promise<number> {
  const { values: v } = parseFlags(argv, recordOptions, false);
  if (v.help) {
    io.stdout(`${CAPTURE_HELP}\n`);
    return 0;
  }
  if (v.shot === undefined) throw new UsageError('--shot FILE.json is required for record');
  if (v.out === undefined) throw new UsageError('--out CLIP.mp4 (or .webm) is required for record');
  const ext = extname(v.out).toLowerCase();
  if (ext !== '.mp4' && ext !== '.webm')
    throw new UsageError(`--out: expected a .mp4 or .webm file, got '${v.out}'`);
  const mode = oneOf('mode', v.mode, ['offline', 'realtime'] as const, 'offline');
  let text: string;
  try {
    text = await readFile(v.shot, 'utf8');
  } catch (e) {
    throw new UsageError(`--shot: cannot read '${v.shot}': ${(e as Error).message}`);
  }
  let shot: ReturnType<typeof parseShot>;
  try {
    shot = parseShot(text);
  } catch (e) {
    if (e instanceof ShotError) throw new UsageError(`--shot ${v.shot}: ${e.errors.join('; ')}`);
    throw e;
  }
  await checkOut(v.out, v.force ?? false);
  const log = (t: string) => {
    if (!v.quiet) io.stderr.write(`${t}\n`);
  };
  const out = v.out;
  // The clip goes to a temporary file beside --out, renamed over it only when it is complete or
  // cancelled with frames: an existing file is never truncated by a run that fails.
  const tmp = tempPath(out);
  // Our own SIGINT handling from the start (Playwright's is off: it would close the browser first).
  // First Ctrl-C: cancel (before recording: stop; during: finalise the frames so far). Second: quit.
  let interrupted = false;
  let cancelPage: (() => void) | undefined;
  const onSigint = () => {
    if (interrupted) {
      removeSync(tmp);
      process.exit(130);
    }
    interrupted = true;
    if (cancelPage) {
      log('\ncancelling: finalising the frames recorded so far… (Ctrl-C again to quit)');
      cancelPage();
    } else log('\ncancelling…');
  };
  process.on('SIGINT', onSigint);
  const notStarted = () => {
    io.stderr.write(`occam-lens: cancelled before the first frame: ${out} left as it was\n`);
    return 130;
  };
  let served: Awaited<ReturnType<typeof serveApp>> | undefined;
  let file: Awaited<ReturnType<typeof open>> | undefined;
  let aborted = false;
  let stopProgress = () => {};
  try {
    served = await serveApp({ log, keepSigint: true });
    if (interrupted) return notStarted();
    const { page, errors } = await served.page({ width: shot.width, height: shot.height });
    file = await open(tmp, 'w');
    const f = file;
    await page.exposeFunction('__occamWrite', async (b64: string, position: number) => {
      if (position < 0) {
        aborted = true;
        return;
      }
      const data = Buffer.from(b64, 'base64');
      await f.write(data, 0, data.length, position);
    });
    await page.goto(served.url);
    await waitForFrames(page, 1, 180_000);
    if (interrupted) {
      await f.close();
      await unlink(tmp).catch(() => {});
      return notStarted();
    }
    const progress = new Progress(`occam-lens record ${shot.title}`, io.stderr, !v.quiet);
    const timer = setInterval(() => {
      page
        .evaluate(() => window.__occam!.capture.progress)
        .then((p) => p.active && progress.update(p.frames, p.total, 'frames'))
        .catch(() => {});
    }, 1000);
    stopProgress = () => {
      clearInterval(timer);
      progress.done();
    };
    cancelPage = () => void page.evaluate(() => window.__occam!.capture.cancel()).catch(() => {});
    const container = ext === '.mp4' ? 'mp4' : 'webm';
    const r = await page.evaluate(
      (a) =>
        window.__occam!.capture.record({ shot: a.shot, container: a.container, mode: a.mode, stream: true }),
      { shot: JSON.parse(text) as unknown, container, mode } as const,
    );
    stopProgress();
    await f.close();
    for (const m of r.messages) io.stderr.write(`occam-lens: ${m}\n`);
    for (const e of errors) io.stderr.write(`occam-lens: page error: ${e}\n`);
    const keep = !aborted && (r.outcome === 'complete' || r.outcome === 'cancelled') && r.frames > 0;
    if (!keep) {
      await unlink(tmp).catch(() => {});
      io.stderr.write(
        r.outcome === 'empty' || aborted || r.frames === 0
          ? `occam-lens: no frames were recorded: no file written (${out} left as it was)\n`
          : `occam-lens: the recording ${r.outcome}: no file written (${out} left as it was)\n`,
      );
      return r.outcome === 'cancelled' || interrupted ? 130 : 1;
    }
    await rename(tmp, out);
    const wrongExt = (r.container === 'mp4') !== (ext === '.mp4');
    const summary = {
      out,
      container: r.container,
      codec: r.codec,
      frames: r.frames,
      total_frames: r.totalFrames,
      width: r.width,
      height: r.height,
      fps: shot.fps,
      mode,
      outcome: r.outcome,
      seconds: Number(r.seconds.toFixed(2)),
    };
    if (wrongExt)
      io.stderr.write(
        `occam-lens: warning: the file holds ${r.container.toUpperCase()} data (codec fallback)\n`,
      );
    if (v.json) io.stdout(`${JSON.stringify(summary)}\n`);
    else
      io.stdout(
        `wrote ${out}: ${r.frames}/${r.totalFrames} frames, ${r.width}×${r.height} at ${shot.fps} fps, ${r.codec} (${r.container}), ${r.outcome}, ${summary.seconds} s\n`,
      );
    // A cancelled run kept its frames but did not finish: 130, as for any interrupted command.
    return r.outcome === 'complete' ? 0 : 130;
  } catch (e) {
    stopProgress();
    await file?.close().catch(() => {});
    await unlink(tmp).catch(() => {});
    if (interrupted) return notStarted();
    throw e;
  } finally {
    process.removeListener('SIGINT', onSigint);
    await served?.close();
  }
}

async function screenshot(argv: readonly string[], io: CliIo): Promise<number> {
  const { values: v } = parseFlags(argv, screenshotOptions, false);
  if (v.help) {
    io.stdout(`${CAPTURE_HELP}\n`);
    return 0;
  }
  if (v.out === undefined) throw new UsageError('--out SHOT.png is required for screenshot');
  if (extname(v.out).toLowerCase() !== '.png')
    throw new UsageError(`--out: expected a .png file, got '${v.out}'`);
  if (v.preset !== undefined && !findPreset(v.preset))
    throw new UsageError(
      `--preset: unknown preset '${v.preset}' (presets: ${presets.map((p) => p.id).join(', ')})`,
    );
  const scale = num('scale', v.scale, 1, (x) => x >= 0.25 && x <= 8, 'a number in [0.25, 8]');
  const size = intIn(64, 7680);
  const width = num('width', v.width, 1280, size, 'an integer in [64, 7680]');
  const height = num('height', v.height, 720, size, 'an integer in [64, 7680]');
  const walkers = num('walkers', v.walkers, 0, intIn(1), 'a positive integer');
  // The app's own scene schema decides what it accepts: a value it would reject (and render the
  // default scene instead) is refused here, naming the flag.
  const checked = walkers > 0 ? parseField('walkers', walkers) : undefined;
  if (checked && 'error' in checked) throw new UsageError(`--walkers: ${checked.error.message}`);
  const steps = num('steps', v.steps, 200, intIn(0), 'an integer ≥ 0');
  const background = oneOf('background', v.background, ['solid', 'transparent'] as const, 'solid');
  await checkOut(v.out, v.force ?? false);
  const log = (t: string) => {
    if (!v.quiet) io.stderr.write(`${t}\n`);
  };
  const served = await serveApp({ log });
  try {
    const { page, errors } = await served.page({ width, height });
    const hash = new URLSearchParams();
    if (v.preset) hash.set('preset', v.preset);
    if (walkers > 0) hash.set('walkers', String(walkers));
    await page.goto(`${served.url}${hash.size > 0 ? `#${hash}` : ''}`);
    await waitForFrames(page, 2, 180_000);
    // Let the walkers move off their start and the density panel fill in.
    const s0 = await page.evaluate(() => window.__occam!.stats!.step);
    await page.waitForFunction((t) => (window.__occam?.stats?.step ?? 0) >= t, s0 + steps, {
      timeout: 300_000,
      polling: 100,
    });
    const h0 = await page.evaluate(() => window.__occam!.stats!.histograms);
    await page.waitForFunction((h) => (window.__occam?.stats?.histograms ?? 0) >= h + 1, h0, {
      timeout: 120_000,
      polling: 100,
    });
    const r = await page.evaluate((o) => window.__occam!.capture.screenshot(o), {
      scale,
      background,
      includeHud: !v['no-hud'],
    } as const);
    await writeAtomically(v.out, Buffer.from(r.base64, 'base64'));
    if (r.message) io.stderr.write(`occam-lens: ${r.message}\n`);
    for (const e of errors) io.stderr.write(`occam-lens: page error: ${e}\n`);
    const summary = {
      out: v.out,
      width: r.width,
      height: r.height,
      scale: r.scale,
      preset: v.preset ?? null,
    };
    if (v.json) io.stdout(`${JSON.stringify(summary)}\n`);
    else io.stdout(`wrote ${v.out}: ${r.width}×${r.height} (${r.scale}×)\n`);
    return 0;
  } finally {
    await served.close();
  }
}
