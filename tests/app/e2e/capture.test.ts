/**
 * Capture in headless Chromium (SwiftShader WebGPU): screenshots are PNGs of the requested size with
 * content, offline recordings decode (ffprobe) with exactly duration × fps frames in the requested size
 * and codec, two recordings of one shot are identical frame by frame, and a cancelled recording leaves
 * a playable file of the frames so far (or none before the first frame).
 *
 * Small frames and 4096 walkers keep the runtime modest: SwiftShader draws a frame in ~0.1–0.2 s.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { haveChromium, openApp, SHOTS, serveForSuite, waitForFrames } from './harness';

const CI = process.env.CI === 'true';
const haveFfprobe = spawnSync('ffprobe', ['-version']).status === 0;
if (CI && !haveFfprobe) throw new Error('CI=true but ffprobe is missing: .ci/run installs ffmpeg');
if (!haveFfprobe) console.warn('\n!!! CAPTURE TESTS SKIPPED: ffprobe not found (apt-get install ffmpeg)\n');

const out = resolve(SHOTS, 'capture');
let page: Page;
let errors: string[];

interface Probe {
  codec_name: string;
  width: number;
  height: number;
  nb_read_frames: string;
}

function probe(file: string): Probe {
  const json = execFileSync('ffprobe', [
    '-v',
    'error',
    '-count_frames',
    '-select_streams',
    'v:0',
    '-show_entries',
    'stream=codec_name,width,height,nb_read_frames',
    '-of',
    'json',
    file,
  ]).toString();
  return JSON.parse(json).streams[0] as Probe;
}

/** One MD5 per decoded frame (ffmpeg's framemd5 muxer). */
function frameMd5s(file: string): string[] {
  const text = execFileSync('ffmpeg', ['-v', 'error', '-i', file, '-f', 'framemd5', '-']).toString();
  return text
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.split(',').pop()!.trim());
}

/** RGBA pixels of an image file, decoded by ffmpeg. */
function rgba(file: string): Buffer {
  return execFileSync('ffmpeg', ['-v', 'error', '-i', file, '-f', 'rawvideo', '-pix_fmt', 'rgba', '-'], {
    maxBuffer: 1 << 28,
  });
}

