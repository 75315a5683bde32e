/**
 * Capture controller: screenshots and recordings of the whole view, driven from the GUI, the keyboard
 * (P: screenshot, R: record / stop, Esc: cancel), scripted shots and the `window.__occam.capture` hook
 * that the headless CLI and the browser tests use.
 *
 * Every grab composes in the same task as the WebGPU render (see compositor.ts). Offline recording
 * holds the app's animation loop and, per encoded frame, sets the shot's keyframed fields and camera,
 * advances exactly one frame's worth of steps (the scene's steps/frame), waits for this frame's
 * statistics, renders, composes, encodes and waits for the encoder: the clip is the same however slow
 * the machine, and does not depend on timers (a hidden tab does not disturb it). Real-time recording
 * grabs after each animation frame the screen draws.
 */

import type { SceneState } from '../../scene/schema';
import { type CameraPose, parseShot, type Shot, shotAt } from '../../scene/shot';
import { download, slug, timeStamp } from '../files';
import type { CaptureTarget } from './capture-target';
import { CANVAS_LIMITS, type Composition, clampScale, compose } from './compositor';
import { type CaptureProgress, ProgressUi } from './progress-ui';
import {
  ClipRecorder,
  type ClipSink,
  type Container,
  FileSystemSink,
  MEMORY_CAP_BYTES,
  MemorySink,
} from './recorder';

/** What the capture controller needs from the app shell. */
export interface CaptureHost {
  /** The region captured (the app's root element). */
  readonly root: HTMLElement;
  /** The running scene (a new one after a lost device), null before the first. */
  target(): CaptureTarget | null;
  device(): GPUDevice | null;
  state(): SceneState;
  presetId(): string | undefined;
  /** Replaces scene fields (already validated); with `preset`, also the preset the scene came from. */
  setFields(fields: Partial<SceneState>, preset?: { id: string | undefined }): void;
  /** Redraws the HUD from the lab's current statistics now (no throttling). */
  refreshHud(): void;
  notice(text: string, kind: 'info' | 'warn' | 'error'): void;
  /** Marks the HUD during offline recording (the clip's rate, simulated time), null after. */
  offline?(fps: number | null): void;
}

export type Background = 'solid' | 'transparent';

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

export interface RecordOptions {
  readonly container?: Container;
  readonly fps?: number;
  readonly width?: number;
  readonly height?: number;
  /** 'page': the height follows the page's aspect at `width` (even), so nothing is letterboxed. */
  readonly aspect?: 'page';
  /** Seconds (ignored with a shot, which has its own). */
  readonly duration?: number;
  readonly mode?: 'offline' | 'realtime';
  readonly background?: Background;
  readonly includeGui?: boolean;
  readonly includeHud?: boolean;
  /** A validated shot: its preset, state, keyframes, duration, fps and size. */
  readonly shot?: Shot;
  /** Where the bytes go; default: File System Access when `pickFile`, else memory with a cap. */
  readonly sink?: ClipSink;
  readonly pickFile?: boolean;
  readonly memoryCapBytes?: number;
  /** Stop after this many frames as if cancelled (tests). */
  readonly cancelAfterFrames?: number;
  /** Record a cheap hash of every composed frame (determinism tests). */
  readonly hashFrames?: boolean;
}

export interface RecordResult {
  /** The file (memory sink), or null when it was streamed elsewhere or none was left. */
  readonly blob: Blob | null;
  readonly filename: string;
  readonly container: Container;
  readonly codec: string;
  readonly frames: number;
  readonly totalFrames: number;
  readonly width: number;
  readonly height: number;
  readonly cancelled: boolean;
  /** 'complete', 'cancelled' (partial file kept), 'empty' (no file), 'device-lost', 'cap' (memory cap). */
  readonly outcome: 'complete' | 'cancelled' | 'empty' | 'device-lost' | 'cap';
  readonly seconds: number;
  readonly messages: readonly string[];
  readonly frameHashes?: readonly string[];
}

