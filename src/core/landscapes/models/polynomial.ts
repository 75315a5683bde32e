/**
 * The founding post's polynomial model (reference/criticism-of-slt.txt): f_θ(x) = Σ_{k=0..4} c_k x^k
 * with c_k the product of m_k parameters, fitted to data (default the single point (1, 1)) with a
 * Gaussian likelihood of scale σ. With m = (1,2,3,4,5) it has 15 parameters; the post's point is
 * that the RLCT prefers the functions with the most redundant parameterisation, not the simplest.
 *
 * The data reach the shader as sufficient statistics (poly-stats.ts), so a dataset may have any size,
 * and the uniforms may hold several datasets ("slots"): walker group g fits slot min(g, S − 1). One
 * engine thereby samples the posteriors of many (n, dataset) pairs at once (src/core/measures/generalisation/).
 */
import polynomialWgsl from '../../../../shaders/models/polynomial.wgsl';
import { describe, LIMITS, within } from '../../limits';
import { LANDSCAPE_VALUES } from '../landscape-uniforms';
import type { Landscape } from '../landscapes';
import { type DataPoint, POLY_SLOT_FLOATS, polyAt, polyStats, polyStatsValues } from './poly-stats';

// The data point type lives with the sufficient statistics (which need it and nothing else here).
export type { DataPoint } from './poly-stats';

export const POLY_DATA_OFFSET = 8;
/** Datasets one polynomial landscape can carry (one per walker group). */
export const MAX_POLY_SLOTS = Math.floor((LANDSCAPE_VALUES - POLY_DATA_OFFSET) / POLY_SLOT_FLOATS);
/** Points in a dataset: not bound by the uniforms (sufficient statistics), only by the CPU's O(N) twin. */
export const MAX_POLY_POINTS = 1_000_000;

/** The coefficients c_k = product of the next m_k parameters (an empty product is 1). */
export function polyCoefficients(m: readonly number[], w: readonly number[]): number[] {
  const c: number[] = [];
  let j = 0;
  for (const mk of m) {
    let p = 1;
    for (let t = 0; t < mk; t++) p *= w[j++];
    c.push(p);
  }
  return c;
}

/** TypeScript twin of `predict` in polynomial.wgsl: f_θ(x). */
export const polyPredict = (m: readonly number[], w: readonly number[], x: number): number =>
  polyAt(polyCoefficients(m, w), x);

/** w*: every parameter of c_0 equal to 1, the rest 0 (the constant function 1 when every m_k ≥ 1). */
export const polyWstar = (m: readonly number[]): number[] =>
  m.flatMap((mk, k) => new Array<number>(mk).fill(k === 0 ? 1 : 0));

export function polynomialLandscape(
  m: readonly number[],
  data: readonly DataPoint[] = [{ x: 1, y: 1 }],
): Landscape {
  return polynomialSlotsLandscape(m, [data]);
}

/**
 * The polynomial model with one dataset per walker group (group g fits dataset min(g, S − 1)). The
 * TypeScript twin (`loss`, `grad`) is the plain sum over dataset 0, which is also what every module
 * other than the walker kernels (surface, point evaluation) sees.
 */
export function polynomialSlotsLandscape(
  m: readonly number[],
  datasets: readonly (readonly DataPoint[])[],
): Landscape {
  if (m.length !== 5 || m.some((k) => !Number.isInteger(k) || k < 0 || k > 8)) {
    throw new RangeError(
      `poly: expected five integer parameter counts m_0..m_4 in [0, 8], got ${m.join(',')}`,
    );
  }
  const dim = m.reduce((s, k) => s + k, 0);
  if (dim < 1 || dim > 32)
    throw new RangeError(`poly: the counts must add up to 1..32 parameters, got ${dim}`);
  if (datasets.length < 1 || datasets.length > MAX_POLY_SLOTS)
    throw new RangeError(`poly: between 1 and ${MAX_POLY_SLOTS} datasets, got ${datasets.length}`);
  for (const data of datasets) {
    if (data.length < 1 || data.length > MAX_POLY_POINTS) {
      throw new RangeError(`poly: between 1 and ${MAX_POLY_POINTS} data points, got ${data.length}`);
    }
    if (data.some((p) => !Number.isFinite(p.x) || !Number.isFinite(p.y)))
      throw new RangeError('poly: data must be finite numbers');
  }
  const data = datasets[0];
  const slots = datasets.flatMap((d) => polyStatsValues(polyStats(d)));
  const wstar = polyWstar(m);
  return {
    id: 'poly',
    title: `Polynomial model, m = (${m.join(', ')})${datasets.length > 1 ? `, ${datasets.length} datasets` : ''}`,
    description: `f(x) = Σ c_k x^k, c_k a product of m_k parameters (m = ${m.join(',')}, d = ${dim})`,
    dim,
    wgsl: polynomialWgsl,
    params: [{ name: 'sigma', label: 'noise σ', default: 1, min: 0.01, max: 10, integer: false }],
    uniforms: ([sigma]) => [...m, sigma, data.length, datasets.length, ...slots],
    defaultBound: 2,
    datasets: datasets.length,
    singularPoints: [{ label: 'constant fit c_0 = 1', w: wstar }],
    defaultWstar: wstar,
    exact: () => null,
    loss: (w, [sigma]) => {
      const c = polyCoefficients(m, w);
      const s = data.reduce((acc, p) => acc + (polyAt(c, p.x) - p.y) ** 2, 0);
      return s / (data.length * 2 * sigma * sigma);
    },
    grad: (w, [sigma]) => {
      const c = polyCoefficients(m, w);
      const dc = [0, 0, 0, 0, 0];
      for (const p of data) {
        const r = polyAt(c, p.x) - p.y;
        for (let k = 0, xk = 1; k < 5; k++, xk *= p.x) dc[k] += r * xk;
      }
      const g = new Array<number>(dim).fill(0);
      let start = 0;
      m.forEach((mk, k) => {
        for (let t = 0; t < mk; t++) {
          let others = 1;
          for (let s = 0; s < mk; s++) if (s !== t) others *= w[start + s];
          g[start + t] = (dc[k] * others) / (data.length * sigma * sigma);
        }
        start += mk;
      });
      return g;
    },
  };
}

/** Parses `x:y,x:y,…` into data points (CLI and URL syntax). */
export function parseData(text: string): DataPoint[] {
  const points = text.split(',').map((pair) => {
    const parts = pair.split(':').map((s) => Number(s.trim()));
    if (parts.length !== 2 || parts.some((v, i) => !Number.isFinite(v) || pair.split(':')[i].trim() === '')) {
      throw new RangeError(`expected data as x:y pairs separated by commas, got '${pair}'`);
    }
    // The loss squares x^4 and y in f32 (src/core/limits.ts).
    if (!within(LIMITS.dataX, parts[0]))
      throw new RangeError(`x = ${parts[0]} in '${pair}' must be ${describe(LIMITS.dataX)}`);
    if (!within(LIMITS.dataY, parts[1]))
      throw new RangeError(`y = ${parts[1]} in '${pair}' must be ${describe(LIMITS.dataY)}`);
    return { x: parts[0], y: parts[1] };
  });
  return points;
}
