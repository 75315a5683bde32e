/**
 * The deep linear network, a calibration model with an exact learning coefficient (Aoyagi 2024;
 * src/core/landscapes/exact-lambda.ts): y = W_L⋯W_1·x with widths H_1 (input) … H_(L+1) (output), fitted to
 * noiseless data y = C₀·x from a seeded teacher of rank r with Gaussian inputs x ~ N(0, I_M). As for
 * reduced-rank regression (rrr.ts) the loss is quadratic in the product, so the data reach the shader
 * as sufficient statistics C₀ and S = mean x xᵀ (shaders/models/dln.wgsl). w* is the teacher embedded
 * with zeros beyond rank r in every layer (first layer A₀, identity blocks between, last layer B₀, so
 * C₀ = B₀A₀): every hidden layer has rank exactly r there, the most singular point of {W_L⋯W_1 = C₀}.
 */
import dlnWgsl from '../../../../shaders/models/dln.wgsl';
import { drawNormals, philox4x32_10, seedKey, uniformOpen01 } from '../../rng';
import { deepLinearLambda } from '../exact-lambda';
import type { Landscape } from '../landscapes';

export interface DlnOptions {
  /** H_1 (input) … H_(L+1) (output), each in [1, 8], 2 to 8 of them. */
  readonly widths: readonly number[];
  readonly r: number;
  /** Input points drawn for S (default 1000). */
  readonly points?: number;
  /** Seed of the teacher and the inputs (default 7). */
  readonly seed?: number;
}

export const DLN_MAX_WIDTH = 8;
/** Widths read by the shader (lp(4..11)): at most 7 layers. */
const DLN_MAX_WIDTHS = 8;
const DLN_DATA_OFFSET = 12;

type Matrix = number[][];

function matmul(a: Matrix, b: Matrix): Matrix {
  return a.map((row) => b[0].map((_, j) => row.reduce((s, x, k) => s + x * b[k][j], 0)));
}

function transpose(a: Matrix): Matrix {
  return a[0].map((_, j) => a.map((row) => row[j]));
}

function identity(n: number): Matrix {
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
}

/** The layers W_1 … W_L of w (W_k is H_(k+1)×H_k, row-major, in order). */
function layers(w: readonly number[], widths: readonly number[]): Matrix[] {
  const out: Matrix[] = [];
  let o = 0;
  for (let k = 0; k + 1 < widths.length; k++) {
    const rows = widths[k + 1];
    const cols = widths[k];
    out.push(
      Array.from({ length: rows }, (_, a) => Array.from({ length: cols }, (_, b) => w[o + a * cols + b])),
    );
    o += rows * cols;
  }
  return out;
}

/** W_k⋯W_1 over the first k layers (the identity for k = 0). */
function prefix(ws: readonly Matrix[], k: number, inputs: number): Matrix {
  let p = identity(inputs);
  for (let j = 0; j < k; j++) p = matmul(ws[j], p);
  return p;
}

