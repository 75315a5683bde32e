/**
 * App shell: acquires the GPUDevice, shows the no-WebGPU page when there is none, runs one Lab on the
 * device, owns the scene state (URL hash, JSON import/export, presets, GUI) and rebuilds the Lab on a
 * fresh device when the device is lost. Exposes `window.__occam` for tests and benchmarks.
 */

import { acquireBrowserDevice, NO_WEBGPU_HELP } from '../gpu/browser-device';
import { NoWebGPUError } from '../gpu/device';
import { type Derived, derive } from '../scene/derive';
import { findPreset } from '../scene/presets';
import { defaultState, type Key, parseField, type SceneState } from '../scene/schema';
import { CaptureController } from './capture/capture';
import { addCaptureFolder, type CaptureHook, captureHook } from './capture/capture-gui';
import { download, pickJsonFile } from './files';
import { type FrameSplit, Lab } from './lab';
import { LabCapture } from './lab-capture';
import type { LabStats } from './live-stats';
import { ControlPanel } from './ui/gui';
import { Hud } from './ui/hud';
import { Notices } from './ui/notices';
import { decodeHash, encodeHash, exportJson, importJson } from './ui/url-state';
import { StageStatus } from './view/stage-status';

/** What tests and benchmarks can reach on `window.__occam`. */
export interface OccamHook {
  readonly ready: boolean;
  readonly device: GPUDevice | null;
  readonly state: SceneState;
  readonly stats: LabStats | null;
  readonly derived: Derived | null;
  readonly recoveries: number;
  readonly settled: boolean;
  readonly presetId: string | undefined;
  /** Counts canvas pixels that differ from the background, at the size the screen shows it. */
  canvasPixels(): Promise<{ width: number; height: number; nonBackground: number }>;
  /** Sets one field as the GUI would. */
  set(key: Key, value: unknown): void;
  /**
   * The frame split (compute, readbacks, draw, present) at the current (or a given) walker count;
   * `budget: false` measures without the software frame budget (render scale, steps per frame);
   * `kernels: 'gpu'` steps the walkers with the GPU's WGSL even on a software adapter (rebuilding the
   * engine), where 'auto' (the default) uses the CPU kernels (walker-backend.ts).
   */
  benchFrame(
    walkers?: number,
    frames?: number,
    opts?: { budget?: boolean; kernels?: 'auto' | 'gpu' },
  ): Promise<FrameSplit>;
  readPositions(): Promise<Float32Array>;
  /**
   * Which kernels step the live walkers: 'auto' (the CPU's on a software adapter, walker-backend.ts)
   * or 'gpu' (the WGSL everywhere). A change rebuilds the engine; tests and benchmarks only.
   */
  setWalkerKernels(choice: 'auto' | 'gpu'): void;
  /** Walkers the 3-D view's points draw (from the draw's own count, not from pixels). */
  readonly drawnWalkers: number;
  /** The 3-D view's render scale (1: the screen's pixel ratio; below 1 on a software adapter). */
  readonly renderScale: number;
  /** The live analysis panel (λ̂ summary, the last concentration-vs-n view), for tests. */
  readonly analysis: import('./view/charts/analysis-panel').AnalysisPanel | null;
  /** Screenshots and recordings (src/app/capture). */
  readonly capture: CaptureHook;
}

declare global {
  interface Window {
    __occam?: OccamHook;
  }
}

class App {
  state: SceneState;
  presetId: string | undefined;
  lab: Lab | null = null;
  /** The lab as capture drives it: one per lab (see lab-capture.ts). */
  private labCapture: LabCapture | null = null;
  device: GPUDevice | null = null;
  adapterInfo: GPUAdapterInfo | undefined;
  recoveries = 0;
  private panel: ControlPanel | null = null;
  private readonly hud: Hud;
  private readonly notices: Notices;
  private readonly watch: HTMLElement;
  private stage: HTMLElement;
  private side: HTMLElement;
  private controls: HTMLElement;
  private readonly status: StageStatus;
  /** Fields whose last given value was rejected (their error notice is up). */
  private readonly rejectedKeys = new Set<Key>();
  private densityHost: HTMLElement;
  private hashTimer = 0;
  private recovering = false;
  private lastDerived: Derived | null = null;
  readonly capture: CaptureController;

  constructor() {
    this.stage = document.getElementById('stage')!;
    this.side = document.getElementById('side')!;
    this.controls = document.getElementById('controls') ?? this.side;
    this.hud = new Hud(this.stage);
    this.notices = new Notices(this.stage);
    this.status = new StageStatus(this.stage);
    this.watch = document.createElement('div');
    this.watch.id = 'watch';
    this.stage.append(this.watch);
    const title = document.createElement('div');
    title.className = 'side-title';
    title.innerHTML = '<h1>Occam Lens</h1><small>tempered posteriors, live</small>';
    title.append(presentButton());
    this.densityHost = document.createElement('div');
    this.side.append(title, this.densityHost);
    const decoded = decodeHash(location.hash, defaultState());
    this.state = decoded.state;
    this.presetId = decoded.presetId;
    if (decoded.errors.length > 0) this.reportStateErrors('URL hash', decoded.errors, true);
    this.updateWatch();
    this.capture = new CaptureController(this.captureHost());
  }

