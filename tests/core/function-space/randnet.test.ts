/** The random-network twin without a GPU: conventions, shapes, validation, reproducibility, theory. */
import { describe, expect, it } from 'vitest';
import {
  bitsToKey,
  drawNetwork,
  evaluateNetwork,
  inputPoint,
  keyOfOutputs,
  keyToBits,
  layerShapes,
  networkKey,
  parameterCount,
  REFERENCE_NET,
  validateRandNet,
} from '../../../src/core/function-space/randnet';

describe('random-network conventions', () => {
  it('input point i is the binary expansion of i, most significant bit first', () => {
    expect(inputPoint({ inputs: 7, domain: '01' }, 1)).toEqual([0, 0, 0, 0, 0, 0, 1]);
    expect(inputPoint({ inputs: 7, domain: '01' }, 64)).toEqual([1, 0, 0, 0, 0, 0, 0]);
    expect(inputPoint({ inputs: 3, domain: 'pm1' }, 6)).toEqual([1, 1, -1]);
  });

  it('bit i of the key is character i of the string, and output i > 0 (0 is bit 0)', () => {
    const outputs = new Array<number>(128).fill(-1);
    outputs[0] = 0; // exactly 0: bit 0
    outputs[1] = 0.5;
    outputs[33] = 2;
    outputs[127] = 1e-30;
    const key = keyOfOutputs(outputs);
    expect(Array.from(key)).toEqual([2, 2, 0, 0x80000000]);
    const bits = keyToBits(key, 7);
    expect(bits).toHaveLength(128);
    expect([...bits].flatMap((c, i) => (c === '1' ? [i] : []))).toEqual([1, 33, 127]);
    expect(Array.from(bitsToKey(bits))).toEqual(Array.from(key));
    expect(keyToBits(bitsToKey('0110'), 2)).toBe('0110');
  });

  it('lays out the reference network as 7·40+40 + 40·40+40 + 40+1 = 2001 parameters', () => {
    expect(parameterCount(REFERENCE_NET)).toBe(2001);
    const shapes = layerShapes(REFERENCE_NET);
    expect(shapes.map((s) => [s.fanIn, s.fanOut, s.offset])).toEqual([
      [7, 40, 0],
      [40, 40, 320],
      [40, 1, 1960],
    ]);
    expect(shapes[0].wScale).toBe(Math.fround(1 / Math.sqrt(7)));
    const uniform = layerShapes({ ...REFERENCE_NET, init: 'uniform', biasInit: 'uniform', sw: Math.SQRT2 });
    expect(uniform[1].wScale).toBeCloseTo(Math.sqrt(6 / 40), 6); // He's ±√(6/fan_in)
    expect(uniform[1].bScale).toBeCloseTo(Math.sqrt(3), 6);
  });

  it('rejects settings outside the supported range, naming the setting', () => {
    const bad: [Partial<typeof REFERENCE_NET>, RegExp][] = [
      [{ inputs: 8 }, /^inputs/],
      [{ hidden: [65] }, /^hidden/],
      [{ hidden: [1, 1, 1, 1, 1] }, /^hidden/],
      [{ sw: -1 }, /^sw/],
      [{ sb: Number.NaN }, /^sb/],
      [{ seed: -1 }, /seed/],
    ];
    for (const [change, message] of bad) {
      expect(() => validateRandNet({ ...REFERENCE_NET, ...change })).toThrow(message);
    }
  });

  it('draws network k from (seed, k) alone', () => {
    const a = drawNetwork(REFERENCE_NET, 123456);
    expect(drawNetwork(REFERENCE_NET, 123456)).toEqual(a);
    expect(drawNetwork(REFERENCE_NET, 123457)).not.toEqual(a);
    expect(drawNetwork({ ...REFERENCE_NET, seed: 2 }, 123456)).not.toEqual(a);
    // Uniform draws stay inside ±scale; Gaussian ones have about the right spread.
    const u = drawNetwork({ ...REFERENCE_NET, init: 'uniform', biasInit: 'uniform' }, 9);
    const s = layerShapes(REFERENCE_NET);
    const layer2 = (p: Float32Array, bias: boolean) =>
      Array.from(p.subarray(320, 1960)).filter((_, i) => (i % 41 === 40) === bias);
    expect(Math.max(...layer2(u, false).map(Math.abs))).toBeLessThanOrEqual(Math.fround(Math.sqrt(3 / 40)));
    expect(Math.max(...layer2(u, true).map(Math.abs))).toBeLessThanOrEqual(Math.fround(Math.sqrt(3)));
    const w = layer2(a, false);
    const sd = Math.sqrt(w.reduce((t, x) => t + x * x, 0) / w.length);
    expect(sd).toBeCloseTo(s[1].wScale, 1);
  });

  it('the bias-free perceptron never outputs 1 at the all-zeros input, and covers t = 0 and 127', () => {
    const config = { ...REFERENCE_NET, hidden: [], sb: 0 };
    const seen = new Set<number>();
    for (let k = 0; k < 4000; k++) {
      const key = networkKey(config, k);
      expect(key[0] & 1).toBe(0);
      seen.add(keyToBits(key, 7).split('1').length - 1);
    }
    expect(seen.has(128)).toBe(false);
    // P(t = 0) = P(t = 127) = 1/128: both occur in 4000 draws with probability 1 − 2·(127/128)^4000.
    expect(seen.has(0) && seen.has(127)).toBe(true);
    expect(evaluateNetwork(config, drawNetwork(config, 0)).outputs[0]).toBe(0);
  });
});
