/**
 * The compositor: paints every visible panel of a DOM region into one 2-D canvas, laid out as on
 * screen. Canvases (the WebGPU view, the density maps, the marginal charts) are copied with
 * `drawImage`; boxes (background, borders, rounded corners) and text are drawn from their computed
 * styles and layout rectangles. Nothing is asynchronous, so a caller that has just rendered the WebGPU
 * canvas can compose in the same task — the only time its drawing buffer can be read (DESIGN.md).
 *
 * A scroll container marked data-capture-unroll whose content overflows (the readouts column at a
 * short window) is painted unrolled: its whole content, from the top whatever the scroll position,
 * scaled down uniformly to fit its box and centred across it — a capture holds every panel, not only
 * those scrolled into view.
 *
 * Not reproduced: box shadows, backdrop blur, CSS pseudo-elements (::before/::after content), SVG and
 * `<img>` elements. The app's panels use none of them for content.
 */

export interface ComposeOptions {
  /** The region to capture (the app's root element); its layout box maps onto the output. */
  readonly root: HTMLElement;
  /** Output size in pixels. The region is scaled to fit and centred (letterboxed if the aspect differs). */
  readonly width: number;
  readonly height: number;
  /** 'solid' fills with the page background; 'transparent' leaves it (and the root's own) clear. */
  readonly background: 'solid' | 'transparent';
  /** Elements (and their subtrees) left out of the capture, e.g. the lil-gui panel. */
  readonly skip?: (el: Element) => boolean;
}

type Ctx = CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;

/** A box in output pixels. */
export interface PlacedRect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** Where a composition put things: tests check that a panel is inside the frame and drawn there. */
export interface Composition {
  /** Output box of every painted element that has an id. */
  readonly placed: Map<string, PlacedRect>;
  /** Scroll containers painted unrolled, with the scale their content was fitted at (≤ 1). */
  readonly unrolled: { id: string; scale: number }[];
}

/** Paints `opts.root` into `ctx` (whose canvas is opts.width × opts.height). Synchronous. */
export function compose(ctx: Ctx, opts: ComposeOptions): Composition {
  const out: Composition = { placed: new Map(), unrolled: [] };
  const { root, width, height } = opts;
  const r = root.getBoundingClientRect();
  const s = Math.min(width / Math.max(1, r.width), height / Math.max(1, r.height));
  const ox = (width - r.width * s) / 2;
  const oy = (height - r.height * s) / 2;
  ctx.save();
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.globalAlpha = 1;
  ctx.globalCompositeOperation = 'source-over';
  ctx.clearRect(0, 0, width, height);
  if (opts.background === 'solid') {
    ctx.fillStyle = pageBackground(root);
    ctx.fillRect(0, 0, width, height);
  }
  ctx.setTransform(s, 0, 0, s, ox - r.left * s, oy - r.top * s);
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = 'high';
  paintElement(ctx, root, opts, out, true);
  ctx.restore();
  return out;
}

/** The first opaque background colour from the root up to <html>, else black. */
function pageBackground(el: Element | null): string {
  for (; el; el = el.parentElement) {
    const c = getComputedStyle(el).backgroundColor;
    if (alphaOf(c) > 0) return c;
  }
  return '#000';
}

function alphaOf(color: string): number {
  if (color === 'transparent') return 0;
  const m = /rgba?\(([^)]+)\)/.exec(color);
  if (!m) return 1;
  const parts = m[1].split(/[\s,/]+/).filter(Boolean);
  return parts.length >= 4 ? Number.parseFloat(parts[3]) : 1;
}

const px = (v: string): number => Number.parseFloat(v) || 0;

