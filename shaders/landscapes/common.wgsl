// Helpers shared by the built-in landscapes.

// x^k for a small non-negative integer k by repeated multiplication: exact sign for odd powers and
// no pow() domain issues at x < 0.
fn ipow(x: f32, k: u32) -> f32 {
  var r = 1.0;
  for (var i = 0u; i < k; i++) { r *= x; }
  return r;
}

// Integer exponent parameter i, clamped to at least 1.
fn lp_int(i: u32) -> u32 {
  return max(1u, u32(round(lp(i))));
}
