/**
 * Side panel: the walkers' 2-D histogram and the exact posterior mass on the same cells, both
 * log-scaled on one shared colour scale, and the two marginals (walkers as filled steps, exact as a
 * line). Plain 2-D canvases: a few thousand cells, redrawn when a histogram arrives.
 */

import type { Window2D } from '../../gpu/grid-compute';
import { fitCanvas } from './canvas-fit';
import type { ColormapName } from './colormap';
import { colormapTable } from './colormap';

/** Decades of density shown below the maximum. */
const DECADES = 4;

export interface DensityFrame {
  readonly bins: number;
  readonly window: Window2D;
  /** Walker fraction per cell (sums to 1 over the window), or null before the first histogram. */
  readonly walkers: Float64Array | null;
  /** Exact posterior mass per cell (sums to 1 over the window), or null. */
  readonly exact: Float64Array | null;
  readonly colormap: ColormapName;
  readonly showExact: boolean;
  /** Total variation distance between the two, if both exist. */
  readonly tv: number | null;
  /** The TV expected from sampling noise alone. */
  readonly tvNoise: number | null;
  /** Fraction of walkers inside the window. */
  readonly insideFraction: number | null;
  /** 0-based parameter indices along the two axes (a d > 2 slice's own axes); default (0, 1). */
  readonly axes?: readonly [number, number];
}

const SUBSCRIPTS = '₀₁₂₃₄₅₆₇₈₉';

/** The name of parameter i (0-based) as shown on axes: w₁, w₂, …, w₁₅. */
export function paramLabel(i: number): string {
  return `w${[...String(i + 1)].map((c) => SUBSCRIPTS[Number(c)]).join('')}`;
}

export class DensityPanel {
  readonly root: HTMLElement;
  private readonly walkerCanvas: HTMLCanvasElement;
  private readonly exactCanvas: HTMLCanvasElement;
  private readonly exactBox: HTMLElement;
  private readonly marginalX: HTMLCanvasElement;
  private readonly marginalY: HTMLCanvasElement;
  private readonly caption: HTMLElement;
  private readonly colorbar: HTMLCanvasElement;
  private readonly exactLegend: HTMLElement;

  constructor(parent: HTMLElement) {
    this.root = el('section', 'density');
    const maps = el('div', 'maps');
    const [wBox, wCanvas] = mapBox('walkers', 'Walker density');
    const [eBox, eCanvas] = mapBox('exact', 'Exact φ·e^(−nβL)');
    maps.append(wBox, eBox);
    this.walkerCanvas = wCanvas;
    this.exactCanvas = eCanvas;
    this.exactBox = eBox;
    this.marginalX = chartCanvas('marginal-w1');
    this.marginalY = chartCanvas('marginal-w2');
    this.caption = el('div', 'caption');
    this.colorbar = document.createElement('canvas');
    this.colorbar.id = 'density-colorbar';
    this.colorbar.className = 'colorbar';
    const legend = el('div', 'legend');
    legend.innerHTML = '<span class="swatch walkers"></span>walkers';
    // Only what is drawn: no "exact" entry when no exact density is shown (off, or a slice).
    this.exactLegend = el('span', 'legend-exact');
    this.exactLegend.innerHTML = '<span class="swatch exact"></span>exact';
    legend.append(this.exactLegend);
    this.root.append(maps, this.colorbar, legend, this.marginalX, this.marginalY, this.caption);
    parent.append(this.root);
  }

  set visible(on: boolean) {
    this.root.hidden = !on;
  }

