/**
 * Lab: one running scene on one GPUDevice. It owns the engine, the walker histogram and the 3-D view,
 * turns scene-state changes into the smallest rebuild (uniforms only, new surface, new exact density,
 * new engine), advances the walkers each frame and draws every panel. Its live statistics (readbacks,
 * TV distance) are live-stats.ts; capture drives it through lab-capture.ts. The app shell (main.ts)
 * owns the device and replaces the whole Lab when the device is lost.
 */

import { evaluateLandscape } from '../core/landscapes/landscape-eval';
import { maxWalkers, WalkerEngine } from '../core/walkers/walker-engine';
import { exactCellMass, surfaceHeights } from '../gpu/grid-compute';
import { SliceProjection } from '../gpu/slice-projection';
import { WalkerHistogram } from '../gpu/walker-histogram';
import { type Derived, derive } from '../scene/derive';
import { gridPosteriorOf, scenePosterior } from '../scene/posterior';
import type { SceneState } from '../scene/schema';
import { resolveWalkerCount, type WalkerCount } from '../scene/walker-count';
import { budgetNote, budgetSteps, readbacksDue, StepCost } from './frame-budget';
import { ConcentrationSweep } from './jobs/concentration-sweep';
import { freeEnergyAnalysis } from './jobs/free-energy';
import { GeneralisationAnalysis } from './jobs/generalisation-view';
import { GroupAnalysis } from './jobs/group-analysis';
import { ladderAnalysis } from './jobs/ladder-analysis';
import { type LabStats, LiveStats } from './live-stats';
import { AnalysisPanel } from './view/charts/analysis-panel';
import { DensityPanel, paramLabel } from './view/density-panel';
import { FunctionSpaceView } from './view/function-space-view';
import { PolyFunctionsPanel } from './view/poly-functions-panel';
import { PolyGdPanel } from './view/poly-gd-panel';
import { SceneView, SURFACE_RES } from './view/scene-view';
import { SgdBayesView } from './view/sgd-bayes-view';
import { normaliseHeights } from './view/surface-mesh';
import { requireGpuBufferOf } from './view/three-buffer-adapter';
import { type WalkerBackendChoice, walkerEngineOptions } from './walker-backend';

export interface LabCallbacks {
  /** A user-facing message (capped walker count, failed rebuild). */
  notice(text: string, kind: 'info' | 'warn' | 'error'): void;
  /** Called after each frame with fresh statistics. */
  stats?(s: LabStats, d: Derived): void;
  /**
   * The rebuild stage now running ("compiling the landscape's shaders", "building the surface", …),
   * null when a rebuild ends; `newScene`: the walkers are being replaced (the old scene is stale).
   */
  phase?(stage: string | null, newScene: boolean): void;
}

/** The frame split of `benchFrame` (ms per frame; see `timeFrames`). */
export interface FrameSplit {
  walkers: number;
  /** Steps per frame the live loop would take now (after the frame budget). */
  steps: number;
  /** Which kernels stepped the walkers (the CPU's on a software adapter, walker-backend.ts). */
  backend: 'gpu' | 'cpu';
  /** Walker steps (and, for d > 2, the slice projection). */
  computeMs: number;
  /** The statistics reduction and its readback. */
  statsMs: number;
  /** The walker histogram and its readback. */
  histogramMs: number;
  /** three.js's draw of the whole scene; then the walkers alone and the surface alone. */
  renderMs: number;
  pointsMs: number;
  surfaceMs: number;
  /** An animation frame that submits nothing: the page's own compositing. */
  idleFrameMs: number;
  /** A presented frame (drawn in an animation frame) minus the draw alone. */
  presentMs: number;
  /** compute + stats + histogram + a presented frame: a live frame's parts, run one after another. */
  totalMs: number;
  /** The canvas's device pixels, and its render scale (1: the screen's pixel ratio). */
  canvas: [number, number];
  renderScale: number;
  /** The live loop's frame interval (all of the above as the app runs them, with the page's own work). */
  liveFrameMs: number;
}

