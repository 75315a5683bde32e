/**
 * The CPU reference: the same ULA and MALA as shaders/langevin.wgsl and shaders/mala.wgsl, in plain
 * TypeScript (f64), drawing the same Philox numbers. Tests compare the GPU against it; benchmarks
 * use it as the baseline. It calls the landscape's TypeScript twin.
 */
import type { InitKind, PosteriorSettings, SamplerSettings } from '../posterior';
import { drawNormals, philox4x32_10, Stream, seedKey, uniformOpen01 } from '../rng';
import { isScored } from './ula-scoring';

export interface CpuWalkers {
  readonly walkers: number;
  readonly dim: number;
  readonly positions: Float64Array;
  readonly currentLoss: Float64Array;
  readonly lossSum: Float64Array;
  readonly accepts: Uint32Array;
  readonly diverged: Uint32Array;
  step: number;
}

export type CpuConfig = PosteriorSettings & SamplerSettings;

function prior(c: CpuConfig, key: [number, number], walker: number, step: number, stream: number): number[] {
  const d = c.landscape.dim;
  if (c.prior.kind === 'gauss')
    return drawNormals(key, walker, step, stream, d).map((z) => c.prior.scale * z);
  const w = new Array<number>(d);
  for (let b = 0; b < Math.ceil(d / 4); b++) {
    const r = philox4x32_10([walker, step, b, stream], key);
    for (let k = 0; k < 4 && 4 * b + k < d; k++)
      w[4 * b + k] = Math.fround(c.prior.scale * Math.fround(2 * uniformOpen01(r[k]) - 1));
  }
  return w;
}

function reflectIntoBox(x: number, r: number): number {
  const period = 4 * r;
  let y = x + r - period * Math.floor((x + r) / period);
  if (y > 2 * r) y = period - y;
  return y - r;
}

function potential(c: CpuConfig, w: readonly number[], loss: number): number {
  let loc = 0;
  let sq = 0;
  for (let j = 0; j < w.length; j++) {
    loc += (w[j] - c.wstar[j]) ** 2;
    sq += w[j] * w[j];
  }
  const priorTerm = c.prior.kind === 'gauss' ? (0.5 * sq) / c.prior.scale ** 2 : 0;
  return c.n * c.beta * loss + priorTerm + 0.5 * c.gamma * loc;
}

function potentialGrad(c: CpuConfig, w: readonly number[]): number[] {
  const g = c.landscape.grad(w, c.params);
  const precision = c.prior.kind === 'gauss' ? 1 / c.prior.scale ** 2 : 0;
  const nbeta = c.n * c.beta;
  return g.map((gj, j) => nbeta * gj + precision * w[j] + c.gamma * (w[j] - c.wstar[j]));
}

const diverged = (w: readonly number[], l: number) =>
  !Number.isFinite(l) || Math.abs(l) > 1e30 || w.some((x) => !Number.isFinite(x) || Math.abs(x) > 1e15);

export function cpuInit(c: CpuConfig, walkers: number, init: InitKind = 'wstar'): CpuWalkers {
  const d = c.landscape.dim;
  const key = seedKey(c.seed);
  const s: CpuWalkers = {
    walkers,
    dim: d,
    positions: new Float64Array(walkers * d),
    currentLoss: new Float64Array(walkers),
    lossSum: new Float64Array(walkers),
    accepts: new Uint32Array(walkers),
    diverged: new Uint32Array(walkers),
    step: 0,
  };
  for (let i = 0; i < walkers; i++) {
    const fromPrior = init === 'prior' || (init === 'mixed' && i % 2 === 1);
    const w = fromPrior ? prior(c, key, i, 0, Stream.init) : [...c.wstar];
    s.positions.set(w, i * d);
    s.currentLoss[i] = c.landscape.loss(w, c.params);
  }
  return s;
}

/**
 * log of the density of fold(x), x ~ N(mu, s²), at y (up to a constant): the sum over the fold's
 * preimages y + 4Rk and 2R − y + 4Rk (shaders/posterior.wgsl, log_folded_normal; here every image
 * within 12 s, with no fast path).
 */
export function logFoldedNormal(y: number, mu: number, s: number, box: number | undefined): number {
  if (box === undefined) return -0.5 * ((y - mu) / s) ** 2;
  const period = 4 * box;
  const terms: number[] = [];
  for (const base of [y, 2 * box - y]) {
    const kc = Math.round((mu - base) / period);
    const reach = Math.max(1, Math.ceil((12 * s) / period));
    for (let k = kc - reach; k <= kc + reach; k++) terms.push(-0.5 * ((base + period * k - mu) / s) ** 2);
  }
  const m = Math.max(...terms);
  return m + Math.log(terms.reduce((acc, t) => acc + Math.exp(t - m), 0));
}

/**
 * Advances every walker `count` steps, exactly as one GPU dispatch series would: the Langevin move
 * folded into a box prior, scored with the MH ratio of the folded kernel; MALA accepts on it, ULA
 * always moves and counts a Bernoulli(α) draw (its mh_acceptance diagnostic).
 */
export function cpuAdvance(c: CpuConfig, s: CpuWalkers, count: number, accumulate = false): void {
  const d = s.dim;
  const key = seedKey(c.seed);
  const sqrtEps = Math.sqrt(c.eps);
  const box = c.prior.kind === 'box' ? c.prior.scale : undefined;
  const logQ = (to: number[], from: number[], gFrom: number[]) => {
    let sum = 0;
    for (let j = 0; j < d; j++) sum += logFoldedNormal(to[j], from[j] - 0.5 * c.eps * gFrom[j], sqrtEps, box);
    return sum;
  };
  for (let i = 0; i < s.walkers; i++) {
    let w = Array.from(s.positions.subarray(i * d, (i + 1) * d));
    let l = s.currentLoss[i];
    let lsum = 0;
    let u = potential(c, w, l);
    let g = potentialGrad(c, w);
    for (let k = 0; k < count; k++) {
      const step = s.step + k;
      const z = drawNormals(key, i, step, Stream.noise, d);
      const raw = w.map((x, j) => x - 0.5 * c.eps * g[j] + sqrtEps * z[j]);
      const prop = box === undefined ? raw : raw.map((x) => reflectIntoBox(x, box));
      const lp = c.landscape.loss(prop, c.params);
      if (diverged(raw, lp)) {
        s.diverged[i]++;
        w = prior(c, key, i, step, Stream.redraw);
        l = c.landscape.loss(w, c.params);
        u = potential(c, w, l);
        g = potentialGrad(c, w);
      } else {
        const up = potential(c, prop, lp);
        const gp = potentialGrad(c, prop);
        // ULA scores only some steps (ula-scoring.ts); it moves whatever the score.
        const scored = isScored(c.sampler, step, i);
        const logRatio = scored ? u - up + logQ(w, prop, gp) - logQ(prop, w, g) : 0;
        const r = scored ? philox4x32_10([i, step, 0, Stream.accept], key) : [0];
        const accepted = scored && Math.log(uniformOpen01(r[0])) < logRatio;
        if (accepted) s.accepts[i]++;
        if (accepted || c.sampler === 'ula') {
          w = prop;
          l = lp;
          u = up;
          g = gp;
        }
      }
      if (accumulate) lsum += l;
    }
    s.positions.set(w, i * d);
    s.currentLoss[i] = l;
    s.lossSum[i] += lsum;
  }
  s.step += count;
}
