/** Sizes a 2-D canvas's backing store to its CSS box at the device pixel ratio (at most 2). */
export function fitCanvas(
  canvas: HTMLCanvasElement,
  defaultHeight: number,
): { ctx: CanvasRenderingContext2D; w: number; h: number } | null {
  const dpr = Math.min(2, window.devicePixelRatio || 1);
  // Before layout (or while hidden) the box is 0 × 0: draw at a typical size rather than not at all.
  const w = canvas.clientWidth || 300;
  const h = canvas.clientHeight || defaultHeight;
  if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
    canvas.width = Math.round(w * dpr);
    canvas.height = Math.round(h * dpr);
  }
  const ctx = canvas.getContext('2d');
  if (!ctx) return null;
  // Callers draw in CSS pixels.
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  return { ctx, w, h };
}
