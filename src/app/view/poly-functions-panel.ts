/**
 * The polynomial model's function space, live (issue 6, item 5): which function does the posterior
 * prefer? Twice a second the walkers' GPU buffer is classified on the GPU (src/core/measures/poly-functions.ts):
 * the share of walkers whose coefficient vector is nearest to each monomial 1, x, x², x³, x⁴ (a bar
 * chart with the numbers), and the 2-D histogram of their curves (x, f_θ(x)) as a density image with
 * the data points and the five monomials drawn over it. Plain 2-D canvases in the side column, so the
 * capture compositor copies them like every other panel.
 */

import { type DataPoint, parseData } from '../../core/landscapes/models/polynomial';
import { STARTS_Z_MAX } from '../../core/measures/diagnostics';
import {
  type CurveWindow,
  classifyPolynomials,
  defaultCurveWindow,
  MONOMIALS,
  type PolyFunctionSpace,
  polyFunctionPipeline,
} from '../../core/measures/poly-functions';
import type { WalkerEngine } from '../../core/walkers/walker-engine';
import { fitCanvas } from './canvas-fit';
import type { ColormapName } from './colormap';
import { densityImage } from './density-panel';
import { type PolyReferenceInput, polyReferenceText } from './poly-reference-text';

/** Live refresh interval: a readback of ~50 KB, not worth doing every frame. */
export const POLY_REFRESH_MS = 500;

/** One colour per monomial, shared by the bars and the curves drawn over the density. */
const COLORS = ['#ff7a45', '#f2c14e', '#5ad1a0', '#7fd1ff', '#c59bff'] as const;
const BG = '#0d0f14';

/** The default window, widened so every data point lies inside with a margin. */
export function curveWindowFor(data: readonly DataPoint[]): CurveWindow {
  const w = defaultCurveWindow;
  const xs = data.map((p) => p.x);
  const ys = data.map((p) => p.y);
  return {
    ...w,
    xMin: Math.min(w.xMin, ...xs.map((x) => x - 0.5)),
    xMax: Math.max(w.xMax, ...xs.map((x) => x + 0.5)),
    yMin: Math.min(w.yMin, ...ys.map((y) => y - 1)),
    yMax: Math.max(w.yMax, ...ys.map((y) => y + 1)),
  };
}

/** What the panel needs from the scene state. */
export interface PolyPanelState {
  readonly polyData: string;
  readonly colormap: ColormapName;
  /** How the walkers started: only `mixed` has two starts to compare. */
  readonly init: 'mixed' | 'wstar' | 'prior';
}

export class PolyFunctionsPanel {
  readonly root: HTMLElement;
  private readonly sharesCanvas: HTMLCanvasElement;
  private readonly curvesCanvas: HTMLCanvasElement;
  private readonly readout: HTMLElement;
  /** Whether the last reading's two starts agree (null: one start only, untested). */
  mixed: boolean | null = null;
  /** The exact i.i.d. shares and the theory's λ, m beside the walkers' shares (issue 12, item 4). */
  private readonly reference: HTMLElement;
  private referenceKey = '';
  /** Reference texts by settings key: returning to a scene's settings shows its reference at once. */
  private readonly referenceCache = new Map<string, string>();
  private referenceWorker: Worker | null = null;
  private referenceBusy = false;
  private referencePending: { key: string; input: PolyReferenceInput } | null = null;
  private readonly scratch = document.createElement('canvas');
  private pending = false;
  private inFlight: Promise<void> = Promise.resolve();
  private lastStart = Number.NEGATIVE_INFINITY;
  /** The engine the current reading came from: a new engine starts with no reading. */
  private source: WalkerEngine | null = null;
  /** Offline capture: frames since the recording started (the refresh follows the clip's clock). */
  private captureFrames = 0;
  /** The last reading, or null before the first one of the current engine. */
  reading: PolyFunctionSpace | null = null;
  /** Readings of the current engine so far. */
  readings = 0;

