/**
 * The polynomial model's function space, read off the walker population on the GPU: the share of
 * walkers whose coefficient vector is nearest to each monomial 1, x, x², x³, x⁴, and a 2-D histogram
 * of their curves (x, f_θ(x)). Which function does the posterior prefer, and how does that change
 * with n and with the ordering m = (1,2,3,4,5) vs (5,4,3,2,1)?
 */
import polyFunctionsWgsl from '../../../shaders/poly-functions.wgsl';
import { runOnce } from '../../gpu/compute-pass';
import { type ComputeLayouts, computeLayouts } from '../../gpu/layouts';
import { storageBytes } from '../../gpu/reflect';
import { assemble, computePipeline } from '../../gpu/shader-assembly';
import { landscapeModule } from '../landscapes/landscape-module';
import type { WalkerEngine } from '../walkers/walker-engine';
import { type LabelDiagnostics, labelDiagnostics } from './diagnostics';

export const MONOMIALS = ['1', 'x', 'x²', 'x³', 'x⁴'] as const;

export interface CurveWindow {
  readonly columns: number;
  readonly rows: number;
  readonly xMin: number;
  readonly xMax: number;
  readonly yMin: number;
  readonly yMax: number;
}

export const defaultCurveWindow: CurveWindow = {
  columns: 128,
  rows: 96,
  xMin: -1.5,
  xMax: 1.5,
  yMin: -3,
  yMax: 3,
};

export interface PolyFunctionSpace {
  /** Walkers nearest to each monomial (counts), in the order of MONOMIALS. */
  readonly nearest: readonly number[];
  /** The same as fractions of all walkers. */
  readonly shares: readonly number[];
  /** The counts of even and of odd walkers (under `init: mixed`: started at w* and from the prior). */
  readonly nearestByStart: readonly [readonly number[], readonly number[]];
  /** Largest |z| over the monomials between the two halves' shares (sharesStartsZ). */
  readonly startsZ: number;
  /** Row-major rows × columns counts of curve points (row 0 at yMin). */
  readonly curves: Uint32Array;
  readonly window: CurveWindow;
}

function layouts(device: GPUDevice): ComputeLayouts {
  return computeLayouts(
    device,
    'poly-functions',
    ['uniform', 'read-only-storage', 'storage', 'storage'],
    true,
  );
}

/** The classification pipeline for an engine's landscape (compiled once per device and landscape). */
export function polyFunctionPipeline(engine: WalkerEngine): Promise<GPUComputePipeline> {
  if (engine.settings.landscape.id !== 'poly')
    throw new RangeError('function-space classification needs the polynomial model');
  const code = landscapeModule(engine.settings.landscape, polyFunctionsWgsl);
  return computePipeline(
    engine.device,
    code,
    'classify_polynomials',
    layouts(engine.device).pipeline,
    'poly/classify',
  );
}

/** Classifies every walker of a polynomial-model engine; reads back 5 counts and the histogram. */
export async function polyFunctionSpace(
  engine: WalkerEngine,
  window: CurveWindow = defaultCurveWindow,
): Promise<PolyFunctionSpace> {
  return classifyPolynomials(engine, await polyFunctionPipeline(engine), window);
}

/** Bytes of nearest_counts (shaders/poly-functions.wgsl: five monomials × two starts of u32), reflected once. */
let countsBytes: number | undefined;
const nearestCountsBytes = (): number =>
  (countsBytes ??= storageBytes(assemble(1, polyFunctionsWgsl), 'nearest_counts'));

/**
 * The two starts' disagreement: the largest |z| over the monomials of the difference between the even
 * and odd walkers' shares. At one snapshot the walkers are independent chains, so under mixing each
 * half's count is binomial and z = (p₀ − p₁)/√(p̄(1 − p̄)(1/N₀ + 1/N₁)) is ~N(0, 1); a pooled share of 0 or
 * 1 in both halves agrees exactly (z = 0).
 */
