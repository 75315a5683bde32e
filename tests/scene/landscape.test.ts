/** The scene-built landscapes: validators behind the schema's text fields, and the cached resolver. */
import { describe, expect, test } from 'vitest';
import { decodeHash, encodeHash } from '../../src/app/ui/url-state';
import { derive, sliceAxes } from '../../src/scene/derive';
import { resolveSceneLandscape } from '../../src/scene/landscape';
import { defaultState, parseField } from '../../src/scene/schema';
import { checkFormula, formulaProblem, parseConstants, withConstant } from '../../src/scene/specs';

describe('formula text in the scene state', () => {
  test('a formula that parses is accepted; one that does not names the reason and position', () => {
    expect(parseField('formula', 'w1^2 * w2^4 + a*w3^2')).toEqual({ value: 'w1^2 * w2^4 + a*w3^2' });
    const r = parseField('formula', 'w1^2 + * w2');
    expect(r).toHaveProperty('error');
    expect((r as { error: { message: string } }).error.message).toBe(
      "'formula': unexpected '*' at position 8",
    );
    expect(checkFormula('w1; } fn x() {')).toMatch(/unexpected character ";"/);
    expect(checkFormula('foo(w1)')).toMatch(/foo/);
    expect(parseField('formula', 'x'.repeat(5000))).toHaveProperty('error');
    const e = formulaProblem('w1^2 + * w2')!;
    expect(e.position).toBe(7);
    expect(e.pointer).toBe('w1^2 + * w2\n       ^');
  });

  test('a formula round-trips through the URL hash', () => {
    const s = {
      ...defaultState(),
      landscape: 'formula',
      formula: 'min(w1^2, w2^2) + c*w1^4',
      consts: 'c=0.5',
    };
    const hash = encodeHash(s);
    expect(decodeHash(hash)).toEqual({ state: s, errors: [], presetId: undefined });
    // A bad formula in a link is rejected, naming the field; the link's other fields still apply.
    const bad = decodeHash('#landscape=formula&formula=w1%5E%5E2');
    expect(bad.errors[0].key).toBe('formula');
    expect(bad.state).toEqual({ ...defaultState(), landscape: 'formula' });
  });

  test('constants: name=value text, validated and edited one at a time', () => {
    expect(parseConstants('')).toEqual({});
    expect(parseConstants('a=1, b=-2.5')).toEqual({ a: 1, b: -2.5 });
    expect(() => parseConstants('a=')).toThrow(/name=number/);
    expect(() => parseConstants('1a=2')).toThrow(/name=number/);
    expect(() => parseConstants('a=100')).toThrow(/\[/);
    expect(withConstant('a=1', 'b', 0.25)).toBe('a=1,b=0.25');
    expect(withConstant('a=1,b=2', 'a', 3)).toBe('a=3,b=2');
    expect(parseField('consts', 'a=1;b=2')).toHaveProperty('error');
  });
});

describe('resolving the landscape a state asks for', () => {
  test('a formula compiles once per text and dimension; constants are parameters, not a recompile', () => {
    const s = { ...defaultState(), landscape: 'formula', formula: '(a - w1^2 - w2^2)^2', consts: 'a=0.5' };
    const r1 = resolveSceneLandscape(s);
    const r2 = resolveSceneLandscape({ ...s, consts: 'a=2' });
    expect(r1.landscape).toBe(r2.landscape);
    expect(r1.key).toBe(r2.key);
    expect(r1.params).toEqual([0.5]);
    expect(r2.params).toEqual([2]);
    expect(r1.landscape.dim).toBe(2);
    expect(resolveSceneLandscape({ ...s, fdim: 5 }).landscape.dim).toBe(5);
    // A one-parameter formula still gets a 2-D surface.
    expect(resolveSceneLandscape({ ...s, formula: 'w1^2' }).landscape.dim).toBe(2);
  });

  test('models: poly (15-D with w* the constant fit) and mlp (width 4 student, 12 parameters)', () => {
    const poly = resolveSceneLandscape({ ...defaultState(), landscape: 'poly' });
    expect(poly.landscape.dim).toBe(15);
    expect(poly.params).toEqual([1]);
    const mlp = resolveSceneLandscape({ ...defaultState(), landscape: 'mlp' });
    expect(mlp.landscape.dim).toBe(12);
    expect(mlp.error).toBeNull();
  });

  test('derive: a d > 2 landscape is shown as a slice through w* along two distinct axes', () => {
    const d = derive({ ...defaultState(), landscape: 'poly', axisX: 2, axisY: 3, R: 2 });
    expect(d.slice?.axes).toEqual([1, 2]);
    expect(d.wstar.length).toBe(15);
    expect(d.wstar[0]).toBe(1);
    expect(d.window).toEqual({ lo: [-2, -2], hi: [2, 2] });
    expect(sliceAxes({ axisX: 3, axisY: 3 }, 15)).toEqual([2, 3]);
    expect(sliceAxes({ axisX: 20, axisY: 1 }, 15)).toEqual([14, 0]);
    expect(derive(defaultState()).slice).toBeNull();
  });
});