function paintElement(ctx: Ctx, el: Element, opts: ComposeOptions, out: Composition, isRoot = false): void {
  if (opts.skip?.(el)) return;
  if ((el as HTMLElement).hidden) return;
  const cs = getComputedStyle(el);
  if (cs.display === 'none' || cs.visibility === 'hidden' || cs.visibility === 'collapse') return;
  const opacity = px(cs.opacity || '1');
  if (opacity <= 0) return;
  ctx.save();
  if (opacity < 1) ctx.globalAlpha *= opacity;
  const rect = el.getBoundingClientRect();
  if (el.id) out.placed.set(el.id, placedRect(ctx, rect));
  const radius = px(cs.borderTopLeftRadius);
  if (!(isRoot && opts.background === 'transparent')) paintBox(ctx, rect, cs, radius);

  if (el instanceof HTMLCanvasElement) {
    paintCanvas(ctx, el, rect, cs, radius);
  } else if (el instanceof HTMLInputElement || el instanceof HTMLSelectElement) {
    paintFormValue(ctx, el, rect, cs);
  }
  if (cs.overflowX !== 'visible' || cs.overflowY !== 'visible') {
    const bl = px(cs.borderLeftWidth);
    const bt = px(cs.borderTopWidth);
    ctx.beginPath();
    ctx.rect(
      rect.left + bl,
      rect.top + bt,
      rect.width - bl - px(cs.borderRightWidth),
      rect.height - bt - px(cs.borderBottomWidth),
    );
    ctx.clip();
    unroll(ctx, el, rect, cs, out);
  }
  // In-flow children in document order, then positioned ones by z-index (stable).
  const positioned: { el: Element; z: number; i: number }[] = [];
  let i = 0;
  for (const node of el.childNodes) {
    if (node.nodeType === Node.TEXT_NODE) {
      paintText(ctx, node as Text, cs);
    } else if (node.nodeType === Node.ELEMENT_NODE) {
      const child = node as Element;
      const pos = getComputedStyle(child).position;
      if (pos === 'absolute' || pos === 'fixed' || pos === 'relative' || pos === 'sticky') {
        const z = Number.parseInt(getComputedStyle(child).zIndex, 10);
        positioned.push({ el: child, z: Number.isFinite(z) ? z : 0, i: i++ });
      } else paintElement(ctx, child, opts, out);
    }
  }
  positioned.sort((a, b) => a.z - b.z || a.i - b.i);
  for (const p of positioned) paintElement(ctx, p.el, opts, out);
  ctx.restore();
}

/** A client rectangle through the context's current transform (no rotation: a box stays a box). */
function placedRect(ctx: Ctx, r: DOMRect): PlacedRect {
  const m = ctx.getTransform();
  const x0 = m.a * r.left + m.c * r.top + m.e;
  const y0 = m.b * r.left + m.d * r.top + m.f;
  const x1 = m.a * r.right + m.c * r.bottom + m.e;
  const y1 = m.b * r.right + m.d * r.bottom + m.f;
  return {
    x: Math.min(x0, x1),
    y: Math.min(y0, y1),
    width: Math.abs(x1 - x0),
    height: Math.abs(y1 - y0),
  };
}

/**
 * A scrolling box whose content overflows: maps its content, from its top-left whatever the scroll
 * position, onto its padding box at the scale that fits all of it (never enlarged), centred across.
 * Children report client rectangles shifted by the scroll; the transform undoes the shift first.
 */
function unroll(ctx: Ctx, el: Element, rect: DOMRect, cs: CSSStyleDeclaration, out: Composition): void {
  const scrolls = (o: string) => o === 'auto' || o === 'scroll';
  // Only boxes that ask for it (the readouts column): the control panel, when included, stays as seen.
  if (!(el as HTMLElement).hasAttribute?.('data-capture-unroll')) return;
  if (!scrolls(cs.overflowY) && !scrolls(cs.overflowX)) return;
  const cw = el.clientWidth;
  const ch = el.clientHeight;
  const sw = el.scrollWidth;
  const sh = el.scrollHeight;
  if (cw <= 0 || ch <= 0 || (sw <= cw + 1 && sh <= ch + 1 && el.scrollTop === 0 && el.scrollLeft === 0))
    return;
  const s = Math.min(1, cw / Math.max(1, sw), ch / Math.max(1, sh));
  const left = rect.left + px(cs.borderLeftWidth);
  const top = rect.top + px(cs.borderTopWidth);
  ctx.translate(left + (cw - sw * s) / 2, top);
  ctx.scale(s, s);
  ctx.translate(-left + el.scrollLeft, -top + el.scrollTop);
  out.unrolled.push({ id: el.id, scale: s });
}

