/**
 * Capture controller: screenshots and recordings of the whole view, driven from the GUI, the keyboard
 * (P: screenshot, R: record / stop, Esc: cancel), scripted shots and the `window.__occam.capture` hook
 * that the headless CLI and the browser tests use. Recordings themselves are recording.ts.
 *
 * Every grab composes in the same task as the WebGPU render (see compositor.ts).
 */

import { parseShot, type Shot } from '../../scene/shot';
import { download, timeStamp } from '../files';
import { type Background, captureLayout, pageAspectHeight, skipper, stageSize } from './capture-layout';
import { type CaptureHost, type CaptureTarget, requireTarget } from './capture-target';
import { CANVAS_LIMITS, type Composition, clampScale, compose } from './compositor';
import { type CaptureProgress, ProgressUi } from './progress-ui';
import type { Container } from './recorder';
import { type RecordingState, type RecordOptions, type RecordResult, recordClip } from './recording';

export interface ScreenshotOptions {
  readonly scale?: number;
  readonly background?: Background;
  readonly includeGui?: boolean;
  readonly includeHud?: boolean;
}

export interface ScreenshotResult {
  readonly blob: Blob;
  readonly width: number;
  readonly height: number;
  readonly scale: number;
  readonly filename: string;
  readonly message?: string;
}

export class CaptureController {
  private recording: RecordingState | null = null;
  private readonly ui: ProgressUi;
  /** Where the last screenshot or recorded frame put each panel (tests: nothing is left out). */
  lastComposition: Composition | null = null;

  constructor(private readonly host: CaptureHost) {
    // In the side column's flow (after every panel), not over it: see ProgressUi.
    this.ui = new ProgressUi(host.root.querySelector<HTMLElement>('#side') ?? document.body, () =>
      this.cancel(),
    );
    window.addEventListener('keydown', (e) => this.onKey(e));
  }

  get progress(): CaptureProgress {
    const r = this.recording;
    if (!r) return { active: false, frames: 0, total: 0, etaSeconds: 0 };
    const elapsed = (performance.now() - r.t0) / 1000;
    const eta = r.frames > 0 ? (elapsed / r.frames) * (r.total - r.frames) : Number.NaN;
    return { active: true, frames: r.frames, total: r.total, etaSeconds: eta };
  }

  get busy(): boolean {
    return this.recording !== null;
  }

  cancel(): void {
    if (this.recording) this.recording.cancel = true;
  }

  private onKey(e: KeyboardEvent): void {
    const t = e.target as HTMLElement | null;
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (
      t &&
      (t.tagName === 'INPUT' || t.tagName === 'SELECT' || t.tagName === 'TEXTAREA' || t.isContentEditable)
    )
      return;
    if (e.key === 'p' || e.key === 'P') {
      e.preventDefault();
      void this.screenshotToFile(this.settings);
    } else if (e.key === 'r' || e.key === 'R') {
      e.preventDefault();
      if (this.recording) this.cancel();
      else void this.recordToFile(this.settings);
    } else if (e.key === 'Escape' && this.recording) {
      this.cancel();
    }
  }

  /** GUI-backed settings (the Capture folder edits this object). */
  readonly settings = {
    scale: 2,
    background: 'solid' as Background,
    includeGui: false,
    includeHud: true,
    container: 'mp4' as Container,
    fps: 30,
    // Frames of the page's own aspect: a 16:10 page is not letterboxed into 16:9.
    size: 'page1280',
    duration: 5,
    mode: 'offline' as 'offline' | 'realtime',
  };

  baseName(): string {
    const s = this.host.state();
    return `occam-lens_${this.host.presetId() ?? s.landscape}_${timeStamp()}`;
  }

  /** Renders at the given pixel ratio (CSS size unchanged) and restores the old one. */
  private withPixelRatio<T>(target: CaptureTarget, ratio: number, fn: () => T): T {
    const r = target.view.renderer;
    const old = r.getPixelRatio();
    if (Math.abs(old - ratio) > 1e-9) r.setPixelRatio(ratio);
    // Walkers keep their on-screen size: 1-pixel points become quads of the scaled pixel.
    target.view.walkers?.setPixelScale(ratio / target.view.screenRatio);
    try {
      return fn();
    } finally {
      if (Math.abs(old - ratio) > 1e-9) r.setPixelRatio(old);
      target.view.walkers?.setPixelScale(1);
    }
  }

  /** Makes the 3-D view's background transparent for the duration of fn. */
  private withBackground<T>(target: CaptureTarget, background: Background, fn: () => T): T {
    if (background === 'solid') return fn();
    const view = target.view;
    const bg = view.scene.background;
    const r = view.renderer;
    const alpha = r.getClearAlpha();
    view.scene.background = null;
    r.setClearAlpha(0);
    try {
      return fn();
    } finally {
      view.scene.background = bg;
      r.setClearAlpha(alpha);
    }
  }

  /** A PNG of the whole view at `scale` × the on-screen resolution (clamped to device limits). */
  async screenshot(opts: ScreenshotOptions = {}): Promise<ScreenshotResult> {
    const target = requireTarget(this.host);
    // Let any pending rebuild land before the layout and the frame are fixed.
    await waitSettled(target);
    const layout = captureLayout(target, !(opts.includeGui ?? false));
    try {
      return await this.screenshotNow(target, opts);
    } finally {
      if (layout) captureLayout(target, false);
    }
  }

