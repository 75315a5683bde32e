/**
 * Random networks and the Boolean functions they compute (the parameter-function map): settings,
 * validation, the bit convention, and the TypeScript twin of shaders/randnet.wgsl.
 *
 * Convention (shown wherever functions are): with n inputs there are N = 2^n input points; input point
 * i is the binary expansion of i with the MOST significant bit as the first input, x_j = bit (n−1−j)
 * of i (so i = 1 is x = (0, …, 0, 1)); on the {−1,1} domain a 0 bit becomes −1. The function's truth
 * table has bit i = 1 iff the network's output at input point i is > 0 (so an output of exactly 0,
 * e.g. a bias-free network at the all-zeros input, is bit 0). As a string, character i is bit i
 * (character 0 is the all-zeros input). As a 128-bit key (4 u32 words), bit i is bit (i mod 32) of
 * word ⌊i/32⌋; bits at and above N are 0.
 *
 * Network index k under seed s draws its parameters from Philox4x32-10 with key s and counters
 * (k mod 2^32, ⌊k/2^32⌋, block, STREAM_RANDNET): parameter p of the flattened network is word p mod 4
 * of block ⌊p/4⌋, so any network can be regenerated alone. Layer l (fan-in m, fan-out o) occupies
 * parameters [offset_l, offset_l + o·(m+1)); row j holds its m weights then its bias.
 */
import { boxMuller, philox4x32_10, seedKey, uniformOpen01 } from '../rng';

export type Activation = 'relu' | 'tanh' | 'softplus';
export type InitKind = 'gauss' | 'uniform';
export type InputDomain = '01' | 'pm1';

export const ACTIVATIONS: readonly Activation[] = ['relu', 'tanh', 'softplus'];
export const INIT_KINDS: readonly InitKind[] = ['gauss', 'uniform'];
export const INPUT_DOMAINS: readonly InputDomain[] = ['01', 'pm1'];

/** Largest supported input count: 2^7 = 128 input points, so a function fits in a 128-bit key. */
export const MAX_INPUTS = 7;
/** Largest hidden width (two private arrays of this many f32 per invocation, see randnet.wgsl). */
export const MAX_WIDTH = 64;
/** Largest number of hidden layers (the uniform block holds up to 8 layer widths). */
export const MAX_HIDDEN_LAYERS = 4;
/** Counter stream of network parameters (walkers use streams 0–3). */
export const STREAM_RANDNET = 16;

export interface RandNetConfig {
  /** Number of Boolean inputs n, 1 ≤ n ≤ 7. */
  readonly inputs: number;
  /** Hidden layer widths (empty: a perceptron, output = w·x + b). */
  readonly hidden: readonly number[];
  readonly activation: Activation;
  /** Weights: gauss N(0, σw²/fan_in), or uniform on ±σw·√(3/fan_in) (the same variance). */
  readonly init: InitKind;
  /** Biases: gauss N(0, σb²), or uniform on ±σb·√3 (the same variance). */
  readonly biasInit: InitKind;
  /** σw ≥ 0. */
  readonly sw: number;
  /** σb ≥ 0 (0: bias-free). */
  readonly sb: number;
  /** Input values {0,1} or {−1,1}. */
  readonly domain: InputDomain;
  /** Philox key, 0 ≤ seed < 2^53. */
  readonly seed: number;
}

/** The reference setup: 7 inputs, two ReLU layers of 40, Gaussian weights and biases, σ = 1. */
export const REFERENCE_NET: RandNetConfig = {
  inputs: 7,
  hidden: [40, 40],
  activation: 'relu',
  init: 'gauss',
  biasInit: 'gauss',
  sw: 1,
  sb: 1,
  domain: '01',
  seed: 1,
};

/** Throws RangeError with a message that starts with the setting's name. */
export function validateRandNet(c: RandNetConfig): void {
  if (!Number.isInteger(c.inputs) || c.inputs < 1 || c.inputs > MAX_INPUTS)
    throw new RangeError(`inputs must be an integer in [1, ${MAX_INPUTS}], got ${c.inputs}`);
  if (c.hidden.length > MAX_HIDDEN_LAYERS)
    throw new RangeError(`hidden: at most ${MAX_HIDDEN_LAYERS} hidden layers, got ${c.hidden.length}`);
  for (const w of c.hidden) {
    if (!Number.isInteger(w) || w < 1 || w > MAX_WIDTH)
      throw new RangeError(`hidden: widths must be integers in [1, ${MAX_WIDTH}], got ${w}`);
  }
  if (!ACTIVATIONS.includes(c.activation))
    throw new RangeError(`activation must be one of ${ACTIVATIONS.join(', ')}, got ${c.activation}`);
  if (!INIT_KINDS.includes(c.init)) throw new RangeError(`init must be gauss or uniform, got ${c.init}`);
  if (!INIT_KINDS.includes(c.biasInit))
    throw new RangeError(`bias-init must be gauss or uniform, got ${c.biasInit}`);
  if (!Number.isFinite(c.sw) || c.sw < 0) throw new RangeError(`sw must be a number ≥ 0, got ${c.sw}`);
  if (!Number.isFinite(c.sb) || c.sb < 0) throw new RangeError(`sb must be a number ≥ 0, got ${c.sb}`);
  if (!INPUT_DOMAINS.includes(c.domain)) throw new RangeError(`domain must be 01 or pm1, got ${c.domain}`);
  seedKey(c.seed);
}