  /** `isCurrent(engine)`: the engine is still the lab's (not replaced or destroyed). */
  constructor(
    parent: HTMLElement,
    private readonly isCurrent: (engine: WalkerEngine) => boolean,
  ) {
    this.root = document.createElement('section');
    this.root.className = 'poly-functions';
    this.root.id = 'poly-functions';
    this.root.hidden = true;
    const title = document.createElement('div');
    title.className = 'panel-title';
    title.textContent = 'Function space: nearest monomial';
    this.sharesCanvas = document.createElement('canvas');
    this.sharesCanvas.id = 'poly-shares';
    this.sharesCanvas.className = 'chart';
    this.sharesCanvas.setAttribute('role', 'img');
    this.sharesCanvas.setAttribute('aria-label', 'share of walkers nearest to each monomial');
    const figure = document.createElement('figure');
    this.curvesCanvas = document.createElement('canvas');
    this.curvesCanvas.id = 'poly-curves';
    this.curvesCanvas.setAttribute('role', 'img');
    this.curvesCanvas.setAttribute('aria-label', 'density of the walkers’ curves (x, f(x))');
    const caption = document.createElement('figcaption');
    caption.textContent = 'curves (x, f_θ(x)) of all walkers · ○ data · lines: 1, x, x², x³, x⁴';
    figure.append(this.curvesCanvas, caption);
    this.readout = document.createElement('div');
    this.readout.className = 'caption readout';
    this.readout.id = 'poly-readout';
    this.reference = document.createElement('div');
    this.reference.className = 'caption readout';
    this.reference.id = 'poly-reference';
    this.root.append(title, this.sharesCanvas, figure, this.readout, this.reference);
    parent.append(this.root);
  }

  /**
   * Every animation frame: shown while the scene is the polynomial model; `live` frames start a new
   * reading when the last one is older than POLY_REFRESH_MS and none is in flight.
   */
  frame(engine: WalkerEngine | null, isPoly: boolean, s: PolyPanelState, live: boolean): void {
    this.root.hidden = !isPoly;
    // Another scene or a new engine (null while one is being built): the reading is out of date.
    if (this.source && (!isPoly || engine !== this.source)) this.clear();
    if (!isPoly || !engine || engine.settings.landscape.id !== 'poly') return;
    const now = performance.now();
    if (!live || this.pending || now - this.lastStart < POLY_REFRESH_MS) return;
    this.lastStart = now;
    void this.refresh(engine, s);
  }

  /** Offline capture: a recording starts (the panel's clock restarts with the clip's). */
  startCapture(): void {
    this.captureFrames = 0;
  }

  /**
   * Offline capture, once per encoded frame: a fresh reading every POLY_REFRESH_MS of clip time (and
   * on the clip's first frame), awaited, so a clip is the same every time whatever the machine.
   */
  async captureFrame(engine: WalkerEngine, s: PolyPanelState, fps: number): Promise<void> {
    const every = Math.max(1, Math.round((fps * POLY_REFRESH_MS) / 1000));
    const due = this.captureFrames % every === 0 || this.source !== engine;
    this.captureFrames++;
    if (engine.settings.landscape.id !== 'poly' || !due) return;
    while (this.pending) await this.inFlight;
    await this.refresh(engine, s);
  }

  /** One reading now: classify on the GPU, read back, draw. Failures (engine replaced, device lost) skip. */
  refresh(engine: WalkerEngine, s: PolyPanelState): Promise<void> {
    this.pending = true;
    this.inFlight = (async () => {
      let data: DataPoint[];
      try {
        data = parseData(s.polyData);
      } catch {
        data = [];
      }
      const pipeline = await polyFunctionPipeline(engine);
      // The engine may have been replaced while the pipeline compiled: never submit with a dead buffer.
      if (!this.isCurrent(engine)) return;
      const space = await classifyPolynomials(engine, pipeline, curveWindowFor(data));
      if (!this.isCurrent(engine)) return;
      if (this.source !== engine) this.readings = 0;
      this.source = engine;
      this.reading = space;
      this.readings++;
      this.draw(space, data, s, engine.walkers);
      this.drawReference(engine, data);
    })()
      .catch(() => {
        // The engine was replaced or the device lost mid-readback: the next refresh reads again.
      })
      .finally(() => {
        this.pending = false;
      });
    return this.inFlight;
  }

  /** Forgets the reading (the scene is no longer the polynomial model, or a new engine runs). */
  clear(): void {
    this.reading = null;
    this.readings = 0;
    this.source = null;
  }

  private draw(space: PolyFunctionSpace, data: readonly DataPoint[], s: PolyPanelState, walkers: number) {
    drawShares(this.sharesCanvas, space.shares);
    drawCurves(this.curvesCanvas, this.scratch, space, data, s.colormap);
    const pct = space.shares.map((p, k) => `${MONOMIALS[k]} ${(100 * p).toFixed(1)}%`).join(' · ');
    // Shares are a result only once the two starts agree (the loss's R̂ cannot see walkers that sit
    // on the wrong part of the zero set: every point of it has the same loss).
    this.mixed = s.init === 'mixed' ? space.startsZ < STARTS_Z_MAX : null;
    const z = space.startsZ.toFixed(1);
    const flag =
      this.mixed === false
        ? ` ⚠ not mixed: the w*- and prior-started halves differ by ${z} SE (≥ ${STARTS_Z_MAX}); not a result yet`
        : this.mixed === null
          ? ' (one start: mixing untested; start "mixed" to test it)'
          : ` · starts agree (${z} SE)`;
    this.readout.textContent = `${pct} — ${walkers.toLocaleString('en-US')} walkers, by coefficient vector${flag}`;
    if (this.mixed === false) this.readout.dataset.flag = 'unmixed';
    else delete this.readout.dataset.flag;
  }

