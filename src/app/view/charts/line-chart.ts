/**
 * A small hand-written 2-D canvas chart: lines, shaded bands, points with error bars, and horizontal or
 * vertical reference lines, on linear or log₁₀ x, with tick labels and a legend. Columnar data in, one
 * full redraw per call (a few hundred points at most). Written here rather than pulling in uPlot:
 * uPlot would do the drawing well, but bands with per-point error bars, reference lines and log
 * ticks are each a plugin or a hook there, and these four series kinds are ~200 lines on a plain canvas.
 */
import { axisStyle, Labels, prepareCanvas } from './canvas-2d';

export type Series =
  | {
      readonly kind: 'line';
      readonly x: ArrayLike<number>;
      readonly y: ArrayLike<number>;
      readonly color: string;
      readonly label?: string;
      readonly width?: number;
      readonly dash?: readonly number[];
    }
  | {
      readonly kind: 'band';
      readonly x: ArrayLike<number>;
      readonly lo: ArrayLike<number>;
      readonly hi: ArrayLike<number>;
      readonly color: string;
      readonly label?: string;
    }
  | {
      readonly kind: 'points';
      readonly x: ArrayLike<number>;
      readonly y: ArrayLike<number>;
      /** Half-widths of error bars (optional). */
      readonly err?: ArrayLike<number>;
      readonly color: string;
      readonly label?: string;
      readonly radius?: number;
    }
  | {
      readonly kind: 'hline' | 'vline';
      readonly value: number;
      readonly color: string;
      readonly label?: string;
      readonly dash?: readonly number[];
    };

export interface ChartOptions {
  readonly title: string;
  readonly xLabel: string;
  readonly logX?: boolean;
  /** log₁₀ y axis (values ≤ 0 are not drawn; an error bar reaching below 0 runs off the bottom). */
  readonly logY?: boolean;
  /** Fixed y range; otherwise from the data (and the reference lines). */
  readonly yRange?: readonly [number, number];
  /** The y range always includes these values (e.g. 0). */
  readonly yInclude?: readonly number[];
  readonly height?: number;
}

const M = { left: 44, right: 8, top: 32, bottom: 26 };
const LEGEND_ROW = 13;

const fmt = (v: number): string => {
  const a = Math.abs(v);
  if (a === 0) return '0';
  if (a >= 1e4 || a < 1e-3) return v.toExponential(0).replace('e+', 'e');
  return String(Number(v.toPrecision(3)));
};

/** About `count` round tick values spanning [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step)
    out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return out;
}

/** Tick values for a log₁₀ axis spanning [10^lo, 10^hi]: decades, with 2 and 5 when they are few. */
export function logTicks(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let k = Math.floor(lo); k <= Math.ceil(hi); k++) {
    for (const m of hi - lo < 2.5 ? [1, 2, 5] : [1]) {
      const t = k + Math.log10(m);
      if (t >= lo - 1e-9 && t <= hi + 1e-9) out.push(m * 10 ** k);
    }
  }
  return out;
}

export class LineChart {
  readonly canvas: HTMLCanvasElement;
  /** The last drawn series (tests read them through the DOM-free path). */
  last: readonly Series[] = [];

  constructor(
    parent: HTMLElement,
    private readonly opts: ChartOptions,
  ) {
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'line-chart';
    this.canvas.style.height = `${opts.height ?? 120}px`;
    this.canvas.setAttribute('role', 'img');
    this.canvas.setAttribute('aria-label', opts.title);
    parent.append(this.canvas);
  }

