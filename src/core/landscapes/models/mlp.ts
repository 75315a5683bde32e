/**
 * Teacher–student regression with tiny one-hidden-layer networks: data from a teacher of width k
 * (weights drawn from Philox with their own seed, so a dataset is reproducible), a student of width
 * m ≥ 1. The founding post's discussion: "truth of width 3, model of width 4". Activations tanh,
 * ReLU (non-analytic) and softplus with a sharpness s (analytic, → ReLU as s → ∞).
 */
import mlpWgsl from '../../../../shaders/models/mlp.wgsl';
import { drawNormals, philox4x32_10, seedKey, uniformOpen01 } from '../../rng';
import { LANDSCAPE_VALUES } from '../landscape-uniforms';
import type { Landscape } from '../landscapes';

export type Activation = 'tanh' | 'relu' | 'softplus';
export const ACTIVATIONS: readonly Activation[] = ['tanh', 'relu', 'softplus'];

export interface MlpOptions {
  readonly inputs: number;
  readonly width: number;
  readonly teacherWidth: number;
  readonly activation: Activation;
  readonly points: number;
  /** Seed of the teacher's weights and the inputs. */
  readonly dataSeed: number;
  /**
   * Draw the inputs from Philox keyed by `seed` at counters (i, dataset, 0, 11) instead of the
   * teacher's seed, and add N(0, noise²) to each target (counters (i, dataset, 0, 12)): independent
   * noisy datasets from one teacher, nested in the number of points (generalisation.ts). Absent: the
   * noiseless data of the teacher's own seed.
   */
  readonly sample?: { readonly seed: number; readonly dataset: number; readonly noise: number };
}

export const MLP_DATA_OFFSET = 8;

export const mlpDefaults: MlpOptions = {
  inputs: 1,
  width: 4,
  teacherWidth: 3,
  activation: 'tanh',
  points: 32,
  dataSeed: 7,
};

function act(kind: Activation, s: number, z: number): number {
  if (kind === 'tanh') return Math.tanh(z);
  if (kind === 'relu') return Math.max(z, 0);
  const sz = s * z;
  return (Math.max(sz, 0) + Math.log(1 + Math.exp(-Math.abs(sz)))) / s;
}

function actPrime(kind: Activation, s: number, z: number): number {
  if (kind === 'tanh') return 1 - Math.tanh(z) ** 2;
  if (kind === 'relu') return z > 0 ? 1 : 0;
  return 1 / (1 + Math.exp(-s * z));
}

/** f(x) for parameters laid out per hidden unit as (a_h, b_h, v_h). */
export function mlpForward(
  w: readonly number[],
  x: readonly number[],
  width: number,
  kind: Activation,
  s: number,
): number {
  const din = x.length;
  let f = 0;
  for (let h = 0; h < width; h++) {
    const base = h * (din + 2);
    let z = w[base + din];
    for (let j = 0; j < din; j++) z += w[base + j] * x[j];
    f += w[base + din + 1] * act(kind, s, z);
  }
  return f;
}

/** The teacher's weights: N(0, 1) from Philox stream 10 of its own seed. */
export function mlpTeacher(o: MlpOptions): number[] {
  return drawNormals(seedKey(o.dataSeed), 0, 0, 10, o.teacherWidth * (o.inputs + 2));
}

/** The teacher's function at x (its softplus is plain softplus, sharpness 1). */
export const mlpTruth = (o: MlpOptions, teacher: readonly number[], x: readonly number[]): number =>
  mlpForward(teacher, x, o.teacherWidth, o.activation, 1);

