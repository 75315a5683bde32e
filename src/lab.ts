/**
 * Lab: one running scene on one GPUDevice. It owns the engine, the walker histogram and the 3-D view,
 * turns scene-state changes into the smallest rebuild (uniforms only, new surface, new exact density,
 * new engine), advances the walkers each frame and keeps the HUD statistics. The app shell (main.ts)
 * owns the device and replaces the whole Lab when the device is lost.
 */
import { findLandscape, type Landscape, landscapes } from './engine/landscapes';
import { wbicBeta } from './engine/posterior';
import { maxWalkers, WalkerEngine, type WalkerStats } from './engine/walker-engine';
import type { SceneState } from './ui/schema';
import { DensityPanel } from './view/density-panel';
import { exactCellMass, type GridPosterior, surfaceHeights, type Window2D } from './view/grid-compute';
import { SceneView, SURFACE_RES } from './view/scene-view';
import { normaliseHeights } from './view/surface-mesh';
import { requireGpuBufferOf } from './view/three-buffer-adapter';
import { WalkerHistogram } from './view/walker-histogram';

/** Default walker counts when the state says "auto" (0). */
export const AUTO_WALKERS = { hardware: 1 << 18, software: 1 << 15 } as const;

/** Fewest walkers inside the window for which the walker-vs-exact TV distance is reported. */
export const MIN_WALKERS_FOR_TV = 1000;

export interface Derived {
  readonly landscape: Landscape;
  readonly params: number[];
  readonly beta: number;
  readonly nbeta: number;
  readonly eps: number;
  readonly wstar: [number, number];
  readonly singularPoint: readonly number[];
  readonly window: Window2D;
  /** Radius of the "mass near the singular point" ball: 1/√(nβ), at most the prior scale. */
  readonly massRadius: number;
}

/** Everything the state implies, in one place (pure). */
export function derive(s: SceneState): Derived {
  const landscape = findLandscape(s.landscape) ?? landscapes[0];
  const params = landscape.params.map((p) => (p.name === 'a' ? s.a : p.name === 'b' ? s.b : p.default));
  const beta = s.betaAuto ? wbicBeta(s.n) : s.beta;
  const nbeta = s.n * beta;
  const eps = s.epsAuto ? Math.min(0.1 * s.R * s.R, 0.5 / nbeta) : s.eps;
  const sp = landscape.singularPoints[Math.min(s.point, landscape.singularPoints.length - 1)]?.w ?? [0, 0];
  const full = s.prior === 'box' ? s.R : 3 * s.R;
  const half = s.zoom ? Math.min(full, 4 / Math.sqrt(nbeta)) : full;
  const cx = s.zoom ? sp[0] : 0;
  const cy = s.zoom ? sp[1] : 0;
  return {
    landscape,
    params,
    beta,
    nbeta,
    eps,
    wstar: [s.wx, s.wy],
    singularPoint: sp,
    window: { lo: [cx - half, cy - half], hi: [cx + half, cy + half] },
    massRadius: Math.min(s.R, 1 / Math.sqrt(nbeta)),
  };
}

export interface WalkerCount {
  readonly count: number;
  readonly capped: boolean;
  readonly limit: number;
}

/** 0 means auto (by adapter kind); anything above the device limit is capped to it. */
export function resolveWalkerCount(requested: number, software: boolean, limit: number): WalkerCount {
  const want = requested > 0 ? requested : software ? AUTO_WALKERS.software : AUTO_WALKERS.hardware;
  return { count: Math.min(want, limit), capped: want > limit, limit };
}

export interface LabStats {
  frames: number;
  fps: number;
  walkerStepsPerSec: number;
  walkers: number;
  step: number;
  acceptance: number;
  diverged: number;
  meanLoss: number;
  lambdaHat: number;
  massNear: number;
  massRadius: number;
  tv: number | null;
  /**
   * The TV distance expected from sampling noise alone if the walkers were exact independent draws:
   * ½·Σ E|X_i/N − p_i| ≈ ½·Σ √(2p_i(1 − p_i)/(πN)) (normal approximation to each binomial cell count).
   */
  tvNoise: number | null;
  insideFraction: number | null;
  histograms: number;
  exactReady: boolean;
  lastFrameMs: number;
}

export interface LabCallbacks {
  /** A user-facing message (capped walker count, failed rebuild). */
  notice(text: string, kind: 'info' | 'warn' | 'error'): void;
  /** Called after each frame with fresh statistics. */
  stats?(s: LabStats, d: Derived): void;
}

const isSoftware = (info: GPUAdapterInfo | undefined): boolean =>
  !!info &&
  /swiftshader|llvmpipe|software|lavapipe|warp/i.test(
    `${info.vendor} ${info.architecture} ${info.device} ${info.description}`,
  );

