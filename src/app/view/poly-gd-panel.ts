/**
 * The polynomial model's SGD-vs-Bayes view (issue 13, item 4), in the side column under the walkers'
 * function-space panel: the share of gradient-descent fits (from θ ~ N(0, scale²)) that end nearest to
 * each of 1, x, …, x⁴, beside the walkers' posterior shares of the same classification. The two are
 * like with like only when the walkers' prior is the fits' initialisation (prior gauss, σ = scale): the
 * readout says when they are not.
 */

import { MONOMIALS } from '../../core/measures/poly-functions';
import type { SceneState } from '../../scene/schema';
import { PolyGdCounter, polyGdConfigOf } from '../jobs/poly-gd-stream';
import { axisStyle, prepareCanvas } from './charts/canvas-2d';

/** CPU time per frame for fits: the frame stays smooth (a fit is a few thousand flops per step). */
const BUDGET_MS = 4;
export const GD_COLOUR = '#ff7a45';
export const WALKER_COLOUR = '#7fd1ff';

export class PolyGdPanel {
  readonly root: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly readout: HTMLElement;
  private counter: PolyGdCounter | null = null;
  private key = '';
  private failedKey = '';
  private lastDraw = 0;
  /** Tests: fits done and the last error (null when fine). */
  error: string | null = null;

  constructor(host: HTMLElement) {
    this.root = document.createElement('section');
    this.root.className = 'poly-functions poly-gd';
    this.root.id = 'poly-gd';
    this.root.hidden = true;
    const title = document.createElement('div');
    title.className = 'panel-title';
    title.textContent = 'SGD vs Bayes: gradient-descent fits against the walkers';
    this.canvas = document.createElement('canvas');
    this.canvas.id = 'poly-gd-chart';
    this.canvas.className = 'chart';
    this.canvas.style.width = '100%';
    this.canvas.style.height = '120px';
    this.canvas.setAttribute('role', 'img');
    this.canvas.setAttribute('aria-label', 'share of GD fits and of walkers nearest to each monomial');
    this.readout = document.createElement('div');
    this.readout.id = 'poly-gd-readout';
    this.readout.className = 'poly-readout';
    this.root.append(title, this.canvas, this.readout);
    host.append(this.root);
  }

  get runs(): number {
    return this.counter?.runs ?? 0;
  }

  /**
   * Every frame: `on` when the polynomial model runs with polyGd; `walkers` the walkers' shares and
   * `mixed` whether their two starts agree (null: one start, untested), from the function-space panel.
   */
  frame(
    s: SceneState,
    on: boolean,
    walkers: readonly number[] | null,
    mixed: boolean | null,
    step: boolean,
  ): void {
    this.root.hidden = !on;
    if (!on) {
      this.counter = null;
      this.key = '';
      return;
    }
    const key = JSON.stringify([s.polyM, s.polyData, s.sigma, s.polyGdScale, s.polyGdLr, s.seed]);
    if (key !== this.key && key !== this.failedKey) {
      try {
        this.counter = new PolyGdCounter(polyGdConfigOf(s));
        this.key = key;
        this.error = null;
      } catch (e) {
        // The walkers' own scene validation reports bad model text; keep the last good fits.
        this.failedKey = key;
        this.error = (e as Error).message;
      }
    }
    const c = this.counter;
    if (!c) return;
    if (step && s.running) c.advance(Math.ceil(s.polyGdRuns), BUDGET_MS);
    const now = performance.now();
    if (now - this.lastDraw < 250) return;
    this.lastDraw = now;
    this.draw(s, c, walkers, mixed);
  }

  private draw(
    s: SceneState,
    c: PolyGdCounter,
    walkers: readonly number[] | null,
    mixed: boolean | null,
  ): void {
    const gd = c.shares();
    const pct = (v: readonly number[] | null) =>
      v ? v.map((p, k) => `${MONOMIALS[k]} ${(100 * p).toFixed(1)}%`).join(' · ') : '— (none yet)';
    const matched = s.prior === 'gauss' && Math.abs(s.R - s.polyGdScale) < 1e-12;
    this.readout.textContent =
      `GD: ${c.runs.toLocaleString('en-US')} of ${Math.ceil(s.polyGdRuns).toLocaleString('en-US')} fits, ` +
      `${c.converged.toLocaleString('en-US')} converged (L − min L < 1e-10), ${(c.runs - c.converged).toLocaleString('en-US')} not: ` +
      `${pct(gd)}. Walkers: ${pct(walkers)}` +
      // The walkers' shares are a result only once they have mixed (the function-space panel's test).
      (walkers === null
        ? '.'
        : mixed === false
          ? ' (⚠ not mixed: the two starts disagree, not a result yet).'
          : mixed === null
            ? ' (one start: mixing untested).'
            : ' (starts agree).') +
      (matched
        ? ''
        : ` Not like with like: the walkers' prior is ${s.prior === 'gauss' ? `N(0, ${s.R}²)` : `the box [−${s.R}, ${s.R}]`}, ` +
          `the fits start from N(0, ${s.polyGdScale}²) (set prior gauss, σ = ${s.polyGdScale}).`);
    const prepared = prepareCanvas(this.canvas, { width: 280, height: 120 });
    if (!prepared) return;
    const { ctx, w, h } = prepared;
    const pad = { l: 30, r: 6, t: 16, b: 16 };
    const pw = w - pad.l - pad.r;
    const ph = h - pad.t - pad.b;
    axisStyle(ctx);
    for (const v of [0, 0.5, 1]) {
      const y = pad.t + ph * (1 - v);
      ctx.beginPath();
      ctx.moveTo(pad.l, y);
      ctx.lineTo(w - pad.r, y);
      ctx.stroke();
      ctx.fillText(v.toFixed(1), pad.l - 4, y);
    }
    const slot = pw / 5;
    const bw = slot * 0.36;
    for (let k = 0; k < 5; k++) {
      const x = pad.l + k * slot + slot * 0.12;
      for (const [i, v, colour] of [
        [0, gd?.[k], GD_COLOUR],
        [1, walkers?.[k], WALKER_COLOUR],
      ] as const) {
        if (v === undefined || !Number.isFinite(v)) continue;
        ctx.fillStyle = colour;
        ctx.fillRect(x + i * bw, pad.t + ph * (1 - v), bw - 1, ph * v);
      }
      ctx.fillStyle = '#8b93a7';
      ctx.textAlign = 'center';
      ctx.textBaseline = 'top';
      ctx.fillText(MONOMIALS[k], x + bw, pad.t + ph + 3);
    }
    ctx.textAlign = 'left';
    ctx.textBaseline = 'top';
    ctx.fillStyle = GD_COLOUR;
    ctx.fillText('■ GD fits', pad.l, 2);
    ctx.fillStyle = WALKER_COLOUR;
    ctx.fillText('■ walkers (posterior)', pad.l + 70, 2);
    axisStyle(ctx);
  }

  destroy(): void {
    this.root.remove();
  }
}