  private captureHost() {
    return {
      root: document.getElementById('app')!,
      target: () => this.labCapture,
      device: () => this.device,
      state: () => this.state,
      presetId: () => this.presetId,
      setFields: (fields: Partial<SceneState>, preset?: { id: string | undefined }) => {
        this.state = { ...this.state, ...fields };
        if (preset) this.presetId = preset.id;
        this.pushState();
      },
      refreshHud: () => {
        if (!this.lab) return;
        // Captures draw before the frame's own stats callback: bring the HUD and the watch box up to date.
        this.lastDerived = derive(this.state);
        this.updateWatch();
        this.hud.update(this.lab.stats, this.lastDerived, this.state, true);
      },
      notice: (text: string, kind: 'info' | 'warn' | 'error') => this.notices.show(text, kind),
      offline: (fps: number | null) => this.hud.setOffline(fps),
    };
  }

  /** `kept`: the other fields were applied (a link); else nothing was (a file). */
  private reportStateErrors(
    source: string,
    errors: readonly { key: string; message: string }[],
    kept = false,
  ): void {
    const text = errors.map((e) => e.message).join('; ');
    this.notices.show(
      kept
        ? `${source}: some fields rejected — ${text}. Those fields keep their defaults; the link's other fields apply.`
        : `${source} rejected — ${text}. Still running the ${this.lab ? 'current' : 'default'} scene.`,
      'error',
      0,
      `state:${source}`,
    );
  }

  async start(): Promise<void> {
    try {
      await this.acquire();
    } catch (e) {
      if (e instanceof NoWebGPUError || !('gpu' in navigator)) {
        showNoWebGPU((e as Error).message);
        return;
      }
      showNoWebGPU(`WebGPU is present but no device could be created: ${(e as Error).message}`);
      return;
    }
    await this.buildLab();
    this.panel = new ControlPanel(this.controls, this.guiHost());
    addCaptureFolder(this.panel.gui, this.capture, (t, k) => this.notices.show(t, k));
    window.addEventListener('hashchange', () => this.onHashChange());
  }

  private async acquire(): Promise<void> {
    const { adapter, device } = await acquireBrowserDevice();
    this.device = device;
    this.adapterInfo = adapter.info;
    device.addEventListener('uncapturederror', (ev) => {
      const err = (ev as GPUUncapturedErrorEvent).error;
      console.error(`WebGPU error: ${err.message}`);
    });
    void device.lost.then((info) => {
      if (device !== this.device) return;
      void this.recover(info);
    });
  }

  private async buildLab(): Promise<void> {
    const old = this.stage.querySelector('canvas');
    // A fresh canvas per device: a canvas context stays tied to the device that configured it.
    const canvas = document.createElement('canvas');
    canvas.id = 'view';
    if (old) old.replaceWith(canvas);
    else this.stage.prepend(canvas);
    this.status.starting();
    this.lab = await Lab.create(this.device!, this.adapterInfo, canvas, this.densityHost, this.state, {
      notice: (text, kind) => this.notices.show(text, kind),
      phase: (stage, newScene) => this.status.building(stage, newScene),
      stats: (s, d) => {
        // A rebuild that now succeeds clears the notice of the one that failed.
        if (s.buildError === null) this.notices.clear('Could not apply the scene');
        if (d.landscapeError === null) this.notices.clear('Could not build the landscape');
        this.status.frame(s, this.state);
        // A new landscape (also a new formula or model spec) retitles the watch box.
        const first = this.lastDerived?.key !== d.key;
        this.lastDerived = d;
        if (first) this.updateWatch();
        this.hud.update(s, d, this.state);
      },
    });
    this.labCapture = new LabCapture(this.lab);
    this.lab.start();
  }

  private async recover(info: GPUDeviceLostInfo): Promise<void> {
    if (this.recovering) return;
    this.recovering = true;
    this.notices.show(
      `The GPU device was lost (${info.reason || 'unknown'}: ${info.message || 'no message'}). Recreating it…`,
      'warn',
    );
    try {
      this.lab?.dispose();
      this.lab = null;
      this.labCapture = null;
      for (let attempt = 0; ; attempt++) {
        try {
          await this.acquire();
          await this.buildLab();
          break;
        } catch (e) {
          if (attempt >= 2) throw e;
          await new Promise((r) => setTimeout(r, 500 * (attempt + 1)));
        }
      }
      this.recoveries++;
      this.notices.show(
        'GPU device recreated: pipelines and buffers rebuilt, the same scene restarted from its seed.',
        'info',
      );
      this.panel?.refresh();
    } catch (e) {
      this.notices.show(
        `Could not recover the GPU device: ${(e as Error).message}. Reload the page to try again.`,
        'error',
      );
    } finally {
      this.recovering = false;
    }
  }

