/**
 * The founding post's polynomial model (reference/criticism-of-slt.txt): f_θ(x) = Σ_{k=0..4} c_k x^k
 * with c_k the product of m_k parameters, fitted to data (default the single point (1, 1)) with a
 * Gaussian likelihood of scale σ. With m = (1,2,3,4,5) it has 15 parameters; the post's point is
 * that the RLCT prefers the functions with the most redundant parameterisation, not the simplest.
 */
import polynomialWgsl from '../../../shaders/models/polynomial.wgsl';
import { LANDSCAPE_VALUES } from '../landscape-uniforms';
import type { Landscape } from '../landscapes';

export interface DataPoint {
  readonly x: number;
  readonly y: number;
}

export const POLY_DATA_OFFSET = 8;
export const MAX_POLY_POINTS = (LANDSCAPE_VALUES - POLY_DATA_OFFSET) / 2;

export function polynomialLandscape(
  m: readonly number[],
  data: readonly DataPoint[] = [{ x: 1, y: 1 }],
): Landscape {
  if (m.length !== 5 || m.some((k) => !Number.isInteger(k) || k < 0 || k > 8)) {
    throw new RangeError(
      `poly: expected five integer parameter counts m_0..m_4 in [0, 8], got ${m.join(',')}`,
    );
  }
  const dim = m.reduce((s, k) => s + k, 0);
  if (dim < 1 || dim > 32)
    throw new RangeError(`poly: the counts must add up to 1..32 parameters, got ${dim}`);
  if (data.length < 1 || data.length > MAX_POLY_POINTS) {
    throw new RangeError(`poly: between 1 and ${MAX_POLY_POINTS} data points, got ${data.length}`);
  }
  if (data.some((p) => !Number.isFinite(p.x) || !Number.isFinite(p.y)))
    throw new RangeError('poly: data must be finite numbers');

  const coefficients = (w: readonly number[]) => {
    const c: number[] = [];
    let j = 0;
    for (const mk of m) {
      let p = 1;
      for (let t = 0; t < mk; t++) p *= w[j++];
      c.push(p);
    }
    return c;
  };
  const at = (c: readonly number[], x: number) => c[0] + x * (c[1] + x * (c[2] + x * (c[3] + x * c[4])));
  // w*: every parameter of c_0 equal to 1, the rest 0, i.e. the constant function 1.
  const wstar = m.flatMap((mk, k) => new Array<number>(mk).fill(k === 0 ? 1 : 0));
  return {
    id: 'poly',
    title: `Polynomial model, m = (${m.join(', ')})`,
    description: `f(x) = Σ c_k x^k, c_k a product of m_k parameters (m = ${m.join(',')}, d = ${dim})`,
    dim,
    wgsl: polynomialWgsl,
    params: [{ name: 'sigma', label: 'noise σ', default: 1, min: 0.01, max: 10, integer: false }],
    uniforms: ([sigma]) => {
      const values = [...m, sigma, data.length, 0];
      for (const p of data) values.push(p.x, p.y);
      return values;
    },
    defaultBound: 2,
    singularPoints: [{ label: 'constant fit c_0 = 1', w: wstar }],
    defaultWstar: wstar,
    exact: () => null,
    loss: (w, [sigma]) => {
      const c = coefficients(w);
      const s = data.reduce((acc, p) => acc + (at(c, p.x) - p.y) ** 2, 0);
      return s / (data.length * 2 * sigma * sigma);
    },
    grad: (w, [sigma]) => {
      const c = coefficients(w);
      const dc = [0, 0, 0, 0, 0];
      for (const p of data) {
        const r = at(c, p.x) - p.y;
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
    return { x: parts[0], y: parts[1] };
  });
  return points;
}
