// Regular minimum: L(w) = w1² + w2². Exact λ = d/2 = 1, m = 1.
fn loss(w: Vec) -> f32 {
  return w[0] * w[0] + w[1] * w[1];
}

fn grad(w: Vec) -> Vec {
  return Vec(2.0 * w[0], 2.0 * w[1]);
}
