import { describe, expect, it } from 'vitest';
import { formulaLandscape } from '../../../src/core/landscapes/formula/landscape';
import { findLandscape, type Landscape } from '../../../src/core/landscapes/landscapes';
import { negativeLambdaWarning, wstarWarnings } from '../../../src/core/landscapes/wstar-check';

const at = (landscape: Landscape, wstar: number[], n = 10000, params: number[] = []) =>
  wstarWarnings({ landscape, params, wstar, n, beta: 1 / Math.log(n), prior: { kind: 'box', scale: 1 } });

describe('w* local-minimum check', () => {
  it('warns for the circle valley with w* at its centre (a local maximum, where λ̂ was −270)', () => {
    const w = at(formulaLandscape('(w1^2+w2^2-1)^2', { dim: 2 }), [0, 0]);
    expect(w).toHaveLength(1); // the gradient is 0 there: only the probes see it
    expect(w[0]).toMatch(/L drops by .*\/nβ .* w\* is not a local minimum/);
  });

  it('is silent at minima: the circle valley on the circle, the crossing and the phase transition at 0', () => {
    expect(at(formulaLandscape('(w1^2+w2^2-1)^2', { dim: 2 }), [1, 0])).toEqual([]);
    expect(at(findLandscape('crossing')!, [0, 0], 10000, [1, 1])).toEqual([]);
    expect(at(findLandscape('crossing')!, [0.7, 0], 1e6, [1, 1])).toEqual([]); // on the zero set
    expect(at(findLandscape('phase-transition')!, [0, 0], 1e4, [0.01])).toEqual([]);
  });

  it('warns when w* is off the minimum of the bowl (non-zero gradient and a loss drop)', () => {
    const w = at(findLandscape('bowl')!, [0.1, 0]);
    expect(w.some((x) => /gradient at w\* is \|∇L\|/.test(x))).toBe(true);
    // A shift well inside one posterior width (√nβ·|∇L| < 3) is not flagged.
    expect(at(findLandscape('bowl')!, [0.01, 0], 100)).toEqual([]);
  });

  it('flags λ̂ negative beyond 3 SE only', () => {
    expect(negativeLambdaWarning(-270, 1)).toMatch(/negative beyond 3 SE/);
    expect(negativeLambdaWarning(-0.01, 0.01)).toBeNull();
    expect(negativeLambdaWarning(0.5, 0.01)).toBeNull();
    expect(negativeLambdaWarning(Number.NaN, 0.01)).toBeNull();
  });
});
