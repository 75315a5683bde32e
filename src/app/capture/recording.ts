/**
 * One recording of the whole view into a clip (the controller starts it: GUI, keys, shots, the test
 * hook). Offline, it holds the app's animation loop and, per encoded frame, sets the shot's keyframed
 * fields and camera, advances exactly one frame's worth of steps (the scene's steps/frame), waits for
 * this frame's statistics, renders, composes, encodes and waits for the encoder: the clip is the same
 * however slow the machine, and does not depend on timers (a hidden tab does not disturb it). Real
 * time, it grabs after each animation frame the screen draws.
 */

import type { SceneState } from '../../scene/schema';
import { type CameraPose, type Shot, shotAt } from '../../scene/shot';
import { slug, timeStamp } from '../files';
import { type Background, captureLayout, pageAspectHeight, skipper, stageSize } from './capture-layout';
import { type CaptureHost, type CaptureTarget, requireTarget } from './capture-target';
import { type Composition, compose } from './compositor';
import type { CaptureProgress, ProgressUi } from './progress-ui';
import {
  ClipRecorder,
  type ClipSink,
  type Container,
  FileSystemSink,
  MEMORY_CAP_BYTES,
  MemorySink,
} from './recorder';

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

/** A running recording's counters: `cancel` is set from outside, the progress bar reads the rest. */
export interface RecordingState {
  cancel: boolean;
  frames: number;
  total: number;
  t0: number;
}

/** What a recording needs from the capture controller. */
export interface RecordingEnv {
  readonly host: CaptureHost;
  readonly ui: ProgressUi;
  /** The clip's file name without extension, when it is not a shot's. */
  baseName(): string;
  /** Each composed frame's layout (the controller keeps the last: tests check nothing is left out). */
  composed(c: Composition): void;
  /** The recording starts, `total` frames long: its counters. */
  begin(total: number): RecordingState;
  progress(): CaptureProgress;
  /** The recording is over, whatever its outcome. */
  end(): void;
}

/** A file dialog that answers sooner than this was never shown (see recordClip). */
const NO_DIALOG_MS = 250;

/** The orbit target of the app's perspective camera (SceneView). */
const ORBIT_TARGET = { x: 0, y: 0.1, z: 0 };

