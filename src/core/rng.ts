/**
 * TypeScript twin of shaders/rng.wgsl: Philox4x32-10 and the draws built on it. The integer stream
 * is bit-exact with the GPU; the float transforms round through Math.fround where the GPU works in f32.
 */

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;

/** High and low 32-bit words of a·b, computed as the shader does from 16-bit partial products. */
export function mulHiLo(a: number, b: number): [number, number] {
  const aLo = a & 0xffff;
  const aHi = a >>> 16;
  const bLo = b & 0xffff;
  const bHi = b >>> 16;
  const ll = aLo * bLo;
  const lh = aLo * bHi;
  const hl = aHi * bLo;
  const hh = aHi * bHi;
  const mid = (ll >>> 16) + (lh & 0xffff) + (hl & 0xffff);
  const hi = (hh + (lh >>> 16) + (hl >>> 16) + (mid >>> 16)) >>> 0;
  return [hi, Math.imul(a, b) >>> 0];
}

/** Philox4x32 with 10 rounds: counter (4 words), key (2 words) → 4 random words. */
export function philox4x32_10(
  counter: readonly [number, number, number, number],
  key: readonly [number, number],
): [number, number, number, number] {
  let [c0, c1, c2, c3] = counter.map((x) => x >>> 0);
  let [k0, k1] = key.map((x) => x >>> 0);
  for (let round = 0; round < 10; round++) {
    const [hi0, lo0] = mulHiLo(M0, c0);
    const [hi1, lo1] = mulHiLo(M1, c2);
    const n0 = (hi1 ^ c1 ^ k0) >>> 0;
    const n2 = (hi0 ^ c3 ^ k1) >>> 0;
    c0 = n0;
    c1 = lo1;
    c2 = n2;
    c3 = lo0;
    k0 = (k0 + W0) >>> 0;
    k1 = (k1 + W1) >>> 0;
  }
  return [c0, c1, c2, c3];
}

/** Uniform on (0, 1) from the top 23 bits; every step is exact in f32, as in the shader. */
export function uniformOpen01(x: number): number {
  return ((x >>> 9) + 0.5) / 8388608;
}

/** Box–Muller in f32 semantics (to rounding of the transcendental functions). */
export function boxMuller(a: number, b: number): [number, number] {
  const f = Math.fround;
  const r = f(Math.sqrt(f(-2 * f(Math.log(uniformOpen01(a))))));
  const theta = f(6.283185307179586 * uniformOpen01(b));
  return [f(r * f(Math.cos(theta))), f(r * f(Math.sin(theta)))];
}

/** Counter streams, as in shaders/posterior.wgsl. */
export const Stream = { noise: 0, accept: 1, init: 2, redraw: 3 } as const;

/** A 64-bit seed as the (lo, hi) Philox key. Seeds are non-negative integers below 2^53. */
export function seedKey(seed: number): [number, number] {
  if (!Number.isSafeInteger(seed) || seed < 0)
    throw new RangeError(`seed must be a non-negative integer, got ${seed}`);
  return [(seed % 2 ** 32) >>> 0, Math.floor(seed / 2 ** 32) >>> 0];
}

/** D standard normals for (walker, step, stream), laid out exactly as draw_normals() in WGSL. */
export function drawNormals(
  key: readonly [number, number],
  walker: number,
  step: number,
  stream: number,
  dim: number,
): number[] {
  const z = new Array<number>(dim);
  for (let b = 0; b < Math.ceil(dim / 4); b++) {
    const r = philox4x32_10([walker, step, b, stream], key);
    const p0 = boxMuller(r[0], r[1]);
    const p1 = boxMuller(r[2], r[3]);
    const vals = [p0[0], p0[1], p1[0], p1[1]];
    for (let c = 0; c < 4 && 4 * b + c < dim; c++) z[4 * b + c] = vals[c];
  }
  return z;
}
