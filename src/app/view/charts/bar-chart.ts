/**
 * A small 2-D canvas bar chart on a log₁₀ y axis: bars at numeric x positions (e.g. one per K_LZ value)
 * plus optional labelled bars set apart on the right (e.g. "other", which belongs to no x). Same look as
 * LineChart (line-chart.ts), whose tick helper it reuses.
 */
import { axisStyle, Labels, prepareCanvas } from './canvas-2d';
import { niceTicks } from './line-chart';

export interface BarData {
  readonly x: readonly number[];
  /** Bar heights (> 0 to show on the log axis). */
  readonly y: readonly number[];
  readonly color: string;
  /** Bars after a gap on the right, each with its own label under it. */
  readonly extra?: readonly { readonly label: string; readonly y: number; readonly color: string }[];
}

export interface BarOptions {
  readonly title: string;
  readonly xLabel: string;
  /** The smallest y shown (the log axis starts here). */
  readonly floor: number;
  readonly height?: number;
}

const M = { left: 44, right: 8, top: 22, bottom: 26 };

export class BarChart {
  readonly canvas: HTMLCanvasElement;

  constructor(
    parent: HTMLElement,
    private readonly opts: BarOptions,
  ) {
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'line-chart';
    if (opts.height) this.canvas.style.height = `${opts.height}px`;
    this.canvas.setAttribute('role', 'img');
    this.canvas.setAttribute('aria-label', opts.title);
    parent.append(this.canvas);
  }

  draw(data: BarData, floor = this.opts.floor): void {
    const prepared = prepareCanvas(this.canvas, { width: 300, height: this.opts.height || 120 });
    if (!prepared) return;
    const { ctx, w, h } = prepared;
    const extra = data.extra ?? [];
    const y0 = Math.floor(Math.log10(floor));
    const y1 = 0;
    const xs = data.x;
    let x0 = xs.length > 0 ? Math.min(...xs) : 0;
    let x1 = xs.length > 0 ? Math.max(...xs) : 1;
    let gap = Infinity;
    for (let i = 1; i < xs.length; i++) gap = Math.min(gap, xs[i] - xs[i - 1]);
    if (!Number.isFinite(gap) || gap <= 0) gap = Math.max(1, (x1 - x0) / 10 || 1);
    x0 -= gap;
    // Room on the right for the extra bars, each one gap wide, after a gap.
    const xExtra = x1 + 1.5 * gap;
    x1 += gap * (extra.length > 0 ? 1.5 + 1.2 * extra.length : 1);
    const pw = w - M.left - M.right;
    const ph = h - M.top - M.bottom;
    const px = (v: number) => M.left + ((v - x0) / (x1 - x0)) * pw;
    const py = (v: number) => M.top + (1 - (Math.log10(Math.max(v, 10 ** y0)) - y0) / (y1 - y0)) * ph;

    // Labels never overprint (canvas-2d.ts, Labels): the title and axis name first, then the ticks.
    const labels = new Labels(ctx);
    ctx.textAlign = 'left';
    ctx.textBaseline = 'top';
    ctx.fillStyle = '#d9deea';
    ctx.font = '600 11px system-ui, sans-serif';
    labels.fill(this.opts.title, 4, 4, w - 8, true);
    axisStyle(ctx);
    ctx.textAlign = 'right';
    ctx.textBaseline = 'top';
    labels.fill(this.opts.xLabel, M.left + pw, M.top + ph + 14, undefined, true);
    axisStyle(ctx);
    const every = Math.max(1, Math.ceil((y1 - y0) / Math.max(2, Math.floor(ph / 22))));
    for (let e = y0; e <= y1; e += every) {
      const y = py(10 ** e);
      ctx.beginPath();
      ctx.moveTo(M.left, y);
      ctx.lineTo(M.left + pw, y);
      ctx.stroke();
      labels.fill(`1e${e}`, M.left - 4, y);
    }
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    // x ticks only under bars (an empty chart has no K axis to label).
    const ticks =
      xs.length === 0 ? [] : niceTicks(xs[0], xs[xs.length - 1], Math.max(2, Math.floor(pw / 60)));
    for (const v of ticks) labels.fill(String(Number(v.toPrecision(3))), px(v), M.top + ph + 3);

    const bw = Math.max(1, ((gap * 0.8) / (x1 - x0)) * pw);
    const base = M.top + ph;
    ctx.fillStyle = data.color;
    for (let i = 0; i < xs.length; i++) {
      if (!(data.y[i] > 0)) continue;
      const top = py(data.y[i]);
      ctx.fillRect(px(xs[i]) - bw / 2, top, bw, base - top);
    }
    ctx.font = '10px system-ui, sans-serif';
    ctx.textAlign = 'center';
    extra.forEach((bar, j) => {
      const x = px(xExtra + 1.2 * gap * j);
      ctx.fillStyle = bar.color;
      if (bar.y > 0) {
        const top = py(bar.y);
        ctx.fillRect(x - bw / 2, top, bw, base - top);
      } else {
        // Zero on a log axis: a hairline at the floor, so the bar is visibly there and empty.
        ctx.fillRect(x - bw / 2, base - 1, bw, 1);
      }
      // Above its bar, but never above the plot's top (into the title): a full bar carries its label inside.
      const top = bar.y > 0 ? py(bar.y) : base;
      const inside = top - 14 < M.top;
      ctx.textBaseline = inside ? 'top' : 'bottom';
      if (inside) ctx.fillStyle = '#0d0f14';
      labels.fill(bar.label, x, inside ? top + 3 : top - 3, undefined, true);
    });
    labels.publish(this.canvas);
  }
}
