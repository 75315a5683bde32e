/**
 * Constant folding for the CPU translation of WGSL (landscape-wat.ts), with WGSL's semantics: f32
 * operations rounded to f32 (exact: +, −, ×, ÷ and sqrt of f32 values computed in f64 and rounded once
 * give the correctly rounded f32 result), u32 and i32 wrapping, abstract integers exact.
 */

/** The scalar types of the translation: 'aint' is WGSL's abstract integer (literals without suffix). */
export type Scalar = 'f32' | 'i32' | 'u32' | 'bool' | 'aint';

/** WGSL's round: half to even. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export function castConst(to: Scalar, from: Scalar, v: number | boolean): number | boolean {
  const x = typeof v === 'boolean' ? (v ? 1 : 0) : v;
  switch (to) {
    case 'bool':
      return x !== 0;
    case 'f32':
      return from === 'u32' ? x >>> 0 : x;
    case 'u32':
      // f32 → u32 saturates; i32 → u32 keeps the bits.
      return from === 'f32'
        ? Number.isNaN(x)
          ? 0
          : Math.min(Math.max(Math.trunc(x), 0), 4294967295)
        : x >>> 0;
    case 'i32':
      return from === 'f32'
        ? Number.isNaN(x)
          ? 0
          : Math.min(Math.max(Math.trunc(x), -2147483648), 2147483647)
        : x | 0;
    default:
      return x;
  }
}

/** Constant folding with WGSL's semantics: f32 operations rounded to f32, u32/i32 wrapping. */
export function fold(op: string, s: Scalar, a: number | boolean, b: number | boolean): number | boolean {
  if (s === 'bool') {
    const [x, y] = [a as boolean, b as boolean];
    switch (op) {
      case '&&':
      case '&':
        return x && y;
      case '||':
      case '|':
        return x || y;
      case '^':
      case '!=':
        return x !== y;
      default:
        return x === y;
    }
  }
  const [x, y] = [a as number, b as number];
  const cmp: Record<string, (p: number, q: number) => boolean> = {
    '==': (p, q) => p === q,
    '!=': (p, q) => p !== q,
    '<': (p, q) => p < q,
    '<=': (p, q) => p <= q,
    '>': (p, q) => p > q,
    '>=': (p, q) => p >= q,
  };
  if (cmp[op]) return cmp[op](x, y);
  if (s === 'f32') {
    const r = { '+': x + y, '-': x - y, '*': x * y, '/': x / y }[op];
    return Math.fround(r as number);
  }
  const wrap = (r: number) => (s === 'u32' ? r >>> 0 : s === 'i32' ? r | 0 : r);
  switch (op) {
    case '+':
      return wrap(x + y);
    case '-':
      return wrap(x - y);
    case '*':
      return s === 'aint' ? x * y : wrap(Math.imul(x, y));
    case '/':
      return y === 0 ? x : wrap(Math.trunc(x / y));
    case '%':
      return y === 0 ? 0 : wrap(x % y);
    case '&':
      return wrap(x & y);
    case '|':
      return wrap(x | y);
    case '^':
      return wrap(x ^ y);
    case '<<':
      return wrap(x << (y & 31));
    case '>>':
      return s === 'u32' ? x >>> (y & 31) : x >> (y & 31);
  }
  return 0;
}