function roundedPath(ctx: Ctx, x: number, y: number, w: number, h: number, r: number): void {
  ctx.beginPath();
  if (r > 0) ctx.roundRect(x, y, w, h, Math.min(r, w / 2, h / 2));
  else ctx.rect(x, y, w, h);
}

function paintBox(ctx: Ctx, rect: DOMRect, cs: CSSStyleDeclaration, radius: number): void {
  if (rect.width <= 0 || rect.height <= 0) return;
  const bg = cs.backgroundColor;
  const widths = [cs.borderTopWidth, cs.borderRightWidth, cs.borderBottomWidth, cs.borderLeftWidth].map(px);
  const colors = [cs.borderTopColor, cs.borderRightColor, cs.borderBottomColor, cs.borderLeftColor];
  const styles = [cs.borderTopStyle, cs.borderRightStyle, cs.borderBottomStyle, cs.borderLeftStyle];
  const shown = widths.map(
    (w, k) => w > 0 && styles[k] !== 'none' && styles[k] !== 'hidden' && alphaOf(colors[k]) > 0,
  );
  if (alphaOf(bg) > 0) {
    ctx.fillStyle = bg;
    roundedPath(ctx, rect.left, rect.top, rect.width, rect.height, radius);
    ctx.fill();
  }
  if (!shown.some(Boolean)) return;
  const uniform =
    shown.every(Boolean) && widths.every((w) => w === widths[0]) && colors.every((c) => c === colors[0]);
  if (uniform) {
    const w = widths[0];
    ctx.strokeStyle = colors[0];
    ctx.lineWidth = w;
    roundedPath(
      ctx,
      rect.left + w / 2,
      rect.top + w / 2,
      rect.width - w,
      rect.height - w,
      Math.max(0, radius - w / 2),
    );
    ctx.stroke();
    return;
  }
  // Mixed borders (e.g. a coloured left accent): each side as a band, clipped to the rounded box.
  ctx.save();
  roundedPath(ctx, rect.left, rect.top, rect.width, rect.height, radius);
  ctx.clip();
  const [t, r, b, l] = widths;
  const bands: [number, number, number, number][] = [
    [rect.left, rect.top, rect.width, t],
    [rect.right - r, rect.top, r, rect.height],
    [rect.left, rect.bottom - b, rect.width, b],
    [rect.left, rect.top, l, rect.height],
  ];
  // Draw the thinner sides first so a thick accent side wins its corners.
  const order = [0, 1, 2, 3].sort((a, c) => widths[a] - widths[c]);
  for (const k of order) {
    if (!shown[k]) continue;
    ctx.fillStyle = colors[k];
    ctx.fillRect(...bands[k]);
  }
  ctx.restore();
}

function paintCanvas(
  ctx: Ctx,
  canvas: HTMLCanvasElement,
  rect: DOMRect,
  cs: CSSStyleDeclaration,
  radius: number,
): void {
  if (canvas.width === 0 || canvas.height === 0) return;
  const l = rect.left + px(cs.borderLeftWidth) + px(cs.paddingLeft);
  const t = rect.top + px(cs.borderTopWidth) + px(cs.paddingTop);
  const w = rect.right - px(cs.borderRightWidth) - px(cs.paddingRight) - l;
  const h = rect.bottom - px(cs.borderBottomWidth) - px(cs.paddingBottom) - t;
  if (w <= 0 || h <= 0) return;
  ctx.save();
  if (radius > 0) {
    roundedPath(ctx, rect.left, rect.top, rect.width, rect.height, radius);
    ctx.clip();
  }
  ctx.imageSmoothingEnabled = cs.imageRendering !== 'pixelated' && cs.imageRendering !== 'crisp-edges';
  try {
    ctx.drawImage(canvas, l, t, w, h);
  } catch {
    // A canvas whose context is gone (lost device) draws nothing.
  }
  ctx.restore();
}

