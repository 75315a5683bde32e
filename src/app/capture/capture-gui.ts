/**
 * The GUI side of capture: a "Capture" folder in the control panel (screenshot, record, load a shot)
 * and the test/CLI hook `window.__occam.capture`, which hands files back as base64 text.
 */
import type { Controller, default as GUI } from 'lil-gui';
import { parseShot, ShotError } from '../../scene/shot';
import { pickJsonFile } from '../files';
import type { CaptureController, ScreenshotOptions } from './capture';
import type { PlacedRect } from './compositor';
import type { RecordOptions } from './recording';

export function addCaptureFolder(
  gui: GUI,
  capture: CaptureController,
  notice: (t: string, k: 'info' | 'warn' | 'error') => void,
): GUI {
  const folder = gui.addFolder('Capture');
  const s = capture.settings;
  folder.add(s, 'scale', { '1×': 1, '2×': 2, '4×': 4 }).name('screenshot scale');
  folder.add(s, 'background', ['solid', 'transparent']).name('background');
  folder.add(s, 'includeHud').name('include HUD');
  folder.add(s, 'includeGui').name('include this panel');
  const actions = {
    screenshot: () => void capture.screenshotToFile(s),
    record: () => {
      if (capture.busy) capture.cancel();
      else void capture.recordToFile(s);
    },
    shot: () => loadShot(capture, notice),
  };
  icon(folder.add(actions, 'screenshot').name('screenshot PNG  (P)'), ICONS.camera);
  folder.add(s, 'container', { 'MP4 (H.264)': 'mp4', 'WebM (VP9)': 'webm' }).name('video format');
  folder.add(s, 'fps', [30, 60]).name('frames/s');
  folder
    .add(s, 'size', {
      '1280 wide, page aspect': 'page1280',
      '1920 wide, page aspect': 'page1920',
      '1280×720': '1280x720',
      '1920×1080': '1920x1080',
      '3840×2160': '3840x2160',
      '1080×1080': '1080x1080',
      'window size': 'window',
    })
    .name('video size');
  folder.add(s, 'duration', 1, 120, 1).name('duration (s)');
  folder
    .add(s, 'mode', { 'offline (smooth, deterministic)': 'offline', 'real time (as on screen)': 'realtime' })
    .name('mode');
  icon(folder.add(actions, 'record').name('record / stop  (R)'), ICONS.record);
  icon(folder.add(actions, 'shot').name('record a shot (JSON)…'), ICONS.play);
  folder.close();
  return folder;
}

/** Inline SVG icons: they render everywhere (emoji glyphs are missing on some systems). */
const ICONS = {
  camera:
    '<path d="M2 5h3l1.5-2h3L11 5h3v8H2z" fill="none" stroke="currentColor"/><circle cx="8" cy="9" r="2.5" fill="none" stroke="currentColor"/>',
  record: '<circle cx="8" cy="8" r="5" fill="#ff5d6c"/>',
  play: '<path d="M5 3l8 5-8 5z" fill="currentColor"/>',
} as const;

function icon(c: Controller, svg: string): void {
  const name = c.domElement.querySelector('.lil-name');
  if (!name) return;
  const el = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  el.setAttribute('viewBox', '0 0 16 16');
  el.setAttribute('width', '13');
  el.setAttribute('height', '13');
  el.setAttribute('aria-hidden', 'true');
  el.classList.add('icon');
  el.innerHTML = svg;
  name.prepend(el);
}

function loadShot(
  capture: CaptureController,
  notice: (t: string, k: 'info' | 'warn' | 'error') => void,
): void {
  pickJsonFile(async (file) => {
    try {
      const shot = parseShot(await file.text());
      notice(
        `Recording shot '${shot.title}': ${shot.frames} frames at ${shot.width}×${shot.height}.`,
        'info',
      );
      await capture.recordToFile({ ...capture.settings, mode: 'offline' }, shot);
    } catch (e) {
      notice(
        e instanceof ShotError ? `${file.name}: ${e.message}` : `Shot failed: ${(e as Error).message}`,
        'error',
      );
    }
  });
}

/** What tests and the headless CLI reach on `window.__occam.capture`. */
export interface CaptureHook {
  screenshot(opts?: ScreenshotOptions): Promise<{
    base64: string;
    width: number;
    height: number;
    scale: number;
    filename: string;
    message?: string;
  }>;
  /**
   * Records (a shot when `shot` is given as JSON text or object). With `stream: true` the bytes go to
   * `window.__occamWrite(base64, position)` (the headless driver's binding) instead of memory.
   */
  record(
    opts: Omit<RecordOptions, 'shot' | 'sink'> & { shot?: unknown; stream?: boolean },
  ): Promise<Omit<Awaited<ReturnType<CaptureController['record']>>, 'blob'> & { base64: string | null }>;
  cancel(): void;
  /**
   * The last capture's layout: the output box of the element with this id (null if it was not
   * painted), and the scroll containers painted unrolled with their scale.
   */
  placed(id: string): PlacedRect | null;
  readonly unrolled: readonly { id: string; scale: number }[];
  readonly progress: CaptureController['progress'];
  /** Offline encoded frames/s at a size (compose + encode + the scene's steps per frame). */
  bench(
    width: number,
    height: number,
    frames?: number,
    container?: 'mp4' | 'webm',
  ): ReturnType<CaptureController['bench']>;
}

declare global {
  interface Window {
    __occamWrite?: (base64: string, position: number) => Promise<void>;
  }
}

async function toBase64(blob: Blob): Promise<string> {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  return bytesToBase64(bytes);
}

function bytesToBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

export function captureHook(capture: CaptureController): CaptureHook {
  return {
    async screenshot(opts) {
      const r = await capture.screenshot(opts);
      return {
        base64: await toBase64(r.blob),
        width: r.width,
        height: r.height,
        scale: r.scale,
        filename: r.filename,
        ...(r.message ? { message: r.message } : {}),
      };
    },
    async record(opts) {
      const { shot, stream, ...rest } = opts;
      const write = window.__occamWrite;
      if (stream && !write) throw new Error('stream: true needs window.__occamWrite');
      const sink =
        stream && write
          ? {
              kind: 'host',
              heldBytes: 0,
              write: (data: Uint8Array, position: number) => write(bytesToBase64(data), position),
              close: async () => null,
              abort: async () => {
                await write('', -1);
              },
            }
          : undefined;
      const r = await capture.record({
        ...rest,
        ...(shot !== undefined ? { shot: parseShot(shot) } : {}),
        sink,
      });
      const { blob, ...meta } = r;
      return { ...meta, base64: blob ? await toBase64(blob) : null };
    },
    cancel: () => capture.cancel(),
    placed: (id) => capture.lastComposition?.placed.get(id) ?? null,
    get unrolled() {
      return capture.lastComposition?.unrolled ?? [];
    },
    get progress() {
      return capture.progress;
    },
    bench: (w, h, frames, container) => capture.bench(w, h, frames, container),
  };
}