/** Elements never captured: capture's own UI; lil-gui and notices unless asked for. */
const skipper =
  (includeGui: boolean, includeHud: boolean) =>
  (el: Element): boolean =>
    el.classList.contains('capture-ui') ||
    el.id === 'notices' ||
    (!includeGui && el.classList.contains('lil-gui') && !el.parentElement?.closest('.lil-gui')) ||
    (!includeHud && el.id === 'hud');

/**
 * Captures without the control panel use the presentation layout (body.capture-layout: the controls
 * column goes, the stage widens): an excluded panel used to leave an empty dark block in the picture.
 * Applied and removed synchronously around a screenshot's render, or for a whole recording.
 */
function captureLayout(lab: CaptureTarget, on: boolean): boolean {
  const body = document.body;
  if (body.classList.contains('capture-layout') === on) return false;
  body.classList.toggle('capture-layout', on);
  lab.view.resize();
  return true;
}

/** An even frame height for `width` at the page's aspect. */
export function pageAspectHeight(root: HTMLElement, width: number): number {
  const r = root.getBoundingClientRect();
  return Math.max(2, 2 * Math.round((width * r.height) / Math.max(1, r.width) / 2));
}

/** A file dialog that answers sooner than this was never shown (see record). */
const NO_DIALOG_MS = 250;

/** The orbit target of the app's perspective camera (SceneView). */
const ORBIT_TARGET = { x: 0, y: 0.1, z: 0 };

export class CaptureController {
  private recording: {
    cancel: boolean;
    frames: number;
    total: number;
    t0: number;
    stop?: () => void;
  } | null = null;
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

  private requireLab(): CaptureTarget {
    const lab = this.host.target();
    if (!lab) throw new Error('the scene is not running yet');
    return lab;
  }

  private stageSize(lab: CaptureTarget): { width: number; height: number } {
    const r = lab.view.canvas.getBoundingClientRect();
    return { width: Math.max(1, r.width), height: Math.max(1, r.height) };
  }

  /** Renders at the given pixel ratio (CSS size unchanged) and restores the old one. */
  private withPixelRatio<T>(lab: CaptureTarget, ratio: number, fn: () => T): T {
    const r = lab.view.renderer;
    const old = r.getPixelRatio();
    if (Math.abs(old - ratio) > 1e-9) r.setPixelRatio(ratio);
    // Walkers keep their on-screen size: 1-pixel points become quads of the scaled pixel.
    lab.view.walkers?.setPixelScale(ratio / old);
    try {
      return fn();
    } finally {
      if (Math.abs(old - ratio) > 1e-9) r.setPixelRatio(old);
      lab.view.walkers?.setPixelScale(1);
    }
  }

  /** Makes the 3-D view's background transparent for the duration of fn. */
  private withBackground<T>(lab: CaptureTarget, background: Background, fn: () => T): T {
    if (background === 'solid') return fn();
    const view = lab.view;
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
    const lab = this.requireLab();
    // Let any pending rebuild land before the layout and the frame are fixed.
    await waitSettled(lab);
    const layout = captureLayout(lab, !(opts.includeGui ?? false));
    try {
      return await this.screenshotNow(lab, opts);
    } finally {
      if (layout) captureLayout(lab, false);
    }
  }