/**
 * Hidden widths from text such as "40,40" ('none' or empty: a perceptron). Shared by the CLI's --hidden
 * and the app's text box, so both accept and reject the same text. Throws RangeError saying what it
 * expected.
 */
export function parseHiddenWidths(text: string): number[] {
  const t = text.trim();
  if (t === 'none' || t === '') return [];
  const parts = t.split(',').map((s) => (s.trim() === '' ? Number.NaN : Number(s.trim())));
  if (parts.length > MAX_HIDDEN_LAYERS || parts.some((w) => !Number.isInteger(w) || w < 1 || w > MAX_WIDTH)) {
    throw new RangeError(
      `expected up to ${MAX_HIDDEN_LAYERS} comma-separated integers in 1..${MAX_WIDTH} (or 'none'), got '${text}'`,
    );
  }
  return parts;
}

/** One weight layer of the flattened network. */
export interface LayerShape {
  readonly fanIn: number;
  readonly fanOut: number;
  /** First parameter index of the layer. */
  readonly offset: number;
  /** Weight scale (f32): σw/√fan_in (gauss) or σw·√(3/fan_in) (uniform half-width). */
  readonly wScale: number;
  /** Bias scale (f32): σb (gauss) or σb·√3 (uniform half-width). */
  readonly bScale: number;
}

export function layerShapes(c: RandNetConfig): LayerShape[] {
  const widths = [c.inputs, ...c.hidden, 1];
  const layers: LayerShape[] = [];
  let offset = 0;
  for (let l = 0; l + 1 < widths.length; l++) {
    const fanIn = widths[l];
    const fanOut = widths[l + 1];
    const wScale = Math.fround(c.init === 'gauss' ? c.sw / Math.sqrt(fanIn) : c.sw * Math.sqrt(3 / fanIn));
    const bScale = Math.fround(c.biasInit === 'gauss' ? c.sb : c.sb * Math.sqrt(3));
    layers.push({ fanIn, fanOut, offset, wScale, bScale });
    offset += fanOut * (fanIn + 1);
  }
  return layers;
}

/** Total parameter count (weights and biases). */
export const parameterCount = (c: RandNetConfig): number =>
  layerShapes(c).reduce((s, l) => s + l.fanOut * (l.fanIn + 1), 0);

/** Number of input points N = 2^n. */
export const inputPoints = (c: Pick<RandNetConfig, 'inputs'>): number => 2 ** c.inputs;

/** Input point i as n values, most significant bit first, on the chosen domain. */
export function inputPoint(c: Pick<RandNetConfig, 'inputs' | 'domain'>, i: number): number[] {
  const x: number[] = [];
  for (let j = 0; j < c.inputs; j++) {
    const bit = (i >>> (c.inputs - 1 - j)) & 1;
    x.push(c.domain === 'pm1' ? 2 * bit - 1 : bit);
  }
  return x;
}

/** Network index k as the Philox counter words (lo, hi). */
function indexWords(index: number): [number, number] {
  if (!Number.isSafeInteger(index) || index < 0)
    throw new RangeError(`network index must be a non-negative integer, got ${index}`);
  return [(index % 2 ** 32) >>> 0, Math.floor(index / 2 ** 32) >>> 0];
}

/**
 * The flattened parameters of network `index`, exactly as the shader draws them: bit-exact for
 * uniform draws (integer → f32 with exact steps), and to the rounding of log/cos/sin for Gaussian ones
 * (Box–Muller in f32, see rng.ts).
 */
export function drawNetwork(c: RandNetConfig, index: number): Float32Array {
  const key = seedKey(c.seed);
  const [lo, hi] = indexWords(index);
  const layers = layerShapes(c);
  const total = parameterCount(c);
  const out = new Float32Array(total);
  const f = Math.fround;
  for (const layer of layers) {
    const end = layer.offset + layer.fanOut * (layer.fanIn + 1);
    for (let p = layer.offset; p < end; p++) {
      const words = philox4x32_10([lo, hi, p >>> 2, STREAM_RANDNET], key);
      const isBias = (p - layer.offset) % (layer.fanIn + 1) === layer.fanIn;
      const kind = isBias ? c.biasInit : c.init;
      const scale = isBias ? layer.bScale : layer.wScale;
      const comp = p & 3;
      let value: number;
      if (kind === 'gauss') {
        const pair = comp < 2 ? boxMuller(words[0], words[1]) : boxMuller(words[2], words[3]);
        value = f(scale * pair[comp & 1]);
      } else {
        value = f(scale * f(2 * uniformOpen01(words[comp]) - 1));
      }
      out[p] = value;
    }
  }
  return out;
}