  /**
   * What the walkers' shares should be: the exact i.i.d. posterior shares at the engine's n, β and prior
   * (prior draws, one single-parameter coefficient integrated out: src/core/measures/which-function.ts), and
   * SLT's λ, m at each monomial's zero set. Computed once per (model, data, n, β, prior) in a Web Worker
   * (the draws take up to ~1.5 s of CPU), cached per key; a request for settings that changed meanwhile
   * is cancelled (the worker is replaced), so a slider drag never queues a backlog of stale draws.
   */
  private drawReference(engine: WalkerEngine, data: readonly DataPoint[]): void {
    const c = engine.settings;
    // The model's parameter counts are its first five uniforms (shaders/models/polynomial.wgsl).
    const m = (c.landscape.uniforms?.(c.params) ?? []).slice(0, 5);
    const key = JSON.stringify([m, data, c.n, c.beta, c.prior, c.params]);
    if (key === this.referenceKey || m.length !== 5 || data.length === 0) return;
    this.referenceKey = key;
    const cached = this.referenceCache.get(key);
    if (cached !== undefined) {
      this.reference.textContent = cached;
      return;
    }
    const input: PolyReferenceInput = { m, data, n: c.n, beta: c.beta, sigma: c.params[0], prior: c.prior };
    this.reference.textContent = 'exact i.i.d. shares at this n, β, prior: computing…';
    if (typeof Worker === 'undefined') {
      this.showReference(key, polyReferenceText(input));
      return;
    }
    // A request still running is for settings no longer shown: stop it rather than wait for it.
    if (this.referenceBusy) {
      this.referenceWorker?.terminate();
      this.referenceWorker = null;
    }
    if (!this.referenceWorker) {
      const w = new Worker(new URL('./poly-reference.worker.ts', import.meta.url), { type: 'module' });
      w.onmessage = (e: MessageEvent<{ key: string; text: string }>) => {
        this.referenceBusy = false;
        this.showReference(e.data.key, e.data.text);
      };
      w.onerror = () => {
        // No worker here (e.g. a blocked module worker): compute on this thread once, as before.
        this.referenceBusy = false;
        this.referenceWorker?.terminate();
        this.referenceWorker = null;
        const last = this.referencePending;
        if (last) this.showReference(last.key, polyReferenceText(last.input));
      };
      this.referenceWorker = w;
    }
    this.referenceBusy = true;
    this.referencePending = { key, input };
    this.referenceWorker.postMessage({ key, input });
  }

  /** Caches a reference text and shows it if its settings are still the current ones. */
  private showReference(key: string, text: string): void {
    this.referenceCache.set(key, text);
    if (key === this.referenceKey) this.reference.textContent = text;
  }

  destroy(): void {
    this.referenceWorker?.terminate();
    this.referenceWorker = null;
    this.root.remove();
  }
}