  /** Validates and applies one field (from the GUI or the test hook). */
  set(key: Key, value: unknown): void {
    const r = parseField(key, value);
    if ('error' in r) {
      // One notice per field: a second bad value replaces the first; a good one clears it.
      this.notices.show(`${r.error.message}; kept ${String(this.state[key])}.`, 'error', 0, `field:${key}`);
      this.rejectedKeys.add(key);
      this.panel?.refresh();
      return;
    }
    if (this.rejectedKeys.delete(key)) this.notices.clear(`field:${key}`);
    if (this.state[key] === r.value) return;
    this.state = { ...this.state, [key]: r.value };
    if (key === 'landscape') {
      this.presetId = undefined;
      this.lastDerived = null;
    }
    this.pushState();
  }

  private pushState(): void {
    this.lab?.setState(this.state);
    this.panel?.refresh();
    this.updateWatch();
    clearTimeout(this.hashTimer);
    this.hashTimer = window.setTimeout(() => {
      const hash = encodeHash(this.state, this.presetId);
      history.replaceState(null, '', `${location.pathname}${location.search}${hash}`);
    }, 150);
  }

  private replaceState(next: SceneState, presetId: string | undefined): void {
    // A whole new scene: earlier rejected field values no longer apply to it.
    for (const key of this.rejectedKeys) this.notices.clear(`field:${key}`);
    this.rejectedKeys.clear();
    this.state = next;
    this.presetId = presetId;
    this.pushState();
  }

  private onHashChange(): void {
    if (location.hash === encodeHash(this.state, this.presetId)) return;
    const decoded = decodeHash(location.hash, this.state);
    if (decoded.errors.length > 0) this.reportStateErrors('URL hash', decoded.errors, true);
    else this.notices.clear('state:URL hash');
    this.replaceState(decoded.state, decoded.presetId);
  }

  private updateWatch(): void {
    const preset = this.presetId ? findPreset(this.presetId) : undefined;
    this.watch.replaceChildren();
    const h = document.createElement('h2');
    const p = document.createElement('p');
    if (preset) {
      h.textContent = preset.title;
      p.textContent = preset.watch;
    } else {
      const d = this.lastDerived;
      h.textContent = d ? d.landscape.title : 'Occam Lens';
      p.textContent = d ? d.landscape.description : 'Langevin walkers sampling a tempered posterior.';
    }
    this.watch.append(h, p);
  }

  private guiHost() {
    return {
      get state() {
        return app.state;
      },
      set: (key: Key, value: unknown) => this.set(key, value),
      applyPreset: (id: string) => {
        const preset = findPreset(id);
        if (!preset) return;
        this.replaceState({ ...defaultState(), ...preset.state }, id);
      },
      presetId: () => this.presetId,
      reset: () => this.lab?.reset(),
      singleStep: () => this.lab?.singleStep(),
      walkersInUse: () => (this.lab ? this.lab.resolveWalkers(this.state).count : 0),
      rejected: (key: Key) => this.rejectedKeys.has(key),
      copyLink: () => {
        const url = `${location.origin}${location.pathname}${encodeHash(this.state, this.presetId)}`;
        void navigator.clipboard?.writeText(url).then(
          () => this.notices.show('Link copied: it reproduces this scene, seed included.', 'info'),
          () => this.notices.show(url, 'info'),
        );
      },
      exportJson: () => {
        const blob = new Blob([exportJson(this.state)], { type: 'application/json' });
        download(blob, `occam-lens-${this.state.landscape}-n${this.state.n}.json`);
      },
      importJson: () =>
        pickJsonFile(async (file) => {
          const decoded = importJson(await file.text(), this.state);
          if (decoded.errors.length > 0) this.reportStateErrors(`File ${file.name}`, decoded.errors);
          else this.replaceState(decoded.state, undefined);
        }),
    };
  }

