// Sum of powers: L(w) = w1^(2a) + w2^(2b), a = lp(0), b = lp(1) integers ≥ 1.
// Exact λ = 1/(2a) + 1/(2b), m = 1; with a flat prior nβ·E[L] = λ exactly at every n.
fn loss(w: Vec) -> f32 {
  return ipow(w[0], 2u * lp_int(0u)) + ipow(w[1], 2u * lp_int(1u));
}

fn grad(w: Vec) -> Vec {
  let a = lp_int(0u);
  let b = lp_int(1u);
  return Vec(f32(2u * a) * ipow(w[0], 2u * a - 1u), f32(2u * b) * ipow(w[1], 2u * b - 1u));
}
