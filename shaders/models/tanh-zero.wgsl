// The bias-free tanh network f(x) = Σ_h a_h·tanh(b_h·x) fitted to the zero function on the grid
// x_k (calibration, src/core/landscapes/models/tanh-zero.ts): L = (1/2K) Σ_k f(x_k)², the same function as
// calibration.ts's tanhFormula, but in loops: the formula's unrolled expression for H = 3 makes the
// software Vulkan compiler run out of memory.
// Parameters: w[2h] = a_h, w[2h + 1] = b_h. Uniforms: lp(0) = H, lp(1) = K, lp(2..3) unused,
// from lp(4): x_1 … x_K.

fn tanh_x(k: u32) -> f32 {
  return lp(4u + k);
}

fn tanh_f(w: Vec, x: f32) -> f32 {
  let hs = u32(lp(0u));
  var f = 0.0;
  for (var h = 0u; h < hs; h++) { f += w[2u * h] * tanh(w[2u * h + 1u] * x); }
  return f;
}

fn loss(w: Vec) -> f32 {
  let ks = u32(lp(1u));
  var q = 0.0;
  for (var k = 0u; k < ks; k++) {
    let f = tanh_f(w, tanh_x(k));
    q += f * f;
  }
  return q / (2.0 * f32(ks));
}

fn grad(w: Vec) -> Vec {
  let hs = u32(lp(0u));
  let ks = u32(lp(1u));
  var out: Vec;
  for (var k = 0u; k < ks; k++) {
    let x = tanh_x(k);
    let f = tanh_f(w, x) / f32(ks);
    for (var h = 0u; h < hs; h++) {
      let t = tanh(w[2u * h + 1u] * x);
      out[2u * h] += f * t;
      out[2u * h + 1u] += f * w[2u * h] * (1.0 - t * t) * x;
    }
  }
  return out;
}
