/**
 * Training settings of SGD vs Bayes and the TypeScript twin of shaders/train.wgsl: one network trained
 * in f32 (Math.fround after every operation) in the shader's order of operations, from randnet's draw
 * of the same network. Used by the tests (a few WGSL steps against the twin) and as the benchmark's
 * CPU reference.
 */

import { mulHiLo, philox4x32_10, seedKey } from '../rng';
import { activate, drawNetwork, inputPoint, keyOfOutputs, layerShapes, type RandNetConfig } from './randnet';
import type { BoolTask } from './sgd-task';

export type Optimizer = 'gd' | 'sgd' | 'adam';
export type LossKind = 'ce' | 'mse';
export const OPTIMIZERS: readonly Optimizer[] = ['gd', 'sgd', 'adam'];
export const LOSSES: readonly LossKind[] = ['ce', 'mse'];
/** Philox stream of the minibatch shuffles (randnet's parameters use 16, the task 17). */
export const STREAM_SGD = 18;

export interface TrainConfig {
  /** gd: full batch, whatever `batch` is; sgd: minibatches of `batch`; adam: minibatches with Adam. */
  readonly optimizer: Optimizer;
  readonly loss: LossKind;
  readonly lr: number;
  readonly batch: number;
  readonly maxEpochs: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly adamEps: number;
}

export const DEFAULT_TRAIN: TrainConfig = {
  optimizer: 'adam',
  loss: 'ce',
  lr: 0.01,
  batch: 32,
  maxEpochs: 1000,
  beta1: 0.9,
  beta2: 0.999,
  adamEps: 1e-8,
};

export function validateTrain(t: TrainConfig): void {
  if (!OPTIMIZERS.includes(t.optimizer))
    throw new RangeError(`optimizer must be one of ${OPTIMIZERS.join(', ')}, got ${t.optimizer}`);
  if (!LOSSES.includes(t.loss)) throw new RangeError(`loss must be ce or mse, got ${t.loss}`);
  if (!Number.isFinite(t.lr) || t.lr <= 0) throw new RangeError(`lr must be a number > 0, got ${t.lr}`);
  if (!Number.isInteger(t.batch) || t.batch < 1 || t.batch > 128)
    throw new RangeError(`batch-size must be an integer in [1, 128], got ${t.batch}`);
  if (!Number.isInteger(t.maxEpochs) || t.maxEpochs < 0 || t.maxEpochs > 2 ** 26)
    throw new RangeError(`max-epochs must be an integer in [0, 2^26], got ${t.maxEpochs}`);
  for (const [name, b] of [
    ['beta1', t.beta1],
    ['beta2', t.beta2],
  ] as const)
    if (!Number.isFinite(b) || b < 0 || b >= 1) throw new RangeError(`${name} must be in [0, 1), got ${b}`);
  if (!Number.isFinite(t.adamEps) || t.adamEps <= 0)
    throw new RangeError(`adam-eps must be a number > 0, got ${t.adamEps}`);
}

/** The effective minibatch: gd always uses the whole training set. */
export const effectiveBatch = (t: TrainConfig, trainSize: number): number =>
  t.optimizer === 'gd' ? trainSize : Math.min(t.batch, trainSize);

export interface TwinNet {
  readonly params: Float32Array;
  readonly m: Float32Array;
  readonly v: Float32Array;
  b1t: number;
  b2t: number;
}

const f = Math.fround;

function actPrime(a: RandNetConfig['activation'], h: number): number {
  if (a === 'tanh') return f(1 - f(h * h));
  if (a === 'softplus') return f(1 - f(Math.exp(-h)));
  return h > 0 ? 1 : 0;
}

/** Output at point i and every layer's activations (inputs first), in the shader's order. */
export function twinForward(
  net: RandNetConfig,
  params: Float32Array,
  i: number,
): { z: number; hs: number[][] } {
  const layers = layerShapes(net);
  const hs: number[][] = [inputPoint(net, i)];
  let z = 0;
  for (let l = 0; l < layers.length; l++) {
    const { fanIn, fanOut, offset } = layers[l];
    const hin = hs[l];
    const out: number[] = [];
    for (let o = 0; o < fanOut; o++) {
      const row = offset + o * (fanIn + 1);
      let pre = params[row + fanIn];
      for (let k = 0; k < fanIn; k++) pre = f(pre + f(params[row + k] * hin[k]));
      if (l === layers.length - 1) z = pre;
      else out.push(activate(net.activation, pre));
    }
    if (l < layers.length - 1) hs.push(out);
  }
  return { z, hs };
}

