/** Random smooth formulas for property tests, printed as text so the parser is exercised too. */
import fc from 'fast-check';

/** Formulas over w1..w{dim} and constants c0, c1 built from smooth operations only. */
export function arbitraryFormula(dim: number): fc.Arbitrary<string> {
  const leaf = fc.oneof(
    fc.integer({ min: 1, max: dim }).map((i) => `w${i}`),
    fc.double({ min: 0.1, max: 3, noNaN: true }).map((x) => x.toFixed(3)),
    fc.constantFrom('c0', 'c1'),
  );
  const { expr } = fc.letrec<{ expr: string }>((tie) => ({
    expr: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf,
      fc
        .tuple(tie('expr'), fc.constantFrom('+', '-', '*'), tie('expr'))
        .map(([a, op, b]) => `(${a} ${op} ${b})`),
      fc.tuple(tie('expr'), fc.integer({ min: 2, max: 4 })).map(([a, k]) => `(${a})^${k}`),
      fc
        .tuple(fc.constantFrom('sin', 'cos', 'tanh', 'sigmoid', 'softplus'), tie('expr'))
        .map(([f, a]) => `${f}(${a})`),
      tie('expr').map((a) => `exp(0.3*tanh(${a}))`),
      tie('expr').map((a) => `-${a}`),
    ),
  }));
  // Every formula must use a parameter: add a smooth w-term.
  return fc.tuple(expr, fc.integer({ min: 1, max: dim })).map(([e, i]) => `${e} + 0.5*w${i}^2`);
}

/** Central finite differences with a step suited to f64 and O(1) values. */
export function centralDifference(f: (w: number[]) => number, w: readonly number[], h = 1e-6): number[] {
  return w.map((_, j) => {
    const up = [...w];
    const down = [...w];
    up[j] += h;
    down[j] -= h;
    return (f(up) - f(down)) / (2 * h);
  });
}
