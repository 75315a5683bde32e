/**
 * Reduced-rank regression, the calibration model with an exact learning coefficient (Aoyagi &
 * Watanabe 2005; src/core/landscapes/exact-lambda.ts): y = B·A·x, A: H×M, B: N×H, fitted to noiseless data
 * y = C₀·x from a seeded teacher C₀ = B₀A₀ of rank r with Gaussian inputs x ~ N(0, I_M). The loss of a
 * linear model is quadratic in W = BA, so the data reach the shader as sufficient statistics: C₀ and
 * the input moment matrix S = mean x xᵀ (shaders/models/rrr.wgsl). w* is the teacher embedded with
 * zeros (A's rows and B's columns beyond r), the most singular point of the zero set {BA = C₀}.
 */
import rrrWgsl from '../../../../shaders/models/rrr.wgsl';
import { drawNormals, philox4x32_10, seedKey, uniformOpen01 } from '../../rng';
import { reducedRankLambda } from '../exact-lambda';
import type { Landscape } from '../landscapes';

export interface RrrOptions {
  readonly M: number;
  readonly N: number;
  readonly H: number;
  readonly r: number;
  /** Input points drawn for S (default 1000). */
  readonly points?: number;
  /** Seed of the teacher and the inputs (default 7). */
  readonly seed?: number;
}

export const RRR_MAX_DIM = 8;

/** The teacher's factors: entries ±U(0.5, 1) (bounded away from 0, so C₀ has rank r, inside a box:3 prior). */
function teacherFactors(o: RrrOptions): { A0: number[][]; B0: number[][] } {
  const key = seedKey(o.seed ?? 7);
  let counter = 0;
  const entry = () => {
    const [u, v] = philox4x32_10([counter++, 0, 0, 21], key);
    return (uniformOpen01(v) < 0.5 ? -1 : 1) * (0.5 + 0.5 * uniformOpen01(u));
  };
  const A0 = Array.from({ length: o.r }, () => Array.from({ length: o.M }, entry));
  const B0 = Array.from({ length: o.N }, () => Array.from({ length: o.r }, entry));
  return { A0, B0 };
}

export function rrrLandscape(o: RrrOptions): Landscape {
  const { M, N, H, r } = o;
  const exact = reducedRankLambda(M, N, H, r);
  if (M > RRR_MAX_DIM || N > RRR_MAX_DIM)
    throw new RangeError(`rrr: M and N must be at most ${RRR_MAX_DIM}, got M=${M}, N=${N}`);
  const dim = H * (M + N);
  if (dim > 32) throw new RangeError(`rrr: H·(M + N) = ${dim} exceeds 32 parameters`);
  const points = o.points ?? 1000;
  if (!Number.isInteger(points) || points < M || points > 1e7)
    throw new RangeError(`rrr: points must be an integer in [M, 1e7], got ${points}`);
  const { A0, B0 } = teacherFactors(o);
  const C0 = Array.from({ length: N }, (_, i) =>
    Array.from({ length: M }, (_, j) => A0.reduce((s, row, h) => s + B0[i][h] * row[j], 0)),
  );
  // S = mean x xᵀ over Gaussian inputs (Philox stream 22 of the teacher's seed).
  const key = seedKey(o.seed ?? 7);
  const S = Array.from({ length: M }, () => new Array<number>(M).fill(0));
  for (let p = 0; p < points; p++) {
    const x = drawNormals(key, p, 0, 22, M);
    for (let j = 0; j < M; j++) for (let k = 0; k < M; k++) S[j][k] += (x[j] * x[k]) / points;
  }
  const wstar = new Array<number>(dim).fill(0);
  for (let h = 0; h < r; h++) for (let j = 0; j < M; j++) wstar[h * M + j] = A0[h][j];
  for (let i = 0; i < N; i++) for (let h = 0; h < r; h++) wstar[H * M + i * H + h] = B0[i][h];
  const delta = (w: readonly number[]) =>
    C0.map((row, i) =>
      row.map((c, j) => {
        let acc = -c;
        for (let h = 0; h < H; h++) acc += w[H * M + i * H + h] * w[h * M + j];
        return acc;
      }),
    );
  return {
    id: 'rrr',
    title: `Reduced-rank regression M=${M}, N=${N}, H=${H}, true rank ${r}`,
    description: `y = BAx, A ${H}×${M}, B ${N}×${H} (d = ${dim}), teacher of rank ${r}; exact λ = ${exact.lambda}, m = ${exact.m} (Aoyagi & Watanabe 2005)`,
    dim,
    wgsl: rrrWgsl,
    params: [{ name: 'sigma', label: 'noise σ', default: 1, min: 0.01, max: 10, integer: false }],
    uniforms: ([sigma]) => [M, N, H, sigma, 0, 0, 0, 0, ...C0.flat(), ...S.flat()],
    defaultBound: 3,
    singularPoints: [{ label: 'teacher', w: wstar }],
    defaultWstar: wstar,
    // The exact values hold at w* (the teacher), not at the origin: callers use defaultWstar.
    exact: () => exact,
    loss: (w, [sigma]) => {
      const d = delta(w);
      let q = 0;
      for (let i = 0; i < N; i++)
        for (let j = 0; j < M; j++) for (let k = 0; k < M; k++) q += d[i][j] * S[j][k] * d[i][k];
      return q / (2 * sigma * sigma);
    },
    grad: (w, [sigma]) => {
      const d = delta(w);
      const G = d.map((row) =>
        S.map((_, j) => row.reduce((s, x, k) => s + x * S[k][j], 0) / (sigma * sigma)),
      );
      const g = new Array<number>(dim).fill(0);
      for (let h = 0; h < H; h++)
        for (let j = 0; j < M; j++)
          for (let i = 0; i < N; i++) g[h * M + j] += w[H * M + i * H + h] * G[i][j];
      for (let i = 0; i < N; i++)
        for (let h = 0; h < H; h++)
          for (let j = 0; j < M; j++) g[H * M + i * H + h] += G[i][j] * w[h * M + j];
      return g;
    },
  };
}

/** Parses the text after `rrr:` (M=…,N=…,H=…,r=…[,points=…,seed=…]). */
export function parseRrrSpec(rest: string): RrrOptions {
  const o: Record<string, number> = {};
  for (const part of rest ? rest.split(',') : []) {
    const [k, v] = part.split('=').map((s) => s.trim());
    const x = Number(v);
    if (!['M', 'N', 'H', 'r', 'points', 'seed'].includes(k))
      throw new RangeError(`unknown rrr option '${k}' (options: M, N, H, r, points, seed)`);
    if (v === undefined || v === '' || !Number.isInteger(x))
      throw new RangeError(`rrr: ${k} must be an integer, got '${v}'`);
    o[k] = x;
  }
  for (const k of ['M', 'N', 'H', 'r'])
    if (o[k] === undefined) throw new RangeError(`rrr: ${k}= is required (rrr:M=…,N=…,H=…,r=…)`);
  return { M: o.M, N: o.N, H: o.H, r: o.r, points: o.points, seed: o.seed };
}
