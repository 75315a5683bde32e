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
