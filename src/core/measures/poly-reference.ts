/**
 * An independent reference for the generalisation experiment's polynomial model: E[n·B_g] at each n
 * by Metropolis sampling in coefficient space, on the CPU in f64, seeded.
 *
 * The model f(x) = Σ_k c_k x^k is linear in the coefficients c, so the Gaussian likelihood of a
 * dataset is exactly proportional to N(c; ĉ, σ²(XᵀX)⁻¹) (ĉ the least-squares fit), and the posterior
 * over c is that Gaussian times the prior's pushforward: c_k is a product of m_k independent
 * uniforms on [−R, R], whose density is (log(R^m/|c|))^(m−1) / ((m−1)!·2R^m) on |c| < R^m (−log of a
 * product of m uniforms on (0, 1) is Gamma(m, 1)). So: sample c from that Gaussian times the prior
 * density (Metropolis with the Gaussian's shape; plain importance weights degenerate, see below), and
 *
 *   B_g = E_x KL( N(f₀(x), σ²) ‖ Σ_j w̃_j N(f_cj(x), σ²) )
 *
 * by Gauss–Legendre in x and Gauss–Hermite in y (as the measurement does). Averaged over datasets
 * (the measurement's own, `polyDataset`: common random numbers), with the SE across datasets.
 *
 * Why it is needed: λ/n is the asymptote. At finite n the singular model's prior pushforward piles
 * mass at c_k = 0 (the (log)^(m−1) spike), which shrinks the posterior toward the truth: for
 * (1,2,3,4,5) and the constant truth, E[n·B_g] ≈ 1.3 at n = 100 against λ = 5/2.
 */

import { gaussHermite, gaussLegendre } from '../landscapes/quadrature';
import { drawNormals, seedKey } from '../rng';
import { polyDataset } from './generalisation';

export interface PolyBgOptions {
  readonly m: readonly number[];
  readonly sigma: number;
  readonly n: number;
  /** Datasets to average over (the measurement's datasets 0…K−1 for the same seed). */
  readonly datasets: number;
  /** Posterior samples per dataset (after as many burn-in steps; every 5th of 5× as many steps). */
  readonly samples: number;
  readonly seed: number;
  /** Half-width R of the box prior on each parameter (the experiment's default 2). */
  readonly bound?: number;
  readonly testPoints?: number;
  readonly hermite?: number;
}

export interface PolyBgReference {
  readonly n: number;
  /** Mean over datasets of n·B_g and its standard error (sd / √K). */
  readonly nBg: number;
  readonly nBgSe: number;
  /** Lowest Metropolis acceptance over the datasets (a mixing diagnostic). */
  readonly minAcceptance: number;
  readonly datasets: number;
  /** n·B_g of each dataset (index = dataset), for comparisons paired with the measurement's own. */
  readonly perDataset: readonly number[];
}

/** log of the pushforward density of c = product of m uniforms on [−R, R] (−∞ outside). */
function logProductDensity(c: number, m: number, R: number): number {
  const top = R ** m;
  const a = Math.abs(c);
  if (a >= top) return Number.NEGATIVE_INFINITY;
  if (m === 1) return -Math.log(2 * R);
  let lf = 0;
  for (let k = 2; k < m; k++) lf += Math.log(k);
  return (m - 1) * Math.log(Math.log(top / a)) - lf - Math.log(2 * top);
}

/** erf to ~1e-7 (Abramowitz–Stegun 7.1.26): only turns a normal into an accept-test uniform. */
function erfApprox(x: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const y =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) *
      t *
      Math.exp(-x * x);
  return x >= 0 ? y : -y;
}

/** Cholesky factor L (lower) of a symmetric positive-definite matrix. */
function cholesky(a: number[][]): number[][] {
  const n = a.length;
  const l = a.map(() => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) {
      let s = a[i][j];
      for (let k = 0; k < j; k++) s -= l[i][k] * l[j][k];
      if (i === j) {
        if (!(s > 0)) throw new RangeError('design matrix is not positive definite (too few distinct x)');
        l[i][i] = Math.sqrt(s);
      } else l[i][j] = s / l[j][j];
    }
  return l;
}