  draw(f: DensityFrame): void {
    const scaleMax = Math.max(maxOf(f.walkers), maxOf(f.exact));
    paintMap(this.walkerCanvas, f.bins, f.walkers, scaleMax, f.colormap);
    this.exactBox.hidden = !f.showExact;
    this.exactLegend.hidden = !f.showExact;
    paintColorbar(this.colorbar, f.colormap);
    if (f.showExact) paintMap(this.exactCanvas, f.bins, f.exact, scaleMax, f.colormap);
    const mw = marginals(f.walkers, f.bins);
    const me = f.showExact ? marginals(f.exact, f.bins) : null;
    // A slice of a d > 2 landscape shows two chosen parameters, not necessarily w₁ and w₂.
    const [lx, ly] = (f.axes ?? [0, 1]).map(paramLabel);
    paintMarginal(this.marginalX, lx, f.window.lo[0], f.window.hi[0], mw?.x ?? null, me?.x ?? null);
    paintMarginal(this.marginalY, ly, f.window.lo[1], f.window.hi[1], mw?.y ?? null, me?.y ?? null);
    const parts: string[] = [];
    parts.push(
      `window ${lx} ∈ [${fmt(f.window.lo[0])}, ${fmt(f.window.hi[0])}], ${ly} ∈ [${fmt(f.window.lo[1])}, ${fmt(f.window.hi[1])}]`,
    );
    if (f.insideFraction !== null) parts.push(`${(100 * f.insideFraction).toFixed(1)}% of walkers inside`);
    if (f.tv !== null && f.showExact)
      parts.push(
        `TV(walkers, exact) = ${f.tv.toFixed(3)}${f.tvNoise !== null ? ` (noise ≈ ${f.tvNoise.toFixed(3)})` : ''}`,
      );
    this.caption.textContent = parts.join(' · ');
  }
}

/** The maps' shared colour scale: log₁₀ of the cell mass over DECADES decades below the maximum. */
function paintColorbar(canvas: HTMLCanvasElement, cmap: ColormapName): void {
  const fit = fitCanvas(canvas, { width: 300, height: 38 });
  if (!fit) return;
  const { ctx, w, h } = fit;
  ctx.clearRect(0, 0, w, h);
  const table = colormapTable(cmap);
  const pad = 8;
  const barW = w - 2 * pad;
  for (let i = 0; i < barW; i++) {
    const k = Math.round((i / Math.max(1, barW - 1)) * 255) * 3;
    ctx.fillStyle = `rgb(${table[k]}, ${table[k + 1]}, ${table[k + 2]})`;
    ctx.fillRect(pad + i, 2, 1, 9);
  }
  ctx.fillStyle = '#8b93a7';
  ctx.font = '10px system-ui, sans-serif';
  ctx.textBaseline = 'top';
  for (let d = 0; d <= DECADES; d++) {
    const x = pad + (barW * d) / DECADES;
    const text = d === DECADES ? 'max' : `10⁻${'⁰¹²³⁴⁵⁶⁷⁸⁹'[DECADES - d]}`;
    const tw = ctx.measureText(text).width;
    ctx.fillText(text, Math.min(w - tw, Math.max(0, x - tw / 2)), 14);
  }
  const note = 'cell mass ÷ max, log scale';
  ctx.fillText(note, (w - ctx.measureText(note).width) / 2, 26);
}

function el(tag: string, cls: string): HTMLElement {
  const e = document.createElement(tag);
  e.className = cls;
  return e;
}

function mapBox(id: string, title: string): [HTMLElement, HTMLCanvasElement] {
  const box = el('figure', 'map');
  const c = document.createElement('canvas');
  c.id = `density-${id}`;
  const cap = document.createElement('figcaption');
  cap.textContent = title;
  box.append(c, cap);
  return [box, c];
}

function chartCanvas(id: string): HTMLCanvasElement {
  const c = document.createElement('canvas');
  c.id = id;
  c.className = 'chart';
  return c;
}

function maxOf(a: Float64Array | null): number {
  let m = 0;
  if (a) for (const v of a) if (v > m) m = v;
  return m;
}

const fmt = (x: number): string => (Math.abs(x) >= 0.01 || x === 0 ? x.toFixed(3) : x.toExponential(1));

function paintMap(
  canvas: HTMLCanvasElement,
  bins: number,
  p: Float64Array | null,
  max: number,
  cmap: ColormapName,
): void {
  if (canvas.width !== bins) {
    canvas.width = bins;
    canvas.height = bins;
  }
  canvas.getContext('2d')?.putImageData(densityImage(bins, bins, p, max, cmap), 0, 0);
}

