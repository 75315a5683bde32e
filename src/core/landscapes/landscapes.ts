/**
 * The landscape registry. Each landscape is its WGSL `loss`/`grad` (the one source of truth for the
 * walkers, surfaces and the CLI), a TypeScript twin used only by tests and the CPU reference, and
 * metadata: dimension, default box, singular points, and the exact (λ, m) where theory knows them.
 */
import bowlWgsl from '../../../shaders/landscapes/bowl.wgsl';
import commonWgsl from '../../../shaders/landscapes/common.wgsl';
import crossingWgsl from '../../../shaders/landscapes/crossing.wgsl';
import minCrossingWgsl from '../../../shaders/landscapes/min-crossing.wgsl';
import phaseTransitionWgsl from '../../../shaders/landscapes/phase-transition.wgsl';
import sumOfPowersWgsl from '../../../shaders/landscapes/sum-of-powers.wgsl';

/** A landscape parameter: a uniform value (never a recompile), shown as a slider. */
export interface LandscapeParam {
  readonly name: string;
  readonly label: string;
  readonly default: number;
  readonly min: number;
  readonly max: number;
  readonly integer: boolean;
}

export interface SingularPoint {
  readonly label: string;
  readonly w: readonly number[];
}

export interface ExactCoefficients {
  /** Real log canonical threshold (learning coefficient) λ. */
  readonly lambda: number;
  /** Multiplicity m. */
  readonly m: number;
}

export interface Landscape {
  readonly id: string;
  readonly title: string;
  /** One line for help texts and the GUI. */
  readonly description: string;
  readonly dim: number;
  /** WGSL defining `fn loss(w: Vec) -> f32` and `fn grad(w: Vec) -> Vec` (may call `lp(i)`). */
  readonly wgsl: string;
  readonly params: readonly LandscapeParam[];
  /**
   * The values `lp(0)`, `lp(1)`, … the WGSL reads, from the slider values (parameters, then any data
   * the landscape carries). Default: the parameters themselves.
   */
  uniforms?(params: readonly number[]): readonly number[];
  /** Default half-width R of the box prior and of the view. */
  readonly defaultBound: number;
  readonly singularPoints: readonly SingularPoint[];
  /** The default w* (LLC point and localisation centre); the origin when absent. */
  readonly defaultWstar?: readonly number[];
  /**
   * Datasets the uniforms carry, one per walker group (the polynomial model's generalisation runs);
   * default 1. With more than one, groups are different posteriors and replica exchange is refused.
   */
  readonly datasets?: number;
  /** Exact (λ, m) at the origin for the given parameter values, or null where theory is silent. */
  exact(params: readonly number[]): ExactCoefficients | null;
  /** TypeScript twin of the WGSL loss (f64), for tests and the CPU reference only. */
  loss(w: readonly number[], params: readonly number[]): number;
  /** TypeScript twin of the WGSL gradient (f64). */
  grad(w: readonly number[], params: readonly number[]): number[];
}

const intParam = (name: string, label: string): LandscapeParam => ({
  name,
  label,
  default: 1,
  min: 1,
  max: 6,
  integer: true,
});

/** Mirrors lp_int() in common.wgsl. */
const asInt = (x: number): number => Math.max(1, Math.round(x));

const origin: SingularPoint = { label: 'origin', w: [0, 0] };

const bowl: Landscape = {
  id: 'bowl',
  title: 'Regular minimum',
  description: 'w1² + w2²: a regular minimum, λ = d/2 = 1, m = 1',
  dim: 2,
  wgsl: bowlWgsl,
  params: [],
  defaultBound: 1,
  singularPoints: [origin],
  exact: () => ({ lambda: 1, m: 1 }),
  loss: (w) => w[0] * w[0] + w[1] * w[1],
  grad: (w) => [2 * w[0], 2 * w[1]],
};

const crossing: Landscape = {
  id: 'crossing',
  title: 'Analytic normal crossing',
  description: 'w1^(2a)·w2^(2b): λ = 1/(2·max(a,b)), m = 2 if a = b else 1',
  dim: 2,
  wgsl: crossingWgsl,
  params: [intParam('a', 'a (power of w1: 2a)'), intParam('b', 'b (power of w2: 2b)')],
  defaultBound: 1,
  singularPoints: [origin],
  exact: ([a, b]) => {
    const [ia, ib] = [asInt(a), asInt(b)];
    return { lambda: 1 / (2 * Math.max(ia, ib)), m: ia === ib ? 2 : 1 };
  },
  loss: (w, [a, b]) => w[0] ** (2 * asInt(a)) * w[1] ** (2 * asInt(b)),
  grad: (w, [a, b]) => {
    const [ia, ib] = [asInt(a), asInt(b)];
    return [
      2 * ia * w[0] ** (2 * ia - 1) * w[1] ** (2 * ib),
      2 * ib * w[0] ** (2 * ia) * w[1] ** (2 * ib - 1),
    ];
  },
};

