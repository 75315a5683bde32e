/**
 * Sizes a 2-D canvas's backing store to its CSS box at the device pixel ratio (at most 2) and sets the
 * transform, so that callers draw in CSS pixels. Before layout (or while hidden) the box is 0 × 0: the
 * canvas is sized to `fallback` rather than not drawn at all; `min` keeps a squeezed box drawable.
 */
export function fitCanvas(
  canvas: HTMLCanvasElement,
  fallback: { width: number; height: number },
  min: { width: number; height: number } = { width: 0, height: 0 },
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
  return { ctx, w, h };
}
