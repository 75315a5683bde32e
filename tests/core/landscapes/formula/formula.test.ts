import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluate, evaluateWithGradient } from '../../../../src/core/landscapes/formula/evaluate';
import { formulaLandscape } from '../../../../src/core/landscapes/formula/landscape';
import { FormulaError, parseFormula } from '../../../../src/core/landscapes/formula/parse';
import { generateWgsl } from '../../../../src/core/landscapes/formula/wgsl';
import { arbitraryFormula, centralDifference } from '../../../helpers/formulas';

const value = (src: string, w: number[], c: number[] = []) => evaluate(parseFormula(src).ast, w, c);

describe('formula parser', () => {
  it('follows precedence and associativity', () => {
    expect(value('1 + 2 * 3 + 0*w1', [0])).toBe(7);
    expect(value('-w1^2', [3])).toBe(-9);
    expect(value('2^3^2 + w1', [0])).toBe(512);
    expect(value('8 / 4 / 2 + w1', [0])).toBe(1);
    expect(value('w1 - w2 - 1', [5, 2])).toBe(2);
    expect(value('min(w1, w2) + max(w1, 2)', [1, 3])).toBe(3);
    expect(value('a*w1 + b', [2], [3, 4])).toBe(10);
    expect(value('(-2)^3 + 2^-1 + w1', [0])).toBe(-7.5);
  });

  it('collects parameters and named constants', () => {
    const p = parseFormula('a*w1^2 + b*w3 + a');
    expect(p.paramsUsed).toBe(3);
    expect(p.constants).toEqual(['a', 'b']);
  });

  it.each([
    ['w1 +', /formula ends too early at position 5/],
    ['w1 ** 2', /unexpected '\*' at position 5/],
    ['foo(w1)', /unknown function 'foo'/],
    ['min(w1)', /min takes 2 arguments, got 1/],
    ['exp(w1, w2)', /exp takes 1 argument, got 2/],
    ['w0 + w1', /'w0' is not a parameter/],
    ['w33', /at most w32/],
    ['sin + w1', /function 'sin' needs arguments/],
    ['w1; } fn x() {', /unexpected character ";" at position 3/],
    ['w1 + λ', /unexpected character "λ" at position 6/],
    ['w1 # comment', /unexpected character "#"/],
    ['1e999 * w1', /number too large for f32/],
    ['3 + 4', /uses no parameter/],
    ['(w1', /expected '\)'/],
    ['w1 w2', /unexpected 'w2' after a complete formula/],
    ['', /empty formula/],
  ])('rejects %j with a message and position', (src, message) => {
    expect(() => parseFormula(src)).toThrow(FormulaError);
    expect(() => parseFormula(src)).toThrow(message);
  });

  it('rejects hostile sizes without overflowing the stack', () => {
    expect(() => parseFormula(`${'('.repeat(10000)}w1${')'.repeat(10000)}`)).toThrow(
      /longer than 2000|nested deeper/,
    );
    expect(() => parseFormula(`${'('.repeat(900)}w1${')'.repeat(900)}`)).toThrow(/nested deeper/);
    expect(() => parseFormula(`${'-'.repeat(1500)}w1`)).toThrow(/nested deeper/);
    expect(() => parseFormula(`${'w1+'.repeat(700)}w1`)).toThrow(/longer than 2000/);
    expect(() => parseFormula(`${'w1+'.repeat(600)}w1`)).toThrow(/more than 1000 terms/);
    expect(() => parseFormula(Array.from({ length: 17 }, (_, i) => `c${i}*w1`).join('+'))).toThrow(
      /more than 16 named constants/,
    );
  });

  it('points at the error with a caret', () => {
    try {
      parseFormula('w1 + * w2');
    } catch (err) {
      expect((err as FormulaError).pointer).toBe('w1 + * w2\n     ^');
    }
    expect.assertions(1);
  });
});

describe('formula code generation', () => {
  it('emits only generated names, numbers and whitelisted functions', () => {
    const code = generateWgsl(parseFormula('a*exp(-w1^2) + softplus(w2)/3.5e-3 + pi').ast);
    expect(code).toContain('lp(0u)');
    expect(code).toContain('3.5e-3');
    const codeLines = code.split('\n').filter((l) => !l.trim().startsWith('//'));
    expect(codeLines.join('\n')).not.toMatch(/\ba\b/); // the constant's name never reaches WGSL
  });

  it('gives gradients equal to central finite differences at random smooth points (property)', () => {
    fc.assert(
      fc.property(
        arbitraryFormula(3),
        fc.array(fc.double({ min: -1.5, max: 1.5, noNaN: true }), { minLength: 3, maxLength: 3 }),
        (src, w) => {
          const p = parseFormula(src);
          const { value: v, grad } = evaluateWithGradient(p.ast, w, [0.7, -1.3], 3);
          expect(v).toBeCloseTo(evaluate(p.ast, w, [0.7, -1.3]), 12);
          const fd = centralDifference((x) => evaluate(p.ast, x, [0.7, -1.3]), w);
          for (let j = 0; j < 3; j++)
            expect(Math.abs(grad[j] - fd[j])).toBeLessThan(1e-5 * (1 + Math.abs(fd[j])));
        },
      ),
      { numRuns: 300, seed: 20261128 },
    );
  });

  it('uses the documented subgradients at kinks', () => {
    const g = (src: string, w: number[]) => formulaLandscape(src).grad(w, []);
    expect(g('abs(w1)', [0])).toEqual([0]);
    expect(g('relu(w1)', [0])).toEqual([0]);
    expect(g('min(w1^2, w2^2)', [0.5, -0.5])).toEqual([0.5, -0.5]);
    expect(g('max(w1, w2)', [2, 2])).toEqual([0.5, 0.5]);
  });

  it('builds landscapes with sliders for constants and a checked dimension', () => {
    const l = formulaLandscape('a*w1^2 + b*w2^4', { constants: { a: 2 } });
    expect(l.dim).toBe(2);
    expect(l.params.map((p) => [p.name, p.default])).toEqual([
      ['a', 2],
      ['b', 1],
    ]);
    expect(formulaLandscape('w1^2', { dim: 5 }).dim).toBe(5);
    expect(() => formulaLandscape('w3', { dim: 2 })).toThrow(/dimension must be an integer in \[3, 32\]/);
    expect(() => formulaLandscape('w1', { constants: { z: 1 } })).toThrow(/no constant 'z'/);
  });
});