const nextFrame = (): Promise<void> => new Promise((ok) => requestAnimationFrame(() => ok()));

const isSoftware = (info: GPUAdapterInfo | undefined): boolean =>
  !!info &&
  /swiftshader|llvmpipe|software|lavapipe|warp/i.test(
    `${info.vendor} ${info.architecture} ${info.device} ${info.description}`,
  );

export class Lab {
  /** Replaced by `setState`, never mutated (derived values are cached per state object). */
  state: SceneState;
  readonly view: SceneView;
  readonly density: DensityPanel;
  engine: WalkerEngine | null = null;
  private hist: WalkerHistogram | null = null;
  private exact: Float64Array | null = null;
  /** The window and bins the exact masses were computed for (JSON). */
  private exactFor = '';
  private derived: { s: SceneState; d: Derived; k: Lab['keys'] } | null = null;
  private keys = { engine: '', uniforms: '', reset: '', surface: '', exact: '', hist: '', wstar: '' };
  private committing = false;
  /** The running commit: offline capture awaits it. */
  private commitRun: Promise<void> = Promise.resolve();
  private lossAtWstar = 0;
  /** d > 2: copies the two slice coordinates of each walker into the drawn attribute. */
  private projection: SliceProjection | null = null;
  /** The buffer the walkers are drawn from (the engine's positions for d = 2, projected pairs else). */
  private drawBuffer: GPUBuffer | null = null;
  /** Keys of a state whose rebuild failed: not retried until the state changes. */
  private failedKeys = '';
  /** What the running engine was built for (the previous scene keeps running after a failed rebuild). */
  private applied: Derived | null = null;
  readonly analysis: AnalysisPanel;
  /** The polynomial model's function space (nearest monomial, curve density), below the density panel. */
  readonly polyFunctions: PolyFunctionsPanel;
  /** The polynomial model's SGD-vs-Bayes panel: gradient-descent fits beside the walkers' shares. */
  readonly polyGd: PolyGdPanel;
  private readonly sweep: ConcentrationSweep;
  /** Function-space mode: random networks streamed through the GPU hash table, over the stage. */
  readonly functionSpace: FunctionSpaceView;
  /** SGD-vs-Bayes mode: networks trained on S against rejection from the prior, over the stage. */
  readonly sgdBayes: SgdBayesView;
  /** Background walker-group runs: the temperature ladder and free energy vs n. */
  private readonly groupAnalyses: GroupAnalysis[];
  /** Background run: Bayes generalisation error vs n against λ/n (polynomial model, tiny network). */
  readonly generalisation: GeneralisationAnalysis;
  /** Readbacks of the walkers' statistics and histogram, and what they make of them. */
  readonly live: LiveStats;
  private rafId = 0;
  /** Set once by `dispose` (read by lab-capture.ts). */
  disposed = false;
  private resetRequested = false;
  /**
   * While true the animation loop does nothing: benchmarks time compute and drawing alone, offline
   * capture drives frames itself (lab-capture.ts).
   */
  paused = false;
  private stepRequested = false;
  /** Capture (src/app/capture): called right after each animation frame's render, in the same task. */
  afterRender: (() => void) | null = null;
  /** The last frame's GPU work is still running (see the frame loop). */
  private gpuBehind = false;
  private readonly software: boolean;
  /** Software adapter: the measured cost of a walker step, for the frame budget (frame-budget.ts). */
  private readonly stepCost = new StepCost();
  /** The frame budget acts (software adapters only); benchmarks turn it off for the "before" row. */
  private budgetOn = true;
  /** Which kernels step the walkers (walker-backend.ts); benchmarks force the GPU's for the "before" row. */
  private walkerBackend: WalkerBackendChoice = 'auto';
  /** The last CPU kernel failure reported (reported once, not every frame). */
  private cpuFailure = '';
  /** When the live loop last started each readback (performance.now(); the software cadence). */
  private lastRead = { stats: Number.NEGATIVE_INFINITY, histogram: Number.NEGATIVE_INFINITY };
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
    resultProblem: null,
    warmupFrom: 0,
    massRadius: 0,
    mixing: null,
    tv: null,
    tvNoise: null,
    insideFraction: null,
    histograms: 0,
    exactReady: false,
    lastFrameMs: 0,
    lambdaSe: Number.NaN,
    lossAtWstar: Number.NaN,
    surfaces: 0,
    surfaceChecksum: 0,
    buildError: null,
    functionSpace: null,
    sgdBayes: null,
    polyShares: null,
    polySharesMixed: null,
    polyReadings: 0,
    stepsPerFrame: 0,
    frameBudget: null,
    walkerBackend: 'gpu',
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
    view.canvas.parentElement?.classList.toggle('software-gpu', this.software);
    // In the side column itself (not the density host), so CSS can order it after the controls.
    const host = density.root.parentElement;
    this.analysis = new AnalysisPanel(host?.parentElement ?? host ?? document.body);
    this.sweep = new ConcentrationSweep(device, this.analysis, this.software);
    this.polyFunctions = new PolyFunctionsPanel(
      host ?? document.body,
      (e) => e === this.engine && !this.disposed,
    );
    this.polyGd = new PolyGdPanel(host ?? document.body);
    this.functionSpace = new FunctionSpaceView(
      view.canvas.parentElement ?? document.body,
      device,
      this.software,
      (t, k) => cb.notice(t, k),
    );
    this.sgdBayes = new SgdBayesView(
      view.canvas.parentElement ?? document.body,
      device,
      this.software,
      (t, k) => cb.notice(t, k),
    );
    this.groupAnalyses = [ladderAnalysis, freeEnergyAnalysis].map(
      (make) => new GroupAnalysis(device, make(this.analysis.root), this.software),
    );
    this.generalisation = new GeneralisationAnalysis(device, this.analysis.root, this.software);
    this.live = new LiveStats({
      stats: this.stats,
      analysis: this.analysis,
      density,
      state: () => this.state,
      engine: () => this.engine,
      histogram: () => (this.disposed ? null : this.hist),
      lossAtWstar: () => this.lossAtWstar,
      exact: (window, bins) =>
        this.exact && this.exactFor === JSON.stringify([window, bins]) ? this.exact : null,
      notice: (t, k) => cb.notice(t, k),
    });
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
    const view = await SceneView.create(canvas, device, isSoftware(adapterInfo));
    const density = new DensityPanel(densityParent);
    const lab = new Lab(device, adapterInfo, view, density, state, cb);
    await lab.commit();
    return lab;
  }

  /** Starts the animation loop. */
  start(): void {
    const loop = () => {
      if (this.disposed) return;
      // A software GPU (SwiftShader) runs seconds behind the frame loop: frames submitted before the
      // last one's work is done only queue up, and a scene switch then waits behind all of them (the
      // 15-D polynomial queued ~8 s). One frame in flight at most; a real GPU is done within the frame.
      if (!this.paused && !this.gpuBehind) {
        this.frame();
        this.gpuBehind = true;
        this.device.queue
          .onSubmittedWorkDone()
          .catch(() => {})
          .finally(() => {
            this.gpuBehind = false;
          });
      }
      this.rafId = requestAnimationFrame(loop);
    };
    this.rafId = requestAnimationFrame(loop);
  }

  /** The walker count a state asks for, capped at the device's limit (`dim`: the state's, if known). */
  resolveWalkers(s: SceneState, dim = derive(s).landscape.dim): WalkerCount {
    return resolveWalkerCount(s.walkers, this.software, maxWalkers(this.device, dim));
  }

  setState(next: SceneState): void {
    this.state = { ...next };
  }

  reset(): void {
    if (this.state.sgd) this.sgdBayes.requestReset();
    else if (this.state.fspace) this.functionSpace.requestReset();
    else this.resetRequested = true;
  }

  singleStep(): void {
    this.stepRequested = true;
  }

  private keysFor(s: SceneState, d: Derived) {
    const w = this.resolveWalkers(s, d.landscape.dim);
    const post = [d.key, d.params, d.nbeta, s.gamma, s.prior, s.R, d.wstar];
    return {
      engine: `${d.key}|${w.count}|${this.walkerBackend}`,
      uniforms: JSON.stringify([...post, s.sampler, d.eps, s.seed]),
      reset: `${s.seed}|${s.init}`,
      surface: JSON.stringify([d.key, d.params, d.window, s.logScale, s.colormap, d.slice?.axes]),
      exact: JSON.stringify([...post, d.window, s.bins]),
      hist: `${s.bins}`,
      wstar: JSON.stringify([d.key, d.params, d.wstar]),
    };
  }

  /**
   * The live state with what it implies, derived once per state object (setState replaces the state,
   * nothing mutates it): the frame loop, `settled` and capture ask every frame.
   */
  current(): { s: SceneState; d: Derived; k: Lab['keys'] } {
    const s = this.state;
    if (this.derived?.s !== s) {
      const d = derive(s);
      this.derived = { s, d, k: this.keysFor(s, d) };
    }
    return this.derived;
  }

  /** The names of the keys that differ from the applied ones. */
  private changedKeys(k: Lab['keys']): (keyof Lab['keys'])[] {
    return (Object.keys(k) as (keyof Lab['keys'])[]).filter((name) => k[name] !== this.keys[name]);
  }

  /** Brings GPU objects in line with the state; only what changed is rebuilt. Joins a running commit. */
  commit(): Promise<void> {
    if (this.disposed) return Promise.resolve();
    if (!this.committing) this.commitRun = this.runCommit();
    return this.commitRun;
  }

  private async runCommit(): Promise<void> {
    this.committing = true;
    let attempted = '';
    try {
      for (let pass = 0; pass < 4; pass++) {
        const s = { ...this.state };
        const d = derive(s);
        const k = this.keysFor(s, d);
        const changed = this.changedKeys(k);
        if (changed.length === 0) break;
        attempted = JSON.stringify(k);
        this.cb.phase?.('preparing', changed.includes('engine'));
        await this.apply(s, d, k, new Set(changed));
      }
      this.stats.buildError = null;
    } catch (e) {
      // Not retried every frame: the state must change first. The running engine (if any) keeps going.
      this.failedKeys = attempted;
      this.stats.buildError = (e as Error).message;
      if (!this.disposed) this.cb.notice(`Could not apply the scene: ${(e as Error).message}`, 'error');
    } finally {
      this.committing = false;
      this.cb.phase?.(null, false);
    }
  }

  private async apply(
    s: SceneState,
    d: Derived,
    k: ReturnType<Lab['keysFor']>,
    changed: Set<string>,
  ): Promise<void> {
    const config = {
      ...scenePosterior(s, d),
      sampler: s.sampler,
      eps: d.eps,
      seed: s.seed,
    } as const;
    if (changed.has('engine')) {
      const w = this.resolveWalkers(s, d.landscape.dim);
      if (d.landscapeError) {
        this.cb.notice(
          `Could not build the landscape (${d.landscapeError}); running ${d.landscape.title} instead.`,
          'error',
        );
      }
      this.cb.phase?.("compiling the landscape's shaders", true);
      // Compile the new landscape's WGSL first (its evaluation pipeline, which also gives L(w*)): a
      // shader compilation error throws here, before the running engine is touched.
      this.lossAtWstar = (await evaluateLandscape(this.device, config, d.wstar)).loss[0];
      if (w.capped) {
        this.cb.notice(
          `Walker count ${s.walkers.toLocaleString()} exceeds this device's limit; capped at ${w.count.toLocaleString()}.`,
          'warn',
        );
      }
      this.dropEngine();
      const points = this.view.replaceWalkers(w.count);
      points.pointSize = s.pointSize;
      points.setWindow(d.window);
      // three creates the attribute's GPUBuffer lazily: one render makes it, then the engine writes it.
      this.view.render();
      const positions = requireGpuBufferOf(this.view.renderer, points.attribute);
      // d = 2: the engine writes the drawn buffer itself; d > 2: a projection copies two coordinates.
      const sliced = d.landscape.dim !== 2;
      this.cb.phase?.(`compiling pipelines for ${w.count.toLocaleString()} walkers`, true);
      const engineConfig = { ...config, walkers: w.count, externalPositions: sliced ? undefined : positions };
      const engine = await WalkerEngine.create(
        this.device,
        engineConfig,
        walkerEngineOptions(engineConfig, this.software, this.walkerBackend),
      );
      if (this.disposed) {
        engine.destroy();
        return;
      }
      if (sliced) {
        this.projection = await SliceProjection.create(
          this.device,
          engine.positions,
          positions,
          w.count,
          engine.dim,
        );
        this.projection.setAxes(d.slice?.axes ?? [0, 1]);
      }
      this.drawBuffer = positions;
      this.analysis.resetLlc();
      engine.reset(s.init);
      this.engine = engine;
      this.stats.walkerBackend = engine.backend;
      this.stepCost.reset();
      this.stats.walkers = w.count;
      this.stats.warmupFrom = 0;
      this.live.restart();
      changed.add('hist');
      changed.add('wstar');
    } else if (this.engine) {
      if (changed.has('uniforms')) this.engine.update(config);
      if (changed.has('reset')) {
        this.engine.reset(s.init);
        this.live.restart();
      }
      // A new posterior (or a restart): the live numbers burn in again before they count.
      if (changed.has('uniforms') || changed.has('reset')) this.stats.warmupFrom = this.engine.step;
      if (changed.has('uniforms') || changed.has('reset')) this.analysis.resetLlc();
    }
    if (changed.has('hist') && this.engine) {
      this.hist?.destroy();
      // For a slice the histogram bins the projected pairs (the drawn buffer, stride 2).
      const sliced = this.projection !== null && this.drawBuffer !== null;
      this.hist = await WalkerHistogram.create(
        this.device,
        sliced ? this.drawBuffer! : this.engine.positions,
        this.engine.walkers,
        sliced ? 2 : this.engine.dim,
        s.bins,
      );
    }
    if (changed.has('wstar') && this.engine) {
      this.lossAtWstar = (await this.engine.evaluate(d.wstar)).loss[0];
      this.stats.lossAtWstar = this.lossAtWstar;
    }
    if (changed.has('surface')) {
      this.cb.phase?.('building the surface', changed.has('engine'));
      const heights = await surfaceHeights(
        this.device,
        gridPosteriorOf(scenePosterior(s, d)),
        SURFACE_RES,
        d.window,
        d.slice ?? undefined,
      );
      this.view.setHeights(normaliseHeights(heights, { log: s.logScale }), s.colormap);
      this.view.setColorbar(heights, s.logScale, s.colormap);
      let sum = 0;
      for (const h of heights) if (Number.isFinite(h)) sum += h;
      this.stats.surfaces++;
      this.stats.surfaceChecksum = sum;
    }
    if (changed.has('exact')) {
      this.cb.phase?.('computing the exact density', changed.has('engine'));
      // The exact density is a 2-D integral over the window: for a slice (d > 2) it is not shown.
      this.exact =
        d.landscape.dim === 2
          ? await exactCellMass(this.device, gridPosteriorOf(scenePosterior(s, d)), s.bins, d.window)
          : null;
      this.exactFor = JSON.stringify([d.window, s.bins]);
      this.stats.exactReady = this.exact !== null;
    }
    this.projection?.setAxes(d.slice?.axes ?? [0, 1]);
    this.view.setWindow(d.window);
    this.keys = k;
    this.applied = d;
  }

  /** One animation frame: commit changes, step the walkers, kick off readbacks, draw. */
  frame(): void {
    this.runFrame(true);
  }

  /**
   * A frame whose steps and readbacks offline capture already did (lab-capture.ts): every panel the
   * app draws, in full, with nothing stepped, read back or throttled (clips are deterministic).
   */
  drawCaptured(): void {
    this.runFrame(false);
  }

  /** `live`: the animation loop's frame; else a capture frame (see drawCaptured). */
  private runFrame(live: boolean): void {
    const t0 = performance.now();
    const { s: state, d, k } = this.current();
    // SGD vs Bayes covers the stage as function space does (and takes it over from function space).
    const s = state.sgd ? { ...state, fspace: false } : state;
    const covered = s.fspace || s.sgd;
    if (!this.committing && this.changedKeys(k).length > 0 && JSON.stringify(k) !== this.failedKeys) {
      void this.commit();
    }
    const engine = this.committing && k.engine !== this.keys.engine ? null : this.engine;
    // After a failed rebuild the previous scene keeps running: read it with its own settings.
    const dd = k.engine !== this.keys.engine && this.applied ? this.applied : d;
    if (engine) {
      this.resetIfRequested(engine, s.init);
      // Function-space mode covers the stage: the walkers pause and leave the GPU to the networks.
      if (live && !covered && (s.running || this.stepRequested)) {
        const steps = this.stepsPerFrame(s.steps, engine.walkers);
        const t = performance.now();
        engine.advance(steps);
        // The loop keeps one frame in flight, so the queue is empty here: done = these steps' time.
        // CPU kernels: done when their queued calls have run (the flush below is chained after them).
        if (this.software)
          void (engine.backend === 'cpu' ? engine.flush() : this.device.queue.onSubmittedWorkDone())
            .then(() => this.stepCost.add(performance.now() - t, steps, engine.walkers))
            .catch(() => {});
        this.live.stepsSinceClear += steps;
        this.rate.steps += steps * engine.walkers;
        this.stats.stepsPerFrame = steps;
        this.stepRequested = false;
      }
      const budget = this.software && this.budgetOn;
      this.stats.frameBudget = budget
        ? budgetNote(
            this.renderScale,
            this.stats.stepsPerFrame || s.steps,
            s.steps,
            engine.kernelsDescription,
          )
        : null;
      this.syncWalkers(engine);
      if (live && !covered) {
        const now = performance.now();
        const due = readbacksDue(now, this.lastRead, budget, s.density || s.exact);
        if (due.stats && this.live.readStats(engine, dd)) this.lastRead.stats = now;
        if (due.histogram && this.live.readHistogram(dd)) this.lastRead.histogram = now;
      }
    }
    // A capture draw neither steps the sweep nor waits for the chart throttle (clips are deterministic).
    this.sweep.frame(s, dd, live);
    this.functionSpace.frame(s, live, !live);
    this.stats.functionSpace = s.fspace ? this.functionSpace.stats : null;
    this.sgdBayes.frame(s, live, !live);
    this.stats.sgdBayes = s.sgd ? this.sgdBayes.stats : null;
    for (const g of this.groupAnalyses) g.frame(s, dd);
    this.generalisation.frame(s, dd);
    // The walkers' charts step aside with the walkers' folders while function space has the stage.
    this.analysis.visible = !covered && (s.charts || s.sweep || s.ladder || s.freeEnergy || s.generalisation);
    this.analysis.drawLlc(s, dd, !live);
    this.view.setVisible({ surface: s.surface, points: s.points });
    if (this.view.surface) this.view.surface.contours = s.contours;
    if (this.view.walkers) this.view.walkers.pointSize = s.pointSize;
    this.view.setCameraMode(s.camera);
    const [ax, ay] = dd.slice?.axes ?? [0, 1];
    this.view.setAxes(dd.window, [paramLabel(ax), paramLabel(ay)], s.logScale);
    this.density.visible = s.density && !covered;
    this.polyFunctions.frame(engine, dd.landscape.id === 'poly' && !covered, s, live);
    this.stats.polyShares = this.polyFunctions.reading?.shares ?? null;
    this.stats.polySharesMixed = this.polyFunctions.reading ? this.polyFunctions.mixed : null;
    this.stats.polyReadings = this.polyFunctions.readings;
    const polyGdOn = dd.landscape.id === 'poly' && !covered && s.polyGd;
    this.polyGd.frame(s, polyGdOn, this.stats.polyShares, this.stats.polySharesMixed, live);
    // Function-space mode covers the stage with an opaque panel: the 3-D view is drawn only now and
    // then (kept current for tests and captures), leaving a software GPU's time to the networks.
    // While a new scene builds the status card covers the stage: drawing the old one under it would
    // only take a software GPU's time from the build.
    const building = this.committing && k.engine !== this.keys.engine;
    if ((!covered && !building) || !live || this.stats.frames % 60 === 0) this.view.render();
    this.afterRender?.();
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
    this.stats.massRadius = dd.massRadius;
    this.cb.stats?.(this.stats, dd);
  }

  /**
   * Steps the live loop takes this frame: the requested ones, or on a software adapter as many as the
   * frame budget allows (frame-budget.ts; the HUD says so). Capture steps the requested count itself.
   */
  stepsPerFrame(requested: number, walkers: number): number {
    return this.software && this.budgetOn
      ? budgetSteps(requested, walkers, this.stepCost.msPerWalkerStep)
      : requested;
  }

  /** Turns the software frame budget (render scale and steps per frame) on or off: benchmarks. */
  setFrameBudget(on: boolean): void {
    this.budgetOn = on;
    this.view.capResolution = on && this.software;
    this.view.resize();
    // style.css: no backdrop blur over the 3-D view (the compositor blurs on the CPU too).
    this.view.canvas.parentElement?.classList.toggle('software-gpu', on && this.software);
  }

  /**
   * Which kernels step the walkers (walker-backend.ts): 'auto' (the CPU's on a software adapter) or
   * 'gpu'. A change rebuilds the engine (the walkers restart from the seed); benchmarks only.
   */
  setWalkerBackend(choice: WalkerBackendChoice): void {
    if (choice === this.walkerBackend) return;
    this.walkerBackend = choice;
    this.derived = null;
  }

  /** The 3-D view's render scale (1: the screen's pixel ratio; below 1 on a software adapter). */
  get renderScale(): number {
    return this.view.renderScale;
  }

  /** A requested reset (button, capture restart): the walkers restart and their statistics go. */
  resetIfRequested(engine: WalkerEngine, init: SceneState['init']): void {
    if (!this.resetRequested) return;
    engine.reset(init);
    this.live.restart();
    this.stats.warmupFrom = 0;
    this.resetRequested = false;
    this.analysis.resetLlc();
  }

  /** Asks the next frame (or capture step) to restart the walkers from the seed. */
  requestWalkerReset(): void {
    this.resetRequested = true;
  }

  /** d > 2: copies the walkers' two slice coordinates into the drawn buffer (after steps). */
  projectWalkers(): Promise<void> {
    const engine = this.engine;
    return engine ? this.syncWalkers(engine) : Promise.resolve();
  }

  /**
   * Brings the drawn walkers up to the engine's state: CPU kernels' state is copied into the GPU
   * buffers (engine.flush(), once their queued calls have run; a no-op when nothing changed), then a
   * slice (d > 2) projects it into the drawn pairs. On the GPU kernels the projection is queued at
   * once, before this frame's draw. A failed CPU kernel is reported once, as a notice; the scene
   * keeps its last good state.
   */
  private syncWalkers(engine: WalkerEngine): Promise<void> {
    if (engine.backend === 'gpu') {
      this.projection?.run();
      return Promise.resolve();
    }
    const projection = this.projection;
    return engine
      .flush()
      .then(() => {
        if (projection === this.projection && engine === this.engine) projection?.run();
      })
      .catch((e: Error) => {
        if (this.cpuFailure === e.message) return;
        this.cpuFailure = e.message;
        this.cb.notice(`The walkers' CPU kernels failed: ${e.message}`, 'error');
      });
  }

  /**
   * Benchmarks: the live loop's own frame time over `frames` frames (the scene as it is, running or
   * not), then each part of a frame timed alone (see timeFrames).
   */
  async benchFrame(frames = 10): Promise<FrameSplit> {
    const engine = this.engine;
    if (!engine) throw new Error('no engine yet');
    const f0 = this.stats.frames;
    await new Promise<void>((ok) => {
      const wait = () => (this.stats.frames > f0 ? ok() : requestAnimationFrame(wait));
      wait();
    });
    const t0 = performance.now();
    const f1 = this.stats.frames;
    await new Promise<void>((ok) => {
      const wait = () =>
        this.stats.frames >= f1 + frames || this.disposed ? ok() : requestAnimationFrame(wait);
      wait();
    });
    const liveFrameMs = (performance.now() - t0) / (this.stats.frames - f1);
    this.paused = true;
    try {
      return { ...(await this.timeFrames(engine, frames)), liveFrameMs };
    } finally {
      this.paused = false;
    }
  }

  /**
   * The frame split (issue 17): each part of a live frame run alone, `frames` times, each time until
   * the queue is done (onSubmittedWorkDone), so a part's figure is its GPU time plus its submit. The
   * presented frames run in animation frames: the browser presents and composites the page between
   * them, and the figure minus the draw is what presenting costs. Nothing here is a test.
   */
  private async timeFrames(engine: WalkerEngine, frames: number): Promise<Omit<FrameSplit, 'liveFrameMs'>> {
    const q = this.device.queue;
    const { s, d } = this.current();
    const view = this.view;
    const steps = this.stepsPerFrame(s.steps, engine.walkers);
    const time = async (fn: () => unknown, paced = false): Promise<number> => {
      await q.onSubmittedWorkDone();
      if (paced) await nextFrame();
      const t = performance.now();
      for (let i = 0; i < frames; i++) {
        await fn();
        await q.onSubmittedWorkDone();
        if (paced) await nextFrame();
      }
      return (performance.now() - t) / frames;
    };
    const visible = { surface: s.surface, points: s.points };
    try {
      const computeMs = await time(() => {
        engine.advance(steps);
        return this.syncWalkers(engine);
      });
      const statsMs = await time(() => this.live.readStats(engine, d));
      const histogramMs = await time(() => this.live.readHistogram(d));
      const renderMs = await time(() => view.render());
      view.setVisible({ surface: false, points: visible.points });
      const pointsMs = await time(() => view.render());
      view.setVisible({ surface: visible.surface, points: false });
      const surfaceMs = await time(() => view.render());
      view.setVisible(visible);
      const idleFrameMs = await time(() => {}, true);
      const presentedMs = await time(() => view.render(), true);
      const canvas = view.canvas;
      return {
        walkers: engine.walkers,
        steps,
        backend: engine.backend,
        computeMs,
        statsMs,
        histogramMs,
        renderMs,
        pointsMs,
        surfaceMs,
        idleFrameMs,
        presentMs: Math.max(0, presentedMs - renderMs),
        totalMs: computeMs + statsMs + histogramMs + presentedMs,
        canvas: [canvas.width, canvas.height],
        renderScale: this.renderScale,
      };
    } finally {
      view.setVisible(visible);
    }
  }

  /** True once the engine matches the state and nothing is being rebuilt. */
  get settled(): boolean {
    const { k } = this.current();
    return !this.committing && this.engine !== null && this.changedKeys(k).length === 0;
  }

  /** Positions of every walker (tests only: a full readback). */
  async readPositions(): Promise<Float32Array> {
    if (!this.engine) throw new Error('no engine yet');
    return this.engine.readPositions();
  }

  /** Destroys the engine and the GPU objects that read its positions. */
  private dropEngine(): void {
    this.engine?.destroy();
    this.engine = null;
    this.hist?.destroy();
    this.hist = null;
    this.projection?.destroy();
    this.projection = null;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    cancelAnimationFrame(this.rafId);
    window.removeEventListener('resize', this.onResize);
    this.dropEngine();
    this.sweep.destroy();
    this.polyFunctions.destroy();
    this.polyGd.destroy();
    this.functionSpace.destroy();
    this.sgdBayes.destroy();
    for (const g of this.groupAnalyses) g.destroy();
    this.generalisation.destroy();
    this.view.dispose();
    this.density.root.remove();
    this.analysis.root.remove();
  }
}