/**
 * A columns × rows density image (row 0 at the bottom), log-scaled over `decades` below `max`, in a
 * colour map; empty and negligible cells are the page background.
 */
export function densityImage(
  columns: number,
  rows: number,
  p: ArrayLike<number> | null,
  max: number,
  cmap: ColormapName,
  decades = DECADES,
): ImageData {
  const img = new ImageData(columns, rows);
  const table = colormapTable(cmap);
  const logMax = Math.log10(max > 0 ? max : 1);
  for (let j = 0; j < rows; j++) {
    for (let i = 0; i < columns; i++) {
      const v = p ? p[j * columns + i] : 0;
      const o = 4 * ((rows - 1 - j) * columns + i);
      const t = v > 0 ? Math.min(1, (Math.log10(v) - logMax + decades) / decades) : -1;
      if (t < 0) {
        img.data.set([13, 15, 20, 255], o);
        continue;
      }
      const k = Math.round(t * 255) * 3;
      img.data.set([table[k], table[k + 1], table[k + 2], 255], o);
    }
  }
  return img;
}

/** Row and column sums of a bins × bins mass array (row = w2 bin). */
export function marginals(p: Float64Array | null, bins: number): { x: Float64Array; y: Float64Array } | null {
  if (!p) return null;
  const x = new Float64Array(bins);
  const y = new Float64Array(bins);
  for (let j = 0; j < bins; j++) {
    for (let i = 0; i < bins; i++) {
      x[i] += p[j * bins + i];
      y[j] += p[j * bins + i];
    }
  }
  return { x, y };
}

function paintMarginal(
  canvas: HTMLCanvasElement,
  label: string,
  lo: number,
  hi: number,
  walkers: Float64Array | null,
  exact: Float64Array | null,
): void {
  const fit = fitCanvas(canvas, { width: 300, height: 96 });
  if (!fit) return;
  const { ctx, w: cssW, h: cssH } = fit;
  ctx.clearRect(0, 0, cssW, cssH);
  const pad = { l: 8, r: 8, t: 16, b: 16 };
  const w = cssW - pad.l - pad.r;
  const h = cssH - pad.t - pad.b;
  const top = Math.max(maxOf(walkers), maxOf(exact)) || 1;
  ctx.strokeStyle = '#2a3040';
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(pad.l, pad.t + h + 0.5);
  ctx.lineTo(pad.l + w, pad.t + h + 0.5);
  ctx.stroke();
  if (walkers) {
    const n = walkers.length;
    ctx.fillStyle = 'rgba(255, 122, 69, 0.55)';
    ctx.beginPath();
    ctx.moveTo(pad.l, pad.t + h);
    for (let i = 0; i < n; i++) {
      const y = pad.t + h - (h * walkers[i]) / top;
      ctx.lineTo(pad.l + (w * i) / n, y);
      ctx.lineTo(pad.l + (w * (i + 1)) / n, y);
    }
    ctx.lineTo(pad.l + w, pad.t + h);
    ctx.closePath();
    ctx.fill();
  }
  if (exact) {
    const n = exact.length;
    ctx.strokeStyle = '#e8ecf4';
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    for (let i = 0; i < n; i++) {
      const x = pad.l + (w * (i + 0.5)) / n;
      const y = pad.t + h - (h * exact[i]) / top;
      if (i === 0) ctx.moveTo(x, y);
      else ctx.lineTo(x, y);
    }
    ctx.stroke();
  }
  ctx.fillStyle = '#8b93a7';
  ctx.font = '11px system-ui, sans-serif';
  ctx.textBaseline = 'top';
  ctx.fillText(`${label} marginal`, pad.l, 2);
  canvas.setAttribute('aria-label', `${label} marginal`);
  ctx.textBaseline = 'bottom';
  ctx.fillText(fmt(lo), pad.l, cssH - 1);
  const hiText = fmt(hi);
  ctx.fillText(hiText, pad.l + w - ctx.measureText(hiText).width, cssH - 1);
}