function fontOf(cs: CSSStyleDeclaration): string {
  return `${cs.fontStyle} ${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
}

function paintFormValue(
  ctx: Ctx,
  el: HTMLInputElement | HTMLSelectElement,
  rect: DOMRect,
  cs: CSSStyleDeclaration,
): void {
  let text = '';
  if (el instanceof HTMLSelectElement) text = el.selectedOptions[0]?.textContent ?? '';
  else if (el.type === 'checkbox') {
    if (el.checked) text = '✓';
  } else if (el.type !== 'range') text = el.value;
  if (!text) return;
  ctx.font = fontOf(cs);
  ctx.fillStyle = cs.color;
  ctx.textBaseline = 'middle';
  ctx.fillText(
    text,
    rect.left + px(cs.paddingLeft) + px(cs.borderLeftWidth),
    rect.top + rect.height / 2,
    rect.width,
  );
}

const WORD = /\S+/g;

function paintText(ctx: Ctx, node: Text, cs: CSSStyleDeclaration): void {
  const text = node.data;
  if (!/\S/.test(text)) return;
  ctx.font = fontOf(cs);
  ctx.fillStyle = cs.color;
  ctx.textBaseline = 'alphabetic';
  if ('letterSpacing' in ctx && cs.letterSpacing !== 'normal') ctx.letterSpacing = cs.letterSpacing;
  const range = document.createRange();
  WORD.lastIndex = 0;
  for (let m = WORD.exec(text); m; m = WORD.exec(text)) {
    range.setStart(node, m.index);
    range.setEnd(node, m.index + m[0].length);
    const rects = range.getClientRects();
    if (rects.length === 0) continue;
    if (rects.length === 1) drawWord(ctx, m[0], rects[0]);
    else {
      // A word broken across lines: place each character range by itself.
      for (let c = 0; c < m[0].length; c++) {
        range.setStart(node, m.index + c);
        range.setEnd(node, m.index + c + 1);
        const cr = range.getClientRects()[0];
        if (cr) drawWord(ctx, m[0][c], cr);
      }
    }
  }
  range.detach();
}

function drawWord(ctx: Ctx, word: string, r: DOMRect): void {
  if (r.width === 0 && r.height === 0) return;
  const m = ctx.measureText(word);
  const asc = m.fontBoundingBoxAscent;
  const desc = m.fontBoundingBoxDescent;
  const y = r.top + (r.height - (asc + desc)) / 2 + asc;
  ctx.fillText(word, r.left, y);
}

/** Device limits on the capture size: WebGPU canvas texture side, 2-D canvas side and area. */
export interface SizeLimits {
  readonly maxTexture: number;
  readonly maxCanvasSide: number;
  readonly maxCanvasArea: number;
}
export const CANVAS_LIMITS = { maxCanvasSide: 16384, maxCanvasArea: 16384 * 16384 } as const;

/**
 * The largest scale ≤ requested at which both the WebGPU canvas (stage, CSS px × base ratio × scale)
 * and the composite (root) fit the limits. Returns the scale and, when clamped, why.
 */
export function clampScale(
  requested: number,
  base: number,
  stage: { width: number; height: number },
  root: { width: number; height: number },
  limits: SizeLimits,
): { scale: number; message?: string } {
  const gpuMax = limits.maxTexture / (base * Math.max(stage.width, stage.height, 1));
  const sideMax = limits.maxCanvasSide / (base * Math.max(root.width, root.height, 1));
  const areaMax = Math.sqrt(limits.maxCanvasArea / (base * base * Math.max(1, root.width * root.height)));
  const max = Math.min(gpuMax, sideMax, areaMax);
  if (requested <= max) return { scale: requested };
  const scale = Math.max(0.25, Math.floor(max * 100) / 100);
  const which =
    max === gpuMax
      ? `the GPU's texture limit of ${limits.maxTexture} px per side`
      : 'the browser canvas size limit';
  return {
    scale,
    message: `Capture scale ${requested}× exceeds ${which} at this window size; captured at ${scale}× instead.`,
  };
}