/** Records one clip (see above); the controller lets one run at a time. */
export async function recordClip(env: RecordingEnv, opts: RecordOptions): Promise<RecordResult> {
  const shot = opts.shot;
  const fps = shot?.fps ?? opts.fps ?? 30;
  const width = shot?.width ?? opts.width ?? 1280;
  const height =
    shot?.height ?? (opts.aspect === 'page' ? pageAspectHeight(env.host.root, width) : (opts.height ?? 720));
  const duration = shot?.duration ?? opts.duration ?? 5;
  const total = shot?.frames ?? Math.max(1, Math.round(duration * fps));
  const mode = opts.mode ?? 'offline';
  if (width % 2 || height % 2) throw new Error(`the frame size must be even, got ${width}×${height}`);
  const messages: string[] = [];
  const say = (text: string, kind: 'info' | 'warn' | 'error' = 'warn') => {
    messages.push(text);
    env.host.notice(text, kind);
  };
  const device = env.host.device();
  if (!device) throw new Error('no GPU device');
  const t0 = performance.now();
  let target = requireTarget(env.host);
  const wasPreset = env.host.presetId();
  const before = { ...env.host.state() };
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
  const layout = captureLayout(target, !(opts.includeGui ?? false));
  const root = env.host.root.getBoundingClientRect();
  const ratio = Math.min(width / root.width, height / root.height);
  const maxTex = device.limits.maxTextureDimension2D;
  const stage = stageSize(target);
  const gpuRatio = Math.min(ratio, maxTex / Math.max(stage.width, stage.height));
  if (gpuRatio < ratio)
    say(`The 3-D view is drawn at ${gpuRatio.toFixed(2)}× (GPU texture limit ${maxTex}) and scaled up.`);
  const grab = (index: number, timestampUs?: number) => {
    env.composed(compose(ctx, { root: env.host.root, width, height, background, skip }));
    if (opts.hashFrames) hashes.push(hashCanvas(ctx, width, height));
    recorder!.addFrameSync(out, index, timestampUs);
  };
  let outcome: RecordResult['outcome'] = 'complete';
  // The controller is busy from here, and the finally below always ends it: a throw before this
  // point (no scene yet, no 2-D context) leaves it free for the next recording.
  const rec = env.begin(total);
  env.ui.show();
  try {
    let sink = opts.sink;
    if (!sink && opts.pickFile && 'showSaveFilePicker' in window) {
      // Declining the file dialog cancels; any other failure falls back to memory. A browser with no
      // dialog to show (headless, kiosk, some embedded views) rejects with AbortError at once: a
      // person takes longer than NO_DIALOG_MS to decline, so a quicker "abort" is no dialog.
      const asked = performance.now();
      const picked = await pickFileSink(env.baseName(), opts.container ?? 'mp4').catch((e: Error) =>
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
      env.host.setFields(shotAt(shot, 0).state, { id: shot.preset });
    }
    const renderer = target.view.renderer;
    const oldRatio = renderer.getPixelRatio();
    renderer.setPixelRatio(gpuRatio);
    target.view.walkers?.setPixelScale(gpuRatio / target.view.screenRatio);
    try {
      if (mode === 'offline') {
        target.hold(true);
        env.host.offline?.(fps);
        if (shot) {
          // Build the shot's scene (the loop is held: step commits), then restart from the seed.
          await raceLost(target.step(0, fps), device);
          target.restart();
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
            applyShotFields(env.host, at.state);
            pose = at.camera;
          }
          const current = env.host.target();
          if (current !== target || lost) {
            outcome = 'device-lost';
            break;
          }
          // One frame's worth of steps; the first frame shows the start.
          await raceLost(target.step(i === 0 && shot ? 0 : env.host.state().steps, fps), device);
          if (lost) {
            outcome = 'device-lost';
            break;
          }
          env.host.refreshHud();
          if (pose) setCameraPose(target, pose);
          target.render();
          grab(i);
          rec.frames = i + 1;
          env.ui.update(env.progress());
          await recorder.drain(2);
        }
      } else {
        outcome = await realtime(
          env,
          rec,
          target,
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
      env.host.offline?.(null);
      if (env.host.target() === target) {
        renderer.setPixelRatio(oldRatio);
        target.view.walkers?.setPixelScale(1);
        target.hold(false);
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
    target = env.host.target() ?? target;
    const ext = recorder.container;
    const name = shot ? `occam-lens_${slug(shot.title)}_${timeStamp()}.${ext}` : `${env.baseName()}.${ext}`;
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
    if (layout && env.host.target() === target) captureLayout(target, false);
    else document.body.classList.remove('capture-layout');
    env.end();
    env.ui.hide();
    if (shot && !lost) env.host.setFields(before, { id: wasPreset });
  }
}

/** Grabs after each animation frame the app draws, at most `fps` per second of wall time. */
function realtime(
  env: RecordingEnv,
  rec: RecordingState,
  target: CaptureTarget,
  recorder: ClipRecorder,
  grab: (i: number, ts: number) => void,
  total: number,
  fps: number,
  cancelAfter: number | undefined,
  stopped: () => boolean,
  shot: Shot | undefined,
): Promise<RecordResult['outcome']> {
  return new Promise((resolve) => {
    let start = -1;
    let next = 0;
    const finish = (o: RecordResult['outcome']) => {
      target.onRender(null);
      resolve(o);
    };
    target.onRender(() => {
      const now = performance.now();
      if (start < 0) start = now;
      const t = (now - start) / 1000;
      if (rec.cancel || (cancelAfter !== undefined && rec.frames >= cancelAfter)) return finish('cancelled');
      // Real time: the clip lasts `total / fps` seconds of wall time, however many frames the screen drew.
      if (stopped() || rec.frames >= total || t >= total / fps) return finish('complete');
      if (shot) {
        const at = shotAt(shot, t);
        applyShotFields(env.host, at.state);
        setCameraPose(target, at.camera);
      }
      if (t + 1e-3 < next / fps) return;
      // Drop the frame rather than queue without bound when the encoder falls behind.
      if (recorder.queued > 8) return;
      grab(rec.frames, Math.round(t * 1e6));
      rec.frames++;
      next = Math.max(next + 1, Math.floor(t * fps) + 1);
      env.ui.update(env.progress());
    });
    void env.host.device()?.lost.then(() => finish('device-lost'));
  });
}

/**
 * Benchmark: offline frames/s at a size (compose + encode, with the scene's steps per frame), for
 * `frames` frames into a memory sink that is thrown away.

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

function setCameraPose(target: CaptureTarget, pose: CameraPose): void {
  const cam = target.view.perspective;
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

function raceLost<T>(p: Promise<T>, device: GPUDevice): Promise<T | undefined> {
  return Promise.race([p, device.lost.then(() => undefined)]);
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