export class Lab {
  state: SceneState;
  readonly view: SceneView;
  readonly density: DensityPanel;
  engine: WalkerEngine | null = null;
  private hist: WalkerHistogram | null = null;
  private exact: Float64Array | null = null;
  /** The window and bins the exact masses were computed for (JSON). */
  private exactFor = '';
  private keys = { engine: '', uniforms: '', reset: '', surface: '', exact: '', hist: '', wstar: '' };
  private committing = false;
  private statsPending = false;
  private histPending = false;
  private stepsSinceClear = 0;
  private lossAtWstar = 0;
  private rafId = 0;
  private disposed = false;
  private resetRequested = false;
  /** While true the animation loop does nothing (benchmarks time compute and drawing alone). */
  private paused = false;
  private stepRequested = false;
  private readonly software: boolean;
  readonly stats: LabStats = {
    frames: 0,
    fps: 0,
    walkerStepsPerSec: 0,
    walkers: 0,
    step: 0,
    acceptance: Number.NaN,
    diverged: 0,
    meanLoss: Number.NaN,
    lambdaHat: Number.NaN,
    massNear: Number.NaN,
    massRadius: 0,
    tv: null,
    tvNoise: null,
    insideFraction: null,
    histograms: 0,
    exactReady: false,
    lastFrameMs: 0,
  };
  private rate = { t0: performance.now(), frames: 0, steps: 0 };
  private readonly onResize = () => this.view.resize();

  private constructor(
    readonly device: GPUDevice,
    adapterInfo: GPUAdapterInfo | undefined,
    view: SceneView,
    density: DensityPanel,
    state: SceneState,
    private readonly cb: LabCallbacks,
  ) {
    this.view = view;
    this.density = density;
    this.state = { ...state };
    this.software = isSoftware(adapterInfo);
    window.addEventListener('resize', this.onResize);
  }

  static async create(
    device: GPUDevice,
    adapterInfo: GPUAdapterInfo | undefined,
    canvas: HTMLCanvasElement,
    densityParent: HTMLElement,
    state: SceneState,
    cb: LabCallbacks,
  ): Promise<Lab> {
    const view = await SceneView.create(canvas, device);
    const density = new DensityPanel(densityParent);
    const lab = new Lab(device, adapterInfo, view, density, state, cb);
    await lab.commit();
    return lab;
  }

  /** Starts the animation loop. */
  start(): void {
    const loop = () => {
      if (this.disposed) return;
      if (!this.paused) this.frame();
      this.rafId = requestAnimationFrame(loop);
    };
    this.rafId = requestAnimationFrame(loop);
  }

  /** The walker count a state asks for, capped at the device's limit. */
  resolveWalkers(s: SceneState): { count: number; capped: boolean; limit: number } {
    const requested =
      s.walkers > 0 ? s.walkers : this.software ? AUTO_WALKERS.software : AUTO_WALKERS.hardware;
    const limit = maxWalkers(this.device, derive(s).landscape.dim);
    return { count: Math.min(requested, limit), capped: requested > limit, limit };
  }

  get autoWalkers(): number {
    return this.software ? AUTO_WALKERS.software : AUTO_WALKERS.hardware;
  }

  setState(next: SceneState): void {
    this.state = { ...next };
  }

  reset(): void {
    this.resetRequested = true;
  }

  singleStep(): void {
    this.stepRequested = true;
  }

  private keysFor(s: SceneState, d: Derived) {
    const w = this.resolveWalkers(s);
    const post = [d.landscape.id, d.params, d.nbeta, s.gamma, s.prior, s.R, s.wx, s.wy];
    return {
      engine: `${d.landscape.id}|${w.count}`,
      uniforms: JSON.stringify([...post, s.sampler, d.eps, s.seed]),
      reset: `${s.seed}|${s.init}`,
      surface: JSON.stringify([d.landscape.id, d.params, d.window, s.logScale, s.colormap]),
      exact: JSON.stringify([...post, d.window, s.bins]),
      hist: `${s.bins}`,
      wstar: JSON.stringify([d.landscape.id, d.params, s.wx, s.wy]),
    };
  }

  private gridPosterior(s: SceneState, d: Derived): GridPosterior {
    return {
      landscape: d.landscape,
      params: d.params,
      nbeta: d.nbeta,
      gamma: s.gamma,
      prior: { kind: s.prior, scale: s.R },
      wstar: d.wstar,
    };
  }

