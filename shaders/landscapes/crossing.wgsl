// Analytic normal crossing: L(w) = w1^(2a) · w2^(2b), a = lp(0), b = lp(1) integers ≥ 1.
// Exact λ = 1/(2·max(a, b)); multiplicity m = 2 when a = b, else 1.
fn loss(w: Vec) -> f32 {
  return ipow(w[0], 2u * lp_int(0u)) * ipow(w[1], 2u * lp_int(1u));
}

fn grad(w: Vec) -> Vec {
  let a = lp_int(0u);
  let b = lp_int(1u);
  let xa = ipow(w[0], 2u * a - 1u);
  let yb = ipow(w[1], 2u * b - 1u);
  return Vec(f32(2u * a) * xa * ipow(w[1], 2u * b), f32(2u * b) * ipow(w[0], 2u * a) * yb);
}
