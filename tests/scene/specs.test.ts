/** The one parser of typed specs the app and the CLI share: numbers, constants, poly counts, mlp options. */
import { describe, expect, test } from 'vitest';
import { decimal, parseConstantEntry, parseMlpSpec, parsePolyM } from '../../src/scene/specs';

describe('specs', () => {
  test('numbers are decimal only', () => {
    expect(decimal(' 1e3 ')).toBe(1000);
    expect(decimal('0x10')).toBeNaN();
    expect(decimal('')).toBeNaN();
  });

  test('a constant is name=number', () => {
    expect(parseConstantEntry(' a = -2.5 ')).toEqual({ name: 'a', value: -2.5 });
    expect(parseConstantEntry('a=')).toBeNull();
    expect(parseConstantEntry('1a=2')).toBeNull();
    expect(parseConstantEntry('a=1=2')).toBeNull();
    expect(parseConstantEntry(`${'x'.repeat(33)}=1`)).toBeNull();
  });

  test('poly counts: five integers in [0, 8], at least two parameters in a scene, one on the CLI', () => {
    expect(parsePolyM('1,2,3,4,5')).toEqual([1, 2, 3, 4, 5]);
    expect(() => parsePolyM('1,2,3')).toThrow(/five integers/);
    expect(() => parsePolyM('9,0,0,0,0')).toThrow(/\[0, 8\]/);
    expect(() => parsePolyM('1,0,0,0,0')).toThrow(/2\.\.32/);
    expect(parsePolyM('1,0,0,0,0', 1)).toEqual([1, 0, 0, 0, 0]);
    expect(() => parsePolyM('8,8,8,8,1')).toThrow(/got 33/);
  });

  test('mlp options', () => {
    expect(parseMlpSpec('in=2,width=4,teacher=3,act=relu,points=16,seed=7')).toEqual({
      inputs: 2,
      width: 4,
      teacherWidth: 3,
      activation: 'relu',
      points: 16,
      dataSeed: 7,
    });
    expect(parseMlpSpec('')).toEqual({});
    expect(() => parseMlpSpec('act=gelu')).toThrow(/act must be one of/);
    expect(() => parseMlpSpec('width=2.5')).toThrow(/width must be an integer/);
    expect(() => parseMlpSpec('depth=2')).toThrow(/unknown mlp option 'depth'/);
    expect(() => parseMlpSpec('width')).toThrow(/expected mlp:key=value/);
  });
});