  private async screenshotNow(lab: CaptureTarget, opts: ScreenshotOptions): Promise<ScreenshotResult> {
    const device = this.host.device();
    const root = this.host.root.getBoundingClientRect();
    const dpr = window.devicePixelRatio || 1;
    const want = opts.scale ?? 1;
    const clamp = clampScale(want, dpr, this.stageSize(lab), root, {
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
    this.withPixelRatio(lab, dpr * scale, () =>
      this.withBackground(lab, background, () => {
        lab.view.render();
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
    const shot = opts.shot;
    const fps = shot?.fps ?? opts.fps ?? 30;
    const width = shot?.width ?? opts.width ?? 1280;
    const height =
      shot?.height ??
      (opts.aspect === 'page' ? pageAspectHeight(this.host.root, width) : (opts.height ?? 720));
    const duration = shot?.duration ?? opts.duration ?? 5;
    const total = shot?.frames ?? Math.max(1, Math.round(duration * fps));
    const mode = opts.mode ?? 'offline';
    if (width % 2 || height % 2) throw new Error(`the frame size must be even, got ${width}×${height}`);
    const messages: string[] = [];
    const say = (text: string, kind: 'info' | 'warn' | 'error' = 'warn') => {
      messages.push(text);
      this.host.notice(text, kind);
    };
    const device = this.host.device();
    if (!device) throw new Error('no GPU device');
    this.recording = { cancel: false, frames: 0, total, t0: performance.now() };
    const rec = this.recording;
    const t0 = performance.now();
    let lab = this.requireLab();
    const wasPreset = this.host.presetId();
    const before = { ...this.host.state() };
    let recorder: ClipRecorder | null = null;
    let lost = false;
    const onLost = device.lost.then(() => {
      lost = true;
    });
    void onLost;
    const hashes: string[] = [];
    const out = document.createElement('canvas');
    out.width = width;
    out.height = height;
    const ctx = out.getContext('2d', { alpha: false, willReadFrequently: opts.hashFrames ?? false })!;
    const background: Background = 'solid'; // video has no alpha
    if (opts.background === 'transparent')
      say('Video has no alpha channel: recording on the solid background.', 'info');
    const skip = skipper(opts.includeGui ?? false, opts.includeHud ?? true);
    const layout = captureLayout(lab, !(opts.includeGui ?? false));
    const root = this.host.root.getBoundingClientRect();
    const ratio = Math.min(width / root.width, height / root.height);
    const maxTex = device.limits.maxTextureDimension2D;
    const stage = this.stageSize(lab);
    const gpuRatio = Math.min(ratio, maxTex / Math.max(stage.width, stage.height));
    if (gpuRatio < ratio)
      say(`The 3-D view is drawn at ${gpuRatio.toFixed(2)}× (GPU texture limit ${maxTex}) and scaled up.`);
    const grab = (index: number, timestampUs?: number) => {
      this.lastComposition = compose(ctx, { root: this.host.root, width, height, background, skip });
      if (opts.hashFrames) hashes.push(hashCanvas(ctx, width, height));
      recorder!.addFrameSync(out, index, timestampUs);
    };
    let outcome: RecordResult['outcome'] = 'complete';
    this.ui.show();
    try {
      let sink = opts.sink;
      if (!sink && opts.pickFile && 'showSaveFilePicker' in window) {
        // Declining the file dialog cancels; any other failure falls back to memory. A browser with no
        // dialog to show (headless, kiosk, some embedded views) rejects with AbortError at once: a
        // person takes longer than NO_DIALOG_MS to decline, so a quicker "abort" is no dialog.
        const asked = performance.now();
        const picked = await pickFileSink(this.baseName(), opts.container ?? 'mp4').catch((e: Error) =>
          e?.name === 'AbortError' && performance.now() - asked >= NO_DIALOG_MS
            ? ('declined' as const)
            : undefined,
        );
        if (picked === 'declined') throw new Error('no file chosen');
        if (!picked) say('No save dialog here: recording to memory, downloaded when it ends.', 'info');
        sink = picked;
      }
      const memoryCap = opts.memoryCapBytes ?? MEMORY_CAP_BYTES;
      sink ??= new MemorySink(memoryCap);
      recorder = await ClipRecorder.create({ container: opts.container ?? 'mp4', width, height, fps }, sink);
      if (recorder.choice.message) say(recorder.choice.message);
      const full = () => sink instanceof MemorySink && sink.full;

      if (shot) {
        this.host.setFields(shotAt(shot, 0).state, { id: shot.preset });
      }
      const renderer = lab.view.renderer;
      const oldRatio = renderer.getPixelRatio();
      renderer.setPixelRatio(gpuRatio);
      lab.view.walkers?.setPixelScale(gpuRatio / oldRatio);
      try {
        if (mode === 'offline') {
          lab.hold(true);
          this.host.offline?.(fps);
          if (shot) {
            // Build the shot's scene (the loop is held: captureStep commits), then restart from the seed.
            await raceLost(lab.step(0, fps), device);
            lab.restart();
          }
          for (let i = 0; i < total; i++) {
            if (rec.cancel || (opts.cancelAfterFrames !== undefined && i >= opts.cancelAfterFrames)) {
              outcome = 'cancelled';
              break;
            }
            if (lost) {
              outcome = 'device-lost';
              break;
            }
            if (full()) {
              outcome = 'cap';
              break;
            }
            const t = i / fps;
            let pose: CameraPose | undefined;
            if (shot) {
              const at = shotAt(shot, t);
              applyShotFields(this.host, at.state);
              pose = at.camera;
            }
            const current = this.host.target();
            if (current !== lab || lost) {
              outcome = 'device-lost';
              break;
            }
            // One frame's worth of steps; the first frame shows the start.
            await raceLost(lab.step(i === 0 && shot ? 0 : this.host.state().steps, fps), device);
            if (lost) {
              outcome = 'device-lost';
              break;
            }
            this.host.refreshHud();
            if (pose) setCameraPose(lab, pose);
            lab.render();
            grab(i);
            rec.frames = i + 1;
            this.ui.update(this.progress);
            await recorder.drain(2);
          }
        } else {
          outcome = await this.realtime(
            lab,
            recorder,
            grab,
            total,
            fps,
            opts.cancelAfterFrames,
            () => lost || full(),
            shot,
          );
          if (outcome === 'complete' && lost) outcome = 'device-lost';
          if (outcome === 'complete' && full()) outcome = 'cap';
        }
      } finally {
        this.host.offline?.(null);
        if (this.host.target() === lab) {
          renderer.setPixelRatio(oldRatio);
          lab.view.walkers?.setPixelScale(1);
          lab.hold(false);
        }
      }
      if (outcome === 'device-lost')
        say(
          'The GPU device was lost during the recording: stopped, and kept the frames recorded so far.',
          'error',
        );
      if (outcome === 'cap' && sink instanceof MemorySink) say(sink.fullMessage);
      const frames = recorder.frames;
      const blob = await recorder.finish();
      if (frames === 0) outcome = 'empty';
      lab = this.host.target() ?? lab;
      const ext = recorder.container;
      const name = shot
        ? `occam-lens_${slug(shot.title)}_${timeStamp()}.${ext}`
        : `${this.baseName()}.${ext}`;
      return {
        blob,
        filename: name,
        container: recorder.container,
        codec: recorder.choice.codecString,
        frames,
        totalFrames: total,
        width,
        height,
        cancelled: outcome === 'cancelled' || outcome === 'empty',
        outcome,
        seconds: (performance.now() - t0) / 1000,
        messages,
        ...(opts.hashFrames ? { frameHashes: hashes } : {}),
      };
    } catch (e) {
      await recorder?.abort().catch(() => {});
      throw e;
    } finally {
      if (layout && this.host.target() === lab) captureLayout(lab, false);
      else document.body.classList.remove('capture-layout');
      this.recording = null;
      this.ui.hide();
      if (shot && !lost) this.host.setFields(before, { id: wasPreset });
    }
  }

  /** Grabs after each animation frame the app draws, at most `fps` per second of wall time. */
  private realtime(
    lab: CaptureTarget,
    recorder: ClipRecorder,
    grab: (i: number, ts: number) => void,
    total: number,
    fps: number,
    cancelAfter: number | undefined,
    stopped: () => boolean,
    shot: Shot | undefined,
  ): Promise<RecordResult['outcome']> {
    const rec = this.recording!;
    return new Promise((resolve) => {
      let start = -1;
      let next = 0;
      const finish = (o: RecordResult['outcome']) => {
        lab.onRender(null);
        resolve(o);
      };
      lab.onRender(() => {
        const now = performance.now();
        if (start < 0) start = now;
        const t = (now - start) / 1000;
        if (rec.cancel || (cancelAfter !== undefined && rec.frames >= cancelAfter))
          return finish('cancelled');
        // Real time: the clip lasts `total / fps` seconds of wall time, however many frames the screen drew.
        if (stopped() || rec.frames >= total || t >= total / fps) return finish('complete');
        if (shot) {
          const at = shotAt(shot, t);
          applyShotFields(this.host, at.state);
          setCameraPose(lab, at.camera);
        }
        if (t + 1e-3 < next / fps) return;
        // Drop the frame rather than queue without bound when the encoder falls behind.
        if (recorder.queued > 8) return;
        grab(rec.frames, Math.round(t * 1e6));
        rec.frames++;
        next = Math.max(next + 1, Math.floor(t * fps) + 1);
        this.ui.update(this.progress);
      });
      void this.host.device()?.lost.then(() => finish('device-lost'));
    });
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

/** Sets a shot's fields for one frame; a keyframed landscape change leaves the preset, as in the GUI. */
function applyShotFields(host: CaptureHost, next: SceneState): void {
  const changed = changedFields(host.state(), next);
  if (Object.keys(changed).length === 0) return;
  host.setFields(changed, 'landscape' in changed ? { id: undefined } : undefined);
}

/** Only the fields whose values differ (so unchanged keys do not mark anything dirty). */
function changedFields(now: SceneState, next: SceneState): Partial<SceneState> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(next) as (keyof SceneState)[]) if (now[k] !== next[k]) out[k] = next[k];
  return out as Partial<SceneState>;
}

function setCameraPose(lab: CaptureTarget, pose: CameraPose): void {
  const cam = lab.view.perspective;
  const az = (pose.azimuth * Math.PI) / 180;
  const el = (pose.elevation * Math.PI) / 180;
  // As SceneView.resize: on a narrow stage the camera backs off so the whole window stays in view.
  const d = pose.distance * Math.max(1, 1.25 / (cam.aspect || 1));
  cam.position.set(
    ORBIT_TARGET.x + d * Math.cos(el) * Math.sin(az),
    ORBIT_TARGET.y + d * Math.sin(el),
    ORBIT_TARGET.z + d * Math.cos(el) * Math.cos(az),
  );
  cam.lookAt(ORBIT_TARGET.x, ORBIT_TARGET.y, ORBIT_TARGET.z);
  cam.updateMatrixWorld();
}

async function waitSettled(lab: CaptureTarget): Promise<void> {
  for (let i = 0; i < 3000 && !lab.settled; i++) await new Promise((r) => setTimeout(r, 20));
}

function raceLost<T>(p: Promise<T>, device: GPUDevice): Promise<T | undefined> {
  return Promise.race([p, device.lost.then(() => undefined)]);
}

function windowSize(root: HTMLElement): [number, number] {
  const r = root.getBoundingClientRect();
  const dpr = window.devicePixelRatio || 1;
  const even = (x: number) => Math.max(2, 2 * Math.round((x * dpr) / 2));
  return [Math.min(3840, even(r.width)), Math.min(2160, even(r.height))];
}

/** FNV-1a over a subsample of the pixels: enough to tell two frames apart, cheap at any size. */
function hashCanvas(ctx: CanvasRenderingContext2D, w: number, h: number): string {
  const data = ctx.getImageData(0, 0, w, h).data;
  let a = 0x811c9dc5;
  for (let i = 0; i < data.length; i += 4) {
    a ^= data[i] | (data[i + 1] << 8) | (data[i + 2] << 16);
    a = Math.imul(a, 0x01000193) >>> 0;
  }
  return a.toString(16).padStart(8, '0');
}

async function pickFileSink(base: string, container: Container): Promise<ClipSink> {
  const picker = (
    window as unknown as {
      showSaveFilePicker(o: unknown): Promise<FileSystemFileHandle>;
    }
  ).showSaveFilePicker;
  const handle = await picker({
    suggestedName: `${base}.${container}`,
    types: [
      container === 'mp4'
        ? { description: 'MP4 video', accept: { 'video/mp4': ['.mp4'] } }
        : { description: 'WebM video', accept: { 'video/webm': ['.webm'] } },
    ],
  });
  return FileSystemSink.create(handle);
}