export function dlnLandscape(o: DlnOptions): Landscape {
  const { widths, r } = o;
  const exact = deepLinearLambda(widths, r);
  if (widths.length > DLN_MAX_WIDTHS)
    throw new RangeError(`dln: at most ${DLN_MAX_WIDTHS} widths (7 layers), got ${widths.length}`);
  if (widths.some((h) => h > DLN_MAX_WIDTH))
    throw new RangeError(`dln: widths must be at most ${DLN_MAX_WIDTH}, got ${widths.join('x')}`);
  const L = widths.length - 1;
  const M = widths[0];
  const N = widths[L];
  const dim = widths.slice(0, L).reduce((s, h, k) => s + h * widths[k + 1], 0);
  if (dim > 32) throw new RangeError(`dln: Σ H_k·H_(k+1) = ${dim} exceeds 32 parameters`);
  const points = o.points ?? 1000;
  if (!Number.isInteger(points) || points < M || points > 1e7)
    throw new RangeError(`dln: points must be an integer in [M, 1e7], got ${points}`);
  // Teacher factors ±U(0.5, 1) (bounded away from 0, so C₀ has rank r, inside a box:3 prior), from
  // Philox stream 23 of the seed (rrr.ts uses 21 and 22).
  const key = seedKey(o.seed ?? 7);
  let counter = 0;
  const entry = () => {
    const [u, v] = philox4x32_10([counter++, 0, 0, 23], key);
    return (uniformOpen01(v) < 0.5 ? -1 : 1) * (0.5 + 0.5 * uniformOpen01(u));
  };
  const A0 = Array.from({ length: r }, () => Array.from({ length: M }, entry));
  const B0 = Array.from({ length: N }, () => Array.from({ length: r }, entry));
  const teacher: Matrix[] = [];
  for (let k = 0; k < L; k++) {
    const rows = widths[k + 1];
    const cols = widths[k];
    teacher.push(
      Array.from({ length: rows }, (_, a) =>
        Array.from({ length: cols }, (_, b) => {
          if (L === 1) return b < M && a < N ? B0[a].reduce((s, x, h) => s + x * A0[h][b], 0) : 0;
          if (k === 0) return a < r ? A0[a][b] : 0;
          if (k === L - 1) return b < r ? B0[a][b] : 0;
          return a < r && a === b ? 1 : 0;
        }),
      ),
    );
  }
  const C0 = prefix(teacher, L, M);
  const wstar = teacher.flatMap((t) => t.flat());
  // S = mean x xᵀ over Gaussian inputs (Philox stream 24 of the seed).
  const S = Array.from({ length: M }, () => new Array<number>(M).fill(0));
  for (let p = 0; p < points; p++) {
    const x = drawNormals(key, p, 0, 24, M);
    for (let j = 0; j < M; j++) for (let k = 0; k < M; k++) S[j][k] += (x[j] * x[k]) / points;
  }
  const delta = (ws: readonly Matrix[]) => prefix(ws, L, M).map((row, i) => row.map((x, j) => x - C0[i][j]));
  const shape = widths.join('x');
  return {
    id: 'dln',
    title: `Deep linear network ${shape}, true rank ${r}`,
    description: `y = W_${L}⋯W_1·x, widths ${shape} (d = ${dim}), teacher of rank ${r}; exact λ = ${exact.lambda}, m = ${exact.m} (Aoyagi 2024)`,
    dim,
    wgsl: dlnWgsl,
    params: [{ name: 'sigma', label: 'noise σ', default: 1, min: 0.01, max: 10, integer: false }],
    uniforms: ([sigma]) => {
      const head = [L, sigma, 0, 0, ...widths, ...new Array<number>(DLN_MAX_WIDTHS - widths.length).fill(0)];
      if (head.length !== DLN_DATA_OFFSET) throw new Error('dln: uniform layout out of step with dln.wgsl');
      return [...head, ...C0.flat(), ...S.flat()];
    },
    defaultBound: 3,
    singularPoints: [{ label: 'teacher', w: wstar }],
    defaultWstar: wstar,
    // The exact values hold at w* (the teacher), not at the origin: callers use defaultWstar.
    exact: () => exact,
    loss: (w, [sigma]) => {
      const d = delta(layers(w, widths));
      let q = 0;
      for (let i = 0; i < N; i++)
        for (let j = 0; j < M; j++) for (let k = 0; k < M; k++) q += d[i][j] * S[j][k] * d[i][k];
      return q / (2 * sigma * sigma);
    },
    grad: (w, [sigma]) => {
      const ws = layers(w, widths);
      // G = ΔS/σ²; ∂L/∂W_k = (W_L⋯W_(k+1))ᵀ G (W_(k−1)⋯W_1)ᵀ.
      let u = matmul(delta(ws), S).map((row) => row.map((x) => x / (sigma * sigma)));
      const grads: Matrix[] = new Array(L);
      for (let k = L - 1; k >= 0; k--) {
        grads[k] = matmul(u, transpose(prefix(ws, k, M)));
        u = matmul(transpose(ws[k]), u);
      }
      return grads.flatMap((g) => g.flat());
    },
  };
}

/** Parses the text after `dln:` (widths=H1xH2x…,r=…[,points=…,seed=…]). */
export function parseDlnSpec(rest: string): DlnOptions {
  let widths: number[] | undefined;
  const o: Record<string, number> = {};
  for (const part of rest ? rest.split(',') : []) {
    const [k, v] = part.split('=').map((s) => s.trim());
    if (k === 'widths') {
      const hs = (v ?? '').split('x').map((t) => Number(t));
      if (hs.length < 2 || !hs.every((h) => Number.isInteger(h) && h >= 1))
        throw new RangeError(`dln: widths must be integers ≥ 1 joined by x (e.g. 3x2x2x3), got '${v}'`);
      widths = hs;
      continue;
    }
    if (!['r', 'points', 'seed'].includes(k))
      throw new RangeError(`unknown dln option '${k}' (options: widths, r, points, seed)`);
    const x = Number(v);
    if (v === undefined || v === '' || !Number.isInteger(x))
      throw new RangeError(`dln: ${k} must be an integer, got '${v}'`);
    o[k] = x;
  }
  if (widths === undefined) throw new RangeError('dln: widths= is required (dln:widths=3x2x2x3,r=1)');
  if (o.r === undefined) throw new RangeError('dln: r= is required (dln:widths=3x2x2x3,r=1)');
  return { widths, r: o.r, points: o.points, seed: o.seed };
}
