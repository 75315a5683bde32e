/**
 * constU32 reads a module-scope u32 const the way the kernels declare it, and refuses anything else;
 * the host limits checked before any device exists agree with the consts the shaders declare.
 */
import { describe, expect, it } from 'vitest';
import landscapeParamsWgsl from '../../shaders/landscape-params.wgsl';
import randnetWgsl from '../../shaders/randnet.wgsl';
import reduceWgsl from '../../shaders/reduce.wgsl';
import trainWgsl from '../../shaders/train.wgsl';
import { MAX_WIDTH } from '../../src/core/function-space/randnet';
import { LANDSCAPE_VALUES } from '../../src/core/landscapes/landscape-uniforms';
import { constU32 } from '../../src/gpu/reflect';

describe('constU32', () => {
  it("reads reduce.wgsl's ROW (the rows the engine sums)", () => {
    expect(constU32(reduceWgsl, 'ROW')).toBe(24);
  });

  it('reads with or without the u suffix, by exact name, at module scope only', () => {
    const code = 'const AB: u32 = 7u;\nconst A: u32 = 12;\nfn f() {\n  const L: u32 = 3u;\n}\n';
    expect(constU32(code, 'A')).toBe(12);
    expect(constU32(code, 'AB')).toBe(7);
    expect(() => constU32(code, 'L')).toThrow(/declares no/);
  });

  it('refuses a missing or non-literal const', () => {
    expect(() => constU32('const B: u32 = 2u * 3u;', 'B')).toThrow(/declares no/);
    expect(() => constU32('const C: f32 = 1.0;', 'C')).toThrow(/declares no/);
  });

  it('host limits match the shaders: landscape values, network width', () => {
    expect(constU32(landscapeParamsWgsl, 'LANDSCAPE_VALUES')).toBe(LANDSCAPE_VALUES);
    expect(constU32(randnetWgsl, 'MAX_W')).toBe(MAX_WIDTH);
    expect(constU32(trainWgsl, 'MAX_W')).toBe(MAX_WIDTH);
  });
});