/** Five bars on a linear axis from 0 (top: the next 0.2 above the largest share), each with its number. */
function drawShares(canvas: HTMLCanvasElement, shares: readonly number[]): void {
  const c = fitCanvas(canvas, { width: 300, height: 110 });
  if (!c) return;
  const { ctx, w, h } = c;
  ctx.fillStyle = BG;
  ctx.fillRect(0, 0, w, h);
  // The top pad holds the title and, under it, a full bar's value label: they never overprint.
  const pad = { l: 34, r: 8, t: 30, b: 18 };
  const pw = w - pad.l - pad.r;
  const ph = h - pad.t - pad.b;
  const top = Math.min(1, Math.max(0.2, Math.ceil(Math.max(...shares) * 5 - 1e-9) / 5));
  ctx.font = '10px ui-monospace, Menlo, monospace';
  ctx.lineWidth = 1;
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (const v of [0, top / 2, top]) {
    const y = Math.round(pad.t + ph * (1 - v / top)) + 0.5;
    ctx.strokeStyle = '#262c3a';
    ctx.beginPath();
    ctx.moveTo(pad.l, y);
    ctx.lineTo(pad.l + pw, y);
    ctx.stroke();
    ctx.fillStyle = '#8b93a7';
    ctx.fillText(`${Math.round(100 * v)}%`, pad.l - 4, y);
  }
  const slot = pw / shares.length;
  const best = shares.indexOf(Math.max(...shares));
  ctx.textAlign = 'center';
  shares.forEach((p, k) => {
    const x = pad.l + slot * k + slot * 0.18;
    const bw = slot * 0.64;
    const bh = ph * Math.min(1, p / top);
    ctx.globalAlpha = k === best ? 1 : 0.7;
    ctx.fillStyle = COLORS[k];
    ctx.fillRect(x, pad.t + ph - bh, bw, bh);
    ctx.globalAlpha = 1;
    ctx.fillStyle = '#d9deea';
    ctx.textBaseline = 'bottom';
    ctx.fillText(`${(100 * p).toFixed(1)}%`, x + bw / 2, pad.t + ph - bh - 2);
    ctx.fillStyle = '#8b93a7';
    ctx.textBaseline = 'top';
    ctx.fillText(MONOMIALS[k], x + bw / 2, pad.t + ph + 4);
  });
  ctx.textAlign = 'left';
  ctx.textBaseline = 'top';
  ctx.fillStyle = '#8b93a7';
  ctx.fillText('share of walkers nearest to', pad.l, 3);
}

/** The curve histogram as a density image, the axes, the five monomials and the data points. */
function drawCurves(
  canvas: HTMLCanvasElement,
  scratch: HTMLCanvasElement,
  space: PolyFunctionSpace,
  data: readonly DataPoint[],
  cmap: ColormapName,
): void {
  const { columns, rows, xMin, xMax, yMin, yMax } = space.window;
  let max = 0;
  for (const v of space.curves) if (v > max) max = v;
  scratch.width = columns;
  scratch.height = rows;
  // Two decades, not the density panel's four: nearly every cell some curve crosses would light up.
  scratch.getContext('2d')?.putImageData(densityImage(columns, rows, space.curves, max, cmap, 2), 0, 0);
  const c = fitCanvas(canvas, { width: 300, height: 200 });
  if (!c) return;
  const { ctx, w, h } = c;
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(scratch, 0, 0, w, h);
  const px = (x: number) => ((x - xMin) / (xMax - xMin)) * w;
  const py = (y: number) => (1 - (y - yMin) / (yMax - yMin)) * h;
  ctx.lineWidth = 1;
  ctx.strokeStyle = 'rgba(217, 222, 234, 0.25)';
  ctx.beginPath();
  ctx.moveTo(px(0), 0);
  ctx.lineTo(px(0), h);
  ctx.moveTo(0, py(0));
  ctx.lineTo(w, py(0));
  ctx.stroke();
  // The five candidate functions, dashed over a dark halo so they read on any colour of the density.
  for (let k = 0; k < 5; k++) {
    ctx.beginPath();
    for (let i = 0; i <= 64; i++) {
      const x = xMin + ((xMax - xMin) * i) / 64;
      const y = py(x ** k);
      if (i === 0) ctx.moveTo(px(x), y);
      else ctx.lineTo(px(x), y);
    }
    ctx.setLineDash([]);
    ctx.lineWidth = 3;
    ctx.strokeStyle = 'rgba(13, 15, 20, 0.6)';
    ctx.stroke();
    ctx.setLineDash([5, 3]);
    ctx.lineWidth = 1.5;
    ctx.strokeStyle = COLORS[k];
    ctx.stroke();
  }
  ctx.setLineDash([]);
  for (const p of data) {
    ctx.beginPath();
    ctx.arc(px(p.x), py(p.y), 4.5, 0, 2 * Math.PI);
    ctx.fillStyle = BG;
    ctx.fill();
    ctx.lineWidth = 2;
    ctx.strokeStyle = '#ffffff';
    ctx.stroke();
  }
  ctx.font = '10px ui-monospace, Menlo, monospace';
  // The range labels on a backing box: the curves pass under them instead of through the text.
  const label = (text: string, y: number, baseline: 'top' | 'bottom') => {
    const tw = ctx.measureText(text).width;
    ctx.fillStyle = 'rgba(13, 15, 20, 0.85)';
    ctx.fillRect(2, baseline === 'top' ? y - 1 : y - 12, tw + 5, 13);
    ctx.fillStyle = '#d9deea';
    ctx.textBaseline = baseline;
    ctx.fillText(text, 4, y);
  };
  label(`x ∈ [${xMin}, ${xMax}]`, h - 3, 'bottom');
  label(`f ∈ [${yMin}, ${yMax}]`, 3, 'top');
}