  private async screenshotNow(target: CaptureTarget, opts: ScreenshotOptions): Promise<ScreenshotResult> {
    const device = this.host.device();
    const root = this.host.root.getBoundingClientRect();
    const dpr = window.devicePixelRatio || 1;
    const want = opts.scale ?? 1;
    const clamp = clampScale(want, dpr, stageSize(target), root, {
      maxTexture: device?.limits.maxTextureDimension2D ?? 8192,
      ...CANVAS_LIMITS,
    });
    if (clamp.message) this.host.notice(clamp.message, 'warn');
    const scale = clamp.scale;
    const width = Math.max(1, Math.round(root.width * dpr * scale));
    const height = Math.max(1, Math.round(root.height * dpr * scale));
    const out = document.createElement('canvas');
    out.width = width;
    out.height = height;
    const ctx = out.getContext('2d', { alpha: true })!;
    const background = opts.background ?? 'solid';
    // Draw one frame of the current state and grab it in this task.
    this.host.refreshHud();
    this.withPixelRatio(target, dpr * scale, () =>
      this.withBackground(target, background, () => {
        target.view.render();
        this.lastComposition = compose(ctx, {
          root: this.host.root,
          width,
          height,
          background,
          skip: skipper(opts.includeGui ?? false, opts.includeHud ?? true),
        });
      }),
    );
    // The next animation frame renders at the screen's own ratio again.
    const blob = await new Promise<Blob | null>((ok) => out.toBlob(ok, 'image/png'));
    if (!blob) throw new Error('the browser could not encode the PNG');
    const suffix = scale === 1 ? '' : `_${scale}x`;
    return {
      blob,
      width,
      height,
      scale,
      filename: `${this.baseName()}${suffix}.png`,
      message: clamp.message,
    };
  }

  async screenshotToFile(opts: ScreenshotOptions): Promise<void> {
    try {
      const r = await this.screenshot(opts);
      download(r.blob, r.filename);
      this.host.notice(`Saved ${r.filename} (${r.width}×${r.height}).`, 'info');
    } catch (e) {
      this.host.notice(`Screenshot failed: ${(e as Error).message}`, 'error');
    }
  }

  /** GUI / keyboard: records with the Capture folder's settings and saves the file. */
  async recordToFile(settings: CaptureController['settings'], shot?: Shot): Promise<void> {
    try {
      const page = /^page(\d+)$/.exec(settings.size);
      const [w, h] = page
        ? [Number(page[1]), pageAspectHeight(this.host.root, Number(page[1]))]
        : settings.size === 'window'
          ? windowSize(this.host.root)
          : settings.size.split('x').map(Number);
      const r = await this.record({
        container: settings.container,
        fps: settings.fps,
        width: w,
        height: h,
        duration: settings.duration,
        mode: settings.mode,
        background: settings.background,
        includeGui: settings.includeGui,
        includeHud: settings.includeHud,
        pickFile: true,
        shot,
      });
      if (r.blob) download(r.blob, r.filename);
      const what =
        r.outcome === 'empty'
          ? 'Recording cancelled before the first frame: no file.'
          : `${r.blob ? 'Saved' : 'Wrote'} ${r.filename}: ${r.frames} frames, ${r.width}×${r.height}, ${r.codec}${r.outcome === 'complete' ? '' : ` (${r.outcome})`}.`;
      this.host.notice(what, r.outcome === 'complete' ? 'info' : 'warn');
    } catch (e) {
      this.host.notice(`Recording failed: ${(e as Error).message}`, 'error');
    }
  }

  /** Plays a shot (JSON text or object) and records it. */
  async recordShot(json: unknown, opts: Omit<RecordOptions, 'shot'> = {}): Promise<RecordResult> {
    return this.record({ ...opts, shot: parseShot(json) });
  }

  async record(opts: RecordOptions): Promise<RecordResult> {
    if (this.recording) throw new Error('a recording is already running');
    return recordClip(
      {
        host: this.host,
        ui: this.ui,
        baseName: () => this.baseName(),
        composed: (c) => {
          this.lastComposition = c;
        },
        begin: (total) => {
          this.recording = { cancel: false, frames: 0, total, t0: performance.now() };
          return this.recording;
        },
        progress: () => this.progress,
        end: () => {
          this.recording = null;
        },
      },
      opts,
    );
  }

  /**
   * Benchmark: offline frames/s at a size (compose + encode, with the scene's steps per frame), for
   * `frames` frames into a memory sink that is thrown away.
   */
  async bench(width: number, height: number, frames = 30, container: Container = 'mp4') {
    const r = await this.record({
      width,
      height,
      fps: 30,
      duration: frames / 30,
      container,
      mode: 'offline',
    });
    return {
      width,
      height,
      frames: r.frames,
      seconds: r.seconds,
      framesPerSecond: r.frames / r.seconds,
      codec: r.codec,
      bytes: r.blob?.size ?? 0,
    };
  }
}

async function waitSettled(target: CaptureTarget): Promise<void> {
  for (let i = 0; i < 3000 && !target.settled; i++) await new Promise((r) => setTimeout(r, 20));
}

function windowSize(root: HTMLElement): [number, number] {
  const r = root.getBoundingClientRect();
  const dpr = window.devicePixelRatio || 1;
  const even = (x: number) => Math.max(2, 2 * Math.round((x * dpr) / 2));
  return [Math.min(3840, even(r.width)), Math.min(2160, even(r.height))];
}
