/**
 * The posterior predictive at held-out inputs, and B_g from it: E_x by the model's Gauss–Legendre
 * nodes (data.ts), E_y by Gauss–Hermite nodes of q, and p* as the mean over every walker of a group at
 * every snapshot of the sampling phase. With u = (f_w(x) − f₀(x))/σ and y = f₀ + √2σz,
 *     log q(y) − log p*(y) = −log mean_w exp(√2·z·u − u²/2),
 * bounded above by z² for every u, so the sums never overflow. f_w(x) comes from the model's WGSL
 * (`predictWalkers`, ../predict.ts); the TypeScript here only averages.
 */

import { gaussHermite } from '../../landscapes/quadrature';
import type { GenModel } from './data';

/**
 * The pooled predictive of each walker group: sums of exp(√2·z_h·u − u²/2) per (group, input, node).
 */
export class PredictiveAccumulator {
  readonly sums: Float64Array;
  readonly counts: Float64Array;
  private readonly z: Float64Array;
  private readonly hw: Float64Array;
  private readonly f0: Float64Array;

  constructor(
    readonly groups: number,
    private readonly model: GenModel,
    private readonly sigma: number,
    hermite: number,
  ) {
    const gh = gaussHermite(hermite);
    this.z = gh.x.map((z) => Math.SQRT2 * z);
    this.hw = gh.w.map((w) => w / Math.sqrt(Math.PI));
    this.f0 = Float64Array.from(model.inputs, (x) => model.truth(x));
    this.sums = new Float64Array(groups * model.inputs.length * hermite);
    this.counts = new Float64Array(groups);
  }

  /** Adds one block of predictions ([walker][input]) to group g. */
  add(g: number, predictions: Float32Array, walkers: number): void {
    const T = this.f0.length;
    const H = this.z.length;
    for (let i = 0; i < walkers; i++) {
      let finite = true;
      for (let t = 0; t < T; t++) if (!Number.isFinite(predictions[i * T + t])) finite = false;
      if (!finite) continue;
      this.counts[g]++;
      for (let t = 0; t < T; t++) {
        const u = (predictions[i * T + t] - this.f0[t]) / this.sigma;
        const base = (g * T + t) * H;
        const half = 0.5 * u * u;
        for (let h = 0; h < H; h++) this.sums[base + h] += Math.exp(this.z[h] * u - half);
      }
    }
  }

  /** B_g of group g: Σ_t ω_t Σ_h (w_h/√π)·(−log mean exp(…)). */
  bayesError(g: number): number {
    const T = this.f0.length;
    const H = this.z.length;
    const count = this.counts[g];
    if (count === 0) return Number.NaN;
    let total = 0;
    for (let t = 0; t < T; t++) {
      let inner = 0;
      for (let h = 0; h < H; h++) inner -= this.hw[h] * Math.log(this.sums[(g * T + t) * H + h] / count);
      total += this.model.inputWeights[t] * inner;
    }
    return total;
  }
}
