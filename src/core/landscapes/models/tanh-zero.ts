/**
 * The bias-free tanh network f(x) = Σ_h a_h·tanh(b_h·x) with the zero function as the truth, the
 * calibration case with λ = (H + i² + i)/(4i + 2), i = ⌊√H⌋ (exact-lambda.ts): L = (1/2K) Σ_k f(x_k)²
 * on the grid x_k = k/K, k = 1..K. The same function as calibration.ts's tanhFormula(H, K), as a model
 * with loops (shaders/models/tanh-zero.wgsl): the formula's unrolled WGSL for H = 3 made the software
 * Vulkan compiler take over 14 GB and never finish.
 */
import tanhWgsl from '../../../../shaders/models/tanh-zero.wgsl';
import { tanhZeroLambda } from '../exact-lambda';
import type { Landscape } from '../landscapes';

export function tanhZeroLandscape(H: number, K = 2 * H + 4): Landscape {
  const exact = tanhZeroLambda(H);
  if (2 * H > 32) throw new RangeError(`tanh: 2H = ${2 * H} exceeds 32 parameters`);
  if (!Number.isInteger(K) || K < 1 || K > 512)
    throw new RangeError(`tanh: K must be an integer in [1, 512], got ${K}`);
  const xs = Array.from({ length: K }, (_, k) => (k + 1) / K);
  const f = (w: readonly number[], x: number) => {
    let s = 0;
    for (let h = 0; h < H; h++) s += w[2 * h] * Math.tanh(w[2 * h + 1] * x);
    return s;
  };
  return {
    id: 'tanh-zero',
    title: `tanh network H = ${H}, zero truth`,
    description: `f(x) = Σ a_h tanh(b_h x), H = ${H} (d = ${2 * H}), fitted to 0 on x = k/${K}; exact λ = ${exact.lambda}`,
    dim: 2 * H,
    wgsl: tanhWgsl,
    params: [],
    uniforms: () => [H, K, 0, 0, ...xs],
    defaultBound: 3,
    singularPoints: [{ label: 'origin', w: new Array<number>(2 * H).fill(0) }],
    // m is known only for H = 1 (exact-lambda.ts): no exact pair to show otherwise.
    exact: () => (exact.m === null ? null : { lambda: exact.lambda, m: exact.m }),
    loss: (w) => xs.reduce((q, x) => q + f(w, x) ** 2, 0) / (2 * K),
    grad: (w) => {
      const g = new Array<number>(2 * H).fill(0);
      for (const x of xs) {
        const fx = f(w, x) / K;
        for (let h = 0; h < H; h++) {
          const t = Math.tanh(w[2 * h + 1] * x);
          g[2 * h] += fx * t;
          g[2 * h + 1] += fx * w[2 * h] * (1 - t * t) * x;
        }
      }
      return g;
    },
  };
}