  /** Brings GPU objects in line with the state; only what changed is rebuilt. */
  async commit(): Promise<void> {
    if (this.committing || this.disposed) return;
    this.committing = true;
    try {
      for (let pass = 0; pass < 4; pass++) {
        const s = { ...this.state };
        const d = derive(s);
        const k = this.keysFor(s, d);
        const changed = (Object.keys(k) as (keyof typeof k)[]).filter((name) => k[name] !== this.keys[name]);
        if (changed.length === 0) break;
        await this.apply(s, d, k, new Set(changed));
      }
    } catch (e) {
      if (!this.disposed) this.cb.notice(`Could not apply the scene: ${(e as Error).message}`, 'error');
    } finally {
      this.committing = false;
    }
  }

  private async apply(
    s: SceneState,
    d: Derived,
    k: ReturnType<Lab['keysFor']>,
    changed: Set<string>,
  ): Promise<void> {
    const config = {
      landscape: d.landscape,
      params: d.params,
      n: s.n,
      beta: d.beta,
      gamma: s.gamma,
      prior: { kind: s.prior, scale: s.R },
      wstar: d.wstar,
      sampler: s.sampler,
      eps: d.eps,
      seed: s.seed,
    } as const;
    if (changed.has('engine')) {
      const w = this.resolveWalkers(s);
      if (w.capped) {
        this.cb.notice(
          `Walker count ${s.walkers.toLocaleString()} exceeds this device's limit; capped at ${w.count.toLocaleString()}.`,
          'warn',
        );
      }
      this.engine?.destroy();
      this.engine = null;
      this.hist?.destroy();
      this.hist = null;
      const points = this.view.replaceWalkers(w.count);
      points.pointSize = s.pointSize;
      points.setWindow(d.window);
      // three creates the attribute's GPUBuffer lazily: one render makes it, then the engine writes it.
      this.view.render();
      const positions = requireGpuBufferOf(this.view.renderer, points.attribute);
      const engine = await WalkerEngine.create(this.device, {
        ...config,
        walkers: w.count,
        externalPositions: positions,
      });
      if (this.disposed) {
        engine.destroy();
        return;
      }
      engine.reset(s.init);
      this.engine = engine;
      this.stats.walkers = w.count;
      this.stepsSinceClear = 0;
      changed.add('hist');
      changed.add('wstar');
    } else if (this.engine) {
      if (changed.has('uniforms')) this.engine.update(config);
      if (changed.has('reset')) {
        this.engine.reset(s.init);
        this.stepsSinceClear = 0;
      }
    }
    if (changed.has('hist') && this.engine) {
      this.hist?.destroy();
      this.hist = await WalkerHistogram.create(
        this.device,
        this.engine.positions,
        this.engine.walkers,
        this.engine.dim,
        s.bins,
      );
    }
    if (changed.has('wstar') && this.engine) {
      this.lossAtWstar = (await this.engine.evaluate(d.wstar)).loss[0];
    }
    if (changed.has('surface')) {
      const heights = await surfaceHeights(this.device, this.gridPosterior(s, d), SURFACE_RES, d.window);
      this.view.setHeights(normaliseHeights(heights, { log: s.logScale }), s.colormap);
    }
    if (changed.has('exact')) {
      this.exact = await exactCellMass(this.device, this.gridPosterior(s, d), s.bins, d.window);
      this.exactFor = JSON.stringify([d.window, s.bins]);
      this.stats.exactReady = true;
    }
    this.view.setWindow(d.window);
    this.keys = k;
  }

  /** One animation frame: commit changes, step the walkers, kick off readbacks, draw. */
  frame(): void {
    const t0 = performance.now();
    const s = this.state;
    const d = derive(s);
    const k = this.keysFor(s, d);
    if (
      !this.committing &&
      (Object.keys(k) as (keyof typeof k)[]).some((name) => k[name] !== this.keys[name])
    ) {
      void this.commit();
    }
    const engine = this.committing && k.engine !== this.keys.engine ? null : this.engine;
    if (engine) {
      if (this.resetRequested) {
        engine.reset(s.init);
        this.stepsSinceClear = 0;
        this.resetRequested = false;
      }
      if (s.running || this.stepRequested) {
        engine.advance(s.steps);
        this.stepsSinceClear += s.steps;
        this.rate.steps += s.steps * engine.walkers;
        this.stepRequested = false;
      }
      this.readStats(engine, d);
      if (s.density || s.exact) this.readHistogram(d);
    }
    this.view.setVisible({ surface: s.surface, points: s.points });
    if (this.view.surface) this.view.surface.contours = s.contours;
    if (this.view.walkers) this.view.walkers.pointSize = s.pointSize;
    this.view.setCameraMode(s.camera);
    this.density.visible = s.density;
    this.view.render();
    this.stats.frames++;
    this.rate.frames++;
    this.stats.lastFrameMs = performance.now() - t0;
    const now = performance.now();
    if (now - this.rate.t0 >= 1000) {
      const dt = (now - this.rate.t0) / 1000;
      this.stats.fps = this.rate.frames / dt;
      this.stats.walkerStepsPerSec = this.rate.steps / dt;
      this.rate = { t0: now, frames: 0, steps: 0 };
    }
    this.stats.step = this.engine?.step ?? 0;
    this.stats.massRadius = d.massRadius;
    this.cb.stats?.(this.stats, d);
  }