export function sharesStartsZ(even: readonly number[], odd: readonly number[]): number {
  const n0 = even.reduce((a, b) => a + b, 0);
  const n1 = odd.reduce((a, b) => a + b, 0);
  if (n0 === 0 || n1 === 0) return 0;
  let worst = 0;
  for (let k = 0; k < even.length; k++) {
    const p0 = even[k] / n0;
    const p1 = odd[k] / n1;
    const p = (even[k] + odd[k]) / (n0 + n1);
    const se = Math.sqrt(p * (1 - p) * (1 / n0 + 1 / n1));
    if (se > 0) worst = Math.max(worst, Math.abs(p0 - p1) / se);
  }
  return worst;
}

/**
 * Submits the classification at once (before the first await, so a caller that checked the engine is
 * alive needs no further check) and resolves with the readback.
 */
export async function classifyPolynomials(
  engine: WalkerEngine,
  pipeline: GPUComputePipeline,
  window: CurveWindow = defaultCurveWindow,
): Promise<PolyFunctionSpace> {
  const device = engine.device;
  const l = layouts(device);
  const params = new ArrayBuffer(32);
  new Uint32Array(params, 0, 4).set([engine.walkers, window.columns, window.rows, 0]);
  new Float32Array(params, 16, 4).set([window.xMin, window.xMax, window.yMin, window.yMax]);
  const cells = window.columns * window.rows;
  const [counts, curves] = await runOnce(device, {
    label: 'poly/classify',
    pipeline,
    layout: l.group,
    uniform: params,
    inputs: [engine.positions],
    outputs: [nearestCountsBytes(), 4 * cells],
    groups: [engine.landscapeBindGroup],
    workgroups: [Math.ceil(engine.walkers / 64)],
  });
  const even = Array.from(new Uint32Array(counts, 0, 5));
  const odd = Array.from(new Uint32Array(counts, 20, 5));
  const nearest = even.map((c, k) => c + odd[k]);
  return {
    nearest,
    shares: nearest.map((c) => c / engine.walkers),
    nearestByStart: [even, odd],
    startsZ: sharesStartsZ(even, odd),
    curves: new Uint32Array(curves),
    window,
  };
}

/**
 * The nearest monomial of each walker (the rule of shaders/poly-functions.wgsl: the largest
 * coefficient, f32 products, ties to the lower index), as one label per walker.
 */
export function nearestLabels(
  m: readonly number[],
  positions: ArrayLike<number>,
  walkers: number,
): Uint8Array {
  const dim = m.reduce((s, k) => s + k, 0);
  const labels = new Uint8Array(walkers);
  const c = [0, 0, 0, 0, 0];
  for (let i = 0; i < walkers; i++) {
    let j = i * dim;
    for (let k = 0; k < 5; k++) {
      let p = 1;
      for (let t = 0; t < m[k]; t++) p = Math.fround(p * positions[j++]);
      c[k] = p;
    }
    let best = 0;
    for (let k = 1; k < 5; k++) if (c[k] > c[best]) best = k;
    labels[i] = best;
  }
  return labels;
}

/** The parameter counts m_0..m_4 of a polynomial-model engine (the first five landscape uniforms). */
export function polyCounts(engine: WalkerEngine): number[] {
  if (engine.settings.landscape.id !== 'poly') throw new RangeError('not the polynomial model');
  const u = engine.settings.landscape.uniforms?.(engine.settings.params);
  if (!u || u.length < 5) throw new RangeError('the polynomial model has no parameter counts');
  return u.slice(0, 5);
}

/**
 * Snapshots of every walker's nearest monomial during sampling (call `observe` after each sampling
 * batch), for the shares' own convergence diagnostics: on (1, 1) every monomial's zero set has the
 * same loss, so the loss's R̂ cannot see walkers that stay near the start's monomial (issue 11).
 */
export class PolyShareTracker {
  private readonly snapshots: Uint8Array[] = [];
  private readonly m: number[];
  constructor(private readonly engine: WalkerEngine) {
    this.m = polyCounts(engine);
  }

  async observe(): Promise<void> {
    const xs = await this.engine.readPositions();
    this.snapshots.push(nearestLabels(this.m, xs, this.engine.walkers));
  }

  /** Shares (time-averaged over the snapshots), their SE, R̂ and starts z of group g (all walkers if omitted). */
  diagnose(group?: number): LabelDiagnostics {
    const { first, count } =
      group === undefined ? { first: 0, count: this.engine.walkers } : this.engine.groupRange(group);
    return labelDiagnostics(this.snapshots, MONOMIALS.length, first, count);
  }
}
