/**
 * One 2-D chart canvas, ready to draw in CSS pixels: the backing store sized to the element at the
 * device pixel ratio (at most 2), the transform set, and the chart background painted. Shared by the
 * hand-written charts (line, bar, truth tables) so they look and scale alike.
 */

/** The chart background (the page's --bg). */
export const CHART_BG = '#0d0f14';

export function prepareCanvas(
  canvas: HTMLCanvasElement,
  fallback: { width: number; height: number },
  min: { width: number; height: number } = { width: 50, height: 40 },
): { ctx: CanvasRenderingContext2D; w: number; h: number } | null {
  const dpr = Math.min(2, window.devicePixelRatio || 1);
  const w = Math.max(min.width, canvas.clientWidth || fallback.width);
  const h = Math.max(min.height, canvas.clientHeight || fallback.height);
  if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
    canvas.width = Math.round(w * dpr);
    canvas.height = Math.round(h * dpr);
  }
  const ctx = canvas.getContext('2d');
  if (!ctx) return null;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, w, h);
  ctx.fillStyle = CHART_BG;
  ctx.fillRect(0, 0, w, h);
  return { ctx, w, h };
}