  draw(series: readonly Series[]): void {
    this.last = series;
    const prepared = prepareCanvas(this.canvas, { width: 300, height: this.opts.height || 120 });
    if (!prepared) return;
    const { ctx, w, h } = prepared;
    const logX = !!this.opts.logX;
    const tx = (v: number) => (logX ? Math.log10(v) : v);
    const logY = !!this.opts.logY;
    const ty = (v: number) => (logY ? (v > 0 ? Math.log10(v) : Number.NaN) : v);

    // Ranges from every finite value drawn.
    let x0 = Infinity;
    let x1 = -Infinity;
    let y0 = Infinity;
    let y1 = -Infinity;
    const addX = (v: number) => {
      const t = tx(v);
      if (Number.isFinite(t)) {
        x0 = Math.min(x0, t);
        x1 = Math.max(x1, t);
      }
    };
    const addY = (v: number) => {
      const t = ty(v);
      if (Number.isFinite(t)) {
        y0 = Math.min(y0, t);
        y1 = Math.max(y1, t);
      }
    };
    for (const s of series) {
      if (s.kind === 'hline') addY(s.value);
      else if (s.kind === 'vline') addX(s.value);
      else if (s.kind === 'band') {
        for (let i = 0; i < s.x.length; i++) {
          addX(s.x[i]);
          addY(s.lo[i]);
          addY(s.hi[i]);
        }
      } else if (s.kind === 'line' || s.kind === 'points') {
        for (let i = 0; i < s.x.length; i++) {
          addX(s.x[i]);
          const e = s.kind === 'points' && s.err ? s.err[i] : 0;
          addY(s.y[i] - (Number.isFinite(e) ? e : 0));
          addY(s.y[i] + (Number.isFinite(e) ? e : 0));
        }
      }
    }
    for (const v of this.opts.yInclude ?? []) addY(v);
    if (this.opts.yRange) [y0, y1] = [ty(this.opts.yRange[0]), ty(this.opts.yRange[1])];
    if (!Number.isFinite(x0)) [x0, x1] = [0, 1];
    if (!Number.isFinite(y0)) [y0, y1] = [0, 1];
    if (x1 - x0 < 1e-12) [x0, x1] = [x0 - 0.5, x1 + 0.5];
    if (y1 - y0 < 1e-12)
      [y0, y1] = [y0 - Math.max(0.5, Math.abs(y0) * 0.1), y1 + Math.max(0.5, Math.abs(y1) * 0.1)];
    else if (!this.opts.yRange) {
      const pad = 0.06 * (y1 - y0);
      [y0, y1] = [y0 - pad, y1 + pad];
    }
    // Legend layout first: it wraps onto as many rows as it needs under the title.
    ctx.font = '10px system-ui, sans-serif';
    const legend: { s: Series; x: number; row: number }[] = [];
    let lx = 6;
    let row = 0;
    for (const s of series) {
      if (!s.label) continue;
      const tw = ctx.measureText(s.label).width;
      if (lx > 6 && lx + 12 + tw > w - 4) {
        lx = 6;
        row++;
      }
      legend.push({ s, x: lx, row });
      lx += 12 + tw + 10;
    }
    const top = M.top + row * LEGEND_ROW;
    const pw = w - M.left - M.right;
    const ph = h - top - M.bottom;
    const px = (v: number) => M.left + ((tx(v) - x0) / (x1 - x0)) * pw;
    const py = (v: number) => {
      const t = ty(v);
      // Off the bottom (clipped) for log-axis values ≤ 0, e.g. the low end of an error bar.
      return Number.isFinite(t) ? top + (1 - (t - y0) / (y1 - y0)) * ph : top + ph + 2;
    };

    // Labels never overprint: the title, the axis name and the legend are placed first, then the ticks
    // that still fit (a crowded tick label, e.g. at the corner where the axes meet, is left out).
    const labels = new Labels(ctx);
    ctx.textAlign = 'left';
    ctx.fillStyle = '#d9deea';
    ctx.font = '600 11px system-ui, sans-serif';
    ctx.textBaseline = 'top';
    labels.fill(this.opts.title, 4, 3, w - 8, true);
    axisStyle(ctx);
    ctx.textAlign = 'right';
    ctx.textBaseline = 'top';
    labels.fill(this.opts.xLabel, M.left + pw, top + ph + 14, undefined, true);

    // Axes and ticks.
    axisStyle(ctx);
    const yTicks = logY ? logTicks(y0, y1) : niceTicks(y0, y1, Math.max(2, Math.floor(ph / 26)));
    for (const v of yTicks) {
      const y = py(v);
      ctx.beginPath();
      ctx.moveTo(M.left, y);
      ctx.lineTo(M.left + pw, y);
      ctx.stroke();
      labels.fill(fmt(v), M.left - 4, y);
    }
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    const xt = logX
      ? Array.from({ length: Math.floor(x1) - Math.ceil(x0) + 1 }, (_, i) => 10 ** (Math.ceil(x0) + i))
      : niceTicks(x0, x1, Math.max(2, Math.floor(pw / 60)));
    for (const v of xt) {
      const x = px(v);
      ctx.beginPath();
      ctx.moveTo(x, top);
      ctx.lineTo(x, top + ph);
      ctx.stroke();
      labels.fill(logX ? `1e${Math.round(Math.log10(v))}` : fmt(v), x, top + ph + 3);
    }

    ctx.save();
    ctx.beginPath();
    ctx.rect(M.left, top, pw, ph);
    ctx.clip();
    for (const s of series) {
      ctx.setLineDash([]);
      if (s.kind === 'band') {
        ctx.fillStyle = s.color;
        ctx.beginPath();
        let started = false;
        for (let i = 0; i < s.x.length; i++) {
          if (!Number.isFinite(s.hi[i])) continue;
          if (started) ctx.lineTo(px(s.x[i]), py(s.hi[i]));
          else ctx.moveTo(px(s.x[i]), py(s.hi[i]));
          started = true;
        }
        for (let i = s.x.length - 1; i >= 0; i--)
          if (Number.isFinite(s.lo[i])) ctx.lineTo(px(s.x[i]), py(s.lo[i]));
        ctx.closePath();
        if (started) ctx.fill();
      } else if (s.kind === 'line') {
        ctx.strokeStyle = s.color;
        ctx.lineWidth = s.width ?? 1.5;
        ctx.setLineDash(s.dash ? [...s.dash] : []);
        ctx.beginPath();
        let started = false;
        for (let i = 0; i < s.x.length; i++) {
          if (!Number.isFinite(ty(s.y[i]))) {
            started = false;
            continue;
          }
          if (started) ctx.lineTo(px(s.x[i]), py(s.y[i]));
          else ctx.moveTo(px(s.x[i]), py(s.y[i]));
          started = true;
        }
        ctx.stroke();
      } else if (s.kind === 'points') {
        ctx.fillStyle = s.color;
        ctx.strokeStyle = s.color;
        ctx.lineWidth = 1;
        for (let i = 0; i < s.x.length; i++) {
          if (!Number.isFinite(ty(s.y[i]))) continue;
          const x = px(s.x[i]);
          const y = py(s.y[i]);
          const e = s.err?.[i];
          if (e !== undefined && Number.isFinite(e) && e > 0) {
            ctx.beginPath();
            ctx.moveTo(x, py(s.y[i] - e));
            ctx.lineTo(x, py(s.y[i] + e));
            ctx.stroke();
          }
          ctx.beginPath();
          ctx.arc(x, y, s.radius ?? 2.5, 0, 2 * Math.PI);
          ctx.fill();
        }
      } else {
        ctx.strokeStyle = s.color;
        ctx.lineWidth = 1.2;
        ctx.setLineDash(s.dash ? [...s.dash] : [4, 3]);
        ctx.beginPath();
        if (s.kind === 'hline') {
          ctx.moveTo(M.left, py(s.value));
          ctx.lineTo(M.left + pw, py(s.value));
        } else {
          ctx.moveTo(px(s.value), top);
          ctx.lineTo(px(s.value), top + ph);
        }
        ctx.stroke();
      }
    }
    ctx.restore();

    // Legend rows under the title.
    ctx.setLineDash([]);
    ctx.font = '10px system-ui, sans-serif';
    ctx.textBaseline = 'top';
    ctx.textAlign = 'left';
    for (const { s, x, row: r } of legend) {
      const y = 16 + r * LEGEND_ROW;
      ctx.fillStyle = s.color;
      ctx.fillRect(x, s.kind === 'band' ? y + 1 : y + 4, 9, s.kind === 'band' ? 7 : 2);
      ctx.fillStyle = '#8b93a7';
      labels.fill(s.label ?? '', x + 12, y, undefined, true);
    }
    labels.publish(this.canvas);
  }
}