export function mlpLandscape(options: Partial<MlpOptions> = {}): Landscape {
  const o = { ...mlpDefaults, ...options };
  const { inputs, width, teacherWidth, activation, points } = o;
  if (inputs !== 1 && inputs !== 2) throw new RangeError(`mlp: inputs must be 1 or 2, got ${inputs}`);
  if (!Number.isInteger(width) || width < 1 || width > 8)
    throw new RangeError(`mlp: width must be an integer in [1, 8], got ${width}`);
  if (!Number.isInteger(teacherWidth) || teacherWidth < 1 || teacherWidth > 8) {
    throw new RangeError(`mlp: teacher width must be an integer in [1, 8], got ${teacherWidth}`);
  }
  if (!ACTIVATIONS.includes(activation))
    throw new RangeError(`mlp: activation must be one of ${ACTIVATIONS.join(', ')}, got ${activation}`);
  const dim = width * (inputs + 2);
  if (dim > 32)
    throw new RangeError(`mlp: ${width} units × ${inputs + 2} parameters = ${dim} exceeds 32 parameters`);
  const maxPoints = Math.floor((LANDSCAPE_VALUES - MLP_DATA_OFFSET) / (inputs + 1));
  if (!Number.isInteger(points) || points < 1 || points > maxPoints) {
    throw new RangeError(`mlp: data points must be an integer in [1, ${maxPoints}], got ${points}`);
  }
  const teacher = mlpTeacher(o);
  const sample = o.sample;
  if (sample && !(Number.isFinite(sample.noise) && sample.noise >= 0 && Number.isInteger(sample.dataset)))
    throw new RangeError('mlp: sample noise must be ≥ 0 and the dataset index an integer');
  const key = seedKey(sample ? sample.seed : o.dataSeed);
  const stream = sample ? sample.dataset >>> 0 : 0;
  // Inputs uniform on [−2, 2]^inputs from stream 11.
  const xs: number[][] = [];
  const ys: number[] = [];
  for (let i = 0; i < points; i++) {
    const r = philox4x32_10([i, stream, 0, 11], key);
    const x = Array.from({ length: inputs }, (_, j) => Math.fround(4 * uniformOpen01(r[j]) - 2));
    const z = sample && sample.noise > 0 ? sample.noise * drawNormals(key, i, stream, 12, 1)[0] : 0;
    xs.push(x);
    ys.push(Math.fround(mlpTruth(o, teacher, x) + z));
  }
  // w*: the teacher embedded in the student (extra units with all-zero weights), a true zero of L.
  const wstar = new Array<number>(dim).fill(0);
  for (let j = 0; j < Math.min(teacherWidth, width) * (inputs + 2); j++) wstar[j] = teacher[j];
  const kindIndex = ACTIVATIONS.indexOf(activation);
  const sharpnessOf = (params: readonly number[]) => (activation === 'softplus' ? params[1] : 1);
  return {
    id: 'mlp',
    title: `Tiny ${activation} network: teacher width ${teacherWidth}, student width ${width}`,
    description: `one hidden layer, ${inputs} input${inputs > 1 ? 's' : ''}, ${activation}, teacher ${teacherWidth} → student ${width} (d = ${dim}), ${points} points`,
    dim,
    wgsl: mlpWgsl,
    params: [
      { name: 'sigma', label: 'noise σ', default: 1, min: 0.01, max: 10, integer: false },
      { name: 'sharpness', label: 'softplus sharpness s', default: 1, min: 0.1, max: 50, integer: false },
    ],
    uniforms: (params) => {
      const values = [inputs, width, kindIndex, sharpnessOf(params), params[0], points, 0, 0];
      for (let i = 0; i < points; i++) values.push(...xs[i], ys[i]);
      return values;
    },
    defaultBound: 3,
    singularPoints: [{ label: 'teacher', w: wstar }],
    defaultWstar: wstar,
    exact: () => null,
    loss: (w, params) => {
      const s = sharpnessOf(params);
      let sum = 0;
      for (let i = 0; i < points; i++) sum += (mlpForward(w, xs[i], width, activation, s) - ys[i]) ** 2;
      return sum / (points * 2 * params[0] ** 2);
    },
    grad: (w, params) => {
      const s = sharpnessOf(params);
      const g = new Array<number>(dim).fill(0);
      const scale = 1 / (points * params[0] ** 2);
      for (let i = 0; i < points; i++) {
        const r = (mlpForward(w, xs[i], width, activation, s) - ys[i]) * scale;
        for (let h = 0; h < width; h++) {
          const base = h * (inputs + 2);
          let z = w[base + inputs];
          for (let j = 0; j < inputs; j++) z += w[base + j] * xs[i][j];
          const back = r * w[base + inputs + 1] * actPrime(activation, s, z);
          for (let j = 0; j < inputs; j++) g[base + j] += back * xs[i][j];
          g[base + inputs] += back;
          g[base + inputs + 1] += r * act(activation, s, z);
        }
      }
      return g;
    },
  };
}