const minCrossing: Landscape = {
  id: 'min-crossing',
  title: 'Non-analytic crossing',
  description: 'min(w1², w2²): valleys cross at a non-analytic point; volume scaling gives λ = 1/2, m = 1',
  dim: 2,
  wgsl: minCrossingWgsl,
  params: [],
  defaultBound: 1,
  singularPoints: [origin],
  exact: () => ({ lambda: 0.5, m: 1 }),
  loss: (w) => Math.min(w[0] * w[0], w[1] * w[1]),
  grad: (w) => {
    const [x2, y2] = [w[0] * w[0], w[1] * w[1]];
    if (x2 < y2) return [2 * w[0], 0];
    if (y2 < x2) return [0, 2 * w[1]];
    return [w[0], w[1]];
  },
};

const sumOfPowers: Landscape = {
  id: 'sum-of-powers',
  title: 'Sum of powers',
  description: 'w1^(2a) + w2^(2b): λ = 1/(2a) + 1/(2b), m = 1; nβ·E[L] = λ exactly under a flat prior',
  dim: 2,
  wgsl: sumOfPowersWgsl,
  params: [intParam('a', 'a (power of w1: 2a)'), intParam('b', 'b (power of w2: 2b)')],
  defaultBound: 1,
  singularPoints: [origin],
  exact: ([a, b]) => ({ lambda: 1 / (2 * asInt(a)) + 1 / (2 * asInt(b)), m: 1 }),
  loss: (w, [a, b]) => w[0] ** (2 * asInt(a)) + w[1] ** (2 * asInt(b)),
  grad: (w, [a, b]) => {
    const [ia, ib] = [asInt(a), asInt(b)];
    return [2 * ia * w[0] ** (2 * ia - 1), 2 * ib * w[1] ** (2 * ib - 1)];
  },
};

/**
 * n at which the Bayes posterior (β = 1) of the phase-transition landscape moves from the singular
 * valley to the regular point, by the free-energy balance n·ΔL = Δλ·log n with Δλ = 1/2 (the larger
 * root; fixed-point iteration).
 */
export function predictedCrossover(deltaLoss: number, deltaLambda = 0.5): number {
  let n = Math.max(3, (deltaLambda / deltaLoss) * 5);
  for (let i = 0; i < 200; i++) n = (deltaLambda * Math.log(n)) / deltaLoss;
  return n;
}

const phaseTransition: Landscape = {
  id: 'phase-transition',
  title: 'Phase transition in n',
  description:
    'min(ΔL + w2², w1² + w2²): a singular valley (λ = 1/2) at loss ΔL around a regular minimum (λ = 1) at 0',
  dim: 2,
  wgsl: phaseTransitionWgsl,
  params: [{ name: 'dl', label: 'ΔL (valley loss)', default: 0.01, min: 0.001, max: 0.1, integer: false }],
  defaultBound: 1,
  singularPoints: [origin, { label: 'valley', w: [0.5, 0] }],
  exact: () => ({ lambda: 1, m: 1 }),
  loss: (w, [dl]) => Math.min(dl, w[0] * w[0]) + w[1] * w[1],
  grad: (w, [dl]) => {
    const x2 = w[0] * w[0];
    return [x2 < dl ? 2 * w[0] : x2 === dl ? w[0] : 0, 2 * w[1]];
  },
};

/** Helpers every built-in landscape may call; prepended to its WGSL by the assembler. */
export const landscapeCommonWgsl = commonWgsl;

export const landscapes: readonly Landscape[] = [bowl, crossing, minCrossing, sumOfPowers, phaseTransition];

/** The default w*: the landscape's own, else the origin. */
export function defaultWstar(landscape: Landscape): number[] {
  return landscape.defaultWstar ? [...landscape.defaultWstar] : new Array<number>(landscape.dim).fill(0);
}

export function findLandscape(id: string): Landscape | undefined {
  return landscapes.find((l) => l.id === id);
}

/** Parameter values in registry order, from a partial name → value map, validated. */
export function resolveParams(landscape: Landscape, values: Readonly<Record<string, number>> = {}): number[] {
  for (const name of Object.keys(values)) {
    if (!landscape.params.some((p) => p.name === name)) {
      const known = landscape.params.map((p) => p.name).join(', ') || 'none';
      throw new RangeError(`landscape '${landscape.id}' has no parameter '${name}' (parameters: ${known})`);
    }
  }
  return landscape.params.map((p) => {
    const v = values[p.name] ?? p.default;
    if (!Number.isFinite(v) || v < p.min || v > p.max || (p.integer && !Number.isInteger(v))) {
      const kind = p.integer ? 'an integer' : 'a number';
      throw new RangeError(`parameter '${p.name}' must be ${kind} in [${p.min}, ${p.max}], got ${v}`);
    }
    return v;
  });
}