  private readStats(engine: WalkerEngine, d: Derived): void {
    if (this.statsPending) return;
    this.statsPending = true;
    engine
      .readStats({ center: d.singularPoint, radius: d.massRadius })
      .then((st: WalkerStats) => {
        if (engine !== this.engine) return;
        if (Number.isFinite(st.acceptance)) this.stats.acceptance = st.acceptance;
        this.stats.diverged = st.diverged;
        this.stats.meanLoss = st.meanLoss;
        this.stats.lambdaHat = d.nbeta * (st.meanLoss - this.lossAtWstar);
        this.stats.massNear = st.massNear;
        if (this.stepsSinceClear >= 64) {
          engine.clearCounters();
          this.stepsSinceClear = 0;
        }
      })
      .catch(() => {
        // The engine was replaced or the device lost mid-readback: the next frame reads again.
      })
      .finally(() => {
        this.statsPending = false;
      });
  }

  private readHistogram(d: Derived): void {
    const hist = this.hist;
    if (!hist || this.histPending || hist.busy) return;
    this.histPending = true;
    const s = this.state;
    hist
      .read(d.window)
      .then((h) => {
        if (hist !== this.hist || this.disposed) return;
        const p = new Float64Array(h.counts.length);
        if (h.inside > 0) for (let i = 0; i < p.length; i++) p[i] = h.counts[i] / h.inside;
        const exact = this.exact && this.exactFor === JSON.stringify([h.window, h.bins]) ? this.exact : null;
        let tv: number | null = null;
        // Below ~1000 walkers in the window a TV distance says more about noise than about the sampler.
        if (exact && h.inside >= MIN_WALKERS_FOR_TV) {
          let sum = 0;
          let noise = 0;
          for (let i = 0; i < p.length; i++) {
            sum += Math.abs(p[i] - exact[i]);
            noise += Math.sqrt((2 * exact[i] * (1 - exact[i])) / (Math.PI * h.inside));
          }
          tv = 0.5 * sum;
          this.stats.tvNoise = 0.5 * noise;
        }
        if (tv === null) this.stats.tvNoise = null;
        this.stats.tv = tv;
        this.stats.insideFraction = h.inside / h.walkers;
        this.stats.histograms++;
        if (s.density) {
          this.density.draw({
            bins: h.bins,
            window: h.window,
            walkers: p,
            exact,
            colormap: s.colormap,
            showExact: s.exact,
            tv,
            tvNoise: this.stats.tvNoise,
            insideFraction: this.stats.insideFraction,
          });
        }
      })
      .catch(() => {})
      .finally(() => {
        this.histPending = false;
      });
  }

  /** Times compute and drawing separately (each waits for the queue), for benchmarks. */
  async benchFrame(
    frames = 10,
  ): Promise<{ walkers: number; computeMs: number; renderMs: number; totalMs: number }> {
    const engine = this.engine;
    if (!engine) throw new Error('no engine yet');
    const q = this.device.queue;
    this.paused = true;
    try {
      return await this.timeFrames(engine, q, frames);
    } finally {
      this.paused = false;
    }
  }

  private async timeFrames(engine: WalkerEngine, q: GPUQueue, frames: number) {
    await q.onSubmittedWorkDone();
    let t = performance.now();
    for (let i = 0; i < frames; i++) engine.advance(this.state.steps);
    await q.onSubmittedWorkDone();
    const computeMs = (performance.now() - t) / frames;
    t = performance.now();
    for (let i = 0; i < frames; i++) this.view.render();
    await q.onSubmittedWorkDone();
    const renderMs = (performance.now() - t) / frames;
    return { walkers: engine.walkers, computeMs, renderMs, totalMs: computeMs + renderMs };
  }

  /** True once the engine matches the state and nothing is being rebuilt. */
  get settled(): boolean {
    const s = this.state;
    const d = derive(s);
    const k = this.keysFor(s, d);
    return (
      !this.committing &&
      this.engine !== null &&
      (Object.keys(k) as (keyof typeof k)[]).every((n) => k[n] === this.keys[n])
    );
  }

  /** Positions of every walker (tests only: a full readback). */
  async readPositions(): Promise<Float32Array> {
    if (!this.engine) throw new Error('no engine yet');
    return this.engine.readPositions();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    cancelAnimationFrame(this.rafId);
    window.removeEventListener('resize', this.onResize);
    this.engine?.destroy();
    this.engine = null;
    this.hist?.destroy();
    this.hist = null;
    this.view.dispose();
    this.density.root.remove();
  }
}
