import { describe, expect, it } from 'vitest';
import { MAX_UNROLLED_DIM, unrollDimensionLoops } from '../../src/gpu/unroll';

describe('unrollDimensionLoops', () => {
  const loop = 'for (var j = 0u; j < D; j++) {\n  y[j] = w[j] * 2.0; // {braces} in a comment\n}';

  it('writes D copies of the body, each with its own j', () => {
    const out = unrollDimensionLoops(`fn f() {\n${loop}\n}`, 3);
    expect(out).not.toContain('for (');
    expect(out.match(/let j = \du;/g)).toEqual(['let j = 0u;', 'let j = 1u;', 'let j = 2u;']);
    expect(out.match(/y\[j\] = w\[j\] \* 2\.0;/g)?.length).toBe(3);
    expect(out.startsWith('fn f() {\n{ let j = 0u; {')).toBe(true);
    expect(out.endsWith('} }\n}')).toBe(true);
  });

  it('unrolls nested loops and leaves other loops alone', () => {
    const nested = 'for (var j = 0u; j < D; j++) { for (var k = 0u; k < 4u; k++) { s += f(j, k); } }';
    const out = unrollDimensionLoops(nested, 2);
    expect(out.match(/for \(var k/g)?.length).toBe(2);
    expect(out).not.toContain('j < D');
  });

  it('keeps a loop that breaks, continues or assigns j, and any loop above MAX_UNROLLED_DIM', () => {
    for (const body of ['if (w[j] > 0.0) { break; }', 'continue;', 'j += 1u;', 'j = 2u;']) {
      const code = `for (var j = 0u; j < D; j++) { ${body} }`;
      expect(unrollDimensionLoops(code, 2)).toBe(code);
    }
    expect(unrollDimensionLoops(loop, MAX_UNROLLED_DIM + 1)).toBe(loop);
    // A comparison with j is not an assignment.
    expect(
      unrollDimensionLoops('for (var j = 0u; j < D; j++) { if (j == 1u) { s += 1.0; } }', 2),
    ).not.toContain('for (');
  });
});