/** E[n·B_g] by Metropolis in coefficient space (see the file comment). */
export function polyBgReference(o: PolyBgOptions): PolyBgReference {
  const R = o.bound ?? 2;
  const free = o.m.map((mk, k) => (mk >= 1 ? k : -1)).filter((k) => k >= 0);
  const d = free.length;
  const gl = gaussLegendre(o.testPoints ?? 16);
  const gh = gaussHermite(o.hermite ?? 16);
  const xs = Array.from(gl.x);
  const xw = Array.from(gl.w, (w) => w / 2);
  const z = Array.from(gh.x, (v) => Math.SQRT2 * v);
  const hw = Array.from(gh.w, (w) => w / Math.sqrt(Math.PI));
  const key = seedKey(o.seed);
  const values: number[] = [];
  let minAcceptance = 1;
  for (let k = 0; k < o.datasets; k++) {
    const data = polyDataset(o.m, o.sigma, o.seed, k, o.n);
    // Least squares in the free coefficients (fixed ones, m_k = 0, are the constant 1: moved to y).
    const xtx = free.map(() => new Array<number>(d).fill(0));
    const xty = new Array<number>(d).fill(0);
    for (const p of data) {
      let y = p.y;
      o.m.forEach((mk, j) => {
        if (mk === 0) y -= p.x ** j;
      });
      const phi = free.map((j) => p.x ** j);
      for (let a = 0; a < d; a++) {
        xty[a] += phi[a] * y;
        for (let b = 0; b < d; b++) xtx[a][b] += phi[a] * phi[b];
      }
    }
    const l = cholesky(xtx);
    // ĉ = (XᵀX)⁻¹Xᵀy by two triangular solves.
    const fwd = (b: number[]) => {
      const v = [...b];
      for (let i = 0; i < d; i++) {
        for (let j = 0; j < i; j++) v[i] -= l[i][j] * v[j];
        v[i] /= l[i][i];
      }
      return v;
    };
    const back = (b: number[]) => {
      const v = [...b];
      for (let i = d - 1; i >= 0; i--) {
        for (let j = i + 1; j < d; j++) v[i] -= l[j][i] * v[j];
        v[i] /= l[i][i];
      }
      return v;
    };
    const chat = back(fwd(xty));
    // Metropolis in c: the posterior is the prior density times the likelihood's Gaussian; proposals
    // c + s·σ·L⁻ᵀζ follow the likelihood's shape. (Independent draws from the Gaussian weighted by the
    // prior, plain importance sampling, leave an effective sample size below 10 for (1,2,3,4,5): the
    // prior's (log)^(m−1) spikes at c_k = 0 reshape the posterior.)
    const logPost = (c: number[]) => {
      let lp = 0;
      for (let i = 0; i < d; i++) lp += logProductDensity(c[i], o.m[free[i]], R);
      if (lp === Number.NEGATIVE_INFINITY) return lp;
      // −(c − ĉ)ᵀXᵀX(c − ĉ)/(2σ²) = −|Lᵀ(c − ĉ)|²/(2σ²)
      let q = 0;
      for (let i = 0; i < d; i++) {
        let v = 0;
        for (let j = i; j < d; j++) v += l[j][i] * (c[j] - chat[j]);
        q += v * v;
      }
      return lp - q / (2 * o.sigma ** 2);
    };
    let c = chat.map((v, i) => {
      const top = R ** o.m[free[i]];
      return Math.max(-0.99 * top, Math.min(0.99 * top, v));
    });
    let lc = logPost(c);
    // Proposal scale tuned during burn-in toward acceptance ≈ 0.25 (the posterior can be much
    // narrower than the likelihood where the prior spikes).
    let scale = (2.38 / Math.sqrt(d)) * 0.8;
    let recent = 0;
    const burn = o.samples;
    const thin = 5;
    const preds: Float64Array[] = [];
    let accepted = 0;
    for (let s = 0; s < burn + o.samples * thin; s++) {
      const zeta = drawNormals(key, s, k, 31, d + 1);
      const dc = back(zeta.slice(0, d));
      const prop = c.map((v, i) => v + scale * o.sigma * dc[i]);
      const lp = logPost(prop);
      // The uniform for the accept test from the spare normal: Φ(z) is uniform on (0, 1).
      const u = 0.5 * (1 + erfApprox(zeta[d] / Math.SQRT2));
      if (Math.log(u) < lp - lc) {
        c = prop;
        lc = lp;
        if (s >= burn) accepted++;
        else recent++;
      }
      if (s < burn && s % 50 === 49) {
        const rate = recent / 50;
        scale *= rate > 0.35 ? 1.3 : rate < 0.15 ? 0.6 : 1;
        recent = 0;
      }
      if (s >= burn && (s - burn) % thin === 0) {
        preds.push(
          Float64Array.from(xs, (x) => {
            // f_c − f₀: the fixed coefficients (1) cancel; a free c_0 is measured from f₀'s 1.
            let v = 0;
            for (let i = 0; i < d; i++) v += (free[i] === 0 ? c[i] - 1 : c[i]) * x ** free[i];
            return v / o.sigma;
          }),
        );
      }
    }
    minAcceptance = Math.min(minAcceptance, accepted / (o.samples * thin));
    const w = preds.map(() => 1);
    const sw = preds.length;
    let bg = 0;
    for (let t = 0; t < xs.length; t++) {
      let inner = 0;
      for (let h = 0; h < z.length; h++) {
        let mix = 0;
        for (let j = 0; j < w.length; j++) {
          const u = preds[j][t];
          mix += w[j] * Math.exp(z[h] * u - 0.5 * u * u);
        }
        inner -= hw[h] * Math.log(mix / sw);
      }
      bg += xw[t] * inner;
    }
    values.push(o.n * bg);
  }
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const sd = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1));
  return {
    n: o.n,
    nBg: mean,
    nBgSe: sd / Math.sqrt(values.length),
    minAcceptance,
    datasets: values.length,
    perDataset: values,
  };
}
