/**
 * The most frequent functions as truth-table images on one 2-D canvas (so captures copy it as is):
 * each tile is a rows × cols image of the 2^n output bits, with rank, probability, count and K_LZ.
 *
 * Layout: bit i (input point i, whose binary expansion has the FIRST input as its most significant
 * bit, src/core/function-space/randnet.ts) sits at row ⌊i / cols⌋, column i mod cols, with cols = 2^⌈n/2⌉ and
 * rows = 2^⌊n/2⌋ — 8 × 16 for n = 7. So the row spells the first ⌊n/2⌋ inputs and the column the
 * last ⌈n/2⌉; the top-left cell is the all-zeros input. A 1 is drawn light, a 0 dark.
 */
import { Labels, prepareCanvas } from './canvas-2d';

export interface TruthTableRow {
  readonly bits: string;
  readonly count: number;
  readonly p: number;
  readonly k: number;
}

/** Image shape of a 2^n-bit truth table: 8 rows × 16 columns for n = 7. */
export function truthTableShape(inputs: number): { rows: number; cols: number } {
  return { rows: 2 ** Math.floor(inputs / 2), cols: 2 ** Math.ceil(inputs / 2) };
}

/** The caption that states the convention for n inputs. */
export function truthTableCaption(inputs: number): string {
  const { rows, cols } = truthTableShape(inputs);
  const first = Math.floor(inputs / 2);
  const rowPart = first > 0 ? `rows x1…x${first}, ` : '';
  return (
    `Truth tables, ${rows} × ${cols}: bit i at row ⌊i/${cols}⌋, column i mod ${cols}, i in binary with x1 the most ` +
    `significant bit (${rowPart}columns x${first + 1}…x${inputs}); top-left = all zeros; light = output > 0.`
  );
}

const sci = (p: number): string => (p >= 0.01 ? p.toFixed(3) : p.toExponential(1));

export function drawTruthTables(
  canvas: HTMLCanvasElement,
  rows: readonly TruthTableRow[],
  inputs: number,
): void {
  const prepared = prepareCanvas(canvas, { width: 300, height: 200 }, { width: 60, height: 60 });
  if (!prepared) return;
  const { ctx, w, h } = prepared;
  ctx.fillStyle = '#d9deea';
  ctx.font = '600 11px system-ui, sans-serif';
  ctx.textBaseline = 'top';
  ctx.textAlign = 'left';
  const labels = new Labels(ctx);
  labels.fill('most frequent functions (rank · p · count · K_LZ)', 4, 4, w - 8, true);
  if (rows.length === 0) {
    labels.publish(canvas);
    return;
  }
  const shape = truthTableShape(inputs);
  const top = 20;
  const label = 24;
  // The most tiles (up to rows.length) whose images are at least 2 px per cell.
  let best = { n: 0, cols: 1, cell: 0 };
  for (let tc = 1; tc <= rows.length; tc++) {
    const tr = Math.ceil(rows.length / tc);
    const tileW = (w - 8) / tc - 8;
    const tileH = (h - top - 4) / tr - label - 8;
    const cell = Math.floor(Math.min(tileW / shape.cols, tileH / shape.rows) * 2) / 2;
    if (cell >= 2 && cell > best.cell) best = { n: rows.length, cols: tc, cell };
  }
  if (best.cell === 0) {
    // Too small for every tile: as many as fit in one row, at least 2 px per cell.
    const cell = Math.max(2, Math.floor((h - top - label - 8) / shape.rows));
    const fit = Math.max(1, Math.floor((w - 8) / (shape.cols * cell + 8)));
    best = { n: Math.min(fit, rows.length), cols: fit, cell };
  }
  const { cell } = best;
  const imgW = shape.cols * cell;
  const imgH = shape.rows * cell;
  const tileW = (w - 8) / best.cols;
  const tileH = imgH + label + 8;
  ctx.font = '10px ui-monospace, Menlo, monospace';
  for (let t = 0; t < best.n; t++) {
    const r = rows[t];
    const x = 4 + (t % best.cols) * tileW + (tileW - imgW) / 2;
    const y = top + Math.floor(t / best.cols) * tileH;
    ctx.fillStyle = '#262c3a';
    ctx.fillRect(x - 1, y - 1, imgW + 2, imgH + 2);
    for (let i = 0; i < r.bits.length; i++) {
      ctx.fillStyle = r.bits[i] === '1' ? '#f4e9c8' : '#1b2130';
      ctx.fillRect(x + (i % shape.cols) * cell, y + Math.floor(i / shape.cols) * cell, cell, cell);
    }
    ctx.fillStyle = '#8b93a7';
    ctx.textAlign = 'center';
    const cx = x + imgW / 2;
    labels.fill(`#${t + 1} p=${sci(r.p)}`, cx, y + imgH + 3, tileW - 4, true);
    labels.fill(
      `${r.count.toLocaleString('en-US')}× K=${r.k.toFixed(1)}`,
      cx,
      y + imgH + 14,
      tileW - 4,
      true,
    );
  }
  labels.publish(canvas);
}
