/**
 * The numeric ranges the f32 engine can honour, in one place for the CLI and the app (issue 16).
 *
 * The GPU works in f32: its largest finite value is 3.4e38 and its smallest normal 1.2e-38. Every
 * input is bounded so that the products the shaders form from it (n·β·L_n, 1/σ², γ·|w − w*|², x^8 of
 * the polynomial's data, σw^(layers+1) of a random network) stay finite with margin for the loss
 * itself. A value outside its range is refused with the limit in the message, never run into a
 * silent overflow.
 */

/** Largest finite f32. */
export const F32_MAX = 3.4028234663852886e38;

export interface Range {
  /** Smallest allowed value (inclusive unless `openMin`). */
  readonly min: number;
  readonly max: number;
  /** The bound at min is exclusive (n > 1, β > 0). */
  readonly openMin?: boolean;
  /** Why the bound is where it is: ends the message. */
  readonly why: string;
}

const OVERFLOW = 'beyond it the f32 arithmetic of the shaders overflows (f32 max 3.4e38)';

export const LIMITS = {
  /** n·β multiplies every loss value and gradient: up to 1e30 leaves 1e8 of headroom for L_n. */
  n: { min: 1, openMin: true, max: 1e30, why: `n·β·L_n must stay finite in f32; ${OVERFLOW}` },
  beta: { min: 1e-30, max: 1e30, why: `n·β·L_n must stay finite in f32; ${OVERFLOW}` },
  nbeta: { min: 1e-30, max: 1e30, why: `n·β multiplies the loss and its gradient; ${OVERFLOW}` },
  gamma: { min: 0, max: 1e30, why: `γ·|w − w*|² must stay finite in f32; ${OVERFLOW}` },
  /** The prior's 1/σ² and the box's R² are formed in f32. */
  priorScale: {
    min: 1e-15,
    max: 1e15,
    why: 'its square and inverse square must be normal f32 numbers (1.2e-38 … 3.4e38)',
  },
  /** w*, formula constants: squared in the loss and the localisation term. */
  coordinate: { min: -1e15, max: 1e15, why: `its square must stay finite in f32; ${OVERFLOW}` },
  /** Polynomial data x enters as x^4, squared in the residual: x^8 ≤ 1e32. */
  dataX: { min: -1e4, max: 1e4, why: `the polynomial's x^4, squared in the loss, must stay finite in f32` },
  dataY: { min: -1e15, max: 1e15, why: `its square must stay finite in f32; ${OVERFLOW}` },
  /** Likelihood noise: the loss is residual²/(2σ²). */
  sigma: { min: 1e-6, max: 1e6, why: `1/σ², multiplied by n·β, must stay finite in f32; ${OVERFLOW}` },
  /** The step ε: the proposal adds √(2ε)·ξ and ε·∇U. */
  step: { min: 1e-30, max: 1e30, openMin: false, why: `ε·∇U must stay finite in f32; ${OVERFLOW}` },
  /** Random-network bias scale (σw's bound depends on the depth: randNetWeightRange). */
  biasScale: { min: 0, max: 1e15, why: 'the output adds σb per layer; it must stay finite in f32' },
} as const satisfies Record<string, Range>;

export type LimitName = keyof typeof LIMITS;

/** True when x is finite and inside the range. */
export function within(r: Range, x: number): boolean {
  return Number.isFinite(x) && (r.openMin ? x > r.min : x >= r.min) && x <= r.max;
}

const fmt = (x: number) =>
  Math.abs(x) >= 1e4 || (x !== 0 && Math.abs(x) < 1e-3) ? x.toExponential(0) : String(x);

/** "a number in (1, 1e30]: n·β·L_n must stay finite …" — the text after "expected". */
export function describe(r: Range): string {
  const lo = r.openMin ? `(${fmt(r.min)}` : `[${fmt(r.min)}`;
  return `a number in ${lo}, ${fmt(r.max)}] (${r.why})`;
}

/** The range of σw for a network with `hiddenLayers` hidden layers: the output scales as σw^(L+1). */
export function randNetWeightRange(hiddenLayers: number): Range {
  const layers = hiddenLayers + 1;
  const max = Number((1e30 ** (1 / layers)).toPrecision(2));
  return {
    min: 0,
    max,
    why: `with ${hiddenLayers} hidden layer${hiddenLayers === 1 ? '' : 's'} the output scales as σw^${layers}, which must stay finite in f32 (max 3.4e38)`,
  };
}

/**
 * The first setting outside its range, as "name: message", or undefined. The app and the engine
 * (validatePosterior) use it; the CLI checks each flag as it parses it, with the same LIMITS.
 */
export function posteriorLimitError(p: {
  readonly n: number;
  readonly beta: number;
  readonly gamma: number;
  readonly prior: { readonly scale: number };
  readonly wstar: readonly number[];
}): string | undefined {
  const checks: [string, Range, number][] = [
    ['n', LIMITS.n, p.n],
    ['beta', LIMITS.beta, p.beta],
    ['n·β', LIMITS.nbeta, p.n * p.beta],
    ['gamma', LIMITS.gamma, p.gamma],
    ['prior scale', LIMITS.priorScale, p.prior.scale],
    ...p.wstar.map((x, j): [string, Range, number] => [`w*[${j + 1}]`, LIMITS.coordinate, x]),
  ];
  for (const [name, r, x] of checks) if (!within(r, x)) return `${name} must be ${describe(r)}, got ${x}`;
  return undefined;
}
