/**
 * One 2-D chart canvas, ready to draw in CSS pixels: the backing store sized to the element at the
 * device pixel ratio (at most 2), the transform set, and the chart background painted. Shared by the
 * hand-written charts (line, bar, truth tables) so they look and scale alike.
 */
import { fitCanvas } from '../canvas-fit';

/** The chart background (the page's --bg). */
export const CHART_BG = '#0d0f14';

export function prepareCanvas(
  canvas: HTMLCanvasElement,
  fallback: { width: number; height: number },
  min: { width: number; height: number } = { width: 50, height: 40 },
): { ctx: CanvasRenderingContext2D; w: number; h: number } | null {
  const fit = fitCanvas(canvas, fallback, min);
  if (!fit) return null;
  const { ctx, w, h } = fit;
  ctx.clearRect(0, 0, w, h);
  ctx.fillStyle = CHART_BG;
  ctx.fillRect(0, 0, w, h);
  return fit;
}

/** The y-axis style every chart starts its axes with: grid lines, muted labels right-aligned to the axis. */
export function axisStyle(ctx: CanvasRenderingContext2D): void {
  ctx.font = '10px ui-monospace, Menlo, monospace';
  ctx.strokeStyle = '#262c3a';
  ctx.fillStyle = '#8b93a7';
  ctx.lineWidth = 1;
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
}

/** A drawn label's box in the canvas's CSS pixels. */
export interface LabelBox {
  readonly text: string;
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

/**
 * The labels of one chart draw: `fill` draws a text at the context's current font, alignment and
 * baseline, unless its box would overprint a label already drawn (a crowded tick is left out, never
 * written over another); `publish` puts the boxes on the canvas (data-labels, JSON) so tests can check
 * at every window size that no two labels intersect and that the essential ones are there.
 */
export class Labels {
  readonly boxes: LabelBox[] = [];
  /** Labels left out because they would have overprinted one already drawn. */
  readonly skipped: string[] = [];

  constructor(private readonly ctx: CanvasRenderingContext2D) {}

  /**
   * Draws `text` at (x, y) (optionally squeezed to maxWidth); false when it was left out. `always`:
   * a label the chart cannot do without (title, axis name, legend) is drawn whatever it meets, so a
   * layout that overprints one is caught by the tests rather than hidden.
   */
  fill(text: string, x: number, y: number, maxWidth?: number, always = false): boolean {
    const box = this.measure(text, x, y, maxWidth);
    if (!always && this.boxes.some((b) => intersects(b, box))) {
      this.skipped.push(text);
      return false;
    }
    this.boxes.push(box);
    if (maxWidth === undefined) this.ctx.fillText(text, x, y);
    else this.ctx.fillText(text, x, y, maxWidth);
    return true;
  }

  private measure(text: string, x: number, y: number, maxWidth?: number): LabelBox {
    const m = this.ctx.measureText(text);
    const w = maxWidth === undefined ? m.width : Math.min(m.width, maxWidth);
    const align = this.ctx.textAlign;
    const left = align === 'center' ? x - w / 2 : align === 'right' || align === 'end' ? x - w : x;
    // The glyphs' own extent above and below the baseline: what overprints is ink, not line boxes.
    const top = y - m.actualBoundingBoxAscent;
    return { text, x: left, y: top, w, h: m.actualBoundingBoxAscent + m.actualBoundingBoxDescent };
  }

  publish(canvas: HTMLCanvasElement): void {
    const r = (v: number) => Math.round(v * 10) / 10;
    canvas.dataset.skipped = JSON.stringify(this.skipped);
    canvas.dataset.labels = JSON.stringify(
      this.boxes.map((b) => ({ text: b.text, x: r(b.x), y: r(b.y), w: r(b.w), h: r(b.h) })),
    );
  }
}

/**
 * Overlap by more than a pixel and a half: boxes that touch, or an accent (λ̂) reaching into the
 * descenders of the line above, do not overprint. The tests use the same rule.
 */
export function intersects(a: LabelBox, b: LabelBox): boolean {
  const t = 1.5;
  return a.x < b.x + b.w - t && b.x < a.x + a.w - t && a.y < b.y + b.h - t && b.y < a.y + a.h - t;
}