/** The activation in f32 steps, as randnet.wgsl computes it (tanh is clamped to ±20 first). */
export function activate(a: Activation, x: number): number {
  const f = Math.fround;
  switch (a) {
    case 'relu':
      return Math.max(x, 0);
    case 'tanh':
      return f(Math.tanh(Math.min(20, Math.max(-20, x))));
    case 'softplus':
      return f(f(Math.max(x, 0)) + f(Math.log(f(1 + f(Math.exp(-Math.abs(x)))))));
  }
}

export interface NetworkOutputs {
  /** Output at each of the N input points (f32 values). */
  readonly outputs: Float32Array;
  /**
   * A bound on |GPU output − twin output| at each point: f32 rounding of every sum (≤ (m+2)·2^−24 of
   * Σ|w·h| per unit, whether or not the GPU fuses multiply-adds), the parameters' error `paramError`
   * (absolute, per unit of scale: 0 for uniform draws, the Box–Muller transcendental error for Gaussian
   * ones), and the activation's own error `activationError`, propagated with Lipschitz constant 1.
   */
  readonly bounds: Float32Array;
}

export interface TwinTolerance {
  /** Absolute error of a standard normal draw between GPU and twin (0 when draws are exact). */
  readonly normalError: number;
  /** Absolute error of one activation evaluation (0 for ReLU). */
  readonly activationError: number;
}

/**
 * Evaluates the network in f32, in the shader's order (bias first, then weights in index order), on
 * every input point. With `tolerance`, also propagates an error bound (see NetworkOutputs.bounds).
 */
export function evaluateNetwork(
  c: RandNetConfig,
  params: Float32Array,
  tolerance: TwinTolerance = { normalError: 0, activationError: 0 },
): NetworkOutputs {
  const f = Math.fround;
  const layers = layerShapes(c);
  const points = inputPoints(c);
  const outputs = new Float32Array(points);
  const bounds = new Float32Array(points);
  const u = 2 ** -24;
  for (let i = 0; i < points; i++) {
    let h = inputPoint(c, i);
    let err = new Array<number>(h.length).fill(0);
    for (let l = 0; l < layers.length; l++) {
      const { fanIn, fanOut, offset, wScale, bScale } = layers[l];
      const last = l === layers.length - 1;
      const next = new Array<number>(fanOut);
      const nextErr = new Array<number>(fanOut);
      const wDraw = c.init === 'gauss' ? tolerance.normalError * wScale : 0;
      const bDraw = c.biasInit === 'gauss' ? tolerance.normalError * bScale : 0;
      for (let j = 0; j < fanOut; j++) {
        const row = offset + j * (fanIn + 1);
        let pre = params[row + fanIn];
        let magnitude = Math.abs(pre);
        let e = bDraw;
        for (let k = 0; k < fanIn; k++) {
          const w = params[row + k];
          pre = f(pre + f(w * h[k]));
          magnitude += Math.abs(w * h[k]);
          e += Math.abs(w) * err[k] + (wDraw + 1e-7 * Math.abs(w)) * (Math.abs(h[k]) + err[k]);
        }
        e += (fanIn + 2) * u * magnitude;
        if (last) {
          next[j] = pre;
          nextErr[j] = e;
        } else {
          next[j] = activate(c.activation, pre);
          nextErr[j] = e + (c.activation === 'relu' ? 0 : tolerance.activationError);
        }
      }
      h = next;
      err = nextErr;
    }
    outputs[i] = h[0];
    bounds[i] = err[0];
  }
  return { outputs, bounds };
}

/** The 4-word key of a truth table given as outputs: bit i = outputs[i] > 0. */
export function keyOfOutputs(outputs: ArrayLike<number>): Uint32Array {
  const key = new Uint32Array(4);
  for (let i = 0; i < outputs.length; i++) if (outputs[i] > 0) key[i >>> 5] |= 1 << (i & 31);
  return key;
}

/** The function (4-word key) that network `index` computes, by the TypeScript twin. */
export function networkKey(c: RandNetConfig, index: number): Uint32Array {
  return keyOfOutputs(evaluateNetwork(c, drawNetwork(c, index)).outputs);
}

/** The truth table as a string of N = 2^n characters, character i = bit i (the documented convention). */
export function keyToBits(key: ArrayLike<number>, inputs: number): string {
  const n = 2 ** inputs;
  let s = '';
  for (let i = 0; i < n; i++) s += (key[i >>> 5] >>> (i & 31)) & 1 ? '1' : '0';
  return s;
}

/** Inverse of keyToBits (length must be a power of two ≤ 128). */
export function bitsToKey(bits: string): Uint32Array {
  const key = new Uint32Array(4);
  if (bits.length > 128) throw new RangeError(`at most 128 bits, got ${bits.length}`);
  for (let i = 0; i < bits.length; i++) if (bits[i] === '1') key[i >>> 5] |= 1 << (i & 31);
  return key;
}