export function twinBackward(
  net: RandNetConfig,
  t: TrainConfig,
  p: Float32Array,
  g: Float32Array,
  i: number,
  y: boolean,
) {
  const layers = layerShapes(net);
  const { z, hs } = twinForward(net, p, i);
  const dz = t.loss === 'mse' ? f(z - (y ? 1 : -1)) : f(f(1 / f(1 + f(Math.exp(-z)))) - (y ? 1 : 0));
  let d = [dz];
  for (let l = layers.length - 1; l >= 0; l--) {
    const { fanIn, fanOut, offset } = layers[l];
    const h = hs[l];
    const dn = new Array<number>(fanIn).fill(0);
    for (let o = 0; o < fanOut; o++) {
      const row = offset + o * (fanIn + 1);
      g[row + fanIn] = f(g[row + fanIn] + d[o]);
      for (let k = 0; k < fanIn; k++) {
        g[row + k] = f(g[row + k] + f(d[o] * h[k]));
        if (l > 0) dn[k] = f(dn[k] + f(p[row + k] * d[o]));
      }
    }
    if (l > 0) d = dn.map((x, k) => f(x * actPrime(net.activation, h[k])));
  }
}

export function twinInit(net: RandNetConfig, index: number): TwinNet {
  const params = drawNetwork(net, index);
  return { params, m: new Float32Array(params.length), v: new Float32Array(params.length), b1t: 1, b2t: 1 };
}

export const labelOf = (task: BoolTask, i: number): boolean => task.target[i] === '1';

export function twinFits(net: RandNetConfig, task: BoolTask, params: Float32Array): boolean {
  return task.train.every((i) => twinForward(net, params, i).z > 0 === labelOf(task, i));
}

/** The training order of epoch e: S ascending, shuffled (Fisher–Yates, as the shader) when minibatched. */
export function epochOrder(
  net: RandNetConfig,
  task: BoolTask,
  t: TrainConfig,
  index: number,
  e: number,
): number[] {
  const order = [...task.train];
  const m = order.length;
  if (effectiveBatch(t, m) >= m) return order;
  const key = seedKey(net.seed);
  const lo = (index % 2 ** 32) >>> 0;
  const hi = Math.floor(index / 2 ** 32) >>> 0;
  let w: number[] = [];
  for (let s = 0; s + 1 < m; s++) {
    if ((s & 3) === 0) w = philox4x32_10([lo, hi, (e * 32 + (s >> 2)) >>> 0, STREAM_SGD], key);
    const r = s + mulHiLo(w[s & 3], m - s)[0];
    [order[s], order[r]] = [order[r], order[s]];
  }
  return order;
}

/** One epoch of training of the twin network (no fit check). */
export function twinEpoch(
  net: RandNetConfig,
  task: BoolTask,
  t: TrainConfig,
  state: TwinNet,
  index: number,
  e: number,
) {
  const order = epochOrder(net, task, t, index, e);
  const b = effectiveBatch(t, order.length);
  const { params: p, m, v } = state;
  const lr = f(t.lr);
  const b1 = f(t.beta1);
  const b2 = f(t.beta2);
  const eps = f(t.adamEps);
  for (let s0 = 0; s0 < order.length; s0 += b) {
    const s1 = Math.min(order.length, s0 + b);
    const g = new Float32Array(p.length);
    for (let s = s0; s < s1; s++) twinBackward(net, t, p, g, order[s], labelOf(task, order[s]));
    const inv = f(1 / (s1 - s0));
    if (t.optimizer === 'adam') {
      state.b1t = f(state.b1t * b1);
      state.b2t = f(state.b2t * b2);
      const c1 = f(1 / f(1 - state.b1t));
      const c2 = f(1 / f(1 - state.b2t));
      for (let q = 0; q < p.length; q++) {
        const gq = f(g[q] * inv);
        m[q] = f(f(b1 * m[q]) + f(f(1 - b1) * gq));
        v[q] = f(f(b2 * v[q]) + f(f(1 - b2) * f(gq * gq)));
        p[q] = f(p[q] - f(f(lr * f(m[q] * c1)) / f(f(Math.sqrt(f(v[q] * c2))) + eps)));
      }
    } else {
      for (let q = 0; q < p.length; q++) p[q] = f(p[q] - f(lr * f(g[q] * inv)));
    }
  }
}

export interface TwinResult {
  readonly fits: boolean;
  readonly epochs: number;
  readonly key: Uint32Array;
  readonly params: Float32Array;
}

/** Trains network `index` like train_epochs: check the fit, stop or train an epoch, up to maxEpochs. */
export function twinTrain(
  net: RandNetConfig,
  task: BoolTask,
  t: TrainConfig,
  index: number,
  maxEpochs = t.maxEpochs,
): TwinResult {
  const state = twinInit(net, index);
  for (let e = 0; ; e++) {
    if (twinFits(net, task, state.params)) return result(true, e);
    if (e >= maxEpochs) return result(false, e);
    twinEpoch(net, task, t, state, index, e);
  }
  function result(fits: boolean, epochs: number): TwinResult {
    const outs = Array.from({ length: 2 ** net.inputs }, (_, i) => twinForward(net, state.params, i).z);
    return { fits, epochs, key: keyOfOutputs(outs), params: state.params };
  }
}