  hook(): OccamHook {
    return {
      get ready() {
        return app.lab !== null;
      },
      get device() {
        return app.device;
      },
      get state() {
        return app.state;
      },
      get stats() {
        return app.lab?.stats ?? null;
      },
      get derived() {
        return app.lastDerived;
      },
      get recoveries() {
        return app.recoveries;
      },
      get settled() {
        return app.lab?.settled ?? false;
      },
      get presetId() {
        return app.presetId;
      },
      canvasPixels: () => canvasPixels(this.stage.querySelector('canvas')!),
      set: (key, value) => this.set(key, value),
      benchFrame: async (walkers, frames = 10, opts = {}) => {
        if (walkers !== undefined) {
          this.set('walkers', walkers);
          while (!this.lab?.settled) await new Promise((r) => setTimeout(r, 50));
        }
        const lab = this.lab!;
        lab.setFrameBudget(opts.budget ?? true);
        lab.setWalkerBackend(opts.kernels ?? 'auto');
        try {
          while (!lab.settled) await new Promise((r) => setTimeout(r, 50));
          return await lab.benchFrame(frames);
        } finally {
          lab.setFrameBudget(true);
          lab.setWalkerBackend('auto');
        }
      },
      readPositions: () => this.lab!.readPositions(),
      setWalkerKernels: (choice) => this.lab?.setWalkerBackend(choice),
      get drawnWalkers() {
        return app.lab?.view.walkers?.drawn ?? 0;
      },
      get renderScale() {
        return app.lab?.renderScale ?? 1;
      },
      get analysis() {
        return app.lab?.analysis ?? null;
      },
      capture: captureHook(this.capture),
    };
  }
}

async function canvasPixels(
  canvas: HTMLCanvasElement,
): Promise<{ width: number; height: number; nonBackground: number }> {
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve));
  if (!blob) return { width: canvas.width, height: canvas.height, nonBackground: 0 };
  const bitmap = await createImageBitmap(blob);
  // Counted as the screen shows the canvas: at its CSS size × the screen's pixel ratio, so a reduced
  // render scale (a software GPU, frame-budget.ts) is scaled up as the browser scales it.
  const dpr = Math.min(2, window.devicePixelRatio || 1);
  const width = Math.max(1, Math.round((canvas.clientWidth || bitmap.width) * dpr));
  const height = Math.max(1, Math.round((canvas.clientHeight || bitmap.height) * dpr));
  const off = new OffscreenCanvas(width, height);
  const ctx = off.getContext('2d')!;
  ctx.drawImage(bitmap, 0, 0, width, height);
  const data = ctx.getImageData(0, 0, width, height).data;
  let nonBackground = 0;
  for (let i = 0; i < data.length; i += 4) {
    if (Math.abs(data[i] - 13) + Math.abs(data[i + 1] - 15) + Math.abs(data[i + 2] - 20) > 24)
      nonBackground++;
  }
  return { width, height, nonBackground };
}

/**
 * Presentation mode (talks): the controls column goes, the stage and the readouts stay. The button in
 * the readouts' title and the H key toggle it; the state is `body.presenting`.
 */
function presentButton(): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.id = 'present';
  // capture-ui: a control, not part of screenshots and clips.
  b.className = 'icon-button capture-ui';
  b.title = 'Presentation mode: hide the controls (H)';
  b.innerHTML =
    '<svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true"><rect x="1.5" y="2.5" width="13" height="9" rx="1" fill="none" stroke="currentColor"/><path d="M8 11.5v2.5M5 14h6" stroke="currentColor"/></svg><span>present</span>';
  const toggle = () => {
    const on = document.body.classList.toggle('presenting');
    b.querySelector('span')!.textContent = on ? 'show controls' : 'present';
    window.dispatchEvent(new Event('resize'));
  };
  b.addEventListener('click', toggle);
  window.addEventListener('keydown', (e) => {
    const t = e.target as HTMLElement | null;
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (t && (t.tagName === 'INPUT' || t.tagName === 'SELECT' || t.tagName === 'TEXTAREA')) return;
    if (e.key === 'h' || e.key === 'H') toggle();
  });
  return b;
}

function showNoWebGPU(reason: string): void {
  document.title = 'Occam Lens — WebGPU needed';
  const box = document.createElement('div');
  box.className = 'nowebgpu';
  box.id = 'no-webgpu';
  box.innerHTML = `<h1>Occam Lens needs WebGPU</h1>
<p class="reason"></p>
<ul>
  <li><b>Chrome / Edge 113+</b> on Windows, macOS and ChromeOS; on Linux enable <code>chrome://flags/#enable-unsafe-webgpu</code> and Vulkan (<code>--enable-features=Vulkan</code>).</li>
  <li><b>Safari 26+</b> (macOS, iOS, iPadOS).</li>
  <li><b>Firefox 141+</b> on Windows; elsewhere set <code>dom.webgpu.enabled</code> in <code>about:config</code>.</li>
  <li>Serve the page over <code>https</code> or from <code>localhost</code>; check <a href="https://webgpureport.org">webgpureport.org</a>.</li>
</ul>`;
  box.querySelector('.reason')!.textContent = reason || NO_WEBGPU_HELP;
  document.body.replaceChildren(box);
}

const app = new App();
window.__occam = app.hook();
void app.start();