function pngSize(buf: Buffer): { width: number; height: number } {
  expect(buf.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  expect(buf.subarray(12, 16).toString('latin1')).toBe('IHDR');
  return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
}

type RecordArgs = Parameters<NonNullable<Window['__occam']>['capture']['record']>[0];
const record = (args: RecordArgs) => page.evaluate((a) => window.__occam!.capture.record(a), args);

const SHOT = {
  title: 'determinism test',
  preset: 'analytic-crossing',
  state: { walkers: 4096, seed: 7 },
  duration: 1,
  fps: 30,
  width: 320,
  height: 200,
  keyframes: [
    { t: 0, n: 100, camera: { azimuth: 20 } },
    { t: 1, n: 10000, camera: { azimuth: 60 } },
  ],
};

describe.skipIf(!haveChromium || !haveFfprobe)('capture in headless Chromium', () => {
  const served = serveForSuite(240_000);
  beforeAll(async () => {
    mkdirSync(out, { recursive: true });
    const hash = 'preset=analytic-crossing&walkers=4096';
    ({ page, errors } = await openApp(served(), hash, { width: 800, height: 500, frames: 4, keep: 'suite' }));
  }, 120_000);

  test('a 2× screenshot is a PNG of twice the window size with content; transparent has alpha', async () => {
    const shot = await page.evaluate(() => window.__occam!.capture.screenshot({ scale: 2 }));
    const png = Buffer.from(shot.base64, 'base64');
    const file = resolve(out, 'screenshot-2x.png');
    writeFileSync(file, png);
    expect(pngSize(png)).toEqual({ width: 1600, height: 1000 });
    expect(shot.filename).toMatch(/^occam-lens_analytic-crossing_\d{4}-\d\d-\d\d_\d\d-\d\d-\d\d_2x\.png$/);
    const px = rgba(file);
    // Background #0d0f14: the surface, walkers, HUD text and density maps must cover a good share.
    let content = 0;
    for (let i = 0; i < px.length; i += 4)
      if (Math.abs(px[i] - 13) + Math.abs(px[i + 1] - 15) + Math.abs(px[i + 2] - 20) > 30) content++;
    expect(content / (px.length / 4)).toBeGreaterThan(0.1);

    const clear = await page.evaluate(() =>
      window.__occam!.capture.screenshot({ scale: 1, background: 'transparent' }),
    );
    const clearFile = resolve(out, 'screenshot-transparent.png');
    writeFileSync(clearFile, Buffer.from(clear.base64, 'base64'));
    const cp = rgba(clearFile);
    let transparent = 0;
    for (let i = 3; i < cp.length; i += 4) if (cp[i] === 0) transparent++;
    expect(transparent).toBeGreaterThan(0.02 * (cp.length / 4));
    expect(errors, errors.join('\n')).toEqual([]);
  });

  test('the GUI Capture folder and the P key save a PNG named after the preset', async () => {
    await page.locator('.lil-title', { hasText: /^Capture$/ }).click();
    const [fromGui] = await Promise.all([
      page.waitForEvent('download', { timeout: 60_000 }),
      page.locator('button', { hasText: 'screenshot PNG' }).click(),
    ]);
    expect(fromGui.suggestedFilename()).toMatch(/^occam-lens_analytic-crossing_.*_2x\.png$/);
    await page.locator('#view').click({ position: { x: 5, y: 5 } });
    const [fromKey] = await Promise.all([
      page.waitForEvent('download', { timeout: 60_000 }),
      page.keyboard.press('p'),
    ]);
    const file = resolve(out, 'keyboard-p.png');
    await fromKey.saveAs(file);
    expect(pngSize(readFileSync(file))).toEqual({ width: 1600, height: 1000 });
    await page.locator('.lil-title', { hasText: /^Capture$/ }).click();
  });

  test('a 2-second offline MP4 at 30 fps has exactly 60 H.264 frames of the requested size', async () => {
    const r = await record({ container: 'mp4', fps: 30, width: 320, height: 200, duration: 2 });
    expect(r.outcome).toBe('complete');
    expect(r.frames).toBe(60);
    const file = resolve(out, 'offline-2s-30fps.mp4');
    writeFileSync(file, Buffer.from(r.base64!, 'base64'));
    const p = probe(file);
    expect(p).toMatchObject({ codec_name: 'h264', width: 320, height: 200 });
    expect(Number(p.nb_read_frames)).toBe(60);
  });

  test('WebM (VP9) at 60 fps decodes with the requested frame count', async () => {
    const r = await record({ container: 'webm', fps: 60, width: 256, height: 160, duration: 0.5 });
    const file = resolve(out, 'offline-0.5s-60fps.webm');
    writeFileSync(file, Buffer.from(r.base64!, 'base64'));
    const p = probe(file);
    expect(p).toMatchObject({ codec_name: 'vp9', width: 256, height: 160 });
    expect(Number(p.nb_read_frames)).toBe(30);
  });

  test('real-time mode records what the screen draws, for the requested wall time', async () => {
    const r = await record({
      container: 'mp4',
      fps: 30,
      width: 320,
      height: 200,
      duration: 1.5,
      mode: 'realtime',
    });
    expect(r.outcome).toBe('complete');
    expect(r.frames).toBeGreaterThan(0);
    expect(r.frames).toBeLessThanOrEqual(46);
    const file = resolve(out, 'realtime.mp4');
    writeFileSync(file, Buffer.from(r.base64!, 'base64'));
    expect(Number(probe(file).nb_read_frames)).toBe(r.frames);
  });

  test('an unsupported codec falls back to the other container with a message', async () => {
    const r = await page.evaluate(async () => {
      const original = VideoEncoder.isConfigSupported;
      // Pretend this browser has no H.264 encoder.
      VideoEncoder.isConfigSupported = async (c: VideoEncoderConfig) =>
        c.codec.startsWith('avc1') ? { supported: false, config: c } : original.call(VideoEncoder, c);
      try {
        const rec = await window.__occam!.capture.record({
          container: 'mp4',
          width: 320,
          height: 200,
          duration: 0.2,
        });
        return { container: rec.container, codec: rec.codec, frames: rec.frames, messages: rec.messages };
      } finally {
        VideoEncoder.isConfigSupported = original;
      }
    });
    expect(r.container).toBe('webm');
    expect(r.codec).toMatch(/^vp09/);
    expect(r.frames).toBe(6);
    expect(r.messages.join(' ')).toMatch(/H\.264 \(MP4\) encoding is not supported/);
  });

  test('two recordings of the same shot are identical frame by frame', async () => {
    const a = await record({ shot: SHOT, container: 'mp4', hashFrames: true });
    const b = await record({ shot: SHOT, container: 'mp4', hashFrames: true });
    expect(a.frames).toBe(30);
    // The composed frames (before encoding) match…
    expect(b.frameHashes).toEqual(a.frameHashes);
    // …and consecutive frames differ (the shot moves), so the check is not vacuous.
    expect(new Set(a.frameHashes).size).toBeGreaterThan(20);
    const fa = resolve(out, 'shot-a.mp4');
    const fb = resolve(out, 'shot-b.mp4');
    writeFileSync(fa, Buffer.from(a.base64!, 'base64'));
    writeFileSync(fb, Buffer.from(b.base64!, 'base64'));
    // …and so do the decoded frames of the two files.
    const ma = frameMd5s(fa);
    expect(ma).toHaveLength(30);
    expect(frameMd5s(fb)).toEqual(ma);
  });

  test('cancel mid-way keeps a playable file of the frames so far; cancel before the first frame leaves none', async () => {
    const running = page.evaluate(() =>
      window.__occam!.capture.record({ container: 'mp4', fps: 30, width: 320, height: 200, duration: 4 }),
    );
    await page.waitForFunction(() => (window.__occam?.capture.progress.frames ?? 0) >= 8, undefined, {
      polling: 50,
      timeout: 120_000,
    });
    // The progress bar shows, in the side column, and hides none of it: scrolled to the end, no panel
    // lies under the bar (a fixed overlay covered the column's last ~50 px for good).
    const layout = await page.evaluate(() => {
      const side = document.getElementById('side')!;
      const top = side.scrollTop;
      side.scrollTop = side.scrollHeight;
      const bar = document.getElementById('capture-progress')!.getBoundingClientRect();
      const under = [...side.children]
        .filter((e) => e.id !== 'capture-progress')
        .map((e) => e.getBoundingClientRect())
        .filter((r) => r.height > 0 && r.bottom > bar.top + 0.5 && r.top < bar.bottom - 0.5).length;
      const box = side.getBoundingClientRect();
      side.scrollTop = top;
      return { shown: bar.height > 0, inSide: bar.left >= box.left && bar.right <= box.right, under };
    });
    expect(layout).toEqual({ shown: true, inSide: true, under: 0 });
    await page.evaluate(() => window.__occam!.capture.cancel());
    const r = await running;
    expect(r.outcome).toBe('cancelled');
    expect(r.frames).toBeGreaterThanOrEqual(8);
    expect(r.frames).toBeLessThan(120);
    const file = resolve(out, 'cancelled.mp4');
    writeFileSync(file, Buffer.from(r.base64!, 'base64'));
    expect(Number(probe(file).nb_read_frames)).toBe(r.frames);

    const none = await record({
      container: 'webm',
      width: 320,
      height: 200,
      duration: 1,
      cancelAfterFrames: 0,
    });
    expect(none.outcome).toBe('empty');
    expect(none.base64).toBeNull();
    // The app runs on afterwards.
    await waitForFrames(page, 2);
    expect(errors, errors.join('\n')).toEqual([]);
  });

  test('File System Access: the clip streams through the chosen file writable and decodes', async () => {
    // A stand-in for Chromium's save dialog whose writable records the positioned writes it is given.
    const r = await page.evaluate(async () => {
      const writes: { position: number; data: Uint8Array }[] = [];
      const calls: string[] = [];
      const w = window as unknown as { showSaveFilePicker?: unknown };
      const native = w.showSaveFilePicker;
      w.showSaveFilePicker = async (o: { suggestedName: string }) => {
        calls.push(`picker ${o.suggestedName}`);
        return {
          kind: 'file',
          name: o.suggestedName,
          createWritable: async () => ({
            write: async (op: { type: string; position: number; data: Uint8Array }) => {
              if (op.type !== 'write' || !Number.isInteger(op.position)) throw new Error('unexpected write');
              writes.push({ position: op.position, data: new Uint8Array(op.data) });
            },
            close: async () => {
              calls.push('close');
            },
            abort: async () => {
              calls.push('abort');
            },
          }),
        };
      };
      try {
        const rec = await window.__occam!.capture.record({
          container: 'mp4',
          fps: 30,
          width: 320,
          height: 200,
          duration: 0.5,
          pickFile: true,
        });
        let size = 0;
        for (const x of writes) size = Math.max(size, x.position + x.data.length);
        const file = new Uint8Array(size);
        for (const x of writes) file.set(x.data, x.position);
        let text = '';
        for (let i = 0; i < file.length; i += 0x8000)
          text += String.fromCharCode(...file.subarray(i, i + 0x8000));
        // Declining the dialog (a person takes a moment) cancels the recording with a message; the
        // app keeps running.
        w.showSaveFilePicker = async () => {
          await new Promise((r) => setTimeout(r, 400));
          throw new DOMException('The user aborted a request.', 'AbortError');
        };
        const declined = await window
          .__occam!.capture.record({ width: 320, height: 200, duration: 0.2, pickFile: true })
          .then(
            () => 'recorded',
            (e: Error) => e.message,
          );
        // A browser with no dialog to show aborts at once: the clip goes to memory instead.
        w.showSaveFilePicker = async () => {
          throw new DOMException('The user aborted a request.', 'AbortError');
        };
        const noDialog = await window.__occam!.capture.record({
          width: 320,
          height: 200,
          duration: 0.1,
          pickFile: true,
        });
        return {
          outcome: rec.outcome,
          frames: rec.frames,
          inMemory: rec.base64 !== null,
          writes: writes.length,
          calls,
          file: btoa(text),
          declined,
          noDialog: {
            outcome: noDialog.outcome,
            inMemory: noDialog.base64 !== null,
            messages: noDialog.messages,
          },
          busy: window.__occam!.capture.progress.active,
        };
      } finally {
        w.showSaveFilePicker = native;
      }
    });
    expect(r).toMatchObject({ outcome: 'complete', frames: 15, inMemory: false, busy: false });
    expect(r.calls[0]).toMatch(/^picker occam-lens_analytic-crossing_[\d_-]+\.mp4$/);
    expect(r.calls.slice(1)).toEqual(['close']);
    expect(r.writes).toBeGreaterThan(0);
    expect(r.declined).toBe('no file chosen');
    expect(r.noDialog).toMatchObject({ outcome: 'complete', inMemory: true });
    expect(r.noDialog.messages.join(' ')).toContain('No save dialog here: recording to memory');
    const file = resolve(out, 'file-system-access.mp4');
    writeFileSync(file, Buffer.from(r.file, 'base64'));
    expect(probe(file)).toMatchObject({ codec_name: 'h264', width: 320, height: 200, nb_read_frames: '15' });
  });

  test('an in-memory recording stops at its cap with a message and keeps a playable file', async () => {
    // ~8 KB per frame at 2 Mb/s and 30 fps: a 48 KiB cap stops a 60-frame clip after a handful.
    const r = await record({
      container: 'mp4',
      fps: 30,
      width: 320,
      height: 200,
      duration: 2,
      memoryCapBytes: 48 * 1024,
    });
    expect(r.outcome).toBe('cap');
    expect(r.frames).toBeGreaterThan(0);
    expect(r.frames).toBeLessThan(60);
    expect(r.messages.join(' ')).toContain('reached its cap of 48 KiB: stopped and kept the frames so far');
    const file = resolve(out, 'memory-cap.mp4');
    writeFileSync(file, Buffer.from(r.base64!, 'base64'));
    expect(probe(file)).toMatchObject({ codec_name: 'h264', nb_read_frames: String(r.frames) });
  });

  test('a hidden tab does not disturb offline mode: the same frames, all of them', async () => {
    const shot = {
      ...SHOT,
      title: 'hidden tab',
      duration: 0.5,
      keyframes: [
        { t: 0, n: 100, camera: { azimuth: 20 } },
        { t: 0.5, n: 10000, camera: { azimuth: 60 } },
      ],
    };
    const shown = await record({ shot, container: 'webm', hashFrames: true });
    // The same shot again, and two frames in the tab is hidden — made stricter than Chromium's hidden
    // tab: animation frames stop and timers never fire (Chromium throttles them to one a second, after
    // five hidden minutes to one a minute) until it is shown again.
    const running = record({ shot, container: 'webm', hashFrames: true });
    await page.waitForFunction(() => (window.__occam?.capture.progress.frames ?? 0) >= 2, undefined, {
      polling: 20,
      timeout: 120_000,
    });
    const hiddenAt = await page.evaluate(() => {
      const original = { raf: window.requestAnimationFrame, timeout: window.setTimeout };
      const real = { raf: original.raf.bind(window), timeout: original.timeout.bind(window) };
      const frames: FrameRequestCallback[] = [];
      const timers: (() => void)[] = [];
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
      window.requestAnimationFrame = (cb) => frames.push(cb);
      window.setTimeout = ((cb: () => void, _ms?: number, ...args: unknown[]) =>
        timers.push(() => (cb as (...a: unknown[]) => void)(...args))) as typeof setTimeout;
      document.dispatchEvent(new Event('visibilitychange'));
      (window as unknown as { __show: () => number }).__show = () => {
        Reflect.deleteProperty(document, 'visibilityState');
        Reflect.deleteProperty(document, 'hidden');
        window.requestAnimationFrame = original.raf;
        window.setTimeout = original.timeout;
        document.dispatchEvent(new Event('visibilitychange'));
        for (const cb of frames) real.raf(cb);
        for (const t of timers) real.timeout(t, 0);
        return frames.length;
      };
      return window.__occam!.capture.progress.frames;
    });
    let hidden: Awaited<ReturnType<typeof record>>;
    try {
      expect(hiddenAt).toBeLessThan(15);
      hidden = await running;
    } finally {
      const stalled = await page.evaluate(() => (window as unknown as { __show: () => number }).__show());
      // The app's animation loop was stalled (so the emulation bit) and runs again once shown.
      expect(stalled).toBeGreaterThan(0);
    }
    expect(hidden.outcome).toBe('complete');
    expect(hidden.frames).toBe(15);
    expect(hidden.frameHashes).toEqual(shown.frameHashes);
    const file = resolve(out, 'hidden-tab.webm');
    writeFileSync(file, Buffer.from(hidden.base64!, 'base64'));
    expect(Number(probe(file).nb_read_frames)).toBe(15);
    await waitForFrames(page, 2);
    expect(errors, errors.join('\n')).toEqual([]);
  });

  test('a device loss during a recording stops it cleanly and keeps a playable file', async () => {
    const running = page.evaluate(() =>
      window.__occam!.capture.record({ container: 'webm', fps: 30, width: 320, height: 200, duration: 4 }),
    );
    await page.waitForFunction(() => (window.__occam?.capture.progress.frames ?? 0) >= 4, undefined, {
      polling: 50,
      timeout: 120_000,
    });
    await page.evaluate(() => window.__occam!.device!.destroy());
    const r = await running;
    expect(r.outcome).toBe('device-lost');
    expect(r.messages.join(' ')).toMatch(/device was lost/);
    const file = resolve(out, 'device-lost.webm');
    writeFileSync(file, Buffer.from(r.base64!, 'base64'));
    expect(Number(probe(file).nb_read_frames)).toBe(r.frames);
    // The app recovers on a fresh device and can capture again.
    await page.waitForFunction(() => (window.__occam?.recoveries ?? 0) >= 1, undefined, { timeout: 120_000 });
    await waitForFrames(page, 2);
    const again = await page.evaluate(() => window.__occam!.capture.screenshot());
    expect(again.width).toBe(800);
  });

  test('occam-lens screenshot and record run the app headless and write the files', async () => {
    const { runCli } = await import('../../../src/cli/main');
    const outText: string[] = [];
    const errText: string[] = [];
    const io = {
      stdout: (t: string) => outText.push(t),
      stderr: { write: (t: string) => errText.push(t) > 0 },
    };
    const png = resolve(out, 'cli-screenshot.png');
    const code = await runCli(
      [
        'screenshot',
        '--width',
        '480',
        '--height',
        '300',
        '--walkers',
        '2048',
        '--steps',
        '16',
        '--scale',
        '2',
        '--out',
        png,
        // test-results/ persists between runs: an existing --out is refused without --force.
        '--force',
      ],
      io,
    );
    expect(code, errText.join('')).toBe(0);
    expect(pngSize(readFileSync(png))).toEqual({ width: 960, height: 600 });
    const shotFile = resolve(out, 'cli-shot.json');
    writeFileSync(
      shotFile,
      JSON.stringify({ ...SHOT, duration: 0.5, title: 'cli', keyframes: [{ t: 0, n: 100 }] }),
    );
    const clip = resolve(out, 'cli-record.webm');
    const rc = await runCli(
      ['record', '--shot', shotFile, '--out', clip, '--json', '--quiet', '--force'],
      io,
    );
    expect(rc, errText.join('')).toBe(0);
    const summary = JSON.parse(outText[outText.length - 1]);
    expect(summary).toMatchObject({ frames: 15, container: 'webm', outcome: 'complete' });
    expect(probe(clip)).toMatchObject({ codec_name: 'vp9', width: 320, height: 200, nb_read_frames: '15' });
    // A bad shot is a usage error naming the field.
    writeFileSync(shotFile, JSON.stringify({ fps: 25 }));
    expect(await runCli(['record', '--shot', shotFile, '--out', clip], io)).toBe(2);
    expect(errText.join('')).toContain("'fps' must be 30 or 60");
  });

  test('CI: the lead can time offline encoding (benchmark hook)', async () => {
    const r = await page.evaluate(() => window.__occam!.capture.bench(320, 200, 10));
    expect(r.frames).toBe(10);
    expect(r.framesPerSecond).toBeGreaterThan(0);
    if (!CI) console.log(`offline capture 320×200: ${r.framesPerSecond.toFixed(2)} frames/s (${r.codec})`);
  });
});
