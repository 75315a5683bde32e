/**
 * The 3-D surface's colour bar (issue 15, item 6): the surface's own colormap from its lowest to its
 * highest height, with ticks in L units, so a viewer can read a colour as a loss. A plain 2-D canvas
 * in the stage, so the capture compositor copies it like every other panel (screen = capture).
 *
 * The surface colours a vertex by its normalised height (surface-mesh.ts, normaliseHeights): linear
 * from the grid's minimum to its maximum, or log₁₀ of L − L_min over 6 decades below the range. The
 * ticks here invert that same map, so a tick sits exactly where its loss is coloured.
 */
import { fitCanvas } from './canvas-fit';
import { type ColormapName, colormapTable } from './colormap';

/** What the bar shows: the finite range of the surface's losses and how they were mapped to colour. */
export interface ColorbarRange {
  readonly lo: number;
  readonly hi: number;
  readonly log: boolean;
}

/** The finite range of a grid of losses; null when it has none or no spread (a flat surface). */
export function lossRange(loss: ArrayLike<number>): { lo: number; hi: number } | null {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < loss.length; i++) {
    const v = loss[i];
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return hi > lo ? { lo, hi } : null;
}

/** A tick: its position on the bar (0 bottom … 1 top) and its label. */
export interface ColorbarTick {
  readonly t: number;
  readonly text: string;
}

/** 3 significant digits, exponent form outside [10⁻³, 10⁴) so labels stay short. */
export function tickText(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e4 || a < 1e-3) return v.toExponential(1).replace('e+', 'e');
  return String(Number(v.toPrecision(3)));
}

/** Nice linear ticks (1, 2, 5 × 10^k) inside [lo, hi]. */
function niceTicks(lo: number, hi: number, target = 5): number[] {
  const raw = (hi - lo) / target;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step)
    out.push(Number(v.toPrecision(12)));
  return out;
}

/**
 * Ticks at the surface's own colour positions. Linear: nice values of L. Log: L_min at the bottom,
 * then L_min + 10^k at each decade of L − L_min the map shows (labelled as the loss L itself).
 */
export function colorbarTicks(r: ColorbarRange): ColorbarTick[] {
  const span = r.hi - r.lo;
  if (!r.log) {
    const ticks = niceTicks(r.lo, r.hi).map((v) => ({ t: (v - r.lo) / span, text: tickText(v) }));
    // The bar's foot names the surface's lowest loss when no round value lands near it.
    if (!(ticks[0]?.t < 0.08)) ticks.unshift({ t: 0, text: tickText(r.lo) });
    return ticks;
  }
  // normaliseHeights: t = (log10(v + floor) − log10 floor) / (log10(span + floor) − log10 floor).
  const floor = span * 1e-6;
  const logLo = Math.log10(floor);
  const logSpan = Math.log10(span + floor) - logLo;
  const ticks: ColorbarTick[] = [{ t: 0, text: tickText(r.lo) }];
  const top = Math.floor(Math.log10(span));
  for (let k = top; k >= top - 5; k -= 1) {
    const d = 10 ** k;
    const t = (Math.log10(d + floor) - logLo) / logSpan;
    if (t > 0.12 && t <= 1 + 1e-9) ticks.push({ t, text: `+${tickText(d)}` });
  }
  // Bottom to top, as the bar draws them (a label too close to the one below it is left out).
  return ticks.sort((a, b) => a.t - b.t);
}

export class SurfaceColorbar {
  readonly canvas: HTMLCanvasElement;
  private key = '';
  /** The ticks last drawn (tests read them: they must follow the landscape's range). */
  ticks: ColorbarTick[] = [];

  constructor(parent: HTMLElement) {
    this.canvas = document.createElement('canvas');
    this.canvas.id = 'surface-colorbar';
    this.canvas.setAttribute('role', 'img');
    this.canvas.hidden = true;
    parent.append(this.canvas);
  }

  /** Draws the bar for a surface's range (null: no surface or a flat one, so no bar). */
  set(range: ColorbarRange | null, cmap: ColormapName): void {
    const key = JSON.stringify([range, cmap, this.canvas.clientWidth, this.canvas.clientHeight]);
    if (key === this.key) return;
    this.key = key;
    this.canvas.hidden = range === null;
    if (!range) {
      this.ticks = [];
      this.canvas.removeAttribute('aria-label');
      return;
    }
    this.ticks = colorbarTicks(range);
    const title = range.log ? 'L (log of L − min)' : 'L';
    this.canvas.setAttribute(
      'aria-label',
      `surface colour bar: ${title} from ${tickText(range.lo)} to ${tickText(range.hi)}`,
    );
    this.canvas.dataset.lo = String(range.lo);
    this.canvas.dataset.hi = String(range.hi);
    this.canvas.dataset.ticks = JSON.stringify(this.ticks.map((t) => t.text));
    const fit = fitCanvas(this.canvas, { width: 76, height: 170 });
    if (!fit) return;
    const { ctx, w, h } = fit;
    ctx.clearRect(0, 0, w, h);
    // A backing box: the bar reads on the dark background and over the surface alike.
    ctx.fillStyle = 'rgba(13, 15, 20, 0.78)';
    ctx.beginPath();
    ctx.roundRect(0.5, 0.5, w - 1, h - 1, 6);
    ctx.fill();
    ctx.strokeStyle = '#262c3a';
    ctx.stroke();
    const pad = { t: 24, b: 10, l: 8 };
    const barW = 12;
    const barH = h - pad.t - pad.b;
    const table = colormapTable(cmap);
    for (let y = 0; y < barH; y++) {
      const k = Math.round((1 - y / Math.max(1, barH - 1)) * 255) * 3;
      ctx.fillStyle = `rgb(${table[k]}, ${table[k + 1]}, ${table[k + 2]})`;
      ctx.fillRect(pad.l, pad.t + y, barW, 1);
    }
    ctx.font = '600 11px system-ui, sans-serif';
    ctx.fillStyle = '#d9deea';
    ctx.textBaseline = 'top';
    ctx.fillText(range.log ? 'L (log)' : 'L', pad.l, 7);
    ctx.font = '10px ui-monospace, Menlo, monospace';
    ctx.textBaseline = 'middle';
    ctx.strokeStyle = '#d9deea';
    ctx.lineWidth = 1;
    let lastY = Number.POSITIVE_INFINITY;
    for (const tick of this.ticks) {
      const y = Math.round(pad.t + (1 - tick.t) * (barH - 1)) + 0.5;
      ctx.beginPath();
      ctx.moveTo(pad.l + barW, y);
      ctx.lineTo(pad.l + barW + 4, y);
      ctx.stroke();
      // Labels closer than a line apart would overprint: the tick mark stays, the label goes.
      if (lastY - y < 11) continue;
      lastY = y;
      ctx.fillStyle = '#8b93a7';
      ctx.fillText(tick.text, pad.l + barW + 7, y, w - (pad.l + barW + 9));
    }
  }

  destroy(): void {
    this.canvas.remove();
  }
}
