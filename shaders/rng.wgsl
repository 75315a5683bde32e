// Counter-based PRNG: Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3").
// Every draw is a pure function of (counter, key), so walker i at step t gets the same numbers on
// any device, in any dispatch order, and the TypeScript twin (src/core/rng.ts) reproduces them bit
// for bit. Counter layout used throughout: (walker, step, block, stream); key = the 64-bit seed.

const PHILOX_M0: u32 = 0xD2511F53u;
const PHILOX_M1: u32 = 0xCD9E8D57u;
const PHILOX_W0: u32 = 0x9E3779B9u;
const PHILOX_W1: u32 = 0xBB67AE85u;

// Full 32x32 -> 64-bit product as (hi, lo). WGSL has no 64-bit integers, so the high word is
// assembled from 16-bit partial products (each fits in 32 bits without overflow).
fn mul_hi_lo(a: u32, b: u32) -> vec2<u32> {
  let a_lo = a & 0xFFFFu;
  let a_hi = a >> 16u;
  let b_lo = b & 0xFFFFu;
  let b_hi = b >> 16u;
  let ll = a_lo * b_lo;
  let lh = a_lo * b_hi;
  let hl = a_hi * b_lo;
  let hh = a_hi * b_hi;
  let mid = (ll >> 16u) + (lh & 0xFFFFu) + (hl & 0xFFFFu);
  let hi = hh + (lh >> 16u) + (hl >> 16u) + (mid >> 16u);
  return vec2<u32>(hi, a * b);
}

fn philox4x32_10(counter: vec4<u32>, key: vec2<u32>) -> vec4<u32> {
  var c = counter;
  var k = key;
  for (var round = 0u; round < 10u; round++) {
    let p0 = mul_hi_lo(PHILOX_M0, c.x);
    let p1 = mul_hi_lo(PHILOX_M1, c.z);
    c = vec4<u32>(p1.x ^ c.y ^ k.x, p1.y, p0.x ^ c.w ^ k.y, p0.y);
    k = k + vec2<u32>(PHILOX_W0, PHILOX_W1);
  }
  return c;
}

// Uniform on the open interval (0, 1): the top 23 bits, centred in their cell. 23, not 24: k + 0.5
// must be exact in f32 (24-bit significand), else 2^24 − 0.5 rounds up and u = 1 exactly.
fn uniform_open01(x: u32) -> f32 {
  return (f32(x >> 9u) + 0.5) * (1.0 / 8388608.0);
}

// Two independent standard normals from two uniform words (Box–Muller).
fn box_muller(a: u32, b: u32) -> vec2<f32> {
  let r = sqrt(-2.0 * log(uniform_open01(a)));
  let theta = 6.283185307179586 * uniform_open01(b);
  return vec2<f32>(r * cos(theta), r * sin(theta));
}
